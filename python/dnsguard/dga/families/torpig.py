"""Torpig (Sinowal / Anserin), the daily domain of the 2008-2009 botnet.

The label is scrambled from the local date: three letters from arithmetic on
year, month and day, fixed 'h' and 'x', a fourth character from the day and a
three-letter suffix per month; the bot tries it under .com, .net and .biz.

The published pseudo-code has been transcribed two ways for the fourth
character: the UCSB paper tests ``day*2 < '0' or day*2 > '9'`` (days 24-28
give a digit), while several public re-implementations test ``< '9'`` (days
29-31 give a digit).  Both readings are offered as variants so that names from
either source match; they agree on days 1-23.
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
    name="torpig",
    aliases=("Sinowal", "Anserin", "Mebroot"),
    malpedia="",
    variants=("paper", "transcribed"),
    seeds={"paper": (), "transcribed": ()},
    tlds=("com", "net", "biz"),
    names_per_period=3,
    period="day",
    active=(dt.date(2008, 1, 1), dt.date(2009, 12, 31)),
    threat="botnet",
    seed_required=False,
    references=(
        "B. Stone-Gross et al., 'Your Botnet is My Botnet: Analysis of a Botnet "
        "Takeover' (CCS 2009)",
        "github.com/pchaigno/dga-collection dgacollection/Torpig.py",
    ),
    notes=(
        "Only the daily domain is implemented; the weekly domain of the paper is not. "
        "A name whose fourth character falls outside [a-z0-9] (day 29 in the "
        "'transcribed' reading gives ':') is not a valid host name and is skipped. "
        "Active range is approximate (domains observed 2008, takeover Jan-Feb 2009)."
    ),
)

_SUFFIXES = ("anj", "ebf", "arm", "pra", "aym", "unj", "ulj", "uag", "esp", "kot", "onv", "edc")
_TLDS = (".com", ".net", ".biz")
_ORD_A, _ORD_0, _ORD_9 = ord("a"), ord("0"), ord("9")


def _fourth(day: int, variant: str) -> str:
    twice = day * 2
    if variant == "paper":
        letter = twice < _ORD_0 or twice > _ORD_9
    else:
        letter = twice < _ORD_0 or twice < _ORD_9
    return chr(twice % 25 + _ORD_A) if letter else chr(day % 10 + ord("1"))


def _label(day: dt.date, variant: str) -> str | None:
    year = max(day.year, 2007)  # the sample clamps clocks set before 2007
    s = ((day.month ^ day.day) + day.day) * 8 + day.day + year
    c1 = chr((((year >> 2) & 0x3FC0) + s) % 25 + _ORD_A)
    c2 = chr((day.month + s) % 10 + _ORD_A)
    c3 = chr(((year & 0xFF) + s) % 25 + _ORD_A)
    c4 = _fourth(day.day, variant)
    if not c4.isalnum():
        return None
    return f"{c1}h{c2}{c3}x{c4}{_SUFFIXES[day.month - 1]}"


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The daily label under .com, .net and .biz, for each reading asked for."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    refuse_seed(INFO, seed, "the suffix table is fixed")
    names = []
    for var in variants:
        label = _label(day, var)
        if label is not None:
            names.extend(label + tld for tld in _TLDS)
    return unique(names)
