"""The CCleaner 5.33 backdoor (2017 supply-chain attack), monthly DGA.

The seed ``year * 10000 + month`` drives the MSVCRT ``rand()``; three outputs
give the label ``ab`` + hex(r2 * r3) + hex(r1) under .com: one name a month,
used as a fallback to the hard-coded C2 address.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    msvcrt_rand,
    refuse_seed,
)

INFO = FamilyInfo(
    name="ccleaner",
    aliases=("CCleaner backdoor", "Floxif", "CCBkdr"),
    malpedia="",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com",),
    names_per_period=1,
    period="month",
    active=(dt.date(2017, 8, 15), dt.date(2018, 12, 31)),
    threat="dga",
    seed_required=False,
    references=(
        "Cisco Talos, 'CCleanup: A Vast Number of Machines at Risk' (2017-09-18): "
        "DGA domains for 2017",
        "github.com/360netlab/DGA code/ccleaner/dga.py",
    ),
    notes=(
        "The trojanised build shipped 2017-08-15 and was found in September 2017; the "
        "end date is approximate (infected installs were cleaned up over the next "
        "months). The DGA is only a fallback for the backdoor's C2."
    ),
)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The single name of the month holding ``day``."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "year and month only")
    rand = msvcrt_rand(day.year * 10000 + day.month)
    r1, r2, r3 = next(rand), next(rand), next(rand)
    return [f"ab{r2 * r3:x}{r1:x}.com"]
