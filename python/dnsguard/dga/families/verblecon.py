"""Verblecon, a 2022 loader that mined cryptocurrency: one .tk name a day.

The label is the MD5 hex digest of the ISO date followed by a seed string
("verble" in the analysed samples).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from dnsguard.dga.families.base import (
    FamilyInfo,
    ascii_seeds,
    check_day,
    check_variant,
)

INFO = FamilyInfo(
    name="verblecon",
    aliases=("Verblecon",),
    malpedia="",
    variants=("default",),
    seeds={"default": ("verble",)},
    tlds=("tk",),
    names_per_period=1,
    period="day",
    active=(dt.date(2022, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "Symantec, 'Verblecon: Sophisticated New Loader Used in Low-level Attacks' (2022-04)",
        "github.com/baderj/domain_generation_algorithms verblecon/dga.py",
    ),
    notes="Only the seed 'verble' is published. Active range approximate; Malpedia id not verified.",
)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """One name per seed for ``day``."""
    day = check_day(day)
    check_variant(INFO, variant)
    stamp = day.isoformat()
    return [
        hashlib.md5(f"{stamp}{text}".encode("ascii")).hexdigest() + ".tk"
        for text in ascii_seeds(INFO, seed, "string")
    ]
