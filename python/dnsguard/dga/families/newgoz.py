"""GameOver Zeus after the June 2014 takedown ("newGOZ").

The rebuilt botnet dropped the P2P layer and relied on a DGA alone: for each
of 1000 sequence numbers it hashes the number together with the date and a
fixed key, then spells four 32-bit words of the MD5 digest in base 36.
The TLD follows from the sequence number alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    divisor_tlds,
    refuse_seed,
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
_ALPHABET_BYTES = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
_NAMES = 1000


# The sample tests divisibility by 4, 3, 2 in this order, so 12 ends in .com, not .org.
_TLD_BY_SEQ = divisor_tlds(("com", "org", "biz", "net"))


def _base36_words(digests: bytes) -> list[str]:
    """Base-36 spelling of every little-endian 32-bit word of ``digests``.

    The sample emits at most seven digits, least significant first, stopping
    once the value is zero; as 2**32 < 36**7 that is plain base 36 without
    leading zeros.  Done for a whole day at once: digits by numpy, then
    zero-padded strings with the padding stripped.
    """
    words = np.frombuffer(digests, dtype="<u4").astype(np.uint64)
    powers = np.array([36**k for k in range(6, -1, -1)], dtype=np.uint64)
    digits = (words[:, None] // powers) % 36
    text = _ALPHABET_BYTES[digits].tobytes().decode("ascii")
    return [text[i : i + 7].lstrip("0") or "0" for i in range(0, len(text), 7)]


def _date_block(day: dt.date) -> bytes:
    """Year, month and day as little-endian 16-bit words, each followed by the key."""
    return b"".join(part.to_bytes(2, "little") + _KEY for part in (day.year, day.month, day.day))


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 1000 names of ``day`` in query order."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "the key is fixed")
    block = _date_block(day)
    digests = b"".join(
        hashlib.md5(seq.to_bytes(4, "little") + block).digest() for seq in range(_NAMES)
    )
    parts = _base36_words(digests)
    return unique(
        f"{''.join(parts[4 * seq : 4 * seq + 4])}.{_TLD_BY_SEQ[seq % len(_TLD_BY_SEQ)]}"
        for seq in range(_NAMES)
    )
