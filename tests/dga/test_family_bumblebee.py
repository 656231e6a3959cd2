"""Bumblebee: reference names (dated runs 2022-01 to 2023-03) and the static examples."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import bumblebee as fam

from .reference import assert_covered, command_dates, month_starts, reference_names


def test_reference_names_are_all_generated() -> None:
    names = reference_names("bumblebee")
    months = month_starts(*command_dates("bumblebee"))
    produced = {name for month in months for name in fam.generate(month, variant="monthly")}
    assert_covered(names, produced)
    assert len(names) == 100 * len(months)  # one distinct set per month


def test_static_variant_matches_published_examples() -> None:
    # first names of the reference's example_domains.txt (static DGA, magic TEST_SEE)
    names = fam.generate(dt.date(2022, 6, 1), variant="static")
    assert names[:5] == [
        "cmid1s1zeiu.life",
        "itszko2ot5u.life",
        "3v1n35i5kwx.life",
        "newdnq1xnl9.life",
        "jkyj6awt1ao.life",
    ]
    assert names[-1] == "zcf8nrpzrqk.life"
    assert names == fam.generate(dt.date(2030, 1, 1), variant="static")


def test_variants_and_periods() -> None:
    jan, feb = dt.date(2022, 1, 10), dt.date(2022, 2, 10)
    assert fam.generate(jan, variant="monthly") == fam.generate(
        dt.date(2022, 1, 31), variant="monthly"
    )
    assert fam.generate(jan, variant="monthly") != fam.generate(feb, variant="monthly")
    assert fam.generate(jan, variant="zeroed") == fam.generate(feb, variant="zeroed")
    every = fam.generate(jan)
    assert len(every) == 300
    for name in every:
        label, tld = name.split(".")
        assert tld == "life" and len(label) == 11 and re.fullmatch(r"[a-z0-9]+", label)


def test_seed_changes_names_and_bad_arguments() -> None:
    day = dt.date(2022, 5, 5)
    assert fam.generate(day, seed="TEST_SEE") == fam.generate(day)
    assert set(fam.generate(day, seed="OTHERSEE")).isdisjoint(fam.generate(day))
    for bad in ("", "TOO_LONG_MAGIC", "ümlaut"):
        with pytest.raises(GeneratorError, match="TEST_SEE"):
            fam.generate(day, seed=bad)
    with pytest.raises(GeneratorError, match="static, zeroed, monthly"):
        fam.generate(day, variant="hourly")
    assert get("BumbleBee") is fam
