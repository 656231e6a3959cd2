"""Ranbyus: the banking trojan's two daily DGAs.

The *may* (2015-05) variant runs a shift/xor recurrence over four 32-bit
registers (day, month, year, seed) and takes ``(day ^ month ^ year) % 25``
as each letter; the registers carry over from one name to the next, 14
letters per name, 40 names a day.  The same loop, cut to 12 letters, is the
2016 Mirai DGA (see :mod:`dnsguard.dga.families.mirai`).

The *september* (2015-09) variant seeds a 64-bit LCG (PCG constants) with
``day * month * year ^ seed``; every name takes 17 bytes of two output
blocks, ``% 25`` as letters.  Both cycle the TLD list from index ``day``
modulo 8, so the last TLD of the list is never used.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    parse_uint,
    unique,
)

_M32 = 0xFFFFFFFF
_M64 = 0xFFFFFFFFFFFFFFFF
_NAMES = 40
_TLDS = ("in", "me", "cc", "su", "tw", "net", "com", "pw", "org")
# Seed CE7F8514 (the bitwise NOT of 31807AEB in one sample) uses another order.
_TLDS_CE7F8514 = ("in", "net", "org", "com", "me", "su", "tw", "cc", "pw")
_SEEDS = {
    "may": ("C5F128F3", "B6354BC3", "65BA0743", "0478620C"),
    "september": (
        "0F0D5BFA", "F2C72B14", "AE8714BE", "CE7F8514", "572473BB", "17794CF1",
        "C0E32524", "7CB7966E", "9F90C9E7", "8FB8879B", "E981684B",
    ),
}  # fmt: skip

INFO = FamilyInfo(
    name="ranbyus",
    aliases=("Ranbyus",),
    malpedia="win.ranbyus",
    variants=("may", "september"),
    seeds=_SEEDS,
    tlds=_TLDS,
    names_per_period=_NAMES,
    period="day",
    active=(dt.date(2015, 5, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Ranbyus' (johannesbader.ch, 2015-05)",
        "J. Bader, 'Ranbyus's DGA, Revisited' (johannesbader.ch, 2015-09)",
        "GovCERT.ch, 'When Mirai meets Ranbyus' (2016-12-15)",
        "Malpedia win.ranbyus",
    ),
    notes=(
        "40 names per day and seed. TLD index = day of month, incremented per name, "
        "modulo 8 (the ninth TLD is unreachable; 'org' only appears for seed "
        "CE7F8514's reordered list). Eleven september seeds and four may seeds are "
        "published; samples with other seeds exist. When the family stopped is "
        "not documented, so no end date is set."
    ),
)


def may_letters(day: int, month: int, year: int, seed: int, count: int) -> tuple[str, tuple]:
    """``count`` letters of the May-2015 recurrence and the registers after it.

    C precedence: ``&`` binds tighter than ``^``; everything is unsigned 32-bit.
    """
    out = []
    for _ in range(count):
        day = ((day >> 15) ^ (16 * ((day & 0x1FFF) ^ (4 * (seed ^ day))))) & _M32
        year = (((year & 0xFFFFFFF0) << 17) & _M32) ^ (((year ^ (7 * year)) & _M32) >> 11)
        month = ((14 * (month & 0xFFFFFFFE)) ^ (((month ^ (4 * month)) & _M32) >> 8)) & _M32
        seed = ((seed >> 6) ^ ((((day + 8 * seed) & _M32) << 8) & 0x3FFFF00)) & _M32
        out.append(chr(97 + (day ^ month ^ year) % 25))
    return "".join(out), (day, month, year, seed)


def _may(day: dt.date, seed: int) -> list[str]:
    registers = (day.day, day.month, day.year, seed)
    out = []
    for i in range(_NAMES):
        label, registers = may_letters(*registers, 14)
        out.append(f"{label}.{_TLDS[(day.day + i) % 8]}")
    return out


def _pcg_block(state: int) -> tuple[int, bytes]:
    """Three LCG steps -> next state and 16 output bytes (four LE dwords)."""
    alpha, inc = 0x5851F42D4C957F2D, 0x14057B7EF767814F
    s1 = (alpha * state + inc) & _M64
    s2 = (alpha * s1 + inc) & _M64
    s3 = (alpha * s2 + inc) & _M64
    mixed = ((s3 >> 24) & 0xFFFFFF00) | ((s3 & _M32) >> 24)
    words = (
        ((mixed ^ s2) & 0xFFFFF) ^ s2,
        s2 >> 32,
        (s1 & 0xFFF00000) | ((s3 >> 32) >> 12),
        s1 >> 32,
    )
    return s3, b"".join((w & _M32).to_bytes(4, "little") for w in words)


def _september(day: dt.date, seed: int) -> list[str]:
    tlds = _TLDS_CE7F8514 if seed == 0xCE7F8514 else _TLDS
    state = (day.day * day.month * day.year) ^ seed
    out = []
    for i in range(_NAMES):
        state, first = _pcg_block(state)
        state, second = _pcg_block(state)
        label = "".join(chr(97 + b % 25) for b in (first + second)[:17])
        out.append(f"{label}.{tlds[(day.day + i) % 8]}")
    return out


def _parse_seed(seed: str | None, variants: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    if seed is None:
        return {v: tuple(int(s, 16) for s in _SEEDS[v]) for v in variants}
    value = parse_uint(seed, 16, 32)
    if value is None:
        known = "; ".join(f"{v}: {', '.join(_SEEDS[v])}" for v in variants)
        raise GeneratorError(f"ranbyus: seed must be 32-bit hex; known {known}")
    return {v: (value,) for v in variants}


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The day's names: may seeds first, then september seeds."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    runners = {"may": _may, "september": _september}
    out: list[str] = []
    for var, seeds in _parse_seed(seed, variants).items():
        for value in seeds:
            out.extend(runners[var](day, value))
    return unique(out)
