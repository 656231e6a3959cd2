"""Ramnit: the banking worm's date-independent, seeded DGA.

Each sample carries a 32-bit seed, a domain count and a TLD list in its
config.  A Park-Miller generator (Schrage's form, truncated to 32 bits) draws
the label length (8-19) and letters ``a``-``y``; after every name the state
is reseeded from the product of the two states seen while drawing it.  The
names never change, so one list per seed covers a sample's whole life.

Variant "v1" draws lengths 8-19 (``% 12 + 8``, the 2014 disassembly); "v2"
draws 9-25 (``% 17 + 9``), as the current reference script does.  The state
sequence does not depend on the length, so both spell the same letter
stream, cut differently.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    number_seeds,
    unique,
)

_M32 = 0xFFFFFFFF
_NAMES = 200
# Variant -> (length modulus, minimum length).
_LENGTHS = {"v1": (12, 8), "v2": (17, 9)}
# Seeds whose published config asks for more names than the default.
_COUNTS = {0xA6EAB21A: 500, 0x46CF1B28: 500}
# TLDs seen in Ramnit configs; every label is emitted with each of them
# because configs differ in which subset (and order) they use.
_TLDS = ("click", "bid", "eu", "com")
_SEEDS = (
    "16647BB4", "E7392D18", "C129388E", "E706B455", "DC485593", "EF214BBF",
    "28488EEA", "4BFCBC6A", "79159C10", "92F4BE35", "4302C04A", "52278648",
    "9753029A", "A6EAB21A", "46CF1B28", "1CCEC41C", "C5787AE2", "FCFFD9E9",
    "75EA95C2", "8A0AEC7D", "1DF640A8", "14DF29DD", "8222270B", "55536A85",
    "5C39E467", "D2B3C361", "F318D47D", "231D9480", "13317EAC", "89547381",
    "6C36D41D",
)  # fmt: skip

INFO = FamilyInfo(
    name="ramnit",
    aliases=("Ramnit", "Nimnul"),
    malpedia="win.ramnit",
    variants=("v1", "v2"),
    seeds={"v1": _SEEDS, "v2": _SEEDS},
    tlds=_TLDS,
    names_per_period=_NAMES * len(_TLDS),
    period="static",
    active=(dt.date(2010, 1, 1), None),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Ramnit' (johannesbader.ch, 2014; seed list extended later)",
        "nao_sec, 'Analyzing Ramnit used in Seamless' (2018)",
        "Akamai, 'Ramnit in the UK' (2019)",
        "Malpedia win.ramnit",
    ),
    notes=(
        "31 published seeds. Each seed yields 200 labels (500 for A6EAB21A and "
        "46CF1B28, whose configs ask for 500; some configs ask for fewer), each "
        "emitted with .click, .bid, .eu and .com because configs use different TLD "
        "subsets (older samples .com only). The names never change with the date. "
        "v1 labels are 8-19 letters (Bader's 2014 disassembly and example list for "
        "seed 79159C10), v2 labels 9-25 (the reference script's current rule; its "
        "output is this project's test data)."
    ),
)


def _next(state: int) -> int:
    """One Park-Miller step as the sample computes it (may go negative, then wraps)."""
    return (16807 * (state % 127773) - 2836 * (state // 127773)) & _M32


def labels(seed: int, count: int, variant: str = "v2") -> list[str]:
    """The first ``count`` labels of one seed, in query order."""
    modulus, shortest = _LENGTHS[variant]
    state = seed & _M32
    out = []
    for _ in range(count):
        first = state
        state = _next(state)
        length = state % modulus + shortest
        second = state
        chars = []
        for _ in range(length):
            state = _next(state)
            chars.append(chr(97 + state % 25))
        out.append("".join(chars))
        product = first * second
        state = (product + (product >> 32)) & _M32
    return out


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    return number_seeds(INFO, seed, _SEEDS, 16, 32, "32-bit hex like 16647BB4")


@lru_cache(maxsize=128)
def _names(seed: int, variant: str) -> tuple[str, ...]:
    """All names of one seed.  They never change, so each seed's list is
    computed once per process (the forecast asks for every day)."""
    out: list[str] = []
    for index, label in enumerate(labels(seed, _COUNTS.get(seed, _NAMES), variant)):
        # The reference cycles the TLD list by index; that TLD comes first.
        first = _TLDS[index % len(_TLDS)]
        out.append(f"{label}.{first}")
        out.extend(f"{label}.{tld}" for tld in _TLDS if tld != first)
    return tuple(out)


@lru_cache(maxsize=128)
def _combined(variants: tuple[str, ...], seeds: tuple[int, ...]) -> tuple[str, ...]:
    return tuple(unique(name for var in variants for value in seeds for name in _names(value, var)))


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Every name of the seed(s); ``day`` is checked but does not matter."""
    check_day(day)
    return list(_combined(check_variant(INFO, variant), _parse_seed(seed)))
