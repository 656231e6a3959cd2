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
    ascii_seeds,
    check_day,
    check_variant,
    unique,
)
from dnsguard.dga.families.proslikefan import day_names

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


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """30 names per seed: ten rounds over .cc, .co and .eu."""
    day = check_day(day)
    check_variant(INFO, variant)
    seeds = ascii_seeds(INFO, seed, "string")
    return unique(name for text in seeds for name in day_names(day, text, INFO.tlds))
