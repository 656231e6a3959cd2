"""Symmi: reference names over every half-month of the documented range."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, symmi

from .reference import assert_covered, command_dates, reference_names


def test_reproduces_reference_names() -> None:
    first, last = command_dates("symmi")
    produced: set[str] = set()
    for year in range(first.year, last.year + 1):
        for month in range(1, 13):
            for day in (1, 16):  # the two name sets of every month
                produced.update(symmi.generate(dt.date(year, month, day)))
    assert_covered(reference_names("symmi"), produced)


def test_half_month_periods() -> None:
    def gen(d: int) -> list[str]:
        return symmi.generate(dt.date(2015, 1, d))

    assert gen(1) == gen(15)
    assert gen(16) == gen(31)
    assert gen(15) != gen(16)


def test_shape() -> None:
    names = symmi.generate(dt.date(2016, 8, 20))
    assert len(names) == 64
    for name in names:
        label = name.removesuffix(".ddns.net")
        assert 8 <= len(label) <= 15
        assert "y" not in label and "z" not in label
        vowels = [ch in "aeiou" for ch in label]
        # letters alternate class within each pair (i even, i+1)
        assert all(vowels[i] != vowels[i + 1] for i in range(0, len(label) - 1, 2))


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="42"):
        symmi.generate(dt.date(2015, 1, 1), seed="forty-two")
    with pytest.raises(GeneratorError, match="valid: default"):
        symmi.generate(dt.date(2015, 1, 1), variant="b")
    assert symmi.generate(dt.date(2015, 1, 1), seed="42") == symmi.generate(dt.date(2015, 1, 1))
    assert symmi.generate(dt.date(2015, 1, 1), seed="43") != symmi.generate(dt.date(2015, 1, 1))


def test_registered_under_aliases() -> None:
    assert families.get("MewsSpy") is symmi
