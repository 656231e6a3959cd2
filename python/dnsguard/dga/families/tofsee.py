"""Tofsee (Gheg), the spam botnet's weekly DGA.

The number of whole weeks since the Unix epoch is spelt in base 26 with
letters (most significant first), the word is written twice and one letter
from 'a' to 'j' is appended; each name is tried under .biz and .ch.  Mid
December 2016 was week 2450, hence GovCERT's example ``dqgdqga.ch``.

A public machine-learning data-set generator re-implemented the construction
with the raw Unix time in seconds as the counter, 26 suffix letters and .biz
only.  No sample is known to behave like that, but its names are in the
project's reference data, so it is kept as the ``timestamp`` variant, which
only runs with an explicit counter (``seed``: Unix seconds).
"""

from __future__ import annotations

import calendar
import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="tofsee",
    aliases=("Gheg", "Tofsee"),
    malpedia="win.tofsee",
    variants=("weekly", "timestamp"),
    seeds={"weekly": (), "timestamp": ()},
    tlds=("biz", "ch"),
    names_per_period=20,
    period="week",
    active=(dt.date(2016, 12, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "GovCERT.ch, 'Tofsee Spambot features .ch DGA - Reversal and Countermeasures' (2016-12-22)",
        "SWITCH-CERT, 'Usage of .ch domain names for spamming malware Tofsee stopped' (2016-12-22)",
        "CERT Polska, 'Tofsee - modular spambot' (2016-09-16)",
        "github.com/aftabalam01/machinelearningpipeline src/dataset/algorithms/tofsee/dga.py "
        "(the 'timestamp' variant)",
    ),
    notes=(
        "'weekly' follows GovCERT's description: counter = Unix time // 604800, so names "
        "turn on Thursdays 00:00 UTC; the .biz/.ch order within a letter is not "
        "documented. 'timestamp' is a data-set generator's variant (counter = Unix seconds, "
        "suffixes a-z, .biz only) without a known sample; it needs seed=<Unix seconds> and "
        "is never forecast."
    ),
)

_WEEK = 604800


def _word(counter: int) -> str:
    """Base-26 letters, most significant first ('a' is zero, so 0 is 'a')."""
    letters = []
    while True:
        counter, digit = divmod(counter, 26)
        letters.append(chr(ord("a") + digit))
        if not counter:
            break
    return "".join(reversed(letters))


def _names(counter: int, suffixes: int, tlds: tuple[str, ...]) -> list[str]:
    twice = _word(counter) * 2
    return [f"{twice}{chr(ord('a') + i)}.{tld}" for i in range(suffixes) for tld in tlds]


def _parse_counter(seed: str) -> int:
    try:
        value = int(seed, 10)
    except ValueError:
        value = -1
    if value < 0:
        raise GeneratorError(
            f"tofsee: seed must be a Unix time in seconds (timestamp variant), got {seed!r}; "
            "the weekly variant takes no seed"
        )
    return value


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 20 names of the week holding ``day``; with a seed, the timestamp variant's 26."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    if seed is None:
        if variants == ("timestamp",):
            raise GeneratorError(
                "tofsee: the timestamp variant needs seed=<Unix seconds>; "
                "valid without a seed: weekly"
            )
        week = calendar.timegm(day.timetuple()) // _WEEK
        return unique(_names(week, 10, ("biz", "ch")))
    if variants == ("weekly",):
        raise GeneratorError(
            "tofsee: the weekly variant takes no seed; valid with a seed: timestamp"
        )
    return unique(_names(_parse_counter(seed), 26, ("biz",)))
