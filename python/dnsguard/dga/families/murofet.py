"""Murofet (Licat): the Zeus-derived trojan's three MD5 DGAs.

All three hash a few date bytes plus the name's index with MD5 and map the
digest bytes to letters:

``v1``  7 bytes (year+0x30, month, day rounded down to a multiple of 7,
        index as 4 LE bytes); two letters per digest byte (low 5 bits, high
        5 bits) when they differ and are <= 'z'.  1020 names.
``v2``  8 bytes (year+0x30, month, day, 0, index with the low bit cleared),
        XORed with a 32-bit per-build key; one letter per byte (sum of the two
        nibbles).  Consecutive indexes share a label.  1020 names a day.
``v3``  v1's bytes; two or three characters per byte, digits included.
        1000 names.

The TLD is the first of the list whose position from the end divides the
index (so .com is the fallback).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    divisor_tlds,
    parse_uint,
    unique,
)

_TLDS_V1 = ("ru", "biz", "info", "org", "net", "com")
_TLDS_V2 = ("biz", "info", "org", "net", "com")
_COUNT = {"v1": 1020, "v2": 1020, "v3": 1000}
_KEYS = ("D6D7A4BE", "DEADC2DE", "D6D7A4B1")

INFO = FamilyInfo(
    name="murofet",
    aliases=("Murofet", "Licat", "Zeus-Murofet"),
    malpedia="win.murofet",
    variants=("v1", "v2", "v3"),
    seeds={"v1": (), "v2": _KEYS, "v3": ()},
    tlds=_TLDS_V1,
    names_per_period=1020,
    period="day",
    active=(dt.date(2010, 9, 1), dt.date(2012, 12, 31)),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, domain_generation_algorithms: murofet v1/v2/v3 re-implementations "
        "(github.com/baderj)",
        "Cisco VRT blog, 'Decoding Domain Generation Algorithms' (2014-03-06; the "
        "'ZeusBot' DGA, which is v1)",
        "Malpedia win.murofet",
    ),
    notes=(
        "v1 and v3 change when day // 7 changes (days 1-6, 7-13, 14-20, 21-27, 28-31); "
        "v2 changes daily and needs a key (three published: D6D7A4BE, DEADC2DE, "
        "D6D7A4B1). The 'ZeusBot' DGA of the VRT blog is v1 (its 1000 names are v1's "
        "first 1000). The activity range is approximate."
    ),
)


# TLD by index: the first whose position from the end divides the index
# (.com, the last, divides everything); both patterns repeat every 60.
_CYCLE_V1 = divisor_tlds(_TLDS_V1)
_CYCLE_V2 = divisor_tlds(_TLDS_V2)


def _week_bytes(day: dt.date) -> bytes:
    return bytes(((day.year & 0xFF) + 0x30 & 0xFF, day.month, day.day // 7 * 7))


def _v1_chars(b: int) -> str:
    """Low and high 5 bits as letters, both dropped when equal, each when past 'z'."""
    low, high = (b & 0x1F) + 97, (b >> 3) + 97
    if low == high:
        return ""
    return "".join(chr(c) for c in (low, high) if c <= 122)


def _v2_chars(b: int) -> str:
    """Sum of the nibbles as a letter, dropped when past 'z'."""
    c = (b & 0xF) + (b >> 4) + 97
    return chr(c) if c <= 122 else ""


def _v3_chars(b: int) -> str:
    """Low nibble as a-p, high nibble as q-z or, past 'z', a digit 1-6 plus one more digit."""
    first, second = (b & 0xF) + 97, (b >> 4) + 113
    if second <= 122:
        return chr(first) + chr(second)
    return chr(first) + chr(second - 74) + chr(first % 10 + 48)


# What each digest byte turns into, per variant (a lookup keeps 16 bytes cheap).
_V1_TABLE = tuple(_v1_chars(b) for b in range(256))
_V2_TABLE = tuple(_v2_chars(b) for b in range(256))
_V3_TABLE = tuple(_v3_chars(b) for b in range(256))


def _weekly(day: dt.date, count: int, table: tuple[str, ...]) -> list[str]:
    """v1 and v3: the same hashed bytes, different byte-to-text tables."""
    head = _week_bytes(day)
    return [
        "".join(map(table.__getitem__, hashlib.md5(head + i.to_bytes(4, "little")).digest()))
        + "."
        + _CYCLE_V1[i % 60]
        for i in range(count)
    ]


def _v2(day: dt.date, key: int, count: int) -> list[str]:
    """v2 (also Tufik's DGA): the date half of the XORed block is fixed for the day."""
    date = bytes(((day.year & 0xFF) + 0x30 & 0xFF, day.month, day.day, 0))
    head = bytes(a ^ b for a, b in zip(date, key.to_bytes(4, "little"), strict=True))
    out = []
    label = ""
    for index in range(count):
        if index % 2 == 0:  # index & ~1 is hashed: pairs share a label
            digest = hashlib.md5(head + (index ^ key).to_bytes(4, "little")).digest()
            label = "".join(map(_V2_TABLE.__getitem__, digest))
        out.append(f"{label}.{_CYCLE_V2[index % 60]}")
    return out


def names(day: dt.date, variant: str, key: int = 0, count: int | None = None) -> list[str]:
    """One variant's names for ``day`` in query order (``key`` only for v2)."""
    n = _COUNT[variant] if count is None else count
    if variant == "v2":
        return _v2(day, key, n)
    if count is None:
        return list(_week(day.year, day.month, day.day // 7, variant))
    return _weekly(day, n, _V1_TABLE if variant == "v1" else _V3_TABLE)


@lru_cache(maxsize=16)
def _week(year: int, month: int, week: int, variant: str) -> tuple[str, ...]:
    """v1/v3 names of one day-of-month week; the forecast asks for every day."""
    day = dt.date(year, month, max(week * 7, 1))
    return tuple(_weekly(day, _COUNT[variant], _V1_TABLE if variant == "v1" else _V3_TABLE))


def _parse_seed(seed: str | None, variants: tuple[str, ...]) -> tuple[int, ...]:
    if seed is None:
        return tuple(int(k, 16) for k in _KEYS)
    if "v2" not in variants:
        raise GeneratorError("murofet: only v2 takes a seed (its 32-bit hex key)")
    value = parse_uint(seed, 16, 32)
    if value is None:
        raise GeneratorError(f"murofet: v2 key must be 32-bit hex; known: {', '.join(_KEYS)}")
    return (value,)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Names for ``day``: v1, then v2 per key, then v3.  A seed selects a v2
    key and leaves v1/v3 (which have none) as they are."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    keys = _parse_seed(seed, variants)
    out: list[str] = []
    for var in variants:
        if var == "v2":
            for key in keys:
                out.extend(names(day, "v2", key))
        else:
            out.extend(names(day, var))
    return unique(out)
