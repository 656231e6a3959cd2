"""Zeek alone on whole office captures (tools/office): every infected host
gets a notice, no benign host gets one, only the NAS boxes are tagged.

The btest ``office-capture`` pins the default capture's per-host result;
this runs the same check over captures built with other seeds, so the
thresholds are not tuned to one draw of the traffic.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from dnsguard.testdata.office import write_office
from zeek_support import PACKAGE, run_zeek


def zeek_rows(path: Path) -> list[dict[str, str]]:
    """Rows of a Zeek TSV log as dicts (empty list when Zeek wrote none)."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    fields = next(line.split("\t")[1:] for line in lines if line.startswith("#fields"))
    return [dict(zip(fields, row, strict=True)) for row in csv.reader(
        (line for line in lines if not line.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE)]


@pytest.mark.parametrize("seed", [None, 1, 2])
def test_zeek_alone_flags_exactly_the_infected_hosts(seed, tmp_path):
    office = write_office(tmp_path / "office.pcap", **({} if seed is None else {"seed": seed}))
    proc = run_zeek(["-b", "-C", "-r", "office.pcap", str(PACKAGE)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr

    noticed = {row["src"] for row in zeek_rows(tmp_path / "notice.log")}
    infected = {h.ip for h in office.hosts if h.infected}
    benign = {h.ip for h in office.hosts if not h.infected}
    assert len(benign) >= 30 and len(infected) == 6
    assert infected <= noticed, f"missed: {sorted(infected - noticed)}"
    assert not (noticed & benign), f"benign hosts with notices: {sorted(noticed & benign)}"

    tags = {row["host"]: row["device"] for row in zeek_rows(tmp_path / "dnsguard.log")
            if row["detection"] == "device_tag"}
    nas = {h.ip: h.device for h in office.hosts if h.device and h.device.startswith("nas-")}
    assert tags == nas
