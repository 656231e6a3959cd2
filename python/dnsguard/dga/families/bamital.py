"""Bamital, the click-fraud botnet taken down in February 2013.

Each name is the MD5 hex digest of one upper-case letter followed by the ISO
date, under .org.  A bot walks a contiguous run of letters; the union over all
runs is the 26 letters A-Z, which is what is generated here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import string

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="bamital",
    aliases=("Bamital",),
    malpedia="",
    variants=("default",),
    seeds={"default": ()},
    tlds=("org",),
    names_per_period=26,
    period="day",
    active=(dt.date(2009, 12, 1), dt.date(2013, 2, 6)),
    threat="botnet",
    seed_required=False,
    references=(
        "Microsoft and Symantec, Bamital takedown (Operation b58, 2013-02-06)",
        "D. Plohmann et al., 'A Comprehensive Measurement Study of Domain Generating "
        "Malware' (USENIX Security 2016): Bamital listed as a hash-based, date-seeded DGA",
        "github.com/aftabalam01/machinelearningpipeline src/dataset/algorithms/bamital/dga.py",
    ),
    notes=(
        "The only public re-implementation available here is a research data-set "
        "generator; its letter-plus-date MD5 construction matches the hash-based "
        "description but was not checked against a sample, so treat matches as "
        "strong but not binary-verified. The first and last letter of a bot's run "
        "are not modelled: all 26 are generated. The end date is the takedown."
    ),
)

_LETTERS = string.ascii_uppercase


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 26 names of ``day``, letters A to Z."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "letter and date only")
    stamp = day.isoformat()
    return unique(
        hashlib.md5(f"{letter}{stamp}".encode("ascii")).hexdigest() + ".org" for letter in _LETTERS
    )
