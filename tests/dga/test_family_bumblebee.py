"""Bumblebee: reference names (dated runs 2022-01 to 2023-03) and the static examples."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import bumblebee as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _months() -> list[dt.date]:
    entry = json.loads((DATA / "MANIFEST.json").read_text())["bumblebee"]
    first, last = (
        dt.date.fromisoformat(re.search(r"-t (\d{4}-\d\d-\d\d)", entry[key]).group(1))
        for key in ("first_cmd", "last_cmd")
    )
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "bumblebee.txt").read_text().split())
    produced: set[str] = set()
    for month in _months():
        produced.update(fam.generate(month, variant="monthly"))
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"
    assert len(names) == 100 * len(_months())  # one distinct set per month


def test_static_variant_matches_published_examples() -> None:
    # first names of the reference's example_domains.txt (static DGA, magic TEST_SEE)
    names = fam.generate(dt.date(2022, 6, 1), variant="static")
    assert names[:5] == [
        "cmid1s1zeiu.life",
        "itszko2ot5u.life",
        "3v1n35i5kwx.life",
        "newdnq1xnl9.life",
        "jkyj6awt1ao.life",
    ]
    assert names[-1] == "zcf8nrpzrqk.life"
    assert names == fam.generate(dt.date(2030, 1, 1), variant="static")


def test_variants_and_periods() -> None:
    jan, feb = dt.date(2022, 1, 10), dt.date(2022, 2, 10)
    assert fam.generate(jan, variant="monthly") == fam.generate(
        dt.date(2022, 1, 31), variant="monthly"
    )
    assert fam.generate(jan, variant="monthly") != fam.generate(feb, variant="monthly")
    assert fam.generate(jan, variant="zeroed") == fam.generate(feb, variant="zeroed")
    every = fam.generate(jan)
    assert len(every) == 300
    for name in every:
        label, tld = name.split(".")
        assert tld == "life" and len(label) == 11 and re.fullmatch(r"[a-z0-9]+", label)


def test_seed_changes_names_and_bad_arguments() -> None:
    day = dt.date(2022, 5, 5)
    assert fam.generate(day, seed="TEST_SEE") == fam.generate(day)
    assert set(fam.generate(day, seed="OTHERSEE")).isdisjoint(fam.generate(day))
    for bad in ("", "TOO_LONG_MAGIC", "ümlaut"):
        with pytest.raises(GeneratorError, match="TEST_SEE"):
            fam.generate(day, seed=bad)
    with pytest.raises(GeneratorError, match="static, zeroed, monthly"):
        fam.generate(day, variant="hourly")
    assert get("BumbleBee") is fam
