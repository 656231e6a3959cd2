"""Suppobox, whose DGA joins two English words into a .net name.

The seed is the Unix time in 512-second steps; each step yields 85 names,
and the 15 low bits of the counter, shuffled, pick a first word (7 bits,
words 0-127) and a second word (8 bits, words 128-383) from a 384-word list.
Three word lists are known, one per variant.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="suppobox",
    aliases=("Suppobox",),
    malpedia="win.suppobox",
    variants=("set1", "set2", "set3"),
    seeds={"set1": (), "set2": (), "set3": ()},
    tlds=("net",),
    names_per_period=85,
    period="minute",
    active=(dt.date(2013, 1, 1), dt.date(2016, 12, 31)),
    threat="dga",
    seed_required=False,
    references=(
        "Endgame, 'Malware with a personal touch' (2014)",
        "RSA Conference 2014, 'End-to-end analysis of a domain generating algorithm malware family'",
        "J. Bader, domain_generation_algorithms: suppobox (word lists 1-3)",
    ),
    notes=(
        "Names change every 512 seconds (UTC Unix time >> 9), 85 per step, about "
        "254 distinct names a day. Word set 3 comes from sample 4ee8484b95d9... "
        "Activity dates are approximate."
    ),
)

_STEP_SECONDS = 512
_PER_STEP = 85
_SHUFFLE = (3, 9, 13, 6, 2, 4, 11, 7, 14, 1, 10, 5, 8, 12, 0)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@cache
def words(variant: str) -> tuple[str, ...]:
    """The 384-word list of a variant (packaged data, read once)."""
    name = f"words{variant.removeprefix('set')}.txt"
    text = resources.files(__package__).joinpath("data", "suppobox", name).read_text("ascii")
    return tuple(text.split())


def name_for_counter(counter: int, variant: str) -> str:
    """The name of one counter value (only its 15 low bits matter)."""
    return _name(counter, words(variant))


def _name(counter: int, wordlist: tuple[str, ...]) -> str:
    """Scatter the 15 low counter bits, then read them back as two indices."""
    bits = [0] * 15
    for i, pos in enumerate(_SHUFFLE):
        bits[pos] = (counter >> i) & 1
    first = 0
    for bit in bits[:7]:
        first = (first << 1) | bit
    second = 0
    for bit in bits[7:]:
        second = (second << 1) | bit
    return f"{wordlist[first]}{wordlist[second + 0x80]}.net"


def names_at(moment: dt.datetime, variant: str) -> list[str]:
    """The 85 names a bot tries at ``moment`` (naive datetimes are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    seed = int((moment - _EPOCH).total_seconds()) >> 9
    wordlist = words(variant)
    return [_name(seed + c, wordlist) for c in range(_PER_STEP)]


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Every name of every 512-second step that starts or runs on ``day`` (UTC)."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    refuse_seed(INFO, seed, "pick a word set")
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    first = int((start - _EPOCH).total_seconds()) >> 9
    last = (int((start - _EPOCH).total_seconds()) + 86399) >> 9
    out = []
    for var in variants:
        wordlist = words(var)
        out.extend(_name(c, wordlist) for c in range(first, last + _PER_STEP))
    return unique(out)
