"""Ramdo: the reference list (loop extended to 6000) and seed handling."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, ramdo

from .reference import assert_covered, manifest, reference_names


def test_reproduces_reference_names() -> None:
    note = manifest("ramdo")["note"]
    seed = re.search(r"seed 0x([0-9A-Fa-f]+)", note).group(1)
    count = int(re.search(r"to (\d+)", note).group(1))
    assert_covered(reference_names("ramdo"), ramdo.names(seed, count))


def test_names_are_sixteen_letters_and_date_independent() -> None:
    names = ramdo.generate(dt.date(2014, 5, 5))
    assert names == ramdo.generate(dt.date(2020, 1, 1))
    assert len(names) == 1000
    assert all(re.fullmatch(r"[a-z]{16}\.org", n) for n in names)


def test_other_seed_other_names() -> None:
    assert set(ramdo.names("D5FFF", 20)).isdisjoint(ramdo.names("12345", 20))


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="D5FFF"):
        ramdo.generate(dt.date(2014, 1, 1), seed="xyz")
    with pytest.raises(GeneratorError, match="out of range"):
        ramdo.generate(dt.date(2014, 1, 1), seed="0")
    with pytest.raises(GeneratorError, match="valid: default"):
        ramdo.generate(dt.date(2014, 1, 1), variant="v2")


def test_registered() -> None:
    assert families.get("Ramdo") is ramdo
