"""Mirai 2016 DGA against the project's re-derived reference data."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get, mirai, ranbyus

from .reference import assert_covered, every_day, manifest, reference_names


def test_covers_reference_names_daily_2016_to_2026() -> None:
    assert "2016-11-01..2026-12-31" in manifest("mirai")["first_cmd"]
    days = every_day(dt.date(2016, 11, 1), dt.date(2026, 12, 31))
    got = {name for day in days for name in mirai.generate(day)}
    want = reference_names("mirai")
    assert_covered(want, got)
    assert got == want  # the data lists every name of the span


def test_tld_rule_per_seed() -> None:
    day = dt.date(2016, 12, 10)
    zero = mirai.generate(day, seed="0")
    assert [n.split(".")[1] for n in zero] == ["online", "tech", "support"]
    assert len({n.split(".")[0] for n in zero}) == 1
    x91 = mirai.generate(day, seed="0x91")
    assert len(x91) == 1 and x91[0].endswith(".online")
    assert mirai.generate(day) == zero + x91


def test_label_is_the_ranbyus_may_loop_cut_to_12() -> None:
    day = dt.date(2016, 11, 28)
    letters, _ = ranbyus.may_letters(day.day, day.month, day.year, 0x91, 14)
    assert mirai.label(day, 0x91) == letters[:12]
    assert len(mirai.label(day, 0)) == 12


def test_daily_change() -> None:
    assert mirai.generate(dt.date(2016, 12, 1)) != mirai.generate(dt.date(2016, 12, 2))
    assert mirai.generate(dt.date(2016, 12, 1)) == mirai.generate(dt.date(2016, 12, 1))


def test_registry_and_uncertainty_is_documented() -> None:
    assert get("Mirai") is mirai
    assert mirai.INFO.threat == "botnet"
    assert "APPROXIMATE" in mirai.INFO.notes


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="known: 0, 91"):
        mirai.generate(dt.date(2016, 12, 1), seed="0xZZ")
    with pytest.raises(GeneratorError, match="valid: default"):
        mirai.generate(dt.date(2016, 12, 1), variant="satori")
