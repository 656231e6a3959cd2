"""Ranbyus generators against the reference script data and Bader's examples."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get, ranbyus

from .reference import assert_covered, command_dates, every_day, manifest, reference_names


def test_september_covers_reference_names() -> None:
    """The harness ran the script with its default seed on days between the
    first and last command's dates; every day of that span is generated."""
    assert "-s" not in manifest("ranbyus")["first_cmd"]  # default seed 0F0D5BFA
    got: set[str] = set()
    for day in every_day(*command_dates("ranbyus")):
        got.update(ranbyus.generate(day, "0F0D5BFA", "september"))
    assert_covered(reference_names("ranbyus"), got)


def test_may_example_of_2015_05_14() -> None:
    names = ranbyus.generate(dt.date(2015, 5, 14), seed="B6354BC3", variant="may")
    assert len(names) == 40
    assert names[:4] == [
        "ikwoqkwuajpbyx.com",
        "niukpdrluwlfox.pw",
        "rcnxisuibbadng.in",
        "wbqtidjvsdiwee.me",
    ]
    assert names[-1] == "stacukieycdmfh.net"


def test_september_example_of_2015_09_25() -> None:
    names = ranbyus.generate(dt.date(2015, 9, 25), seed="0F0D5BFA", variant="september")
    assert names[:3] == ["jxbdxeyxttdmcjagi.me", "iqmadgybfhnrssadm.cc", "gdoldaognceaedkke.su"]
    assert names[-1] == "bcfuvigfodpidtlmq.in"


def test_tld_cycle_starts_at_day_and_skips_ninth() -> None:
    for day in (dt.date(2016, 3, 1), dt.date(2016, 3, 8)):
        names = ranbyus.generate(day, seed="AE8714BE", variant="september")
        tlds = [n.split(".")[1] for n in names]
        assert tlds[0] == ranbyus._TLDS[day.day % 8]
        assert "org" not in tlds
    reordered = ranbyus.generate(dt.date(2016, 3, 1), seed="CE7F8514", variant="september")
    assert {n.split(".")[1] for n in reordered} == set(ranbyus._TLDS_CE7F8514[:8])


def test_daily_change_and_shape() -> None:
    a = ranbyus.generate(dt.date(2017, 1, 1))
    b = ranbyus.generate(dt.date(2017, 1, 2))
    assert a == ranbyus.generate(dt.date(2017, 1, 1))
    assert set(a).isdisjoint(b)
    assert len(a) == 40 * 15
    assert all(re.fullmatch(r"[a-y]{14}\.[a-z]+|[a-y]{17}\.[a-z]+", n) for n in a)


def test_registry() -> None:
    assert get("ranbyus") is ranbyus


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="0F0D5BFA"):
        ranbyus.generate(dt.date(2016, 1, 1), seed="zz")
    with pytest.raises(GeneratorError, match="valid: may, september"):
        ranbyus.generate(dt.date(2016, 1, 1), variant="june")
