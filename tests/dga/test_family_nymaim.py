"""Nymaim (first DGA): reference names over the documented dates."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, nymaim

from .reference import assert_covered, harness_days, reference_names


def test_reproduces_reference_names() -> None:
    # invocations were spread evenly between the first and the last command
    produced = {name for day in harness_days("nymaim") for name in nymaim.generate(day)}
    assert_covered(reference_names("nymaim"), produced)


def test_shape_and_tld_rule() -> None:
    names = nymaim.generate(dt.date(2015, 6, 6))
    assert len(names) == 128
    for name in names:
        label, tld = name.split(".")
        assert 6 <= len(label) <= 11
        t = ord(label[-2]) - ord("a")
        want = (
            "com"
            if t < 9
            else "org"
            if t < 13
            else "biz"
            if t < 17
            else "net"
            if t < 21
            else "info"
        )
        assert tld == want, name


def test_deterministic_and_date_dependent() -> None:
    day = dt.date(2016, 4, 2)
    assert nymaim.generate(day) == nymaim.generate(day)
    assert nymaim.generate(day) != nymaim.generate(day + dt.timedelta(days=1))


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="valid: default"):
        nymaim.generate(dt.date(2015, 1, 1), variant="nymaim2")
    with pytest.raises(GeneratorError, match="no seed"):
        nymaim.generate(dt.date(2015, 1, 1), seed="1")


def test_registered() -> None:
    assert families.get("nymaim") is nymaim
