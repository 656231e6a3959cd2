"""XshellGhost (ShadowPad in NetSarang's Xshell, 2017), monthly DGA.

Month and year are mixed by 32-bit multiplications into one state; the label
is 10-15 letters drawn from the state, which advances as ``29 * s + 19``.
One .com name a month.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
)

INFO = FamilyInfo(
    name="xshellghost",
    aliases=("ShadowPad", "XShellGhost", "POISONPLUG"),
    malpedia="win.shadowpad",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com",),
    names_per_period=1,
    period="month",
    active=(dt.date(2017, 7, 18), dt.date(2018, 12, 31)),
    threat="dga",
    seed_required=False,
    references=(
        "360 Netlab DGA repository, code/xshellghost/dga.py (github.com/360netlab/DGA)",
        "Kaspersky Lab, 'ShadowPad in corporate networks' (2017-08-15)",
    ),
    notes=(
        "The backdoored Xshell builds were released 2017-07-18 and pulled in August "
        "2017; the end date is approximate. Later ShadowPad builds use other DGAs and "
        "are not covered."
    ),
)

_MASK = 0xFFFFFFFF


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The single name of the month holding ``day``."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "year and month only")
    state = (0x90422A3A * day.month - 0x39D06F76 * day.year - 0x67B7FC6F) & _MASK
    chars = []
    for _ in range(state % 6 + 10):
        chars.append(chr(state % 26 + ord("a")))
        state = (29 * state + 19) & _MASK
    return ["".join(chars) + ".com"]
