"""Pushdo (Cutwail's loader) and its MD5-chained pronounceable names.

Every day number seeds a chain of 30 MD5 hashes; each hash byte becomes a
consonant-vowel(-letter) syllable.  A bot tries the names of the past 30
days, today and the next 14, so one date yields 45 * 30 names.  The four
known builds differ only in their letter tables, two bit masks and the TLD.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)


@dataclass(frozen=True)
class _Config:
    conso_a: str
    conso_b: str
    mod: int
    mod2: int
    tld: str
    vowels_a: str = "aeiou"
    vowels_b: str = "aio"


_CONFIGS = {
    "kz_v1": _Config("bcdfghjklmnpqrstvwx", "zxtsrqpnmlkgfdc", 7, 1, "kz"),
    "com_v1": _Config("bcdfghjklmnpqrstvwx", "zxtsrqpnmlkgfdc", 7, 1, "com"),
    "kz_v2": _Config("kqbhcndjfwglpmzxrsv", "qzlbtgrnkxsfdcm", 8, 2, "kz"),
    # Tables recovered from the published kz_v3 name list (see the tests);
    # its first table has 18 letters and is indexed modulo 18.
    "kz_v3": _Config("zhjntdwmqbglpxrsfc", "rlngbtkszpfdcmx", 8, 2, "kz"),
}

INFO = FamilyInfo(
    name="pushdo",
    aliases=("Pushdo", "Cutwail", "Pandex", "PushDo"),
    malpedia="win.pushdo",
    variants=tuple(_CONFIGS),
    seeds={name: () for name in _CONFIGS},
    tlds=("kz", "com"),
    names_per_period=30,
    period="day",
    active=(dt.date(2013, 3, 1), None),
    threat="botnet",
    seed_required=False,
    references=(
        "Dell SecureWorks CTU / Damballa, 'PushDo: still evolving' (2013-05)",
        "Seculert, 'PushDo malware domain generation adaptation' (2013-05)",
        "J. Bader, domain_generation_algorithms: pushdo (re-implementation)",
    ),
    notes=(
        "30 names per day number; a bot on one date tries the names of 30 days "
        "back to 14 days ahead (1350 per variant). The reference script always "
        "appends .kz; here com_v1 ends in .com as the 2013 reports describe."
    ),
)

_PER_DAY = 30
_WINDOW = tuple(range(0, -31, -1)) + tuple(range(1, 15))
_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def day_number(day: dt.date) -> int:
    """The sample's own day count, quirks kept because it is the seed: it adds
    the lengths of February through the current month (instead of January
    through the previous one) and treats every year divisible by four as leap."""
    months = list(_MONTH_DAYS)
    if day.year % 4 == 0:
        months[1] = 29
    total = sum(months[1 : day.month])
    return day.day + total + 365 * (day.year - day.year // 4) + 366 * (day.year // 4)


def _chain(number: int) -> list[bytes]:
    """The 30 digests of one day number; each digest also seeds the next."""
    digests = []
    r = number & 0xFFFFFFFF
    for _ in range(_PER_DAY):
        digest = hashlib.md5(r.to_bytes(4, "little")).digest()
        digests.append(digest)
        r = (int.from_bytes(digest[:4], "little") + 1) & 0xFFFFFFFF
    return digests


def _syllable(r: int, cfg: _Config) -> str:
    first = cfg.conso_a[r % len(cfg.conso_a)]
    vowel = cfg.vowels_a[((r + 1) & 0xFF) % 5]
    rp2 = r + 2
    if vowel == "e" and rp2 & cfg.mod:
        return first + vowel + cfg.vowels_b[rp2 % 3]
    if rp2 & cfg.mod2:
        return first + vowel + cfg.conso_b[(r + 3) % 15]
    return first + vowel


def _name(digest: bytes, cfg: _Config) -> str:
    length = (digest[0] & 3) + 9
    label = ""
    for byte in digest:
        label += _syllable(byte, cfg)
        if len(label) >= length:
            break
    return f"{label[:length]}.{cfg.tld}"


def names_for_number(number: int, variant: str) -> list[str]:
    """The 30 names of one day number (not a calendar window)."""
    return list(_names_for_number(number, variant))


@lru_cache(maxsize=1024)
def _names_for_number(number: int, variant: str) -> tuple[str, ...]:
    """Cached: the 45-day windows of consecutive dates overlap almost fully."""
    cfg = _CONFIGS[variant]
    return tuple(_name(d, cfg) for d in _chain(number))


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Every name a bot may try on ``day`` (30 days back to 14 ahead)."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    refuse_seed(INFO, seed, "pick a variant")
    base = day_number(day)
    out = []
    for var in variants:
        for offset in _WINDOW:
            out.extend(_names_for_number(base + offset, var))
    return unique(out)
