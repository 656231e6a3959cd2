"""Unnamed JavaScript DGA: reference names (300 runs over 2016-2024) are ours."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get, proslikefan
from dnsguard.dga.families import unnamed_javascript as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _harness_days() -> list[dt.date]:
    """Runs are spread evenly; the rounding is unknown, so both neighbours are taken."""
    entry = json.loads((DATA / "MANIFEST.json").read_text())["unnamed_javascript"]
    first, last = (
        dt.date.fromisoformat(re.search(r"-d (\d{4}-\d\d-\d\d)", entry[key]).group(1))
        for key in ("first_cmd", "last_cmd")
    )
    runs, span = entry["n_invocations"], (last - first).days
    offsets = set()
    for i in range(runs):
        exact = i * span / (runs - 1)
        offsets.update((math.floor(exact), math.ceil(exact)))
    return [first + dt.timedelta(days=k) for k in sorted(offsets)]


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "unnamed_javascript.txt").read_text().split())
    produced: set[str] = set()
    for day in _harness_days():
        produced.update(fam.generate(day))
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


def test_shares_proslikefan_construction_but_not_its_names() -> None:
    day = dt.date(2019, 3, 3)
    names = fam.generate(day)
    assert len(names) == 30
    assert [n.split(".")[1] for n in names[:3]] == ["cc", "co", "eu"]
    # same hash, same seed "OK": the .eu names coincide with Proslikefan's "OK" .eu names
    eu = {n for n in names if n.endswith(".eu")}
    assert eu <= set(proslikefan.generate(day, seed="OK"))
    assert not {n for n in names if not n.endswith(".eu")} & set(proslikefan.generate(day))
    assert get("unnamed_javascript") is fam


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2019, 3, 3)
    assert fam.generate(day) == fam.generate(dt.datetime(2019, 3, 3, 3))
    assert fam.generate(day, seed="OK") == fam.generate(day)
    with pytest.raises(GeneratorError, match="OK"):
        fam.generate(day, seed="")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="x")
