"""CCleaner backdoor: 360 Netlab's monthly names and the names Talos published."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import ccleaner as fam

from .reference import (
    assert_covered,
    command_unix_dates,
    manifest,
    month_starts,
    reference_names,
)


def test_reference_names_are_all_generated() -> None:
    months = month_starts(*command_unix_dates("ccleaner"))
    assert len(months) == manifest("ccleaner")["n_invocations"]
    produced = {name for month in months for name in fam.generate(month)}
    assert_covered(reference_names("ccleaner"), produced)


def test_talos_published_2017_domains() -> None:
    # Cisco Talos, "CCleanup: A Vast Number of Machines at Risk" (2017-09-18)
    published = [
        "ab6d54340c1a.com", "aba9a949bc1d.com", "ab2da3d400c20.com", "ab3520430c23.com",
        "ab1c403220c27.com", "ab1abad1d0c2a.com", "ab8cee60c2d.com", "ab1145b758c30.com",
        "ab890e964c34.com", "ab3d685a0c37.com", "ab70a139cc3a.com",
    ]  # fmt: skip
    produced = [fam.generate(dt.date(2017, month, 1))[0] for month in range(2, 13)]
    assert produced == published


def test_one_name_per_month() -> None:
    assert fam.generate(dt.date(2017, 9, 1)) == fam.generate(dt.date(2017, 9, 30))
    assert fam.generate(dt.date(2017, 9, 30)) != fam.generate(dt.date(2017, 10, 1))
    assert get("floxif") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2017, 9, 1), seed="1")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2017, 9, 1), variant="x")
