"""Hosts browsing today's popular Internet: no path may flag one.

tools/browsing builds 31 hosts that resolve nothing but names of two
2024/2025 popularity lists (a Tranco-style top list and Umbrella's top
10,000 host names; data/benign/README.md), 400 names each, one of them
with every random-looking name of those lists (``kbz0pwvxmv.com``,
``qvdt3feo.com``, ``8lyyu1vb4.com``, ...).  Every host is benign by
construction.  Judged per host on the whole capture, as the office capture
is, in three paths here (Zeek alone: tests/zeek/test_zeek_recent_browsing.py):

* Suricata alone: real Suricata 7.0.10 with the pack as shipped: no alert;
* ``dnsguard analyze`` on the pcap: every host ``clean``;
* ``dnsguard serve`` following that Suricata's eve.json: nothing in its
  SIEM log (no host verdict, and no name verdict that the sensors would
  alert on from then on).

Before: serve pushed ``kbz0pwvxmv.com`` and ``yg5sjx5kzy.com`` as DGA name
verdicts (2 of 31 hosts on each seed); see test_name_verdict_rule.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dnsguard.paths import suricata_rules_dir
from dnsguard.suricata import sandbox

from .test_serve_office import serve_over

SEEDS = (0, 1)


@pytest.mark.parametrize("seed", SEEDS)
def test_no_path_flags_a_host_browsing_recent_popular_names(tmp_path, seed, recent_browsing, suricata_required):
    pcap = tmp_path / "browsing.pcap"
    browsing = recent_browsing.write(pcap, seed)
    assert len(browsing.hosts) == 31 and recent_browsing.HEAVY in browsing.hosts

    # Suricata alone, the pack as shipped (EVE with dns records, for the service below).
    box = sandbox.create(tmp_path / "box", suricata_rules_dir(), log_dns=True)
    eve = sandbox.run_pcap(box, pcap)
    records = [json.loads(line) for line in eve.read_text().splitlines()]
    dns = [r for r in records if r.get("event_type") == "dns"]
    assert len({r["src_ip"] for r in dns if r["src_ip"] != "10.0.0.53"}) == 31  # Suricata saw every host
    alerts = sorted({(r["src_ip"], r["alert"]["signature"]) for r in records if r.get("event_type") == "alert"})
    assert alerts == []

    # dnsguard analyze on the pcap.
    report = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", str(pcap), "--json", str(report)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    hosts = json.loads(report.read_text())["hosts"]
    assert {h["host"] for h in hosts} == set(browsing.hosts)
    assert {h["host"]: h["verdict"] for h in hosts if h["verdict"] != "clean"} == {}
    # The random-looking names were seen and scored, not missed: the heavy host has DGA-like evidence.
    heavy = next(h for h in hosts if h["host"] == recent_browsing.HEAVY)
    assert heavy["evidence_counts"].get("dga", 0) >= 1

    # dnsguard serve following that eve.json, shipped model, no feeds.
    (tmp_path / "serve").mkdir()
    siem = serve_over(tmp_path / "serve", eve, [])
    assert [(r["source"]["ip"], r["dnsguard"]["kind"], r.get("dns", {}).get("question", {}).get("name"))
            for r in siem] == []
