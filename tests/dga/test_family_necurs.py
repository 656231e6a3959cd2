"""Necurs generator against the reference script data and Bader's example list."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get, necurs

from .reference import assert_covered, harness_days, reference_names


def _scalar(seq: int, magic: int, day: dt.date) -> str:
    """One name the slow, obvious way (module's scalar mixing function)."""
    mix = necurs._mix
    n = mix(day.year)
    n = mix(n + day.month + 43690)
    n = mix(n + (day.day >> 2))
    n = mix(n + seq)
    n = mix(n + magic)
    label = ""
    for i in range(n % 15 + 7):
        n = mix(n + i)
        label += chr(n % 25 + 97)
        n = mix((n + 0xABBEDF) & (2**64 - 1))
    return f"{label}.{necurs._TLDS[n % 43]}"


def test_covers_reference_names() -> None:
    """n_invocations dates spread evenly between the first and last command."""
    got = {name for day in harness_days("necurs") for name in necurs.generate(day)}
    assert_covered(reference_names("necurs"), got)


def test_example_list_of_2015_08_28() -> None:
    names = necurs.generate(dt.date(2015, 8, 28))
    assert names[:4] == [
        "nccojqvabqvkiwhj.mx",
        "hoedwwwywnmmbi.ac",
        "aeaeneaoinf.mu",
        "ccecggc.us",
    ]
    assert len(names) == 2048


def test_lanes_match_scalar_definition() -> None:
    day = dt.date(2019, 2, 13)
    names = necurs.names(day, 9, 64)
    for seq in (0, 1, 17, 63):
        assert names[seq] == _scalar(seq, 9, day)


def test_sets_follow_day_quarters() -> None:
    assert necurs.generate(dt.date(2018, 5, 4)) == necurs.generate(dt.date(2018, 5, 7))
    assert necurs.generate(dt.date(2018, 5, 1)) == necurs.generate(dt.date(2018, 5, 3))
    assert set(necurs.generate(dt.date(2018, 5, 7))).isdisjoint(
        necurs.generate(dt.date(2018, 5, 8))
    )


def test_other_magic_number() -> None:
    day = dt.date(2018, 5, 4)
    other = necurs.generate(day, seed="7")
    assert other[0] == _scalar(0, 7, day)
    assert set(other).isdisjoint(necurs.generate(day))


def test_registry() -> None:
    assert get("Necurs") is necurs
    assert necurs.INFO.threat == "botnet"


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="known: 9"):
        necurs.generate(dt.date(2018, 5, 4), seed="nine")
    with pytest.raises(GeneratorError, match="valid: default"):
        necurs.generate(dt.date(2018, 5, 4), variant="x")
