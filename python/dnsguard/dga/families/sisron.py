"""Sisron.

The label is simply the date written as ``ddmmyyyy``, Base64-encoded and
lower-cased, with the padding '=' turned into 'a'.  A bot tries today and the
nine days before under each of four TLDs, so names stay in use for ten days.
"""

from __future__ import annotations

import base64
import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="sisron",
    aliases=("Sisron",),
    malpedia="",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com", "org", "net", "info"),
    names_per_period=40,
    period="day",
    active=(dt.date(2012, 2, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Sisron' (johannesbader.ch): part of a financial-fraud "
        "and identity-theft botnet disrupted by Microsoft",
        "Sophos report quoted by Bader: names of 15-24 February 2012",
        "github.com/baderj/domain_generation_algorithms sisron/dga.py",
    ),
    notes=(
        "Ten days back times four TLDs: only four names are new each day. Names are "
        "published for February 2012 and samples peaked in 2013; no end date is known. "
        "No Malpedia entry was verified."
    ),
)

_TLDS = (".com", ".org", ".net", ".info")
_DAYS_BACK = 10


def _label(day: dt.date) -> str:
    raw = base64.b64encode(day.strftime("%d%m%Y").encode("ascii")).decode("ascii")
    return raw.lower().replace("=", "a")


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """40 names: for each TLD, today's label then the nine previous days'."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "the date alone is encoded")
    labels = [_label(day - dt.timedelta(days=back)) for back in range(_DAYS_BACK)]
    return unique(label + tld for tld in _TLDS for label in labels)
