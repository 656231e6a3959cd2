"""DNSChanger: reference names for seeds 1..1199 must all be ours."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import dnschanger as fam

from .reference import assert_covered, manifest, reference_names

DAY = dt.date(2010, 5, 5)


def test_reference_names_are_all_generated() -> None:
    entry = manifest("dnschanger")
    first, last = (
        int(re.search(r"(\d+)$", entry[key]).group(1)) for key in ("first_cmd", "last_cmd")
    )
    produced: set[str] = set()
    for seed in range(first, last + 1):
        produced.update(fam.generate(DAY, seed=str(seed)))
    assert_covered(reference_names("dnschanger"), produced)


def test_seed_is_required_and_date_ignored() -> None:
    assert fam.INFO.seed_required
    assert fam.generate(DAY) == []
    names = fam.generate(DAY, seed="4294967295")
    assert len(names) == 5 and all(len(n) == 14 and n.endswith(".com") for n in names)
    assert names == fam.generate(dt.date(2030, 1, 1), seed="4294967295")
    assert names != fam.generate(DAY, seed="4294967294")
    assert get("DNSChanger") is fam


def test_bad_arguments() -> None:
    for bad in ("tick", "-1", "4294967296"):
        with pytest.raises(GeneratorError, match="32-bit"):
            fam.generate(DAY, seed=bad)
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(DAY, variant="x")
