"""Banjori: the chain from the built-in seed and its structure."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, banjori

from .reference import assert_covered, manifest, reference_names


def test_reproduces_reference_names() -> None:
    note = manifest("banjori")["note"]
    steps = int(re.search(r"iterated (\d+)x", note).group(1))
    seed = re.search(r"seed (\S+\.com)", note).group(1)
    assert_covered(reference_names("banjori"), banjori.names(seed, steps + 1))


def test_only_the_first_four_letters_change() -> None:
    names = banjori.generate(dt.date(2015, 1, 1))
    assert names[0] == "earnestnessbiophysicalohax.com"
    assert len(names) == 1000
    assert all(n[4:] == "estnessbiophysicalohax.com" for n in names[1:])
    assert all(re.fullmatch(r"[a-z]{4}", n[:4]) for n in names)


def test_successor_arithmetic() -> None:
    # On code points, wrapped as 97 + (x - 97) % 26; from "aaaa" (all 97):
    # a' = 97+(97+97-97)%26 = 't'; b' = 97+(116+2*97-97)%26 = 'f';
    # c' = 97+(116+97-1-97)%26 = 'l'; d' = 97+(102+108+97-97)%26 = 'c'.
    assert banjori.next_domain("aaaaxyz.com") == "tflcxyz.com"


def test_date_independent_and_seedable() -> None:
    assert banjori.generate(dt.date(2014, 1, 1)) == banjori.generate(dt.date(2019, 9, 9))
    own = banjori.generate(dt.date(2014, 1, 1), seed="ExampleSeedDomain.com")
    assert own[0] == "exampleseeddomain.com"
    assert all(n.endswith("pleseeddomain.com") for n in own)


def test_bad_arguments_raise_generator_error() -> None:
    for bad in ("abc.com", "nodot", "ab1d.com"):
        with pytest.raises(GeneratorError, match="earnestnessbiophysicalohax.com"):
            banjori.generate(dt.date(2014, 1, 1), seed=bad)
    with pytest.raises(GeneratorError, match="valid: default"):
        banjori.generate(dt.date(2014, 1, 1), variant="x")


def test_registered_under_aliases() -> None:
    assert families.get("MultiBanker 2") is banjori
