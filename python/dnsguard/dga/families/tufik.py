"""Tufik.

The date (year + 48 as a byte, month, day) and an even counter are packed into
eight bytes, XOR-ed with a 32-bit magic and hashed with MD5.  Every digest byte
becomes the sum of its two nibbles; sums up to 25 are letters, larger ones are
dropped, which is why the labels vary in length.  Two consecutive counters
share one digest and differ only in the TLD.

That is Murofet's v2 construction (same block, letters and TLD rule, 1020
names) with Tufik's magic as the key, so :mod:`murofet` computes the names.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families import murofet
from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    number_seeds,
    unique,
)

INFO = FamilyInfo(
    name="tufik",
    aliases=("Tufik",),
    malpedia="",
    variants=("default",),
    seeds={"default": ("997722ED",)},
    tlds=("biz", "info", "org", "net", "com"),
    names_per_period=1020,
    period="day",
    active=(dt.date(2012, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, DGA re-implementations: tufik/dga.py "
        "(github.com/baderj/domain_generation_algorithms)",
    ),
    notes=(
        "Only one magic (0x997722ED) is published. The active range is approximate: "
        "no public report dates the campaigns; no Malpedia entry was verified."
    ),
)


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    return number_seeds(INFO, seed, INFO.seeds["default"], 16, 32, "a 32-bit hex magic")


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 1020 names of ``day`` per magic, in query order."""
    day = check_day(day)
    check_variant(INFO, variant)
    return unique(name for magic in _parse_seed(seed) for name in murofet.names(day, "v2", magic))
