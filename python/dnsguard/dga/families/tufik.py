"""Tufik.

The date (year + 48 as a byte, month, day) and an even counter are packed into
eight bytes, XOR-ed with a 32-bit magic and hashed with MD5.  Every digest byte
becomes the sum of its two nibbles; sums up to 25 are letters, larger ones are
dropped, which is why the labels vary in length.  Two consecutive counters
share one digest and differ only in the TLD.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    parse_uint,
    unique,
)

INFO = FamilyInfo(
    name="tufik",
    aliases=("Tufik",),
    malpedia="",
    variants=("default",),
    seeds={"default": ("997722ED",)},
    tlds=("biz", "info", "org", "net", "com"),
    names_per_period=1020,
    period="day",
    active=(dt.date(2012, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, DGA re-implementations: tufik/dga.py "
        "(github.com/baderj/domain_generation_algorithms)",
    ),
    notes=(
        "Only one magic (0x997722ED) is published. The active range is approximate: "
        "no public report dates the campaigns; no Malpedia entry was verified."
    ),
)

_NAMES = 1020
_SUM_LETTER = tuple(
    chr(ord("a") + (b & 0x0F) + (b >> 4)) if (b & 0x0F) + (b >> 4) <= 25 else "" for b in range(256)
)


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    known = INFO.seeds["default"]
    if seed is None:
        return tuple(int(s, 16) for s in known)
    value = parse_uint(seed, 16, 32)
    if value is None:
        raise GeneratorError(
            f"tufik: seed must be a 32-bit hex magic such as {known[0]!r}; known: {', '.join(known)}"
        )
    return (value,)


def _tld(idx: int) -> str:
    """Divisibility is tested from 5 down to 2, so 20 ends in .biz, not .info."""
    if idx % 5 == 0:
        return "biz"
    if idx % 4 == 0:
        return "info"
    if idx % 3 == 0:
        return "org"
    if idx % 2 == 0:
        return "net"
    return "com"


def _labels(day: dt.date, magic: int) -> list[str]:
    """One label per even counter; the date half of the block is fixed for the day."""
    date_word = ((day.year + 48) & 0xFF) | day.month << 8 | day.day << 16
    key = magic.to_bytes(4, "little")
    head = bytes(a ^ b for a, b in zip(date_word.to_bytes(4, "little"), key, strict=True))
    key_int = int.from_bytes(key, "little")
    labels = []
    for counter in range(0, _NAMES, 2):
        block = head + (counter ^ key_int).to_bytes(4, "little")
        labels.append("".join(_SUM_LETTER[b] for b in hashlib.md5(block).digest()))
    return labels


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 1020 names of ``day`` per magic, in query order."""
    day = check_day(day)
    check_variant(INFO, variant)
    names: list[str] = []
    for magic in _parse_seed(seed):
        labels = _labels(day, magic)
        names.extend(f"{labels[idx >> 1]}.{_tld(idx)}" for idx in range(_NAMES))
    return unique(names)
