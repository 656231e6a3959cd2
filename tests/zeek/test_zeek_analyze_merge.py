"""``dnsguard analyze`` over Zeek's logs: Zeek's NXDOMAIN_Burst notice and
analyze's own burst for the same episode are one piece of evidence with two
sources, not two bursts (which would read as a repeated burst)."""

from __future__ import annotations

import json
import subprocess
import sys

from dnsguard.testdata.office import write_office
from zeek_support import PACKAGE, run_zeek


def test_zeek_burst_and_own_burst_of_one_episode_are_merged(tmp_path):
    office = write_office(tmp_path / "office.pcap", minutes=10)
    logs = tmp_path / "logs"
    logs.mkdir()
    proc = run_zeek(["-b", "-C", "-r", str(tmp_path / "office.pcap"), str(PACKAGE)], cwd=logs)
    assert proc.returncode == 0, proc.stderr
    assert "NXDOMAIN_Burst" in (logs / "notice.log").read_text()

    out = tmp_path / "report.json"
    run = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", str(logs), "--no-forecast",
                          "--json", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    hosts = {h["host"]: h for h in json.loads(out.read_text())["hosts"]}
    nas = next(h.ip for h in office.hosts if h.family == "QSnatch")
    bursts = [e for e in hosts[nas]["evidence"] if e["kind"] == "nxdomain-burst"]
    assert len(bursts) == 1, bursts
    assert "zeek" in bursts[0]["source"] and "dnsguard" in bursts[0]["source"]
