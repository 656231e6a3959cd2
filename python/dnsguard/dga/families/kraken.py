"""Kraken (Oderoor, Bobax), the second, time-dependent DGA.

A glibc-style LCG (outputs cropped to 15 bits) is seeded per domain counter;
before generating, the bot throws away one output per week elapsed since
early April 2008, so the names change every week.  Each counter yields two
names (the sample picks a seed depending on whether its temp file exists),
and the counter picks one of four suffixes: regular TLDs in most samples,
dynamic-DNS zones in a few transitional ones.

Skipping hundreds of outputs per name is the slow part: the cropped state has
only 2**15 values, so the skip is done once per week as a power of the
state-transition table (numpy) instead of step by step.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import lru_cache

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="kraken",
    aliases=("Oderoor", "Bobax", "Kraken v2"),
    malpedia="",
    variants=("v2", "v2_ddns"),
    seeds={"v2": ("a", "b"), "v2_ddns": ("a", "b")},
    tlds=("com", "net", "tv", "cc", "dyndns.org", "yi.org", "dynserv.com", "mooo.com"),
    names_per_period=2000,
    period="week",
    active=(dt.date(2013, 1, 1), dt.date(2015, 12, 31)),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'Kraken's two Domain Generation Algorithms' (johannesbader.ch, 2015-12-22)",
        "github.com/baderj/domain_generation_algorithms kraken/v2/dga_v2.py",
    ),
    notes=(
        "Only the second (time-dependent) DGA is implemented; the 2007-2008 "
        "time-independent one is not. Seeds 'a' (24938314/24938315) and 'b' "
        "(1600000/1600001) are the two published parameter sets; which seed went with "
        "which suffix set is not documented, so every combination is generated. "
        "The active range is approximate: samples from 2013, peak in July 2014, "
        "described as dead or inactive at the end of 2015. Weeks turn at "
        "1207000000 + k*604800 (Monday 21:46:40 UTC), so one day in seven holds "
        "two weeks of names."
    ),
)

_TLD_SETS = {
    "v2": ("com", "net", "tv", "cc"),
    "v2_ddns": ("dyndns.org", "yi.org", "dynserv.com", "mooo.com"),
}
_SEEDS = {"a": (24938315, 24938314), "b": (1600001, 1600000)}  # (no temp file, temp file)
_COUNTERS = 1000
_WEEK0 = 1207000000
_MASK = 0xFFFFFFFF


def _rand(r: int) -> int:
    return (1103515245 * r + 12435) & _MASK


def _crop(r: int) -> int:
    return (r >> 8) & 0x7FFF


def _transition_table() -> np.ndarray:
    states = np.arange(1 << 15, dtype=np.int64)
    table = (((1103515245 * states + 12435) & _MASK) >> 8) & 0x7FFF
    table.setflags(write=False)
    return table


_TABLE = _transition_table()
_LETTER_OF_STATE = "".join(chr(97 + state % 26) for state in range(1 << 15))


def _power(exponent: int) -> np.ndarray:
    """The transition table applied ``exponent`` times, by repeated squaring."""
    result = np.arange(1 << 15, dtype=np.int64)
    base = _TABLE
    while exponent:
        if exponent & 1:
            result = base[result]
        base = base[base]
        exponent >>= 1
    return result


def _discards(stamp: int) -> int:
    """Python floor division, as in the reference: no discards before 2008-03-24."""
    return (stamp - _WEEK0) // 604800 + 2


@lru_cache(maxsize=64)
def _labels(seed: str, discards: int) -> tuple[str, ...]:
    """Labels in query order (per counter: no-temp-file seed, then temp-file seed)."""
    powers = {k: _power(k - 1).tolist() for k in (discards, discards - 1) if k > 0}
    labels = []
    for counter in range(_COUNTERS):
        skip = 0 if counter % 9 == 8 else discards - (1 if counter % 9 >= 6 else 0)
        for base in _SEEDS[seed]:
            r = 3 * counter + base
            if skip > 0:
                r = powers[skip][_crop(_rand(r))]
            r1 = _rand(r)
            r2 = _rand(r1)
            r = _rand(r2)
            length = (_crop(r1) * _crop(r2) + _crop(r)) % 6 + 7
            chars = []
            for _ in range(length):
                r = (1103515245 * r + 12435) & _MASK  # _rand, inlined: the hot loop
                chars.append(_LETTER_OF_STATE[(r >> 8) & 0x7FFF])
            labels.append("".join(chars))
    return tuple(labels)


def _parse_seed(seed: str | None) -> tuple[str, ...]:
    if seed is None:
        return tuple(_SEEDS)
    if seed.lower() not in _SEEDS:
        raise GeneratorError(f"kraken: unknown seed {seed!r}; valid: {', '.join(_SEEDS)}")
    return (seed.lower(),)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Names of the week(s) touching ``day``: 2000 per seed and suffix set, or twice that."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    seeds = _parse_seed(seed)
    start = calendar.timegm(day.timetuple())
    weeks = unique((_discards(start), _discards(start + 86399)))
    names = []
    for discards in weeks:
        for var in variants:
            tlds = _TLD_SETS[var]
            for sd in seeds:
                labels = _labels(sd, discards)
                names.extend(f"{label}.{tlds[(i >> 1) % 4]}" for i, label in enumerate(labels))
    return unique(names)
