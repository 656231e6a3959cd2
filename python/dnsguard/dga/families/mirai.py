"""Mirai's 2016 DGA: one 12-letter name per day, Ranbyus's loop inside.

360 Netlab found the DGA in Mirai samples in late November 2016 (hard-coded
seed 0, TLDs .online/.tech/.support) and brute-forced a second seed, 0x91,
from passive DNS (.online only).  GovCERT.ch re-implemented the MIPS loop and
noticed it is the Ranbyus May-2015 recurrence; this module reuses it.

How a seed-0 sample picks among its three TLDs has not been published, so
all three are listed each day.  The output repeats with a long period (217
distinct labels per seed), so dates after the 2016 campaign still map to
names, which old infected devices would query.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    number_seeds,
    unique,
)
from dnsguard.dga.families.ranbyus import may_letters

_TLDS = {0x0: ("online", "tech", "support"), 0x91: ("online",)}
_SEEDS = ("0", "91")

INFO = FamilyInfo(
    name="mirai",
    aliases=("Mirai",),
    malpedia="elf.mirai",
    variants=("default",),
    seeds={"default": _SEEDS},
    tlds=("online", "tech", "support"),
    names_per_period=3,
    period="day",
    active=(dt.date(2016, 11, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "360 Netlab, 'Now Mirai Has DGA Feature Built in' (2016-12)",
        "360 Netlab, 'New Mirai DGA Seed 0x91 Brute Forced' (2016-12)",
        "GovCERT.ch, 'When Mirai meets Ranbyus' (2016-12-15)",
        "SANS ISC diary 'Mirai - now with DGA' (2016-12-09)",
        "Malpedia elf.mirai",
    ),
    notes=(
        "APPROXIMATE: the loop follows GovCERT.ch's re-implementation (identical to "
        "Ranbyus May-2015, cut to 12 letters) but has not been checked against names "
        "captured from a live sample here. The TLD rule is assumed: seed 0 lists "
        ".online, .tech and .support every day (the sample picks one in a way not "
        "published), seed 0x91 only .online as Netlab observed. Seeds are hex. Only "
        "the 2016 DGA variant is covered; most Mirai builds use no DGA at all."
    ),
)


def label(day: dt.date, seed: int) -> str:
    """The day's 12-letter label for one seed."""
    return may_letters(day.day, day.month, day.year, seed, 12)[0]


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    return number_seeds(INFO, seed, _SEEDS, 16, 32, "32-bit hex")


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The day's names: seed 0 with its three TLDs, then seed 0x91."""
    day = check_day(day)
    check_variant(INFO, variant)
    out = []
    for value in _parse_seed(seed):
        text = label(day, value)
        out.extend(f"{text}.{tld}" for tld in _TLDS.get(value, INFO.tlds))
    return unique(out)
