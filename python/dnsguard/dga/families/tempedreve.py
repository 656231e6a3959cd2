"""Tempedreve, the time-dependent DGA.

Each day since 23 March 2015 owns one name, drawn from a letter alphabet that
is shuffled by a linear congruential generator seeded with the day number.
A bot does not only try today's name: it walks back one day at a time until
the epoch of 2015-03-23, so on any day every earlier name can be queried too.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="tempedreve",
    aliases=("Tempedreve", "Tempedrave"),
    malpedia="win.tempedreve",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com", "net", "org", "info"),
    names_per_period=1,
    period="day",
    active=(dt.date(2015, 3, 23), None),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Tempedreve' (johannesbader.ch / bin.re)",
        "Anubis Networks, 'Tempedreve botnet report' (time-independent predecessor)",
        "github.com/baderj/domain_generation_algorithms tempedreve/dga.py",
    ),
    notes=(
        "One new name a day, but the bot walks back to 2015-03-23, so generate() "
        "returns today's name followed by every earlier one (newest first). The older "
        "time-independent Tempedreve DGA described by Anubis is not implemented."
    ),
)

_EPOCH = dt.date(2015, 3, 23)
_UNIX = dt.date(1970, 1, 1)
_TLDS = (".com", ".net", ".org", ".info")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_MASK = 0xFFFFFFFF


def _step(r: int) -> int:
    """The sample's 32-bit LCG (multiplier 0x01010101, increment 65805)."""
    return (16843009 * r + 65805) & _MASK


@lru_cache(maxsize=16384)
def _name(days: int) -> str:
    """Name of one day (days since 1970-01-01); cached because every later day repeats it."""
    seed = (1664525 * days + 1013904223) & _MASK
    letters = list(_LETTERS)
    r = seed
    for j in range(26):
        i = r % 26
        r = _step(r)
        letters[j], letters[i] = letters[i], letters[j]
    r = seed
    chars = []
    for _ in range(seed % 5 + 7):
        chars.append(letters[r % 26])
        r = _step(r)
    return "".join(chars) + _TLDS[seed & 3]


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Today's name, then yesterday's and so on back to 2015-03-23 (empty before that)."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "the constants are fixed")
    first = (_EPOCH - _UNIX).days
    last = (day - _UNIX).days
    return unique(_name(days) for days in range(last, first - 1, -1))
