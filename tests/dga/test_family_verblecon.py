"""Verblecon: the reference names over 2020-2024 must all be ours."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import verblecon as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "verblecon.txt").read_text().split())
    entry = json.loads((DATA / "MANIFEST.json").read_text())["verblecon"]
    first, last = (
        dt.date.fromisoformat(re.search(r"-d (\d{4}-\d\d-\d\d)", entry[key]).group(1))
        for key in ("first_cmd", "last_cmd")
    )
    produced: set[str] = set()
    day = first
    while day <= last:  # one MD5 a day: every day is cheap
        produced.update(fam.generate(day))
        day += dt.timedelta(days=1)
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


def test_construction_and_seed() -> None:
    day = dt.date(2022, 4, 1)
    assert fam.generate(day) == [hashlib.md5(b"2022-04-01verble").hexdigest() + ".tk"]
    assert fam.generate(day, seed="other") == [hashlib.md5(b"2022-04-01other").hexdigest() + ".tk"]
    assert fam.generate(day) != fam.generate(day + dt.timedelta(days=1))
    assert get("verblecon") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="verble"):
        fam.generate(dt.date(2022, 4, 1), seed="")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2022, 4, 1), variant="x")
