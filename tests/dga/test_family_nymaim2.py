"""Nymaim2: reference names over the documented range, window and word lists."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, nymaim2

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reproduces_reference_names() -> None:
    first, last = command_dates("nymaim2")
    # Every invocation covers its day and the ten before: naming every day of
    # the range once is a cheap superset of all invocations.
    produced: set[str] = set()
    for day in every_day(first - dt.timedelta(days=10), last):
        yday = day.timetuple().tm_yday - 1
        produced.update(nymaim2.names_for_day_number(day.year, yday))
    # Early-January invocations also use negative day numbers of the same year.
    for year in range(first.year, last.year + 1):
        for yday in range(-10, 0):
            produced.update(nymaim2.names_for_day_number(year, yday))
    assert_covered(reference_names("nymaim2"), produced)


def test_window_is_today_and_ten_days_back() -> None:
    day = dt.date(2018, 6, 15)
    names = nymaim2.generate(day)
    yday = day.timetuple().tm_yday - 1
    assert names[:64] == nymaim2.names_for_day_number(2018, yday)
    assert set(nymaim2.names_for_day_number(2018, yday - 10)) <= set(names)
    assert not set(nymaim2.names_for_day_number(2018, yday - 11)) <= set(names)
    assert not set(nymaim2.names_for_day_number(2018, yday + 1)) <= set(names)


def test_early_january_counts_back_into_negative_days() -> None:
    names = set(nymaim2.generate(dt.date(2019, 1, 2)))
    assert set(nymaim2.names_for_day_number(2019, -9)) <= names
    assert not set(nymaim2.names_for_day_number(2018, 364)) <= names


def test_word_lists_are_the_published_sorted_lists() -> None:
    for name in ("firstword", "secondword"):
        words = nymaim2.wordlist(name)
        assert list(words) == sorted(set(words)), name
    assert nymaim2.wordlist("firstword")[0] == "reaches"
    assert nymaim2.wordlist("secondword")[-1] == "reached"
    assert set(nymaim2.wordlist("tld")) == set(nymaim2.INFO.tlds)


def test_shape_and_determinism() -> None:
    names = nymaim2.generate(dt.date(2017, 3, 3))
    assert names == nymaim2.generate(dt.date(2017, 3, 3))
    assert all(re.fullmatch(r"[a-z]+-?[a-z]+\.[a-z]+", n) for n in names)
    assert any("-" in n for n in names) and any("-" not in n for n in names)


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="3138C81ED54AD5F8E905555A6623C9C9"):
        nymaim2.generate(dt.date(2018, 1, 1), seed="xyz")
    with pytest.raises(GeneratorError, match="valid: default"):
        nymaim2.generate(dt.date(2018, 1, 1), variant="v1")
    day = dt.date(2018, 1, 1)
    assert nymaim2.generate(day, seed="0" * 32) != nymaim2.generate(day)


def test_registered() -> None:
    assert families.get("nymaim2") is nymaim2
    assert families.get("nymaim") is not nymaim2
