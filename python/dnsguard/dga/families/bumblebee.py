"""Bumblebee, the loader's DGA (100 names under .life).

The seed is an eight-character magic from the configuration (read as a
little-endian 64-bit number) plus a date-derived term.  Each of the 11
characters of a label comes from a 64-bit LCG step followed by 32 rounds of a
right-shifting feedback register, reduced modulo 36 over a-z0-9.

The date term is where the public descriptions disagree, so each reading is a
variant:

``static``
    the path taken without a date: fixed fields (second 32, month 13, year 1899).
``zeroed``
    the dated path as the current reference describes it: the date fields end
    up zero, so the names never change.
``monthly``
    the dated path as an earlier reference computed it: the second (0 here),
    the zero-based month and the year, so names change monthly.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="bumblebee",
    aliases=("BumbleBee", "Bumble Bee"),
    malpedia="win.bumblebee",
    variants=("static", "zeroed", "monthly"),
    seeds={"static": ("TEST_SEE",), "zeroed": ("TEST_SEE",), "monthly": ("TEST_SEE",)},
    tlds=("life",),
    names_per_period=100,
    period="month",
    active=(dt.date(2022, 3, 1), None),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of BumbleBee' (bin.re / johannesbader.ch, 2022)",
        "github.com/baderj/domain_generation_algorithms bumblebee/dga.py "
        "(current and earlier revisions)",
    ),
    notes=(
        "TEST_SEE is the only published magic. The 'monthly' variant reproduces the "
        "earlier reference revision with the second fixed at 0 (the reference data was "
        "generated on whole hours); if a sample really mixed in the current second, "
        "each month would have 60 seeds and only the first is generated here."
    ),
)

_CHARSET = "abcdefghijklmnopqrstuvwxyz0123456789"
_MASK64 = (1 << 64) - 1
_NAMES = 100
_LABEL = 11


def _magic(text: str) -> int:
    return sum(ord(ch) << (8 * i) for i, ch in enumerate(text))


def _date_term(variant: str, day: dt.date) -> int:
    if variant == "static":
        second, month, year = 32, 13, 1899
    elif variant == "zeroed":
        second, month, year = 0, 0, 0
    else:
        second, month, year = 0, day.month - 1, day.year
    return (second | ((month + 256) << 8)) + year


def _step(r: int) -> int:
    r = (r * 1664525 + 1013904223) & _MASK64
    for _ in range(32):
        r = (r >> 1) ^ 0xF5000000 if r & 1 else r >> 1
    return r


@lru_cache(maxsize=64)
def _names(seed: int) -> tuple[str, ...]:
    """Cached: two of the three variants never change and the third changes monthly."""
    r = seed
    names = []
    for _ in range(_NAMES):
        chars = []
        for _ in range(_LABEL):
            r = _step(r)
            chars.append(_CHARSET[r % 36])
        names.append("".join(chars) + ".life")
    return tuple(names)


def _parse_seed(seed: str | None) -> tuple[str, ...]:
    known = INFO.seeds["static"]
    if seed is None:
        return known
    if not (1 <= len(seed) <= 8 and seed.isascii() and seed.isprintable()):
        raise GeneratorError(
            f"bumblebee: seed must be the 1-8 character ASCII magic, e.g. {known[0]!r}; "
            f"known: {', '.join(known)}"
        )
    return (seed,)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """100 names per variant and magic, in query order."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    names: list[str] = []
    for text in _parse_seed(seed):
        for var in variants:
            names.extend(_names(_magic(text) + _date_term(var, day)))
    return unique(names)
