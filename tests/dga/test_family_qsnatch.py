"""QSnatch generator against names produced by the public reference scripts."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get, qsnatch

from .reference import assert_covered, command_dates, every_day, reference_names


def test_variant_a_covers_reference_hourly_names() -> None:
    first, last = command_dates("qsnatch")
    got: set[str] = set()
    for day in every_day(first, last):
        got.update(qsnatch.generate(day, variant="a"))
    want = reference_names("qsnatch")
    assert_covered(want, got)


def test_variant_b_covers_reference_names() -> None:
    first, last = command_dates("qsnatch_b")
    got: set[str] = set()
    for day in every_day(first, last, step=15):
        got.update(qsnatch.generate(day, variant="b"))
    want = reference_names("qsnatch_b")
    assert_covered(want, got)


def test_published_examples_for_november_2019() -> None:
    """Names from J. Bader's example lists for 2019-11-11 (both variants)."""
    day = dt.date(2019, 11, 11)
    a = qsnatch.generate(day, variant="a")
    b = qsnatch.generate(day, variant="b")
    assert {"t2q2r.cf", "gc9nz.tk", "07tvvc.com", "qkzccy.net", "6wxfzg.org"} <= set(a)
    assert {"t2q.cf", "07tv.com", "koh4n.ec", "62x1w.com.pf", "cdnmb.cf", "y4bail.com"} <= set(a)
    assert b[:5] == ["t2q2rs.cf", "t2q2rsa.cf", "t2q2rsaz.cf", "t2q2rsazo.cf", "t2q2rsazo1.cf"]
    assert b[-1] == "uqfzpriheb.cd"
    assert len(b) == 150


def test_names_change_with_the_interval() -> None:
    b1 = qsnatch.generate(dt.date(2019, 11, 10), variant="b")
    b2 = qsnatch.generate(dt.date(2019, 11, 24), variant="b")
    b3 = qsnatch.generate(dt.date(2019, 11, 25), variant="b")
    assert b1 == b2
    assert not set(b1) & set(b3)
    a1 = set(qsnatch.generate(dt.date(2019, 11, 11), variant="a"))
    a2 = set(qsnatch.generate(dt.date(2019, 11, 12), variant="a"))
    assert a1 != a2 and a1 & a2  # hourly names differ, 15-day ones are shared


def test_no_invalid_names_and_deterministic() -> None:
    day = dt.date(2024, 2, 29)
    names = qsnatch.generate(day)
    assert names == qsnatch.generate(day)
    assert len(names) == len(set(names))
    assert all(".." not in n and n == n.lower() for n in names)
    assert all(n.split(".", 1)[1] in qsnatch.INFO.tlds for n in names)


def test_registry_and_aliases() -> None:
    assert get("QNAPCrypt") is qsnatch
    assert qsnatch.INFO.threat == "iab"


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="valid: a, b"):
        qsnatch.generate(dt.date(2020, 1, 1), variant="c")
    with pytest.raises(GeneratorError, match="IbjGOEgnuD"):
        qsnatch.generate(dt.date(2020, 1, 1), seed="bad seed!")
    with pytest.raises(GeneratorError):
        qsnatch.generate("2020-01-01")  # type: ignore[arg-type]


def test_other_seed_changes_names() -> None:
    day = dt.date(2020, 1, 1)
    assert set(qsnatch.generate(day, seed="Other1", variant="b")).isdisjoint(
        qsnatch.generate(day, variant="b")
    )
