"""Suppobox: reference names for word sets 1-3 and a published sample run."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, suppobox

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reproduces_reference_names() -> None:
    days = every_day(*command_dates("suppobox"))
    produced = {name for day in days for name in suppobox.generate(day)}
    assert_covered(reference_names("suppobox"), produced)


def test_published_run_of_word_set_3() -> None:
    """The first names of a word-set-3 sample's traffic (Bader's
    example_domains3) are consecutive counters of the generator."""
    published = [
        "mariabellachauncey.net",
        "alexandrinagretchen.net",
        "mariabellagretchen.net",
        "alexandrinacalanthe.net",
        "mariabellacalanthe.net",
        "alexandrinaashleigh.net",
    ]
    # Only the 15 low counter bits matter: find the counter that starts the run.
    counters = [c for c in range(1 << 15) if suppobox.name_for_counter(c, "set3") == published[0]]
    assert counters, "the first published name is not produced by any counter"
    moment = dt.datetime.fromtimestamp(counters[0] * 512, dt.UTC)
    assert suppobox.names_at(moment, "set3")[: len(published)] == published


def test_day_union_covers_every_step() -> None:
    day = dt.date(2013, 3, 3)
    names = set(suppobox.generate(day, variant="set1"))
    for minute in range(0, 24 * 60, 37):
        moment = dt.datetime(2013, 3, 3) + dt.timedelta(minutes=minute)
        assert set(suppobox.names_at(moment, "set1")) <= names
    assert len(names) <= 86400 // 512 + 1 + 85


def test_word_lists_and_shape() -> None:
    for variant in suppobox.INFO.variants:
        assert len(suppobox.words(variant)) == 384
    names = suppobox.generate(dt.date(2014, 2, 2), variant="set2")
    assert all(re.fullmatch(r"[a-z]+\.net", n) for n in names)
    assert suppobox.generate(dt.date(2014, 2, 2)) == suppobox.generate(dt.date(2014, 2, 2))


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="set1, set2, set3"):
        suppobox.generate(dt.date(2013, 1, 1), variant="4")
    with pytest.raises(GeneratorError, match="no seed"):
        suppobox.generate(dt.date(2013, 1, 1), seed="x")


def test_registered() -> None:
    assert families.get("suppobox") is suppobox
