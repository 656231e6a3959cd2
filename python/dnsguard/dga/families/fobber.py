"""Fobber (2015), a time-independent DGA with two known parameter sets.

A 32-bit LCG whose output is rotated by 16 bits feeds the letters; the state
carries over from one name to the next.  Version 1 makes 300 17-letter .net
names, version 2 300 10-letter .com names; the date plays no part.
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
    name="fobber",
    aliases=("Fobber",),
    malpedia="win.fobber",
    variants=("v1", "v2"),
    seeds={"v1": (), "v2": ()},
    tlds=("net", "com"),
    names_per_period=300,
    period="static",
    active=(dt.date(2015, 1, 1), dt.date(2016, 12, 31)),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Fobber' (johannesbader.ch, 2015)",
        "github.com/baderj/domain_generation_algorithms fobber/dga.py",
    ),
    notes="Active range approximate (samples from 2015).",
)

# (initial state, increment as unsigned 32-bit, label length, tld)
_PARAMS = {
    "v1": (0xC87C8A78, -1719405398 & 0xFFFFFFFF, 17, ".net"),
    "v2": (0x851A3E59, -1916503263 & 0xFFFFFFFF, 10, ".com"),
}
_NAMES = 300


@lru_cache(maxsize=4)
def _chain(variant: str) -> tuple[str, ...]:
    """Cached: the names never change."""
    state, increment, length, tld = _PARAMS[variant]
    names = []
    for _ in range(_NAMES):
        chars = []
        for _ in range(length):
            mixed = (321167 * state + increment) & 0xFFFFFFFF
            state = ((mixed >> 16) | (mixed << 16)) & 0xFFFFFFFF
            chars.append(chr((state & 0x17FF) % 26 + ord("a")))
        names.append("".join(chars) + tld)
    return tuple(names)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 300 names of each version asked for; the date is ignored."""
    check_day(day)
    variants = check_variant(INFO, variant)
    refuse_seed(INFO, seed, "pick a variant: v1, v2")
    return unique(name for var in variants for name in _chain(var))
