"""Fosniw: both numbered patterns must cover the reference names."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import fosniw as fam

from .reference import assert_covered, reference_names

DAY = dt.date(2014, 1, 1)


def test_reference_names_are_all_generated() -> None:
    names = reference_names("fosniw")
    produced = set(fam.generate(DAY))
    assert_covered(names, produced)


def test_patterns() -> None:
    winsoft = fam.generate(DAY, variant="winsoft")
    assert winsoft[0] == "app2.winsoft0.com" and winsoft[-1] == "app2.winsoft100.com"
    assert len(winsoft) == 101
    assert fam.generate(DAY, variant="koreasys")[5] == "appx.koreasys5.com"
    assert len(fam.generate(DAY)) == 202
    assert get("fosniw") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="winsoft, koreasys"):
        fam.generate(DAY, variant="other")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(DAY, seed="x")
