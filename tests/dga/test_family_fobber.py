"""Fobber: both versions' 300 names must cover the reference names."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import fobber as fam

from .reference import assert_covered, reference_names

DAY = dt.date(2015, 6, 1)


def test_reference_names_are_all_generated() -> None:
    names = reference_names("fobber")
    produced = set(fam.generate(DAY))  # invocations "dga.py 1" and "dga.py 2"
    assert_covered(names, produced)
    assert produced == names


def test_versions() -> None:
    v1, v2 = fam.generate(DAY, variant="v1"), fam.generate(DAY, variant="v2")
    assert len(v1) == len(v2) == 300
    assert all(len(n) == 21 and n.endswith(".net") for n in v1)
    assert all(len(n) == 14 and n.endswith(".com") for n in v2)
    assert fam.generate(dt.date(2030, 1, 1)) == v1 + v2
    assert get("fobber") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="v1, v2"):
        fam.generate(DAY, variant="v3")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(DAY, seed="1")
