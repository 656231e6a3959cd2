"""Fosniw, a Korean trojan that numbers its C2 host names.

Not a random DGA: a fixed pattern with a counter from 0 to 100, e.g.
``app2.winsoft0.com`` ... ``app2.winsoft100.com``.  Two patterns are known.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="fosniw",
    aliases=("Fosniw",),
    malpedia="",
    variants=("winsoft", "koreasys"),
    seeds={"winsoft": (), "koreasys": ()},
    tlds=("com",),
    names_per_period=101,
    period="static",
    active=(dt.date(2013, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=("github.com/baderj/domain_generation_algorithms fosniw/dga.py",),
    notes=(
        "The names are host names under registered domains winsoft<N>.com and "
        "koreasys<N>.com. Active range approximate; Malpedia id not verified."
    ),
)

_PATTERNS = {"winsoft": "app2.winsoft{}.com", "koreasys": "appx.koreasys{}.com"}
_COUNT = 101


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """101 names per pattern; the date is ignored."""
    check_day(day)
    variants = check_variant(INFO, variant)
    refuse_seed(INFO, seed, "pick a variant: winsoft, koreasys")
    return unique(_PATTERNS[var].format(i) for var in variants for i in range(_COUNT))
