"""Simda (Shiz) backdoor botnet and its date-independent name list.

Each name is spelt from one running counter: the counter grows by the byte
sum of a key string per name, and letter ``i`` is the counter divided by
``3 + 2i`` picked alternately from a consonant and a vowel alphabet.  The
list never changes, so the whole set can be blocked once.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    fixed_list,
)

_DEFAULT_SEED = "45AE94B2:1676d5775e05c50b46baa5579d4fc7"

INFO = FamilyInfo(
    name="simda",
    aliases=("Simda", "Shiz", "iBank"),
    malpedia="win.simda",
    variants=("default",),
    seeds={"default": (_DEFAULT_SEED,)},
    tlds=("com",),
    names_per_period=1000,
    period="static",
    active=(dt.date(2012, 1, 1), dt.date(2015, 4, 9)),
    threat="botnet",
    seed_required=False,
    references=(
        "J. Bader, domain_generation_algorithms: simda (re-implementation)",
        "Interpol/Microsoft/Kaspersky Simda botnet takedown (2015-04-09)",
    ),
    notes=(
        "Seed format '<base as hex>:<key>'; the key only enters as its byte sum. "
        "Other samples carry other bases, keys and TLDs that are not published here. "
        "The start of activity is approximate."
    ),
)

_CONSONANTS = "qwrtpsdfghjklzxcvbnm"  # the sample's table has 21 letters but indexes mod 20
_VOWELS = "eyuioa"
_LENGTH = 7
_NAMES = 1000


def _parse_seed(seed: str) -> tuple[int, int]:
    base_hex, sep, key = seed.partition(":")
    try:
        if not sep or not key:
            raise ValueError
        base = int(base_hex, 16)
    except ValueError:
        raise GeneratorError(
            f"simda: bad seed {seed!r}; format '<base hex>:<key>', known: {_DEFAULT_SEED}"
        ) from None
    return base, sum(key.encode("latin-1", "replace"))


def names(seed: str = _DEFAULT_SEED, count: int = _NAMES) -> list[str]:
    """The first ``count`` names of one base/key pair, in query order."""
    base, step = _parse_seed(seed)
    out = []
    for _ in range(count):
        base += step
        label = "".join(
            _CONSONANTS[(base // (3 + 2 * i)) % 20]
            if i % 2 == 0
            else _VOWELS[(base // (3 + 2 * i)) % 6]
            for i in range(_LENGTH)
        )
        out.append(label + ".com")
    return out


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The fixed list (``day`` only validated: the names do not depend on it)."""
    return fixed_list(INFO, names, day, seed, variant)
