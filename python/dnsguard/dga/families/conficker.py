"""Conficker (Downadup, Kido): the date-driven DGAs of variants A, B and C.

All three share one generator, written here from the published analyses
(SRI's reports on Conficker A/B and C, the Conficker Working Group's
descriptions) and checked against published names (see the tests):

* The seed is the UTC day: its Windows FILETIME (100 ns ticks since
  1601-01-01, midnight) times a variant constant, truncated to 64 bits,
  divided (unsigned) by a second constant, plus a third.
* Each draw turns the 64-bit state ``k`` into ``x = (double) k`` and
  ``y = (double) (k * m mod 2**64)`` and computes, in double precision,
  ``log(x) + ((y + sin(x)) * x + c) * x``.  The 64 bits of that double are
  the new state; its low 32 bits, read as a signed int, are the draw.
* A name is: one draw for the length, one per letter (``|draw| % 26``),
  one for the TLD.

A and B make 250 names a day (A: 5 TLDs, B: 8); C makes 50,000 a day over
116 suffixes (each bot then tries 500 of them at random).

``sin`` is the x87 ``fsin`` instruction, which reduces its argument with a
66-bit approximation of pi: for states near 5e18 its result differs from the
true sine in the second decimal.  The sine only matters when ``y`` is below
2**53 (about one draw in 2,000), but then it can change the rounding and
every name after it; with the true sine the published B list of 2014-11-21
stops matching after 9,785 names, with fsin's reduction all 100,000 match.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from fractions import Fraction
from functools import lru_cache

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

_M64 = (1 << 64) - 1
_DAY_TICKS = 864_000_000_000  # one day in FILETIME units (100 ns)
_FILETIME_EPOCH = dt.date(1601, 1, 1)
# pi with the 66-bit significand the x87 unit reduces fsin's argument with.
_PI66 = Fraction((0xC90FDAA22168C234 << 2) | 0b11, 1 << 64)
_NO_SINE_FROM = 2.0**54  # y + sin(x) == y once y's spacing is 4 or more

_TLDS_A = ("com", "net", "org", "info", "biz")
_TLDS_B = ("cc", "cn", "ws", "com", "net", "org", "info", "biz")
_TLDS_C = (
    "ac", "ae", "ag", "am", "as", "at", "be", "bo", "bz", "ca", "cd", "ch", "cl", "cn",
    "co.cr", "co.id", "co.il", "co.ke", "co.kr", "co.nz", "co.ug", "co.uk", "co.vi", "co.za",
    "com.ag", "com.ai", "com.ar", "com.bo", "com.br", "com.bs", "com.co", "com.do", "com.fj",
    "com.gh", "com.gl", "com.gt", "com.hn", "com.jm", "com.ki", "com.lc", "com.mt", "com.mx",
    "com.ng", "com.ni", "com.pa", "com.pe", "com.pr", "com.pt", "com.py", "com.sv", "com.tr",
    "com.tt", "com.tw", "com.ua", "com.uy", "com.ve", "cx", "cz", "dj", "dk", "dm", "ec", "es",
    "fm", "fr", "gd", "gr", "gs", "gy", "hk", "hn", "ht", "hu", "ie", "im", "in", "ir", "is",
    "kn", "kz", "la", "lc", "li", "lu", "lv", "ly", "md", "me", "mn", "ms", "mu", "mw", "my",
    "nf", "nl", "no", "pe", "pk", "pl", "ps", "ro", "ru", "sc", "sg", "sh", "sk", "su", "tc",
    "tj", "tl", "tn", "to", "tw", "us", "vc", "vn",
)  # fmt: skip


class _Params:
    __slots__ = ("seed_mul", "seed_div", "seed_add", "mul", "add", "count", "tlds")

    def __init__(self, seed_mul, seed_div, seed_add, mul, add, count, tlds):
        self.seed_mul, self.seed_div, self.seed_add = seed_mul, seed_div, seed_add
        self.mul, self.add, self.count, self.tlds = mul, add, count, tlds


_VARIANTS = {
    # seed: FILETIME * seed_mul (64 bits) // seed_div + seed_add; draw: mul, add.
    "a": _Params(0x463DA5676, 0x58028E44000, 0xB46A7637, 0x64236735, 0.737565675, 250, _TLDS_A),
    "b": _Params(0x352C94565, 0x58028E44000, 0xA3596526, 0x53125624, 0.626454564, 250, _TLDS_B),
    "c": _Params(0x2682D10B7, 0x19254D38000, 0xF1E34A09, 0x4F3D859E, 0.946270391, 50_000, _TLDS_C),
}

FORECAST_C_NAMES = 5_000
"""Conficker.C names per day that the forecast carries: the first 5,000 of
the day's 50,000 (10 %).  A C bot tries 500 names a day drawn at random from
the 50,000, so about 50 of them fall in any fixed tenth (the chance that none
does is 0.9**500, about 1e-23): enough to name the family on the host, at a
tenth of the cost (0.18 CPU-s and 50,000 indicators a day for the full list)."""

INFO = FamilyInfo(
    name="conficker",
    aliases=("Conficker", "Downadup", "Downup", "Kido"),
    malpedia="win.conficker",
    variants=("a", "b", "c"),
    seeds={"a": (), "b": (), "c": ()},
    tlds=tuple(unique(_TLDS_A + _TLDS_B + _TLDS_C)),
    names_per_period=250,
    period="day",
    active=(dt.date(2008, 11, 21), None),
    threat="botnet",
    seed_required=False,
    references=(
        "P. Porras, H. Saidi, V. Yegneswaran, 'An Analysis of Conficker's Logic and Rendezvous "
        "Points' (SRI International, 2009)",
        "P. Porras, H. Saidi, V. Yegneswaran, 'Conficker C Analysis' (SRI International, 2009)",
        "Conficker Working Group; F-Secure, 'Downadup domain blocklists' (2009)",
        "Malpedia win.conficker",
    ),
    notes=(
        "A (from 2008-11-21) and B (from 2008-12-29): 250 names a day, 5-11 letters, A on "
        "com/net/org/info/biz, B adding cc/cn/ws. C (Microsoft's Conficker.D, DGA from "
        "2009-04-01): 50,000 names a day, 4-9 letters, on 116 suffixes; each bot tries 500 of "
        "them. The names depend on the UTC date only. Infections of A and B still query them "
        "(sinkholes count hundreds of thousands of hosts years later). The forecast carries A "
        "and B in full and the first 5,000 C names of each day (FORECAST_C_NAMES). B is checked "
        "against 100,000 published names; A and C share its generator with their own "
        "published constants but no published list was available to check them."
    ),
)

_DOUBLE = struct.Struct("<d")
_QWORD = struct.Struct("<Q")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _fsin(x: float) -> float:
    """sin(x) as the x87 ``fsin`` computes it: argument reduced by multiples of
    a 66-bit pi (exactly, here), then the sine of the small remainder."""
    exact = Fraction(x)
    turns = round(exact / _PI66)
    value = math.sin(float(exact - turns * _PI66))
    return -value if turns % 2 else value


def first_state(day: dt.date, variant: str) -> int:
    """The generator's state at the start of ``day`` (UTC)."""
    p = _VARIANTS[variant]
    filetime = (day - _FILETIME_EPOCH).days * _DAY_TICKS
    return (((filetime * p.seed_mul) & _M64) // p.seed_div + p.seed_add) & _M64


def draws(state: int, count: int, variant: str) -> list[int]:
    """``count`` successive draws (signed 32-bit) from ``state``; for tests."""
    out = []
    p = _VARIANTS[variant]
    for _ in range(count):
        state = _step(state, p.mul, p.add)
        low = state & 0xFFFFFFFF
        out.append(low - (1 << 32) if low & 0x80000000 else low)
    return out


def _step(state: int, mul: int, add: float) -> int:
    x = float(state)
    y = float((state * mul) & _M64)
    if y < _NO_SINE_FROM:
        y += _fsin(x)
    return _QWORD.unpack(_DOUBLE.pack(math.log(x) + (y * x + add) * x))[0]


def _names(day: dt.date, variant: str, count: int) -> list[str]:
    """The first ``count`` names of ``variant`` on ``day``, in query order
    (repeats kept, as the bot computes them)."""
    p = _VARIANTS[variant]
    mul, add, tlds = p.mul, p.add, p.tlds
    pack, unpack, log, fsin = _DOUBLE.pack, _QWORD.unpack, math.log, _fsin
    state = first_state(day, variant)
    out: list[str] = []
    # The draw loop is inlined (three copies): this is the forecast's costliest
    # family, about 425,000 draws a day for C.
    for _ in range(count):
        x = float(state)
        y = float((state * mul) & _M64)
        if y < _NO_SINE_FROM:
            y += fsin(x)
        state = unpack(pack(log(x) + (y * x + add) * x))[0]
        low = state & 0xFFFFFFFF
        if variant == "c":
            # |draw| % 6 + 4 (a draw of -2**31 is taken as 2**31 here; C's abs()
            # would keep it negative, one draw in four billion).
            length = (((1 << 32) - low) if low & 0x80000000 else low) % 6 + 4
        else:
            # C's signed remainder: draw % 4 + 8 gives 5..11.
            length = 8 - ((1 << 32) - low) % 4 if low & 0x80000000 else 8 + low % 4
        letters = []
        for _ in range(length):
            x = float(state)
            y = float((state * mul) & _M64)
            if y < _NO_SINE_FROM:
                y += fsin(x)
            state = unpack(pack(log(x) + (y * x + add) * x))[0]
            low = state & 0xFFFFFFFF
            letters.append(_LETTERS[(((1 << 32) - low) if low & 0x80000000 else low) % 26])
        x = float(state)
        y = float((state * mul) & _M64)
        if y < _NO_SINE_FROM:
            y += fsin(x)
        state = unpack(pack(log(x) + (y * x + add) * x))[0]
        low = state & 0xFFFFFFFF
        if variant == "a":
            tld = tlds[low % 5]  # the draw as unsigned
        elif variant == "b":
            tld = tlds[low & 7]
        else:
            tld = tlds[(((1 << 32) - low) if low & 0x80000000 else low) % 116]
        out.append("".join(letters) + "." + tld)
    return out


def names(day: dt.date, variant: str, count: int | None = None) -> list[str]:
    """The first ``count`` names (default: the variant's daily number) of
    ``variant`` on ``day`` in query order, repeats included."""
    day = check_day(day)
    if variant not in _VARIANTS:
        check_variant(INFO, variant)  # raises, listing the valid ones
        raise GeneratorError(f"{INFO.name}: give one variant; valid: {', '.join(INFO.variants)}")
    return _names(day, variant, _VARIANTS[variant].count if count is None else count)


def _day(day: dt.date, variants: tuple[str, ...], c_count: int) -> tuple[str, ...]:
    return tuple(
        unique(
            name
            for variant in variants
            for name in _names(
                day, variant, c_count if variant == "c" else _VARIANTS[variant].count
            )
        )
    )


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Every name of the variant(s) on ``day``: 250 (A), 250 (B), 50,000 (C)."""
    day = check_day(day)
    refuse_seed(INFO, seed, "the names depend on the date only")
    return list(_full_day(day, check_variant(INFO, variant)))


def forecast_names(day: dt.date) -> list[str]:
    """What the forecast carries for ``day``: A and B in full, the first
    :data:`FORECAST_C_NAMES` names of C."""
    return list(_forecast_day(check_day(day)))


# Lists are cached because the forecast and analyze ask for the same days
# again; a full day with C is 50,500 names, so few of those are kept.
@lru_cache(maxsize=8)
def _full_day(day: dt.date, variants: tuple[str, ...]) -> tuple[str, ...]:
    return _day(day, variants, _VARIANTS["c"].count)


@lru_cache(maxsize=64)
def _forecast_day(day: dt.date) -> tuple[str, ...]:
    return _day(day, INFO.variants, FORECAST_C_NAMES)
