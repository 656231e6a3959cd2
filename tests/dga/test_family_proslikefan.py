"""Proslikefan: reference names (200 runs spread over 2016-01-01..2020-08-28) are ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import proslikefan as fam

from .reference import assert_covered, harness_days, reference_names


def test_reference_names_are_all_generated() -> None:
    # runs are spread evenly; the rounding is unknown, so both neighbours are taken
    produced: set[str] = set()
    for day in harness_days("proslikefan", both_neighbours=True):
        produced.update(fam.generate(day, seed="prospect"))  # the script's default magic
    assert_covered(reference_names("proslikefan"), produced)


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
