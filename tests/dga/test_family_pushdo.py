"""Pushdo: reference names for kz_v1..kz_v3, the day window, andrewaeva structure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, pushdo

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reproduces_reference_names() -> None:
    days = every_day(*command_dates("pushdo"))  # the documented commands' range
    # A date's window covers 30 days back and 14 ahead: name every day number
    # those windows touch once instead of regenerating overlapping windows.
    numbers = range(pushdo.day_number(days[0]) - 30, pushdo.day_number(days[-1]) + 15)
    produced: set[str] = set()
    for variant in ("kz_v1", "kz_v2", "kz_v3"):
        for number in numbers:
            produced.update(pushdo.names_for_number(number, variant))
    assert_covered(reference_names("pushdo"), produced)


def test_window_is_thirty_days_back_to_fourteen_ahead() -> None:
    day = dt.date(2013, 5, 20)
    names = pushdo.generate(day, variant="kz_v1")
    assert len(names) == 45 * 30
    base = pushdo.day_number(day)
    assert names[:30] == pushdo.names_for_number(base, "kz_v1")
    assert set(pushdo.names_for_number(base - 30, "kz_v1")) <= set(names)
    assert set(pushdo.names_for_number(base + 14, "kz_v1")) <= set(names)
    assert set(pushdo.names_for_number(base + 15, "kz_v1")).isdisjoint(names)


def test_day_number_keeps_the_sample_quirks() -> None:
    # February..current month are summed, January never: 1 Feb counts 28 days
    # of February (2013 is not leap) on top of the day.
    jan = pushdo.day_number(dt.date(2013, 1, 31))
    feb = pushdo.day_number(dt.date(2013, 2, 1))
    assert feb - jan == 1 - 31 + 28
    assert (
        pushdo.day_number(dt.date(2100, 3, 1)) - pushdo.day_number(dt.date(2100, 2, 28))
        == 1 - 28 + 31
    )


def test_variants_and_tlds() -> None:
    day = dt.date(2013, 6, 1)
    assert all(n.endswith(".com") for n in pushdo.generate(day, variant="com_v1"))
    for variant in ("kz_v1", "kz_v2", "kz_v3"):
        names = pushdo.generate(day, variant=variant)
        assert all(re.fullmatch(r"[a-z]{9,12}\.kz", n) for n in names)
    v1 = {n.split(".")[0] for n in pushdo.generate(day, variant="kz_v1")}
    assert v1 == {n.split(".")[0] for n in pushdo.generate(day, variant="com_v1")}
    assert v1.isdisjoint(pushdo.generate(day, variant="kz_v3"))


def test_andrewaeva_names_share_the_syllable_structure() -> None:
    """That re-implementation draws a random day term, so only the word
    structure can be compared: consonant-vowel(-letter) syllables cut to a
    fixed length, which may leave a lone consonant at the end."""
    structure = re.compile(r"(?:[b-df-hj-np-tv-z][aeiou][a-z]?)+[b-df-hj-np-tv-z]?")
    theirs = [n.removesuffix(".ru") for n in sorted(reference_names("pushdo_andrewaeva"))]
    ours = [n.split(".")[0] for n in pushdo.generate(dt.date(2013, 6, 1), variant="com_v1")]
    assert all(structure.fullmatch(label) for label in theirs)
    assert all(structure.fullmatch(label) for label in ours)
    # Both draw their first letter from the same 19 consonants (no 'z').
    assert {label[0] for label in theirs} == {label[0] for label in ours}


def test_deterministic() -> None:
    day = dt.date(2013, 7, 1)
    assert pushdo.generate(day) == pushdo.generate(day)


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="kz_v1, com_v1, kz_v2, kz_v3"):
        pushdo.generate(dt.date(2013, 1, 1), variant="kz_v9")
    with pytest.raises(GeneratorError, match="no seed"):
        pushdo.generate(dt.date(2013, 1, 1), seed="1")


def test_registered_under_aliases() -> None:
    assert families.get("cutwail") is pushdo
