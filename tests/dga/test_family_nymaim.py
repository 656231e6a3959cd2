"""Nymaim (first DGA): reference names over the documented dates."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, nymaim

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _invocation_days(name: str) -> list[dt.date]:
    """Invocations were spread evenly between the first and the last command."""
    entry = json.loads((DATA / "MANIFEST.json").read_text())[name]
    first, last = (
        dt.date.fromisoformat(re.search(r"-d (\S+)", entry[key]).group(1))
        for key in ("first_cmd", "last_cmd")
    )
    n = entry["n_invocations"]
    span = (last - first).days
    return [first + dt.timedelta(days=round(k * span / (n - 1))) for k in range(n)]


def test_reproduces_reference_names() -> None:
    expected = set((DATA / "nymaim.txt").read_text().split())
    produced: set[str] = set()
    for day in _invocation_days("nymaim"):
        produced.update(nymaim.generate(day))
    missing = sorted(expected - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


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
