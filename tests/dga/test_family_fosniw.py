"""Fosniw: both numbered patterns must cover the reference names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import fosniw as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"
DAY = dt.date(2014, 1, 1)


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "fosniw.txt").read_text().split())
    produced = set(fam.generate(DAY))
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


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
