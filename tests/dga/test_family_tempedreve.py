"""Tempedreve: every name the public re-implementation printed must be ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import tempedreve as fam

from .reference import assert_covered, command_dates, reference_names


def test_reference_names_are_all_generated() -> None:
    names, (first, last) = reference_names("tempedreve"), command_dates("tempedreve")
    # The script walks back from the given day, so the last invocation holds them all.
    produced = set(fam.generate(last))
    assert_covered(names, produced)
    assert fam.generate(first) == []  # 2014-01-01 lies before the DGA epoch


def test_chain_walks_back_to_epoch() -> None:
    day = dt.date(2015, 4, 2)
    names = fam.generate(day)
    assert len(names) == (day - dt.date(2015, 3, 23)).days + 1
    assert fam.generate(day + dt.timedelta(days=1))[1:] == names
    assert fam.generate(dt.date(2015, 3, 23)) == names[-1:]
    assert fam.generate(dt.date(2015, 3, 22)) == []


def test_names_have_documented_shape() -> None:
    for name in fam.generate(dt.date(2016, 1, 1)):
        label, tld = name.split(".")
        assert 7 <= len(label) <= 11 and label.isalpha() and label.islower()
        assert tld in fam.INFO.tlds


def test_deterministic_and_registered() -> None:
    day = dt.datetime(2019, 6, 1, 13, 5)
    assert fam.generate(day) == fam.generate(day.date())
    assert get("Tempedreve") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2020, 1, 1), variant="v9")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2020, 1, 1), seed="1234")
    with pytest.raises(GeneratorError):
        fam.generate("2020-01-01")  # type: ignore[arg-type]
