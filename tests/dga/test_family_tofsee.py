"""Tofsee: GovCERT's weekly names, and the data-set generator's timestamp names."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import tofsee as fam

from .reference import assert_covered, manifest, reference_names


def _harness_timestamps() -> list[int]:
    """The manifest says '400 timestamps from 2016-01-01' without the spacing.

    Decoding the reference file once showed 2016-01-01 10:00 UTC plus multiples of
    133980 s (37 h 13 min); only the count and start day are checked against the
    manifest, the spacing is this test's knowledge.
    """
    note = manifest("tofsee")["note"]
    count, start = re.search(r"for (\d+) timestamps from (\d{4}-\d\d-\d\d)", note).groups()
    first = int(dt.datetime.fromisoformat(f"{start}T10:00:00+00:00").timestamp())
    return [first + 133980 * i for i in range(int(count))]


def test_reference_names_are_all_generated() -> None:
    produced: set[str] = set()
    for stamp in _harness_timestamps():
        produced.update(fam.generate(dt.date(2016, 1, 1), seed=str(stamp)))
    assert_covered(reference_names("tofsee"), produced)


def test_govcert_example_week() -> None:
    # GovCERT.ch (2016-12-22): "dqgdqga" to "dqgdqgj" under .ch and .biz.
    names = fam.generate(dt.date(2016, 12, 20))
    assert len(names) == 20
    assert {n.split(".")[0] for n in names} == {f"dqgdqg{c}" for c in "abcdefghij"}
    assert {"dqgdqga.ch", "dqgdqga.biz", "dqgdqgj.ch"} <= set(names)
    assert names == fam.generate(dt.date(2016, 12, 15))  # Thursday starts the week
    assert names != fam.generate(dt.date(2016, 12, 22))
    assert fam.generate(dt.date(2016, 12, 22))[0] == "dqhdqha.biz"


def test_timestamp_variant_shape() -> None:
    names = fam.generate(dt.date(2016, 1, 1), seed="1451642400")
    assert len(names) == 26
    assert names[0] == "eseqiaaeseqiaaa.biz" and names[-1] == "eseqiaaeseqiaaz.biz"


def test_bad_arguments() -> None:
    day = dt.date(2017, 1, 1)
    with pytest.raises(GeneratorError, match="Unix"):
        fam.generate(day, seed="yesterday")
    with pytest.raises(GeneratorError, match="Unix"):
        fam.generate(day, seed="-5")
    with pytest.raises(GeneratorError, match="needs seed"):
        fam.generate(day, variant="timestamp")
    with pytest.raises(GeneratorError, match="takes no seed"):
        fam.generate(day, seed="1", variant="weekly")
    with pytest.raises(GeneratorError, match="weekly, timestamp"):
        fam.generate(day, variant="daily")


def test_determinism_and_registry() -> None:
    assert fam.generate(dt.datetime(2020, 2, 2, 23)) == fam.generate(dt.date(2020, 2, 2))
    assert get("gheg") is fam
