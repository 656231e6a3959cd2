"""``dnsguard serve`` on whole office captures, as a user runs it.

The fourth path beside Zeek alone, Suricata alone and ``dnsguard analyze``:
real Suricata 7.0.10 with the pack as shipped (EVE with dns records and
alerts) on the office capture of ``dnsguard.testdata.office`` (38 benign
hosts doing what makes DNS detection hard, 6 infected at their real
rates), and the ``dnsguard serve`` command following that eve.json with the
shipped DGA model.  Judged per host, on everything the service writes to
its SIEM log: every infected host gets a host verdict, and no benign host
gets any verdict at all - neither a host verdict nor a name verdict for a
name it asked (a name verdict is pushed to both sensors, so it would alert
on that host from then on).

Before: the serve path missed the QSnatch NAS (its 3-6 letter names score
low; the Suricata NXDOMAIN rule that sees it was ignored) and pushed two AWS
Lambda URLs (``<32 random>.lambda-url.<region>.on.aws``) asked by the CI
server as DGA names.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from dnsguard.paths import suricata_rules_dir
from dnsguard.suricata import sandbox
from dnsguard.testdata.office import DEFAULT_SEED, write_office

from .conftest import free_port
from .test_faults import _get, _metric

SEEDS = (DEFAULT_SEED, 1, 2)


def lines_read(port: int) -> float:
    """EVE lines the service has read, -1 while its metrics endpoint is not up yet."""
    try:
        return _metric(_get(port, "/metrics")[1], "dnsguard_eve_lines_total")
    except OSError:
        return -1.0


def serve_over(root: Path, eve: Path, indicator_files: list[str]) -> list[dict]:
    """Run ``dnsguard serve`` until it has read all of ``eve``, stop it, return its SIEM log."""
    port = free_port()
    config = root / "dnsguard.yaml"
    config.write_text(yaml.safe_dump({"serve": {
        "zeek": {"enabled": False}, "suricata": {"enabled": False},
        "eve": {"files": [str(eve)], "from_end": False, "poll_interval": 0.05},
        "state_dir": str(root / "state"), "verdict_log": str(root / "verdicts.json"),
        "metrics": {"port": port}, "indicator_files": indicator_files,
    }}))
    lines = sum(1 for _ in eve.open())
    proc = subprocess.Popen([sys.executable, "-m", "dnsguard", "--config", str(config), "serve",
                             "--no-zeek", "--no-suricata"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 180
        while lines_read(port) < lines:
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline, "serve did not read the whole eve.json in time"
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)  # drains: whatever was read is decided and logged
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = root / "verdicts.json"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def office_through_serve(root: Path, seed: int, forecast: bool):
    pcap = root / "office.pcap"
    office = write_office(pcap, seed=seed)
    box = sandbox.create(root / "box", suricata_rules_dir(), log_dns=True)
    eve = sandbox.run_pcap(box, pcap)
    files = []
    if forecast:
        # What the forecast timer writes for the day (docs/feeds.md): the capture's own day.
        day = dt.datetime.fromtimestamp(office.start, dt.UTC).date().isoformat()
        subprocess.run([sys.executable, "-m", "dnsguard", "dga", "forecast", "--date", day,
                        "--days-back", "1", "--days-ahead", "1", "--output", str(root / "forecast.csv")],
                       check=True, capture_output=True, timeout=300)
        files.append(str(root / "forecast.csv"))
    records = serve_over(root, eve, files)
    per_host: dict[str, list[dict]] = {}
    for rec in records:
        per_host.setdefault(rec["source"]["ip"], []).append(rec)
    return office, per_host


@pytest.mark.parametrize("seed", SEEDS)
def test_serve_flags_exactly_the_infected_hosts(tmp_path, seed):
    office, per_host = office_through_serve(tmp_path, seed, forecast=False)
    hosts = {h.ip: h for h in office.hosts}
    benign = {hosts[ip].hostname: sorted({r["dnsguard"]["kind"] + ":" + (r.get("dns", {}).get("question", {})
                                                                         .get("name") or "") for r in recs})
              for ip, recs in per_host.items() if ip in hosts and not hosts[ip].infected}
    assert benign == {}
    unflagged = [h.hostname for h in office.hosts
                 if h.infected and not any(r["dnsguard"]["kind"] == "host" for r in per_host.get(h.ip, []))]
    assert len([h for h in office.hosts if h.infected]) == 6
    assert unflagged == []
    assert set(per_host) <= set(hosts)  # nothing on the resolver or outside the truth
    # The device type from the names the host resolved (no Zeek host_tag on this path).
    [nas] = [h for h in office.hosts if h.infected and h.family == "QSnatch"]
    last = [r for r in per_host[nas.ip] if r["dnsguard"]["kind"] == "host"][-1]
    assert last["dnsguard"]["device"] == nas.device == "nas-qnap"
    assert last["dnsguard"]["next_step"].startswith("Cut the NAS off from the internet")


def test_serve_with_the_forecast_names_qsnatch_on_the_nas(tmp_path):
    office, per_host = office_through_serve(tmp_path, DEFAULT_SEED, forecast=True)
    hosts = {h.ip: h for h in office.hosts}
    assert [hosts[ip].hostname for ip in per_host if not hosts[ip].infected] == []
    [nas] = [h for h in office.hosts if h.infected and h.family == "QSnatch"]
    verdicts = [r for r in per_host[nas.ip] if r["dnsguard"]["kind"] == "host"]
    assert verdicts, per_host[nas.ip]
    last = verdicts[-1]
    assert last["threat"]["software"]["name"] == "QSnatch" and last["dnsguard"]["threat"] == "iab"
    assert any(r["dnsguard"]["source"] == "feed:dga-forecast" for r in per_host[nas.ip] if r["dnsguard"]["kind"] == "name")
