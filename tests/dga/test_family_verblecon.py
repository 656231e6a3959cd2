"""Verblecon: the reference names over 2020-2024 must all be ours."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import verblecon as fam

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reference_names_are_all_generated() -> None:
    # one MD5 a day: every day of the harness's range is cheap
    produced = {
        name for day in every_day(*command_dates("verblecon")) for name in fam.generate(day)
    }
    assert_covered(reference_names("verblecon"), produced)


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
