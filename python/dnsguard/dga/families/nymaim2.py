"""Nymaim's second DGA (2017 on): two English words joined into a name.

A chain of MD5 hex digests, seeded by the sample's seed string, the two-digit
year and the day of the year, picks first word, separator ("-" or none),
second word and TLD.  A bot tries 64 names for today and for each of the ten
previous days (the day number simply goes negative in early January, the year
is not rolled back).  The word and TLD lists are facts of the samples and
ship as data files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from functools import cache
from importlib import resources

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

_DEFAULT_SEED = "3138C81ED54AD5F8E905555A6623C9C9"

INFO = FamilyInfo(
    name="nymaim2",
    aliases=("Nymaim2", "Nymaim v2", "nymaim-wordlist"),
    malpedia="win.nymaim2",
    variants=("default",),
    seeds={"default": (_DEFAULT_SEED,)},
    tlds=(
        "com",
        "net",
        "ac",
        "ad",
        "at",
        "am",
        "az",
        "be",
        "biz",
        "bt",
        "by",
        "cc",
        "ch",
        "cm",
        "cn",
        "co",
        "cx",
        "cz",
        "de",
        "dk",
        "ec",
        "eu",
        "gs",
        "hn",
        "ht",
        "id",
        "in",
        "info",
        "it",
        "jp",
        "ki",
        "kr",
        "kz",
        "la",
        "li",
        "lk",
        "lv",
        "me",
        "mo",
        "mv",
        "mx",
        "name",
        "nu",
        "org",
        "ph",
        "pk",
        "pl",
        "pro",
        "ps",
        "re",
        "ru",
        "sc",
        "sg",
        "sh",
        "su",
        "tel",
        "tf",
        "tj",
        "tk",
        "tm",
        "top",
        "uz",
        "vn",
        "win",
        "ws",
        "wtf",
        "xyz",
        "yt",
    ),
    names_per_period=64,
    period="day",
    active=(dt.date(2017, 1, 1), None),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Nymaim2' / domain_generation_algorithms: nymaim2 (word lists)",
        "Malpedia win.nymaim2",
    ),
    notes=(
        "64 names per day; a bot on one date tries today and the ten previous days "
        "(704 names). Seed is the sample's 32-hex-digit seed string. Like Nymaim, a "
        "loader, hence the initial-access threat type."
    ),
)

_PER_DAY = 64
_LOOKBACK = 10


@cache
def wordlist(name: str) -> tuple[str, ...]:
    """One packaged list (read once): firstword, secondword or tld."""
    path = resources.files(__package__).joinpath("data", "nymaim2", f"{name}.txt")
    return tuple(path.read_text("ascii").split())


def _md5_hex(text: str) -> str:
    return hashlib.md5(text.encode("ascii")).hexdigest()


def _check_seed(seed: str) -> str:
    try:
        int(seed, 16)
    except ValueError:
        seed = ""
    if len(seed) != 32:
        raise GeneratorError(f"nymaim2: bad seed; 32 hex digits, known: {_DEFAULT_SEED}")
    return seed


def names_for_day_number(year: int, yday: int, seed: str = _DEFAULT_SEED) -> list[str]:
    """The 64 names of one (two-digit year, zero-based day of year) pair;
    ``yday`` may be negative, as the sample computes it."""
    first, second, tlds = wordlist("firstword"), wordlist("secondword"), wordlist("tld")
    separators = ("-", "")
    state = _md5_hex(f"{_md5_hex(_check_seed(seed))}{year % 100}{yday}")
    out = []
    for _ in range(_PER_DAY):
        parts = []
        for table in (first, separators, second, tlds):
            value = int(state[:8], 16)
            state = _md5_hex(state[7:])
            parts.append(table[value % len(table)])
        out.append(f"{parts[0]}{parts[1]}{parts[2]}.{parts[3]}")
    return out


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The names a bot tries on ``day``: today's 64, then each earlier day's."""
    day = check_day(day)
    check_variant(INFO, variant)
    seeds = INFO.seeds["default"] if seed is None else (seed,)
    yday = day.timetuple().tm_yday - 1
    out: list[str] = []
    for s in seeds:
        for back in range(_LOOKBACK + 1):
            out.extend(names_for_day_number(day.year, yday - back, s))
    return unique(out)
