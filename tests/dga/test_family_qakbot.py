"""QakBot: reference names for both seed constants, ten-day slices, sandbox decoys."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, qakbot

from .reference import assert_covered, command_dates, manifest, reference_names


def _slice_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """One day per ten-day slice (1st, 11th, 21st) between two dates."""
    days = []
    day = first.replace(day=1)
    while day <= last:
        days.extend(day.replace(day=d) for d in (1, 11, 21))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return days


def test_reproduces_reference_names() -> None:
    count = int(re.search(r"-n (\d+)", manifest("qakbot")["first_cmd"]).group(1))
    produced: set[str] = set()
    for day in _slice_starts(*command_dates("qakbot")):
        for seed in (0, 1):
            produced.update(qakbot.names(day, seed, sandbox=False, count=count))
    assert_covered(reference_names("qakbot"), produced)


def test_generate_starts_with_the_reference_prefix() -> None:
    day = dt.date(2020, 3, 14)
    names = qakbot.generate(day, seed="0", variant="default")
    assert names[:250] == qakbot.names(day, 0, sandbox=False, count=250)
    assert len(names) == 5000
    assert all(re.fullmatch(r"[a-z]{8,25}\.(com|net|org|info|biz)", n) for n in names)


def test_names_change_on_the_1st_11th_and_21st() -> None:
    def gen(d: int) -> list[str]:
        return qakbot.names(dt.date(2019, 7, d), 0, sandbox=False, count=20)

    assert gen(1) == gen(10)
    assert gen(11) == gen(20)
    assert gen(21) == gen(31)
    assert gen(10) != gen(11) != gen(21)


def test_sandbox_and_seeds_give_different_sets() -> None:
    day = dt.date(2018, 1, 5)
    normal = set(qakbot.generate(day, seed="0", variant="default"))
    decoy = set(qakbot.generate(day, seed="0", variant="sandbox"))
    other = set(qakbot.generate(day, seed="1", variant="default"))
    assert normal.isdisjoint(decoy)
    assert normal.isdisjoint(other)
    assert normal | decoy | other <= set(qakbot.generate(day))


def test_deterministic() -> None:
    day = dt.date(2022, 12, 24)
    assert qakbot.generate(day) == qakbot.generate(day)


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="valid: 0, 1"):
        qakbot.generate(dt.date(2020, 1, 1), seed="7")
    with pytest.raises(GeneratorError, match="default, sandbox"):
        qakbot.generate(dt.date(2020, 1, 1), variant="nope")


def test_registered_under_aliases() -> None:
    assert families.get("Qbot") is qakbot
    assert qakbot.INFO.threat == "iab"
