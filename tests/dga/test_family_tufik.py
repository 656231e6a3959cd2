"""Tufik: the reference names over the documented date range must all be ours."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import tufik as fam

from .reference import assert_covered, command_dates, every_day, reference_names


def test_reference_names_are_all_generated() -> None:
    # 20 invocations spread over the range: every day is a superset
    produced = {name for day in every_day(*command_dates("tufik")) for name in fam.generate(day)}
    assert_covered(reference_names("tufik"), produced)


def test_shape_and_tld_cycle() -> None:
    names = fam.generate(dt.date(2021, 3, 4))
    assert len(names) == fam.INFO.names_per_period
    assert [n.split(".", 1)[1] for n in names[:6]] == ["biz", "com", "net", "org", "info", "biz"]
    # consecutive counters share one digest, so names 0/1, 2/3... share their label
    assert names[2].split(".")[0] == names[3].split(".")[0]
    assert names[0].split(".")[0] != names[2].split(".")[0]
    for name in names:
        assert name.split(".")[0].isalpha()


def test_seed_handling() -> None:
    day = dt.date(2018, 2, 3)
    assert fam.generate(day, seed="997722ED") == fam.generate(day)
    assert fam.generate(day, seed="0x997722ed") == fam.generate(day)
    assert set(fam.generate(day, seed="12345678")).isdisjoint(fam.generate(day))
    with pytest.raises(GeneratorError, match="997722ED"):
        fam.generate(day, seed="not-hex")
    with pytest.raises(GeneratorError, match="997722ED"):
        fam.generate(day, seed="1FFFFFFFF")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="v2")


def test_deterministic_and_day_dependent() -> None:
    day = dt.date(2018, 6, 12)
    assert fam.generate(day) == fam.generate(dt.datetime(2018, 6, 12, 23, 59))
    assert fam.generate(day) != fam.generate(day + dt.timedelta(days=1))
    assert get("tufik") is fam
