"""Pykspa generators against names produced by the public reference scripts."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get, pykspa

from .reference import assert_covered, harness_days, manifest, reference_names


def _harness_days(name: str) -> list[dt.date]:
    """The reference harness ran n_invocations times spread evenly between the
    first and last command's dates (two seed sets share one date for pykspa);
    the neighbouring day is added because the spreading rounds."""
    runs = manifest(name)["n_invocations"] // (2 if name == "pykspa" else 1)
    days = harness_days(name, runs)
    return sorted({d + dt.timedelta(days=k) for d in days for k in (0, 1)})


def test_improved_covers_reference_names() -> None:
    got: set[str] = set()
    for day in _harness_days("pykspa"):
        got.update(pykspa.generate(day, variant="improved"))
    want = reference_names("pykspa")
    assert_covered(want, got)


def test_precursor_covers_reference_names() -> None:
    got: set[str] = set()
    for day in _harness_days("pykspa_precursor"):
        got.update(pykspa.generate(day, variant="precursor"))
    want = reference_names("pykspa_precursor")
    assert_covered(want, got)


def test_published_traffic_of_2015_02_16() -> None:
    """J. Bader's capture: four real-set names, then noise names interleaved."""
    real = pykspa.generate(dt.date(2015, 2, 16), seed="1", variant="improved")
    assert real[:4] == ["ejtuxsflbknn.net", "wrthooba.info", "asgwkyaioy.com", "nazihzsljevt.net"]
    noise = set(pykspa.generate(dt.date(2015, 2, 16), seed="2", variant="improved"))
    captured = ["haqwrnonlaj.info", "jlbdgfhi.net", "hiyumk.net", "ezrmsrnmzddx.net", "okqwmayiseaq.com", "lchsxgzmwg.info", "wbtkdnfr.info", "bodlmkjkckx.net", "xcixrwcyesou.net", "ofebrbnbmvfa.info", "bkmothb.net"]
    assert set(captured) <= noise


def test_periods() -> None:
    d = dt.date(2024, 3, 1)
    real = pykspa.generate(d, seed="1", variant="improved")
    assert len(real) == 200
    period_start = dt.date(1970, 1, 1) + dt.timedelta(days=(d - dt.date(1970, 1, 1)).days // 20 * 20)
    assert pykspa.generate(period_start, seed="1", variant="improved") == real
    after = period_start + dt.timedelta(days=20)
    assert set(pykspa.generate(after, seed="1", variant="improved")).isdisjoint(real)
    # the noise seeds end in February 2020, the real ones in 2029
    assert pykspa.generate(d, seed="2", variant="improved") == []
    assert pykspa.generate(dt.date(2031, 1, 1), variant="improved") == []
    pre = pykspa.generate(dt.date(2024, 3, 2), variant="precursor")
    assert len(pre) == 5000
    assert pre == pykspa.generate(dt.date(2024, 3, 3), variant="precursor")  # same 2-day slot
    assert pre != pykspa.generate(dt.date(2024, 3, 4), variant="precursor")


def test_shape_and_determinism() -> None:
    names = pykspa.generate(dt.date(2016, 6, 1))
    assert names == pykspa.generate(dt.date(2016, 6, 1))
    assert len(names) == len(set(names))
    for name in names:
        label, tld = name.split(".")
        assert tld in pykspa.INFO.tlds
        assert label.isalpha() and label.islower() and 6 <= len(label) <= 15


def test_registry_alias() -> None:
    assert get("Skyper") is pykspa
    assert pykspa.INFO.threat == "botnet"


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="valid: improved, precursor"):
        pykspa.generate(dt.date(2016, 1, 1), variant="v3")
    with pytest.raises(GeneratorError, match="valid: 1, 2"):
        pykspa.generate(dt.date(2016, 1, 1), seed="3")
    with pytest.raises(GeneratorError, match="no seed"):
        pykspa.generate(dt.date(2016, 1, 1), seed="1", variant="precursor")
