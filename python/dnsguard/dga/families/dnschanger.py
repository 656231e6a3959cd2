"""DNSChanger (the Rove Digital trojan, 2007-2011).

Five .com names of ten letters each from the MSVCRT ``rand()`` seeded with a
value the sample takes from the clock tick counter, i.e. a different seed on
every machine and boot.  The names therefore cannot be forecast: the family is
marked ``seed_required`` and only generates for an explicit seed.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    msvcrt_rand,
    parse_uint,
    unique,
)

INFO = FamilyInfo(
    name="dnschanger",
    aliases=("DNSChanger", "Zlob", "Rove Digital"),
    malpedia="",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com",),
    names_per_period=5,
    period="static",
    active=(dt.date(2007, 1, 1), dt.date(2012, 7, 9)),
    threat="dga",
    seed_required=True,
    references=(
        "J. Bader, 'The DGA of DNSChanger' (johannesbader.ch)",
        "github.com/baderj/domain_generation_algorithms dnschanger/dga.py",
        "FBI, 'Operation Ghost Click' (2011-11-08); replacement DNS servers shut down 2012-07-09",
    ),
    notes=(
        "The seed is tick-count-like (a 32-bit integer that differs per machine and "
        "boot), so no list of seeds exists; generate() without a seed returns nothing."
    ),
)

_NAMES = 5
_LENGTH = 10


def _parse_seed(seed: str) -> int:
    value = parse_uint(seed, 10, 32)
    if value is None:
        raise GeneratorError(
            f"dnschanger: seed must be a 32-bit unsigned integer (tick count), got {seed!r}"
        )
    return value


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The five names of one seed (empty without a seed); the date is ignored."""
    check_day(day)
    check_variant(INFO, variant)
    if seed is None:
        return []
    rand = msvcrt_rand(_parse_seed(seed))
    names = []
    for _ in range(_NAMES):
        names.append("".join(chr(ord("a") + next(rand) % 26) for _ in range(_LENGTH)) + ".com")
    return unique(names)
