"""Conficker A/B/C against published names.

``data/dga/conficker.txt`` is 5,000 names of a list of 100,000 that a public
re-implementation of Conficker B printed for the day it ran; the day is not
recorded.  A search over 2008-11..2019-12 (first 300 names of each day) finds
one day, 2014-11-21, and the first 100,000 names of that day hold all 5,000.
Names quoted in 2009 from real infections are tested too (F-Secure's examples
of January 2009, a network's DNS log of 2009-09-02).
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from dnsguard.dga.families import GeneratorError, conficker, forecast_names, generate, get

from .reference import assert_covered, manifest, reference_names

REFERENCE_DAY = dt.date(2014, 11, 21)


def test_reference_list_is_the_first_100000_b_names_of_2014_11_21() -> None:
    entry = manifest("conficker")
    assert entry["unique_generated"] == 100_000 and entry["n_invocations"] == 0
    names = conficker.names(REFERENCE_DAY, "b", 100_000)
    reference = reference_names("conficker")
    assert len(reference) == 5000
    assert_covered(reference, names)
    # The published list spans the whole run, not only its start.
    last = max(i for i, n in enumerate(names) if n in reference)
    assert last > 99_000


def test_reference_day_is_the_only_day_nearby() -> None:
    reference = reference_names("conficker")
    hits = {}
    for offset in range(-10, 11):
        day = REFERENCE_DAY + dt.timedelta(days=offset)
        hits[day] = sum(n in reference for n in conficker.names(day, "b", 300))
    assert [d for d, h in hits.items() if h] == [REFERENCE_DAY]
    assert hits[REFERENCE_DAY] >= 5


@pytest.mark.parametrize(
    ("day", "published"),
    [
        # F-Secure's examples, quoted in January 2009.
        (dt.date(2009, 1, 8), ("mphtfrxs.net", "imctaef.cc", "hcweu.org")),
        # Lookups of infected hosts in a DNS log, posted 2009-09-02.
        (dt.date(2009, 9, 2), ("wllntjmv.org", "tbskpqrsn.org", "mtntdjlfkcv.org")),
    ],
)
def test_names_quoted_from_real_infections(day, published) -> None:
    names = conficker.generate(day, variant="b")
    assert set(published) <= set(names)
    assert not set(published) & set(conficker.generate(day - dt.timedelta(days=1), variant="b"))


def test_fsin_reduction_is_what_keeps_the_list_exact() -> None:
    """At the draw where the published list and the true sine part ways, the
    x87 reduction (66-bit pi) moves the sine by about 0.005, enough to change
    the rounding of y + sin(x)."""
    x = 5.45361290150256e18
    assert math.sin(x) == pytest.approx(-0.7494441942503889, abs=1e-12)
    assert conficker._fsin(x) == pytest.approx(-0.7540741007341035, abs=1e-9)
    assert conficker._fsin(1.0) == pytest.approx(math.sin(1.0), abs=1e-15)


def test_shapes_per_variant() -> None:
    day = dt.date(2026, 12, 1)
    a, b = conficker.names(day, "a"), conficker.names(day, "b")
    c = conficker.names(day, "c")
    assert (len(a), len(b), len(c)) == (250, 250, 50_000)
    assert all(re.fullmatch(r"[a-z]{5,11}\.(com|net|org|info|biz)", n) for n in a)
    assert all(re.fullmatch(r"[a-z]{5,11}\.(cc|cn|ws|com|net|org|info|biz)", n) for n in b)
    assert all(re.fullmatch(r"[a-z]{4,9}\.[a-z.]+", n) for n in c)
    assert {len(n.split(".")[0]) for n in c} == set(range(4, 10))
    assert {n.split(".", 1)[1] for n in c} == set(conficker._TLDS_C)
    assert len(conficker._TLDS_C) == 116
    assert {n.split(".", 1)[1] for n in a} == {"com", "net", "org", "info", "biz"}
    # The names change every day.
    assert not set(a) & set(conficker.names(day + dt.timedelta(days=1), "a"))


def test_generate_all_variants_and_the_forecast_share() -> None:
    day = dt.date(2026, 12, 1)
    every = generate("conficker", day)
    assert len(every) == len(set(every)) > 50_000
    carried = forecast_names("conficker", day)
    assert len(carried) == len(set(carried)) >= 5_000
    assert set(carried) <= set(every)
    assert set(conficker.names(day, "a")) | set(conficker.names(day, "b")) <= set(carried)
    assert set(conficker.names(day, "c", conficker.FORECAST_C_NAMES)) <= set(carried)
    # Families without their own share carry everything.
    assert forecast_names("mirai", day) == generate("mirai", day)


def test_registry_and_bad_arguments() -> None:
    assert get("Downadup") is conficker and get("kido") is conficker
    assert conficker.INFO.threat == "botnet"
    with pytest.raises(GeneratorError, match="takes no seed"):
        conficker.generate(REFERENCE_DAY, seed="1")
    with pytest.raises(GeneratorError, match="valid: a, b, c"):
        conficker.generate(REFERENCE_DAY, variant="d")
    with pytest.raises(GeneratorError, match="valid: a, b, c"):
        conficker.names(REFERENCE_DAY, "e")
    with pytest.raises(GeneratorError):
        conficker.generate(None)  # type: ignore[arg-type]
