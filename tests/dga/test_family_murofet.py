"""Murofet generators against names produced by the public reference scripts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get, murofet

from .reference import assert_covered, harness_days, manifest, reference_names


@pytest.mark.parametrize(("data", "variant"), [("murofet", "v1"), ("murofet_v3", "v3")])
def test_weekly_variants_cover_reference_names(data: str, variant: str) -> None:
    got: set[str] = set()
    for day in harness_days(data):
        got.update(murofet.generate(day, variant=variant))
    want = reference_names(data)
    assert_covered(want, got)


def test_v2_covers_reference_names() -> None:
    """The harness cycled the three keys over seven evenly spread dates
    (20 runs: the 21st combination was not run)."""
    got: set[str] = set()
    for day in harness_days("murofet_v2", runs=7):
        got.update(murofet.generate(day, variant="v2"))
    want = reference_names("murofet_v2")
    assert_covered(want, got)


def test_vrt_zeusbot_list_is_v1() -> None:
    """pchaigno's 'ZeusBot' (VRT 2014) names, every 3 days from 2011-01-01: the
    data holds 488 of its 1000-name weekly sets; v1 yields all of them."""
    note = manifest("murofet_pchaigno")["note"]
    assert "every 3 days from 2011-01-01" in note
    sets = manifest("murofet_pchaigno")["unique_generated"] // 1000
    want = reference_names("murofet_pchaigno")
    got: set[str] = set()
    seen: set[tuple[int, int, int]] = set()
    day = dt.date(2011, 1, 1)
    while len(seen) < sets:
        key = (day.year, day.month, day.day // 7)
        if key not in seen:
            seen.add(key)
            got.update(murofet.names(day, "v1", count=1000))
        day += dt.timedelta(days=3)
    assert_covered(want, got)


def test_v2_pairs_share_labels_and_tld_rule() -> None:
    names = murofet.generate(dt.date(2010, 5, 5), seed="DEADC2DE", variant="v2")
    assert len(names) == 1020
    labels = [n.split(".")[0] for n in names]
    assert all(labels[i] == labels[i + 1] for i in range(0, 1020, 2))
    assert [n.split(".")[1] for n in names[:6]] == ["biz", "com", "net", "org", "info", "biz"]


def test_week_boundaries() -> None:
    v1 = murofet.generate(dt.date(2011, 3, 7), variant="v1")
    assert v1 == murofet.generate(dt.date(2011, 3, 13), variant="v1")
    assert set(v1).isdisjoint(murofet.generate(dt.date(2011, 3, 14), variant="v1"))
    assert murofet.generate(dt.date(2011, 3, 1), variant="v3") == murofet.generate(
        dt.date(2011, 3, 6), variant="v3"
    )


def test_shapes() -> None:
    day = dt.date(2011, 8, 20)
    v1 = murofet.generate(day, variant="v1")
    v3 = murofet.generate(day, variant="v3")
    assert len(v1) == 1020 and len(v3) == 1000
    assert all(re.fullmatch(r"[a-z]+\.(ru|biz|info|org|net|com)", n) for n in v1)
    assert all(re.fullmatch(r"[a-z0-9]+\.(ru|biz|info|org|net|com)", n) for n in v3)
    assert any(any(c.isdigit() for c in n) for n in v3)
    assert murofet.generate(day) == murofet.generate(day)


def test_registry() -> None:
    assert get("Licat") is murofet


def test_bad_arguments() -> None:
    day = dt.date(2011, 1, 1)
    with pytest.raises(GeneratorError, match="valid: v1, v2, v3"):
        murofet.generate(day, variant="v4")
    with pytest.raises(GeneratorError, match="D6D7A4BE"):
        murofet.generate(day, seed="nothex", variant="v2")
    with pytest.raises(GeneratorError, match="only v2"):
        murofet.generate(day, seed="D6D7A4BE", variant="v1")
