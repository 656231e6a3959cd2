"""Zeek with ``dnsguard serve`` on whole office captures: the deployed pair.

Zeek 7.0.11 reads the office capture with the package, sends its candidates
over the Broker WebSocket to a real ``dnsguard serve`` (shipped model, no
feeds) and waits until the service has answered them all
(``scorer_link_offline``).  Judged per host on everything the pair writes:
Zeek's notice.log (its own detections and the service's Host_Verdict /
Scorer_Verdict notices) and the service's SIEM log.  Every infected host
appears, no benign host appears anywhere, and the service's verdicts came
back into Zeek (its notices carry them).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys

import pytest
import yaml
from dnsguard.testdata.office import write_office
from test_zeek_office import zeek_rows
from zeek_support import PACKAGE, free_port, run_zeek


def zeek_with_serve(tmp_path, pcap: str) -> tuple[int, list[dict[str, str]], list[dict]]:
    """Zeek with the package reads ``pcap`` (in ``tmp_path``) while a real
    ``dnsguard serve`` answers its candidates: (candidates sent, notice.log
    rows, the service's SIEM records)."""
    port = free_port()
    (tmp_path / "serve.yaml").write_text(yaml.safe_dump({"serve": {
        "zeek": {"url": f"ws://127.0.0.1:{port}/v1/messages/json"},
        "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"), "verdict_log": str(tmp_path / "verdicts.json"),
        "metrics": {"enabled": False}, "backoff": {"base": 0.1, "cap": 0.5},
    }}))
    serve = subprocess.Popen([sys.executable, "-m", "dnsguard", "--config", str(tmp_path / "serve.yaml"), "serve",
                              "--no-suricata"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        (tmp_path / "link.zeek").write_text(
            "redef DNSGuard::scorer_link_offline = T;\n"
            f"redef DNSGuard::scorer_port = {port}/tcp;\n"
            'event zeek_done() { print "candidates sent", DNSGuard::candidates_sent; }\n')
        zeek = run_zeek(["-b", "-C", "-r", pcap, str(PACKAGE), "link.zeek"], cwd=tmp_path, timeout=300)
        assert zeek.returncode == 0, zeek.stderr
    finally:
        serve.send_signal(signal.SIGTERM)
        _, err = serve.communicate(timeout=60)
    assert serve.returncode == 0, err
    found = re.search(r"candidates sent, (\d+)", zeek.stdout)
    assert found, zeek.stdout + zeek.stderr
    log = tmp_path / "verdicts.json"
    siem = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return int(found.group(1)), zeek_rows(tmp_path / "notice.log"), siem


@pytest.mark.parametrize("seed", [None, 1])
def test_zeek_and_serve_flag_exactly_the_infected_hosts(seed, tmp_path):
    office = write_office(tmp_path / "office.pcap", **({} if seed is None else {"seed": seed}))
    sent, notices, siem = zeek_with_serve(tmp_path, "office.pcap")
    assert sent > 100  # the link carried the capture's candidates

    from_serve = [r for r in notices if r["note"] in ("DNSGuard::Host_Verdict", "DNSGuard::Scorer_Verdict")]
    assert from_serve, "no verdict of the service came back into Zeek"

    flagged: dict[str, set[str]] = {}
    for r in notices:
        host = r["src"] if r["src"] != "-" else r["msg"].split(":", 1)[0]
        flagged.setdefault(host, set()).add(r["note"])
    for rec in siem:
        flagged.setdefault(rec["source"]["ip"], set()).add("serve:" + rec["dnsguard"]["kind"])
    hosts = {h.ip: h for h in office.hosts}
    benign = {hosts[ip].hostname: sorted(why) for ip, why in flagged.items() if ip in hosts and not hosts[ip].infected}
    assert benign == {}
    missed = [h.hostname for h in office.hosts if h.infected and h.ip not in flagged]
    assert missed == []
    # The service itself adds host verdicts for the DGA hosts (its model, not only Zeek's counters).
    served = {rec["source"]["ip"] for rec in siem if rec["dnsguard"]["kind"] == "host"}
    dga_hosts = {h.ip for h in office.hosts if h.infected and h.family in {"Locky", "Ramnit", "Zloader"}}
    assert dga_hosts <= served, sorted(dga_hosts - served)


@pytest.mark.parametrize("seed", [0, 1])
def test_zeek_and_serve_flag_no_host_browsing_recent_popular_names(seed, tmp_path, recent_browsing):
    """The pair on tools/browsing's capture (31 benign hosts browsing 2024/2025's
    popular names): nothing in notice.log, nothing in the SIEM log."""
    recent_browsing.write(tmp_path / "browsing.pcap", seed)
    sent, notices, siem = zeek_with_serve(tmp_path, "browsing.pcap")
    assert sent > 0  # Zeek did ask the service about some of these names
    assert [(r["src"], r["note"]) for r in notices] == []
    assert [(r["source"]["ip"], r["dnsguard"]["kind"]) for r in siem] == []
