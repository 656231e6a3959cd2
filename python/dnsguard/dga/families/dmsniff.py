"""DMSniff: the point-of-sale malware's date-independent counter DGA.

Flashpoint (2019) described DMSniff's DGA as a fixed two-letter prefix per
sample (11 variants seen) followed by letters derived from a counter and a
table of small odd numbers ("primes"), on a short TLD list.  The rule here was
worked out from the published outputs of the variants ``sn`` and ``al`` (the
project's reference data, and the reference script's ordered list for ``al``),
which it reproduces exactly, order included:

* the counter ``n`` runs from 1 to 50;
* letter ``k`` of the suffix is ``n * factor[k]`` halved (integer division)
  until it is at most 24, as a letter (0 = ``a``); the factor table is the
  sample's: 1, 7, 3, 5, 11, 13 for ``sn`` and 1, 3, 5, 7, 11, 13 for ``al``;
* the TLD is ``(com, org, net, ru, in)[first letter // 5]``.

Counters 25-50 repeat a name of 1-24 when they are even, so the 50 lookups
give 35 distinct names per prefix.  The names never change with the date.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

_TLDS = ("com", "org", "net", "ru", "in")
_COUNTERS = range(1, 51)
# Variant -> (prefix, factor table).  The samples carry their own table of
# factors (the "primes" of Flashpoint's description); sn and al order them
# differently.
_VARIANTS = {
    "sn": ("sn", (1, 7, 3, 5, 11, 13)),
    "al": ("al", (1, 3, 5, 7, 11, 13)),
}

INFO = FamilyInfo(
    name="dmsniff",
    aliases=("DMSniff",),
    malpedia="win.dmsniff",
    variants=tuple(_VARIANTS),
    seeds={v: () for v in _VARIANTS},
    tlds=_TLDS,
    names_per_period=35,
    period="static",
    active=(dt.date(2016, 1, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "Flashpoint, 'DMSniff: POS Malware Actively Leveraged to Target Small-, Medium-Sized "
        "Businesses' (2019)",
        "J. Bader, domain_generation_algorithms: dmsniff (published outputs for sn and al)",
        "Malpedia win.dmsniff",
    ),
    notes=(
        "Two of the 11 variants Flashpoint reported are public (prefixes sn, al, each with its own "
        "factor order); each yields 35 distinct names (50 lookups) on com/org/net/ru/in, the "
        "same for every day. The letter rule was derived from the published outputs and "
        "reproduces them in order; the other nine prefixes and factor tables are not public. "
        "Seen since 2016, last public report 2019: kept active because POS infections last."
    ),
)


def _letter(value: int) -> str:
    while value > 24:
        value //= 2
    return chr(97 + value)


def label_suffix(counter: int, factors: tuple[int, ...]) -> str:
    """The letters after the prefix for one counter value."""
    return "".join(_letter(counter * f) for f in factors)


def lookups(variant: str) -> list[str]:
    """The 50 lookups of one variant in order, repeats included."""
    prefix, factors = _VARIANTS[variant]
    out = []
    for n in _COUNTERS:
        suffix = label_suffix(n, factors)
        out.append(f"{prefix}{suffix}.{_TLDS[(ord(suffix[0]) - 97) // 5]}")
    return out


@lru_cache(maxsize=8)
def _names(variants: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(unique(name for v in variants for name in lookups(v)))


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The distinct names of the prefix(es); ``day`` is checked but does not matter."""
    check_day(day)
    refuse_seed(INFO, seed, "the variant is the prefix; the names never change")
    return list(_names(check_variant(INFO, variant)))
