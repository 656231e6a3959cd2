"""Sisron: reference names over 2014-2022 must all be ours."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import sisron as fam

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reference_names_are_all_generated() -> None:
    # 600 invocations over nine years: every day is a superset
    produced = {name for day in every_day(*command_dates("sisron")) for name in fam.generate(day)}
    assert_covered(reference_names("sisron"), produced)


def test_names_published_by_sophos() -> None:
    # Quoted in Bader's write-up: dates 15-24 February 2012 under .com and .org.
    published = [
        "mjawmjiwmtia.com", "mjawmjiwmtia.org", "mjewmjiwmtia.com", "mjewmjiwmtia.org",
        "mjiwmjiwmtia.com", "mjiwmjiwmtia.org", "mjmwmjiwmtia.com", "mjmwmjiwmtia.org",
        "mjqwmjiwmtia.com", "mjqwmjiwmtia.org", "mtcwmjiwmtia.com", "mtcwmjiwmtia.org",
        "mtgwmjiwmtia.com", "mtgwmjiwmtia.org", "mtkwmjiwmtia.com", "mtkwmjiwmtia.org",
        "mtuwmjiwmtia.com", "mtywmjiwmtia.com", "mtywmjiwmtia.org",
    ]  # fmt: skip
    names = set(fam.generate(dt.date(2012, 2, 24)))
    assert set(published) <= names
    assert not set(published) <= set(fam.generate(dt.date(2012, 2, 25)))


def test_encoding_and_order() -> None:
    names = fam.generate(dt.date(2015, 2, 3))
    assert len(names) == 40
    expected = base64.b64encode(b"03022015").decode().lower().replace("=", "a")
    assert names[0] == expected + ".com"
    assert names[10] == expected + ".org" and names[30] == expected + ".info"
    # the tenth name of each TLD is nine days back
    back = base64.b64encode(b"25012015").decode().lower().replace("=", "a")
    assert names[9] == back + ".com"


def test_window_slides_by_one_day() -> None:
    today = fam.generate(dt.date(2020, 5, 10))
    tomorrow = fam.generate(dt.date(2020, 5, 11))
    assert len(set(tomorrow) - set(today)) == 4


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2016, 12, 31)
    assert fam.generate(day) == fam.generate(dt.datetime(2016, 12, 31, 12))
    assert get("sisron") is fam
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="b")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(day, seed="1")
