"""Proslikefan, a worm's daily DGA.

A Java-style 32-bit string hash (h = 31*h + c, signed) of
``<magic>.<month>.<day>.<year>.<tld>`` seeds each name; every further letter
hashes the letters so far followed by the previous value in decimal.  The
length check is re-evaluated after each letter against the latest value, so
labels have 6-12 letters.  Ten names per TLD and day.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    ascii_seeds,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="proslikefan",
    aliases=("Proslikefan", "ProsLikeFan"),
    malpedia="",
    variants=("default",),
    seeds={"default": ("prospect", "OK")},
    tlds=("eu", "biz", "se", "info", "com", "net", "org", "ru", "in", "name"),
    names_per_period=100,
    period="day",
    active=(dt.date(2016, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Proslikefan' (johannesbader.ch, 2016)",
        "github.com/baderj/domain_generation_algorithms proslikefan/dga.py",
    ),
    notes=(
        "Magic strings 'prospect' and 'OK' are the published ones; samples may use "
        "others. The active range is approximate; no Malpedia entry was verified."
    ),
)

_ROUNDS = 10
_TLDS = INFO.tlds


def _hash(text: str) -> int:
    """31*h + c over 32 bits, returned as the absolute value of the signed result."""
    h = 0
    for ch in text:
        h = (h * 31 + ord(ch)) & 0xFFFFFFFF
    return 0x100000000 - h if h & 0x80000000 else h


def hashed_name(prefix: str, tld: str, round_: int) -> str:
    """One name; public because the unnamed JavaScript DGA shares the construction."""
    r = _hash(f"{prefix}.{tld}") + round_
    label = ""
    while len(label) < r % 7 + 6:
        r = _hash(label + str(r))
        label += chr(r % 26 + 97)
    return f"{label}.{tld}"


def day_names(day: dt.date, magic: str, tlds: tuple[str, ...]) -> list[str]:
    """One magic's names of ``day``: ten rounds, each over ``tlds`` (shared with
    the unnamed JavaScript DGA, which differs only in seed and TLDs)."""
    prefix = f"{magic}.{day.month}.{day.day}.{day.year}"
    return [hashed_name(prefix, tld, i) for i in range(_ROUNDS) for tld in tlds]


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """100 names per magic: ten rounds, each over the ten TLDs."""
    day = check_day(day)
    check_variant(INFO, variant)
    magics = ascii_seeds(INFO, seed, "magic string")
    return unique(name for magic in magics for name in day_names(day, magic, _TLDS))
