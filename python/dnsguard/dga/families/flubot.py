"""FluBot (Cabassous): the Android banking botnet's monthly DGA.

The seed is a 64-bit mix of the year and the *Java* month (``Calendar.MONTH``,
0 = January) plus a per-campaign constant; it seeds ``java.util.Random``,
whose ``nextInt(25)`` draws 15 letters per name.  Names end in .ru, .cn or
.com by index; later builds also try a .su twin of every .com name.

``java.util.Random`` is a 48-bit LCG, so the k-th state is ``A_k * s + C_k``
with constants that do not depend on the seed: all draws of a month are
computed at once with numpy (uint64 wraps, the mask keeps 48 bits).  The
rare rejection in ``nextInt`` (int overflow in Java) is detected and then
the draws are replayed one by one.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    number_seeds,
    unique,
)

_M64 = 0xFFFFFFFFFFFFFFFF
_M48 = (1 << 48) - 1
_MULT = 0x5DEECE66D
_ADD = 0xB
_NAMES = 5000
_LETTERS = 15
# nextInt(25) rejects a draw when bits - bits % 25 + 24 overflows a Java int.
_REJECT_FROM = (2**31 - 1) // 25 * 25
_SEEDS = ("1136", "1945", "1949", "1813", "1642", "2931", "1905")


def _jump_constants(count: int) -> tuple[np.ndarray, np.ndarray]:
    """A_k = a^k and C_k = c * (1 + a + ... + a^(k-1)) for k = 1..count, mod 2^64."""
    a = np.cumprod(np.full(count, _MULT, dtype=np.uint64))
    powers = np.concatenate(([np.uint64(1)], a[:-1]))
    c = np.cumsum(powers, dtype=np.uint64) * np.uint64(_ADD)
    a.setflags(write=False)
    c.setflags(write=False)
    return a, c


_JUMP_A, _JUMP_C = _jump_constants(_NAMES * _LETTERS)

INFO = FamilyInfo(
    name="flubot",
    aliases=("FluBot", "Cabassous", "FedEx Banker"),
    malpedia="apk.flubot",
    variants=("default",),
    seeds={"default": _SEEDS},
    tlds=("ru", "cn", "com", "su"),
    names_per_period=_NAMES + _NAMES // 3,
    period="month",
    active=(dt.date(2020, 11, 1), dt.date(2022, 6, 1)),
    threat="botnet",
    seed_required=False,
    references=(
        "PRODAFT PTI, 'FluBot' report and IOCs (github.com/prodaft/malware-ioc, 2021)",
        "CSIS, 'The brief glory of Cabassous/FluBot' (2021)",
        "NVISO, 'How to analyze mobile malware: a Cabassous/FluBot case study' (2021)",
        "INCIBE-CERT, FluBot analysis study (2021)",
        "Europol, 'Takedown of SMS-based FluBot spyware' (2022-06-01)",
        "Malpedia apk.flubot",
    ),
    notes=(
        "Seeds are per-campaign constants: 1136 Spain, 1945 Germany, 1949 Hungary, "
        "1813 Italy, 1642 UK (PRODAFT), 2931 and 1905 (later campaigns). The month "
        "is Java's 0-based Calendar.MONTH, confirmed by PRODAFT's March 2021 list; "
        "some public ports use 1-based months, which shifts their names by a month. "
        "5000 names per month (early v3 builds stopped at 2000, a prefix of these); "
        "each .com name is followed by a .su twin as later builds query."
    ),
)


def _seed(year: int, java_month: int, constant: int) -> int:
    """The sample's 64-bit seed mix (Java long arithmetic)."""
    j = (year ^ java_month) * 2 & _M64
    j = j * (year ^ j) & _M64
    j = j * (java_month ^ j) & _M64
    return (j * j + constant) & _M64


def _draws_scalar(state: int, count: int) -> list[int]:
    """``count`` results of ``nextInt(25)``, exactly as Java computes them."""
    out = []
    while len(out) < count:
        state = (state * _MULT + _ADD) & _M48
        bits = state >> 17
        if bits - bits % 25 + 24 < 2**31:  # else Java's int overflows: draw again
            out.append(bits % 25)
    return out


def _letters(seed: int, count: int) -> bytes:
    """The letters of ``count`` names, 15 per name."""
    draws = count * _LETTERS
    start = (seed ^ _MULT) & _M48
    states = (_JUMP_A[:draws] * np.uint64(start) + _JUMP_C[:draws]) & np.uint64(_M48)
    bits = states >> np.uint64(17)
    if int(bits.max()) >= _REJECT_FROM:
        values = np.array(_draws_scalar(start, draws), dtype=np.uint8)
    else:
        values = (bits % np.uint64(25)).astype(np.uint8)
    return (values + np.uint8(97)).tobytes()


def names(year: int, java_month: int, constant: int, count: int = _NAMES) -> list[str]:
    """One campaign's names for a (year, 0-based month), in query order."""
    text = _letters(_seed(year, java_month, constant), count).decode("ascii")
    out = []
    for i in range(count):
        label = text[i * _LETTERS : (i + 1) * _LETTERS]
        if i % 3 == 0:
            out.append(f"{label}.ru")
        elif i % 2 == 0:
            out.extend((f"{label}.com", f"{label}.su"))
        else:
            out.append(f"{label}.cn")
    return out


@lru_cache(maxsize=32)
def _month(year: int, java_month: int, constants: tuple[int, ...]) -> tuple[str, ...]:
    """A month's names; kept because the forecast asks for each of its days."""
    return tuple(unique(n for c in constants for n in names(year, java_month, c)))


def _parse_seed(seed: str | None) -> tuple[int, ...]:
    return number_seeds(INFO, seed, _SEEDS, 10, 64, "a decimal campaign constant")


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Names of ``day``'s calendar month for the campaign seed(s)."""
    day = check_day(day)
    check_variant(INFO, variant)
    return list(_month(day.year, day.month - 1, _parse_seed(seed)))
