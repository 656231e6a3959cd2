"""CryptoLocker: the 2013 ransomware's 1000-names-a-day DGA.

Name ``z`` of a day runs three 32-bit xorshift-like registers seeded with
``day * 65537``, ``month * 65537`` and ``(year + z) * 65537``; each letter is
``(y ^ m ^ d) % 25`` after one step of all three, and the label is 12-15
letters long.  The day and month registers are the same for all 1000 names,
so they are stepped once and the year registers run as numpy lanes.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    chain,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

_M32 = 0xFFFFFFFF
_NAMES = 1000
_MAX_LABEL = 15
_TLDS = ("com", "net", "biz", "ru", "org", "co.uk", "info")

INFO = FamilyInfo(
    name="cryptolocker",
    aliases=("CryptoLocker", "Crilock"),
    malpedia="win.cryptolocker",
    variants=("default",),
    seeds={"default": ()},
    tlds=_TLDS,
    names_per_period=_NAMES,
    period="day",
    active=(dt.date(2013, 9, 1), dt.date(2014, 6, 2)),
    threat="dga",
    seed_required=False,
    references=(
        "Fortinet (S. Yazdi), 'A Closer Look at Cryptolocker's DGA' (2014-01-16)",
        "M. Rivero López, DGA-scripts (2013)",
        "US-CERT TA14-150A, 'GameOver Zeus P2P Malware' (Operation Tovar, 2014-06-02)",
        "Malpedia win.cryptolocker",
    ),
    notes=(
        "No seed: the names depend only on the date. The 1000 names of a day use "
        "years year..year+999, so the same label can come back in later years. The "
        "botnet's infrastructure was dismantled in Operation Tovar (June 2014)."
    ),
)


def _step_d(d: int) -> int:
    return (((d << 13) & _M32) >> 19) ^ ((((d >> 1) & _M32) << 13) & _M32) ^ (d >> 19)


def _step_m(m: int) -> int:
    return (((m << 2) & _M32) >> 25) ^ ((((m >> 3) & _M32) << 7) & _M32) ^ (m >> 25)


def _year_steps(y: np.ndarray) -> np.ndarray:
    """``_MAX_LABEL`` steps of the year register for every lane (rows = steps)."""
    mask = np.uint64(_M32)
    rows = np.empty((_MAX_LABEL, len(y)), dtype=np.uint64)
    for i in range(_MAX_LABEL):
        y = (
            (((y << np.uint64(3)) & mask) >> np.uint64(11))
            ^ ((((y >> np.uint64(4)) & mask) << np.uint64(21)) & mask)
            ^ (y >> np.uint64(11))
        )
        rows[i] = y
    return rows


def names(day: dt.date, count: int = _NAMES) -> list[str]:
    """The day's first ``count`` names, in query order."""
    d0 = day.day * 65537
    m0 = day.month * 65537
    y0 = (np.arange(count, dtype=np.uint64) + np.uint64(day.year)) * np.uint64(65537)
    lengths = (((np.uint64(d0 >> 3) ^ (y0 >> np.uint64(8)) ^ (y0 >> np.uint64(11))) & np.uint64(3))
               + np.uint64(12)).astype(np.int64)  # fmt: skip
    # the registers after each step (the chains without their start values)
    steps_d = chain(d0, _step_d, _MAX_LABEL + 1)[1:]
    steps_m = chain(m0, _step_m, _MAX_LABEL + 1)[1:]
    dm = np.array([a ^ b for a, b in zip(steps_d, steps_m, strict=True)], dtype=np.uint64)
    letters = ((_year_steps(y0) ^ dm[:, None]) % np.uint64(25) + np.uint64(97)).astype(np.uint8)
    rows = letters.T.copy().tobytes()
    return [
        f"{rows[k * _MAX_LABEL : k * _MAX_LABEL + n].decode('ascii')}.{_TLDS[k % 7]}"
        for k, n in enumerate(lengths.tolist())
    ]


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 1000 names of ``day``; CryptoLocker takes no seed."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "names depend on the date only")
    return unique(names(day))
