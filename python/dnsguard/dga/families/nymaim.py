"""Nymaim, a downloader whose first DGA draws letters from an xorshift PRNG.

The four PRNG words start from the date (year, month, weekday and day mixed
into one number) plus four ASCII constants; the second-to-last letter of
each name decides the TLD.
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
    name="nymaim",
    aliases=("Nymaim",),
    malpedia="win.nymaim",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com", "org", "biz", "net", "info"),
    names_per_period=128,
    period="day",
    active=(dt.date(2013, 1, 1), dt.date(2018, 12, 31)),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Nymaim' (johannesbader.ch, 2015)",
        "CERT Polska, 'Nymaim revisited' (2016)",
    ),
    notes=(
        "Nymaim served as a first-stage downloader (ransomware, GozNym banking), "
        "hence the initial-access threat type. The constants are fixed in the "
        "analysed samples. Activity dates are approximate."
    ),
)

_MASK = 0xFFFFFFFF
_NAMES = 128


def _state(day: dt.date) -> list[int]:
    s = day.year + (day.month << 16) + (day.isoweekday() % 7) + (day.day << 16)
    second = s + 0x49484F4C
    return [
        (s + 0x52455641) & _MASK,
        second if second <= _MASK else 0,  # the sample zeroes this word on overflow
        (s + 0x59554820) & _MASK,
        (s + 0x4D415620) & _MASK,
    ]


def names(day: dt.date, count: int = _NAMES) -> list[str]:
    """The first ``count`` names of ``day``."""
    r0, r1, r2, r3 = _state(day)

    def rand(m: int) -> int:
        nonlocal r0, r1, r2, r3
        t0 = ((r0 << 11) ^ r0) & _MASK
        t3 = (r3 >> 19) ^ r3 ^ t0 ^ (t0 >> 8)
        c = r2
        r0, r1, r2, r3 = (r0 + r1) & _MASK, (r1 + r2) & _MASK, (r2 + r3) & _MASK, t3
        return (((c + t3) & _MASK) // 100) % m

    out = []
    for _ in range(count):
        length = rand(6) + 6
        label = "".join(chr(97 + rand(26)) for _ in range(length))
        t = ord(label[-2]) - 97
        if t < 9:
            tld = "com"
        elif t < 13:
            tld = "org"
        elif t < 17:
            tld = "biz"
        elif t < 21:
            tld = "net"
        else:
            tld = "info"
        out.append(f"{label}.{tld}")
    return out


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 128 names of ``day``."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "constants are fixed")
    return unique(names(day))
