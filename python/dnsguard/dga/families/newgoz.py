"""GameOver Zeus after the June 2014 takedown ("newGOZ").

The rebuilt botnet dropped the P2P layer and relied on a DGA alone: for each
of 1000 sequence numbers it hashes the number together with the date and a
fixed key, then spells four 32-bit words of the MD5 digest in base 36.
The TLD follows from the sequence number alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="newgoz",
    aliases=("newGOZ", "GameOver Zeus", "GOZ", "Peer-to-Peer Zeus"),
    malpedia="win.gameover_dga",
    variants=("default",),
    seeds={"default": ()},
    tlds=("com", "net", "org", "biz"),
    names_per_period=1000,
    period="day",
    active=(dt.date(2014, 7, 10), None),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of newGOZ' (johannesbader.ch, 2014)",
        "Malcovery Security, 'Gameover Zeus returns' (2014-07-10)",
    ),
    notes="The key 01 05 19 35 is built into every known sample; no per-sample seed.",
)

_KEY = bytes((0x01, 0x05, 0x19, 0x35))
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_NAMES = 1000


def _tld(seq: int) -> str:
    """The sample tests divisibility in this order, so 12 ends in .com, not .org."""
    if seq % 4 == 0:
        return "com"
    if seq % 3 == 0:
        return "org"
    if seq % 2 == 0:
        return "biz"
    return "net"


def _base36(value: int) -> str:
    """At most seven digits, least significant first then reversed; stops at zero."""
    digits = []
    for _ in range(7):
        value, digit = divmod(value, 36)
        digits.append(_ALPHABET[digit])
        if value == 0:
            break
    return "".join(reversed(digits))


def _date_block(day: dt.date) -> bytes:
    """Year, month and day as little-endian 16-bit words, each followed by the key."""
    return b"".join(part.to_bytes(2, "little") + _KEY for part in (day.year, day.month, day.day))


def _name(seq: int, block: bytes) -> str:
    digest = hashlib.md5(seq.to_bytes(4, "little") + block).digest()
    label = "".join(_base36(int.from_bytes(digest[i : i + 4], "little")) for i in range(0, 16, 4))
    return f"{label}.{_tld(seq)}"


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 1000 names of ``day`` in query order."""
    day = check_day(day)
    check_variant(INFO, variant)
    if seed is not None:
        raise GeneratorError("newgoz: takes no seed (the key is fixed); valid: none")
    block = _date_block(day)
    return unique(_name(seq, block) for seq in range(_NAMES))
