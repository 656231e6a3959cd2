"""``dnsguard analyze`` on whole office captures (tools/office, real
Suricata inside): every infected host is compromised, no benign host is
flagged at all, with and without the known-DGA forecast."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dnsguard.testdata.office import write_office


@pytest.mark.parametrize("seed,forecast", [(None, True), (1, False)], ids=["default-seed", "seed1-no-forecast"])
def test_analyze_flags_exactly_the_infected_hosts(seed, forecast, tmp_path):
    office = write_office(tmp_path / "office.pcap", **({} if seed is None else {"seed": seed}))
    out = tmp_path / "report.json"
    cmd = [sys.executable, "-m", "dnsguard", "analyze", str(tmp_path / "office.pcap"), "--json", str(out)]
    if not forecast:
        cmd.append("--no-forecast")
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    verdicts = {h["host"]: h["verdict"] for h in json.loads(out.read_text())["hosts"]}
    for host in office.hosts:
        got = verdicts.get(host.ip, "clean")
        if host.infected:
            assert got == "compromised", f"{host.ip} ({host.role}, {host.family}): {got}"
        else:
            assert got == "clean", f"benign {host.ip} ({host.role}): {got}"
