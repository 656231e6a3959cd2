"""An unnamed JavaScript DGA (Bader), a sibling of Proslikefan.

It uses the same construction as :mod:`proslikefan` (a signed 32-bit string
hash of ``<seed>.<month>.<day>.<year>.<tld>``) with the seed "OK" and the TLDs
.cc, .co and .eu: thirty names a day.  Whether it is a Proslikefan build is
not established, so it stays a family of its own.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)
from dnsguard.dga.families.proslikefan import hashed_name

INFO = FamilyInfo(
    name="unnamed_javascript",
    aliases=("Unnamed JavaScript DGA",),
    malpedia="",
    variants=("default",),
    seeds={"default": ("OK",)},
    tlds=("cc", "co", "eu"),
    names_per_period=30,
    period="day",
    active=(dt.date(2016, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'An unnamed JavaScript DGA' (johannesbader.ch)",
        "github.com/baderj/domain_generation_algorithms unnamed_javascript_dga/dga.py",
    ),
    notes="Active range approximate; no family name or Malpedia entry is known.",
)

_ROUNDS = 10


def _parse_seed(seed: str | None) -> tuple[str, ...]:
    known = INFO.seeds["default"]
    if seed is None:
        return known
    if not seed or not seed.isascii() or not seed.isprintable():
        raise GeneratorError(
            f"unnamed_javascript: seed must be a printable ASCII string; known: {', '.join(known)}"
        )
    return (seed,)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """30 names per seed: ten rounds over .cc, .co and .eu."""
    day = check_day(day)
    check_variant(INFO, variant)
    names = []
    for text in _parse_seed(seed):
        prefix = f"{text}.{day.month}.{day.day}.{day.year}"
        names.extend(hashed_name(prefix, tld, i) for i in range(_ROUNDS) for tld in INFO.tlds)
    return unique(names)
