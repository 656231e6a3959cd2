"""Bamital: reference names (every 3 days from 2010-01-01) must all be ours."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import bamital as fam

from .reference import assert_covered, manifest, note_every_days, reference_names, stepped_days


def _harness_days() -> list[dt.date]:
    """Manifest note: 'every 3 days from 2010-01-01'; the count is not recorded."""
    step, start = note_every_days("bamital")
    # A run starts at A-J and ends at K-Z, 14 letters on average, so 13789 unique
    # names mean about 985 invocations: 1000 steps (to 2018-03-17) cover them.
    count = -(-manifest("bamital")["unique_generated"] // 14) + 15
    return stepped_days(start, step, count)


def test_reference_names_are_all_generated() -> None:
    produced = {name for day in _harness_days() for name in fam.generate(day)}
    assert_covered(reference_names("bamital"), produced)


def test_construction() -> None:
    names = fam.generate(dt.date(2011, 7, 4))
    assert len(names) == 26
    assert names[0] == hashlib.md5(b"A2011-07-04").hexdigest() + ".org"
    assert names[-1] == hashlib.md5(b"Z2011-07-04").hexdigest() + ".org"
    assert all(re.fullmatch(r"[0-9a-f]{32}\.org", n) for n in names)


def test_bad_arguments_and_determinism() -> None:
    day = dt.date(2012, 2, 29)
    assert fam.generate(day) == fam.generate(dt.datetime(2012, 2, 29, 1))
    assert fam.generate(day) != fam.generate(day + dt.timedelta(days=1))
    assert get("BAMITAL") is fam
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(day, variant="x")
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(day, seed="A")
