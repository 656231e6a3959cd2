"""Dyre: reference names (every 180 days from 2014-06-01) and published queries."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import dyre as fam

from .reference import assert_covered, manifest, note_every_days, reference_names, stepped_days


def _harness_days() -> list[dt.date]:
    """The manifest note says 'every 180 days from <date>'; 6993 names = 21 days of 333."""
    step, start = note_every_days("dyre")
    count = manifest("dyre")["unique_generated"] // fam.INFO.names_per_period
    return stepped_days(start, step, count)


def test_reference_names_are_all_generated() -> None:
    produced = {name for day in _harness_days() for name in fam.generate(day)}
    assert_covered(reference_names("dyre"), produced)


def test_published_queries_of_2017_10_24() -> None:
    # Quoted by Nominum/Akamai as live Dyre traffic ("A Death Match of DGAs", 2017).
    published = [
        "t3622c4773260c097e2e9b26705212ab85.ws",
        "u83ccf36d9f02e9ea79a9d16c0336677e4.to",
        "v02bec0c090508bc76b3ea81dfc2198a71.in",
        "wa9e4628c334324e181e40f33f878c153f.hk",
        "xdcc5481252db5f38d5fc18c9ad3b2f7fd.cn",
        "yf32d9ac7f0a9f463e8da4736b12d7044a.tk",
    ]
    names = fam.generate(dt.date(2017, 10, 24))
    assert names[305:311] == published
    assert set(published).isdisjoint(fam.generate(dt.date(2017, 10, 25)))


def test_shape() -> None:
    names = fam.generate(dt.date(2015, 1, 1))
    assert len(names) == 333
    for num, name in enumerate(names):
        label, tld = name.split(".")
        assert len(label) == 34 and label[0] == chr(ord("a") + num % 26)
        assert tld == fam.INFO.tlds[num % 8]
        int(label[1:], 16)


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2015, 3, 3)
    assert fam.generate(day) == fam.generate(dt.datetime(2015, 3, 3, 8))
    assert get("Dyreza") is fam
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="x")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(day, seed="1")
