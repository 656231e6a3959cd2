"""Necurs: the spam botnet's 2048-name DGA that changes about every 4 days.

A 64-bit mixing function (``(v & 0x7F) + 21`` rounds of shift/xor/add) is
chained over the year, month, ``day >> 2``, the sequence number 0..2047 and
a per-build "magic" number; each letter is one more mixing step ``% 25`` and
the TLD is picked from 43 by the final value.

The 2048 sequence numbers are independent, so they run as numpy lanes
(uint64 arithmetic wraps exactly like the sample's).  Lanes need different
round counts; sorting them by round count lets every round work on a
contiguous tail of still-active lanes.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    number_seeds,
    unique,
)

_M64 = 0xFFFFFFFFFFFFFFFF
_NAMES = 2048
_MAX_LABEL = 21
# 43 entries, indexed by the final value % 43.
_TLDS = (
    "tj", "in", "jp", "tw", "ac", "cm", "la", "mn", "so", "sh", "sc", "nu", "nf", "mu", "ms",
    "mx", "ki", "im", "cx", "cc", "tv", "bz", "me", "eu", "de", "ru", "co", "su", "pw", "kz",
    "sx", "us", "ug", "ir", "to", "ga", "com", "net", "org", "biz", "xxx", "pro", "bit",
)  # fmt: skip
_SEEDS = ("9",)

INFO = FamilyInfo(
    name="necurs",
    aliases=("Necurs", "nucurs"),
    malpedia="win.necurs",
    variants=("default",),
    seeds={"default": _SEEDS},
    tlds=_TLDS,
    names_per_period=_NAMES,
    period="day",
    active=(dt.date(2013, 1, 1), dt.date(2020, 3, 10)),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Necurs' (johannesbader.ch, 2015)",
        "Microsoft, 'New action to disrupt world's largest online criminal network' "
        "(Necurs takedown, 2020-03-10)",
        "Malpedia win.necurs",
    ),
    notes=(
        "Names depend on year, month and day // 4 (days 1-3, 4-7, ..., 28-31 share a "
        "set), so the set changes up to eight times a month. Magic number 9 is the "
        "one published; other builds may use others. The botnet's DGA registrations "
        "were seized by Microsoft in March 2020."
    ),
)


def _mix(value: int) -> int:
    """The sample's mixing function on one 64-bit value."""
    for index in range((value & 0x7F) + 21):
        value = (value + (((value * 7) ^ (value << 15)) + 8 * index - (value >> 5))) & _M64
    return value


def _mix_lanes(values: np.ndarray) -> np.ndarray:
    """:func:`_mix` on every lane (uint64); lanes stop after their own round count."""
    if values.size == 0:
        return values.copy()
    rounds = (values & np.uint64(0x7F)).astype(np.int64) + 21
    order = np.argsort(rounds, kind="stable")
    v = values[order]
    done = rounds[order]
    scratch = np.empty_like(v)
    shifted = np.empty_like(v)
    start = 0
    for index in range(int(done[-1])):
        if index >= 21:  # every lane runs at least 21 rounds
            start = int(np.searchsorted(done, index, side="right"))
        tail, a, b = v[start:], scratch[start:], shifted[start:]
        np.multiply(tail, np.uint64(7), out=a)
        np.left_shift(tail, np.uint64(15), out=b)
        np.bitwise_xor(a, b, out=a)
        a += np.uint64(8 * index)
        np.right_shift(tail, np.uint64(5), out=b)
        a -= b
        tail += a
    out = np.empty_like(v)
    out[order] = v
    return out


def names(day: dt.date, magic: int, count: int = _NAMES) -> list[str]:
    """The first ``count`` names of ``day``'s set, in sequence order."""
    base = _mix(day.year)
    base = _mix((base + day.month + 43690) & _M64)
    base = _mix((base + (day.day >> 2)) & _M64)
    with np.errstate(over="ignore"):
        n = np.uint64(base) + np.arange(count, dtype=np.uint64)
        n = _mix_lanes(n)
        n = _mix_lanes(n + np.uint64(magic & _M64))
        lengths = (n % np.uint64(15)).astype(np.int64) + 7
        letters = np.zeros((count, _MAX_LABEL), dtype=np.uint8)
        for i in range(_MAX_LABEL):
            live = lengths > i
            step = _mix_lanes(n[live] + np.uint64(i))
            letters[live, i] = (step % np.uint64(25)).astype(np.uint8) + 97
            n[live] = _mix_lanes(step + np.uint64(0xABBEDF))
    rows = letters.tobytes()
    tld_index = (n % np.uint64(43)).tolist()
    return [
        f"{rows[k * _MAX_LABEL : k * _MAX_LABEL + size].decode('ascii')}.{_TLDS[tld_index[k]]}"
        for k, size in enumerate(lengths.tolist())
    ]


@lru_cache(maxsize=16)
def _period(year: int, month: int, quarter: int, magic: int) -> tuple[str, ...]:
    """One set; the forecast asks for every day, and four days share a set."""
    return tuple(names(dt.date(year, month, max(quarter * 4, 1)), magic))


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    return number_seeds(INFO, seed, _SEEDS, 10, 64, "the decimal magic number")


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """All 2048 names of the set ``day`` falls in (per magic number)."""
    day = check_day(day)
    check_variant(INFO, variant)
    return unique(
        name
        for magic in _parse_seed(seed)
        for name in _period(day.year, day.month, day.day >> 2, magic)
    )
