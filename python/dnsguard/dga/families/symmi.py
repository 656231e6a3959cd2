"""Symmi (MewsSpy, Graftor) and its half-monthly ddns.net sub-domains.

The seed is the date with the day reduced to "first or second half of the
month" (day // 16), fed into the MSVC ``rand()`` LCG; names alternate vowels
and consonants starting with either class.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    msvcrt_rand,
    unique,
)

INFO = FamilyInfo(
    name="symmi",
    aliases=("Symmi", "MewsSpy", "Graftor"),
    malpedia="",
    variants=("default",),
    seeds={"default": ("42",)},
    tlds=("ddns.net",),
    names_per_period=64,
    period="day",
    active=(dt.date(2014, 12, 12), None),
    threat="dga",
    seed_required=False,
    references=("J. Bader, 'The DGA of Symmi' (johannesbader.ch, 2015)",),
    notes=(
        "The name set changes on the 1st and the 16th of each month (day // 16; "
        "the 31st, day // 16 == 1, shares the second half). Seed is the decimal seed "
        "constant (42 in the analysed sample)."
    ),
)

_VOWELS = "aeiouy"
_CONSONANTS = "bcdfghklmnpqrstvwxz"
_NAMES = 64
_MIN_LEN, _MAX_LEN = 8, 15


def _parse_seed(seed: str) -> int:
    try:
        return int(seed, 10)
    except ValueError:
        raise GeneratorError(f"symmi: bad seed {seed!r}; a decimal number, known: 42") from None


def _date_seed(day: dt.date, constant: int) -> int:
    return 10000 * (day.day // 16 * 100 + day.month) + day.year + constant


def names(day: dt.date, constant: int = 42, count: int = _NAMES) -> list[str]:
    """The ``count`` names of the half-month holding ``day``."""
    rand = msvcrt_rand(_date_seed(day, constant)).__next__
    out = []
    for _ in range(count):
        length = _MIN_LEN + rand() % (_MAX_LEN - _MIN_LEN + 1)
        letters = []
        first = 0
        for i in range(length):
            if i % 2 == 0:
                first = 1 if rand() & 0x100 else 0
            value = rand()
            # The sample indexes modulo len - 1: 'y' and 'z' never occur.
            alphabet = _CONSONANTS if (first + i) % 2 else _VOWELS
            letters.append(alphabet[value % (len(alphabet) - 1)])
        out.append("".join(letters) + ".ddns.net")
    return out


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 64 names of the half-month holding ``day``."""
    day = check_day(day)
    check_variant(INFO, variant)
    seeds = INFO.seeds["default"] if seed is None else (seed,)
    return unique(n for s in seeds for n in names(day, _parse_seed(s)))
