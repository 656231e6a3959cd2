"""Banjori (MultiBanker 2, BankPatch) and its chained name permutation.

Each name is derived from the previous one by rewriting only its first four
letters; the rest of the seed name stays.  So the sequence depends on the
seed domain alone, never on the date.
"""

from __future__ import annotations

import datetime as dt

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    chain,
    fixed_list,
)

_DEFAULT_SEED = "earnestnessbiophysicalohax.com"

INFO = FamilyInfo(
    name="banjori",
    aliases=("Banjori", "MultiBanker 2", "BankPatch", "BackPatcher"),
    malpedia="win.banjori",
    variants=("default",),
    seeds={"default": (_DEFAULT_SEED,)},
    tlds=("com",),
    names_per_period=1000,
    period="sequence",
    active=(dt.date(2013, 4, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Banjori' (johannesbader.ch, 2015)",
        "Malpedia win.banjori",
    ),
    notes=(
        "Seed is the first name of the chain; samples carry different seed names, "
        "only the one from the analysed sample is built in. The first 1000 names of "
        "the chain are returned. Seeds were mostly seen between April and November "
        "2013 (Bader); Banjori names still appeared in public DGA feeds in 2016."
    ),
)

_NAMES = 1000


def _letter(value: int) -> int:
    """Wrap any sum back into a-z, counting from 'a' as the sample does."""
    return 97 + (value - 97) % 26


def next_domain(name: str) -> str:
    """The successor of ``name``: only the first four letters change."""
    a, b, c, d = (ord(ch) for ch in name[:4])
    a = _letter(a + d)
    b = _letter(a + 2 * b)
    c = _letter(a + c - 1)
    d = _letter(b + c + d)
    return chr(a) + chr(b) + chr(c) + chr(d) + name[4:]


def _check_seed(seed: str) -> str:
    name = seed.strip().lower()
    label = name.partition(".")[0]
    if len(label) < 4 or not label.isascii() or not label.isalpha() or "." not in name:
        raise GeneratorError(
            f"banjori: bad seed {seed!r}; a domain whose first label has at least "
            f"4 letters, known: {_DEFAULT_SEED}"
        )
    return name


def names(seed: str = _DEFAULT_SEED, count: int = _NAMES) -> list[str]:
    """The seed followed by its ``count - 1`` successors."""
    return chain(_check_seed(seed), next_domain, count)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The chain from the seed (``day`` only validated: it plays no part)."""
    return fixed_list(INFO, names, day, seed, variant)
