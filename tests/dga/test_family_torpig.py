"""Torpig: the dga-collection names (daily from 2008-01-01) must all be ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import torpig as fam

from .reference import assert_covered, every_day, manifest, reference_names


def test_reference_names_are_all_generated() -> None:
    assert "daily from 2008-01-01" in manifest("torpig")["note"]
    # 14538 unique names at three a day reach into 2021; 2022 is a safe upper bound.
    days = every_day(dt.date(2008, 1, 1), dt.date(2022, 12, 31))
    produced = {name for day in days for name in fam.generate(day)}
    assert_covered(reference_names("torpig"), produced)


def test_label_layout() -> None:
    for offset in range(0, 366, 7):
        day = dt.date(2008, 1, 1) + dt.timedelta(days=offset)
        for name in fam.generate(day, variant="paper"):
            label, tld = name.split(".")
            assert len(label) == 9 and label[1] == "h" and label[4] == "x"
            assert label.endswith(fam._SUFFIXES[day.month - 1])
            assert tld in ("com", "net", "biz")


def test_readings_differ_only_where_the_condition_does() -> None:
    for dom in range(1, 24):
        day = dt.date(2008, 3, dom)
        assert fam.generate(day, variant="paper") == fam.generate(day, variant="transcribed")
        assert len(fam.generate(day)) == 3
    # days 24-28: the paper gives a digit, the transcription a letter
    paper = fam.generate(dt.date(2008, 3, 25), variant="paper")
    transcribed = fam.generate(dt.date(2008, 3, 25), variant="transcribed")
    assert paper[0][5] == "6" and transcribed[0][5].isalpha()
    assert fam.generate(dt.date(2008, 3, 25)) == paper + transcribed
    # day 29 in the transcription would put ':' in the label: skipped
    assert fam.generate(dt.date(2008, 3, 29), variant="transcribed") == []
    assert len(fam.generate(dt.date(2008, 3, 29))) == 3


def test_clock_before_2007_is_clamped() -> None:
    assert fam.generate(dt.date(2005, 5, 5)) == fam.generate(dt.date(2007, 5, 5))


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2009, 1, 20)
    assert fam.generate(day) == fam.generate(day)
    assert get("sinowal") is fam
    with pytest.raises(GeneratorError, match="paper, transcribed"):
        fam.generate(day, variant="weekly")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(day, seed="x")
