"""Ramdo, a click-fraud botnet whose DGA depends only on a per-build seed.

Name ``n`` is sixteen letters from a 32-bit state mixed with ``2*seed*(n+1)``;
there is no date input, so a seed fixes the list for good.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    fixed_list,
)

INFO = FamilyInfo(
    name="ramdo",
    aliases=("Ramdo", "Redyms"),
    malpedia="win.ramdo",
    variants=("default",),
    seeds={"default": ("D5FFF",)},
    tlds=("org",),
    names_per_period=1000,
    period="static",
    active=(dt.date(2013, 10, 1), dt.date(2016, 12, 31)),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, domain_generation_algorithms: ramdo (re-implementation)",
        "Microsoft Malware Protection Center, Win32/Ramdo (2014)",
    ),
    notes=(
        "Seed is a hex number (D5FFF from the analysed sample); other builds may "
        "use other seeds. How many names a bot tries is not documented here: "
        "the first 1000 are returned. Activity dates are approximate."
    ),
)

_MASK = 0xFFFFFFFF
_NAMES = 1000


def _parse_seed(seed: str) -> int:
    try:
        value = int(seed, 16)
    except ValueError:
        raise GeneratorError(
            f"ramdo: bad seed {seed!r}; a hex number, known: {', '.join(INFO.seeds['default'])}"
        ) from None
    if not 0 < value <= _MASK:
        raise GeneratorError(f"ramdo: seed {seed!r} out of range 1..FFFFFFFF")
    return value


def domain(seed: int, nr: int) -> str:
    """Name number ``nr``; all arithmetic kept to 32 bits like the sample's."""
    s = (2 * seed * (nr + 1)) & _MASK
    r = (s ^ (26 * seed * nr)) & _MASK
    letters = []
    for i in range(16):
        letters.append(chr(97 + r % 26))
        r = (r + (r ^ ((s * i * i * 26) & _MASK))) & _MASK
    return "".join(letters) + ".org"


def names(seed: str = "D5FFF", count: int = _NAMES) -> list[str]:
    """The first ``count`` names for ``seed``."""
    value = _parse_seed(seed)
    return [domain(value, nr) for nr in range(count)]


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The fixed list (``day`` only validated: the names do not depend on it)."""
    return fixed_list(INFO, names, day, seed, variant)
