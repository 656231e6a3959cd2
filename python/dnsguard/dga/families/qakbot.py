"""QakBot (Qbot, Quakbot, Pinkslipbot) and its Mersenne-Twister DGA.

The seed string names a ten-day slice of the month ("0.jan.2016.00000000"),
so the name set changes on the 1st, 11th and 21st.  Its CRC-32 seeds the
standard MT19937 (``init_genrand``); a sample that believes it runs in a
sandbox adds one to that seed and queries decoy names instead, which still
betray an infection.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from functools import lru_cache

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

INFO = FamilyInfo(
    name="qakbot",
    aliases=("QakBot", "Qbot", "Quakbot", "Pinkslipbot", "QuackBot"),
    malpedia="win.qakbot",
    variants=("default", "sandbox"),
    seeds={"default": ("0", "1"), "sandbox": ("0", "1")},
    tlds=("com", "net", "org", "info", "biz"),
    names_per_period=5000,
    period="day",
    active=(dt.date(2013, 1, 1), dt.date(2023, 8, 29)),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of QakBot' (johannesbader.ch, 2016)",
        "Malpedia win.qakbot",
        "FBI/DOJ 'Operation Duck Hunt' takedown (2023-08-29)",
    ),
    notes=(
        "Names change on the 1st, 11th and 21st of each month (ten-day slices). "
        "Seeds 0 and 1 are the two seed constants seen in samples; the 'sandbox' "
        "variant is the decoy set used when a sandbox is detected. Activity dates are "
        "approximate: start of this DGA uncertain, end at the 2023 takedown; later "
        "builds are not covered."
    ),
)

_TLDS = ("com", "net", "org", "info", "biz", "org")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NAMES = 5000


def _crc_seed(day: dt.date, seed: int) -> int:
    """CRC-32 of '<slice>.<mon>.<year>.<seed as 8 hex digits>'; slices 0-2."""
    part = min((day.day - 1) // 10, 2)
    text = f"{part}.{_MONTHS[day.month - 1]}.{day.year}.{seed:08x}"
    return zlib.crc32(text.encode("ascii"))


def _twister(seed: int) -> random.Random:
    """MT19937 seeded with ``init_genrand``: Python's ``seed()`` uses
    ``init_by_array`` instead, so the state is built here and loaded."""
    state = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        prev = state[-1]
        state.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    rng = random.Random()
    rng.setstate((3, (*state, 624), None))
    return rng


def names(day: dt.date, seed: int, sandbox: bool, count: int = _NAMES) -> list[str]:
    """The first ``count`` names for one seed constant, in query order."""
    return list(_names(_crc_seed(day, seed) + int(sandbox), count))


@lru_cache(maxsize=64)
def _names(seed: int, count: int) -> tuple[str, ...]:
    """Names of one MT seed; cached because a seed serves a whole ten-day slice.

    ``rand_int(lo, hi)`` in the sample scales the low 28 bits of one MT output
    by a float; with at most 26 choices that product is exact, so integer
    arithmetic gives the same result.  A name uses 2 + length (at most 27)
    outputs, so the outputs are drawn in one block and sliced.
    """
    total = count * 27
    block = _twister(seed).getrandbits(32 * total).to_bytes(4 * total, "little")
    # 28-bit values times up to 26 overflow 32 bits: widen first.
    low = (np.frombuffer(block, dtype="<u4") & 0xFFFFFFF).astype(np.uint64)
    tld_index = ((low * len(_TLDS)) >> 28).tolist()
    length = (8 + ((low * 18) >> 28)).tolist()
    letters = ((low * 26) >> 28).astype(np.uint8) + ord("a")
    text = letters.tobytes().decode("ascii")
    out = []
    pos = 0
    for _ in range(count):
        size = length[pos + 1]
        out.append(f"{text[pos + 2 : pos + 2 + size]}.{_TLDS[tld_index[pos]]}")
        pos += 2 + size
    return tuple(out)


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    valid = INFO.seeds["default"]
    if seed is None:
        return tuple(int(s) for s in valid)
    if seed.strip() not in valid:
        raise GeneratorError(f"qakbot: unknown seed {seed!r}; valid: {', '.join(valid)}")
    return (int(seed),)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Names of the ten-day slice containing ``day`` (5000 per seed and variant)."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    seeds = _parse_seed(seed)
    out: list[str] = []
    for var in variants:
        for s in seeds:
            out.extend(names(day, s, var == "sandbox"))
    return unique(out)
