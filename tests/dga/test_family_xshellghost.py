"""XshellGhost: 360 Netlab's monthly names must all be ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import xshellghost as fam

from .reference import assert_covered, command_unix_dates, month_starts, reference_names


def _months() -> list[dt.date]:
    return month_starts(*command_unix_dates("xshellghost"))


def test_reference_names_are_all_generated() -> None:
    produced = {name for month in _months() for name in fam.generate(month)}
    assert_covered(reference_names("xshellghost"), produced)
    assert len(produced) == len(_months())  # 96 months, 96 different names


def test_shape_and_period() -> None:
    for month in _months():
        (name,) = fam.generate(month)
        label, tld = name.split(".")
        assert tld == "com" and 10 <= len(label) <= 15 and label.isalpha()
    assert fam.generate(dt.date(2017, 8, 1)) == fam.generate(dt.date(2017, 8, 31))
    assert get("ShadowPad") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2017, 8, 1), seed="1")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2017, 8, 1), variant="x")
