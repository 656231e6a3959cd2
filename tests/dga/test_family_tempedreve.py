"""Tempedreve: every name the public re-implementation printed must be ours."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import tempedreve as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _reference() -> tuple[set[str], list[dt.date]]:
    names = set((DATA / "tempedreve.txt").read_text().split())
    entry = json.loads((DATA / "MANIFEST.json").read_text())["tempedreve"]
    dates = [
        dt.date.fromisoformat(re.search(r"-d (\d{4}-\d\d-\d\d)", entry[key]).group(1))
        for key in ("first_cmd", "last_cmd")
    ]
    return names, dates


def test_reference_names_are_all_generated() -> None:
    names, (first, last) = _reference()
    # The script walks back from the given day, so the last invocation holds them all.
    produced = set(fam.generate(last))
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"
    assert fam.generate(first) == []  # 2014-01-01 lies before the DGA epoch


def test_chain_walks_back_to_epoch() -> None:
    day = dt.date(2015, 4, 2)
    names = fam.generate(day)
    assert len(names) == (day - dt.date(2015, 3, 23)).days + 1
    assert fam.generate(day + dt.timedelta(days=1))[1:] == names
    assert fam.generate(dt.date(2015, 3, 23)) == names[-1:]
    assert fam.generate(dt.date(2015, 3, 22)) == []


def test_names_have_documented_shape() -> None:
    for name in fam.generate(dt.date(2016, 1, 1)):
        label, tld = name.split(".")
        assert 7 <= len(label) <= 11 and label.isalpha() and label.islower()
        assert tld in fam.INFO.tlds


def test_deterministic_and_registered() -> None:
    day = dt.datetime(2019, 6, 1, 13, 5)
    assert fam.generate(day) == fam.generate(day.date())
    assert get("Tempedreve") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2020, 1, 1), variant="v9")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2020, 1, 1), seed="1234")
    with pytest.raises(GeneratorError):
        fam.generate("2020-01-01")  # type: ignore[arg-type]
