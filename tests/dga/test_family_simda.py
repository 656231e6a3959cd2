"""Simda: the reference list (loop extended to 6000) and seed handling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, simda

from .reference import assert_covered, manifest, reference_names


def test_reproduces_reference_names() -> None:
    count = int(re.search(r"(\d+) iterations", manifest("simda")["note"]).group(1))
    assert_covered(reference_names("simda"), simda.names(count=count))


def test_generate_is_the_fixed_list_whatever_the_day() -> None:
    names = simda.generate(dt.date(2014, 1, 1))
    assert names == simda.generate(dt.date(2015, 3, 3))
    assert names == simda.names()[: len(names)]
    assert all(re.fullmatch(r"[qwrtpsdfghjklzxcvbnm][eyuioa][a-z]{5}\.com", n) for n in names)


def test_key_enters_only_through_its_byte_sum() -> None:
    # "ab" and "ba" have the same byte sum; a different base shifts the list.
    assert simda.names("45AE94B2:ab", 50) == simda.names("45AE94B2:ba", 50)
    assert simda.names("45AE94B2:ab", 50) != simda.names("45AE94B3:ab", 50)


def test_bad_arguments_raise_generator_error() -> None:
    for bad in ("nokey", "zz:key", ":key", "45AE94B2:"):
        with pytest.raises(GeneratorError, match="45AE94B2:1676d5775e05c50b46baa5579d4fc7"):
            simda.generate(dt.date(2014, 1, 1), seed=bad)
    with pytest.raises(GeneratorError, match="valid: default"):
        simda.generate(dt.date(2014, 1, 1), variant="x")


def test_registered_under_aliases() -> None:
    assert families.get("shiz") is simda
