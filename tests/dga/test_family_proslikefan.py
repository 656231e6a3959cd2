"""Proslikefan: reference names (200 runs spread over 2016-01-01..2020-08-28) are ours."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import proslikefan as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _harness_days() -> list[dt.date]:
    """Runs are spread evenly; the rounding is unknown, so both neighbours are taken."""
    entry = json.loads((DATA / "MANIFEST.json").read_text())["proslikefan"]
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
    names = set((DATA / "proslikefan.txt").read_text().split())
    produced: set[str] = set()
    for day in _harness_days():
        produced.update(fam.generate(day, seed="prospect"))  # the script's default magic
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


def test_hash_is_signed_32_bit() -> None:
    assert fam._hash("") == 0
    assert fam._hash("a") == 97
    assert fam._hash("ab") == 97 * 31 + 98
    # wraps like a C int and takes the absolute value of the negative result
    text = "zzzzzzzzzzzzzzzz"
    h = 0
    for ch in text:
        h = (h * 31 + ord(ch)) % 2**32
    signed = h - 2**32 if h >= 2**31 else h
    assert fam._hash(text) == abs(signed)


def test_shape_and_order() -> None:
    names = fam.generate(dt.date(2017, 4, 1), seed="prospect")
    assert len(names) == 100
    assert [n.split(".", 1)[1] for n in names[:10]] == list(fam.INFO.tlds)
    for name in names:
        label = name.split(".")[0]
        assert 6 <= len(label) <= 12 and label.isalpha()
    both = fam.generate(dt.date(2017, 4, 1))
    assert both[:100] == names and len(both) == 200


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2018, 8, 8)
    assert fam.generate(day) == fam.generate(dt.datetime(2018, 8, 8, 8))
    assert fam.generate(day) != fam.generate(day + dt.timedelta(days=1))
    assert get("proslikefan") is fam
    with pytest.raises(GeneratorError, match="prospect, OK"):
        fam.generate(day, seed="")
    with pytest.raises(GeneratorError, match="prospect, OK"):
        fam.generate(day, seed="caf\u00e9")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="v2")
