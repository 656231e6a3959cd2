"""newGOZ: every published name over the documented dates, plus the TLD rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga import families
from dnsguard.dga.families import GeneratorError, newgoz

from .reference import assert_covered, harness_days, reference_names


def test_reproduces_reference_names() -> None:
    # the invocations were spread evenly between the first and the last command
    produced = {name for day in harness_days("newgoz") for name in newgoz.generate(day)}
    assert_covered(reference_names("newgoz"), produced)


def test_thousand_names_a_day_with_tld_by_sequence_number() -> None:
    names = newgoz.generate(dt.date(2015, 3, 1))
    assert len(names) == 1000
    assert [n.rsplit(".", 1)[1] for n in names[:6]] == ["com", "net", "biz", "org", "com", "net"]
    assert all(re.fullmatch(r"[0-9a-z]{4,28}\.(com|net|org|biz)", n) for n in names)


def test_deterministic_and_date_dependent() -> None:
    day = dt.date(2016, 2, 29)
    assert newgoz.generate(day) == newgoz.generate(dt.datetime(2016, 2, 29, 23, 59))
    assert set(newgoz.generate(day)).isdisjoint(newgoz.generate(day + dt.timedelta(days=1)))


def test_bad_arguments_raise_generator_error() -> None:
    with pytest.raises(GeneratorError, match="valid: default"):
        newgoz.generate(dt.date(2015, 1, 1), variant="v2")
    with pytest.raises(GeneratorError, match="no seed"):
        newgoz.generate(dt.date(2015, 1, 1), seed="01051935")
    with pytest.raises(GeneratorError):
        newgoz.generate("2015-01-01")  # type: ignore[arg-type]


def test_registered_under_aliases() -> None:
    assert families.get("newGOZ") is newgoz
    assert families.get("gameover zeus") is newgoz


def test_base36_spelling_of_digest_words() -> None:
    words = (0, 35, 36, 0xFFFFFFFF)
    digests = b"".join(w.to_bytes(4, "little") for w in words)
    assert newgoz._base36_words(digests) == ["0", "z", "10", "1z141z3"]
