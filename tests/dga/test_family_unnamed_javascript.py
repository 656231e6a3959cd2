"""Unnamed JavaScript DGA: reference names (300 runs over 2016-2024) are ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get, proslikefan
from dnsguard.dga.families import unnamed_javascript as fam

from .reference import assert_covered, harness_days, reference_names


def test_reference_names_are_all_generated() -> None:
    # runs are spread evenly; the rounding is unknown, so both neighbours are taken
    days = harness_days("unnamed_javascript", both_neighbours=True)
    produced = {name for day in days for name in fam.generate(day)}
    assert_covered(reference_names("unnamed_javascript"), produced)


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
