"""Bamital: reference names (every 3 days from 2010-01-01) must all be ours."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import bamital as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _harness_days() -> list[dt.date]:
    """Manifest note: 'every 3 days from 2010-01-01'; the count is not recorded."""
    entry = json.loads((DATA / "MANIFEST.json").read_text())["bamital"]
    match = re.search(r"every (\d+) days from (\d{4}-\d\d-\d\d)", entry["note"])
    step, start = int(match.group(1)), dt.date.fromisoformat(match.group(2))
    # A run starts at A-J and ends at K-Z, 14 letters on average, so 13789 unique
    # names mean about 985 invocations: 1000 steps (to 2018-03-17) cover them.
    count = -(-entry["unique_generated"] // 14) + 15
    return [start + dt.timedelta(days=step * i) for i in range(count)]


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "bamital.txt").read_text().split())
    produced: set[str] = set()
    for day in _harness_days():
        produced.update(fam.generate(day))
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


def test_construction() -> None:
    names = fam.generate(dt.date(2011, 7, 4))
    assert len(names) == 26
    assert names[0] == hashlib.md5(b"A2011-07-04").hexdigest() + ".org"
    assert names[-1] == hashlib.md5(b"Z2011-07-04").hexdigest() + ".org"
    assert all(re.fullmatch(r"[0-9a-f]{32}\.org", n) for n in names)


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2012, 2, 29)
    assert fam.generate(day) == fam.generate(dt.datetime(2012, 2, 29, 1))
    assert fam.generate(day) != fam.generate(day + dt.timedelta(days=1))
    assert get("BAMITAL") is fam
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="x")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(day, seed="A")
