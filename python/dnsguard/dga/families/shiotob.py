"""Shiotob (Bebloh, URLZone), a chained DGA.

Each domain is derived from the previous one alone: the bytes of the old name
are mixed in place (every byte XOR-ed with a function of the earlier bytes,
the old host length and the byte sum of the name), the new length comes from
two mixed bytes, and the mixed bytes index a keyboard-order alphabet.  The TLD
alternates between .com and .net.  A chain is fixed by its first domain
(the seed) and does not depend on the date.

Mixing byte ``p`` only ever reads bytes ``<= p``, and at most the first 15
bytes (or the old host length, if longer) are used, so only those are mixed.
"""

from __future__ import annotations

import datetime as dt
import re

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    chain,
    fixed_list,
)

INFO = FamilyInfo(
    name="shiotob",
    aliases=("Bebloh", "URLZone", "Shiotob"),
    malpedia="win.urlzone",
    variants=("default",),
    seeds={"default": ("4ypv1eehphg3a.com", "wtipubctwiekhir.net", "rwmu35avqo12tqc.com")},
    tlds=("com", "net"),
    names_per_period=2001,
    period="sequence",
    active=(dt.date(2014, 1, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of Shiotob' (johannesbader.ch, 2015)",
        "github.com/baderj/domain_generation_algorithms shiotob/dga.py",
    ),
    notes=(
        "A chain is the seed domain plus 2000 successors (the reference prints 2001; "
        "the sample keeps going until a server answers). Sample seeds are embedded per "
        "build; the three listed are the published ones, and rwmu35avqo12tqc.com is the "
        "second link of the wtipubctwiekhir.net chain. The date is ignored. The active "
        "range is approximate."
    ),
)

_ALPHABET = "qwertyuiopasdfghjklzxcvbnm123945678"
_CHAIN = 2001
_SEED_RE = re.compile(r"[a-z0-9]{1,63}\.(com|net)")


def _successor(domain: str) -> str:
    codes = domain.encode("ascii")
    host_len = len(codes) - 4
    total = sum(codes[:-3])
    mix = [((host_len * v) ^ total) & 0xFF for v in range(256)]
    width = min(65, max(16, host_len))
    a = list(codes[:width]) + [0] * (width - len(codes))
    for i in range(width):
        for j in range(width - i):
            a[i + j] ^= mix[a[j]]
    new_len = (((a[2] * host_len) ^ a[0]) & 0xFF) >> 4
    if new_len < 10:
        new_len = host_len
    host = "".join(_ALPHABET[a[k] >> 3] for k in range(new_len))
    return host + (".com" if domain.endswith(".net") else ".net")


def _check_seed(seed: str) -> str:
    wanted = seed.strip().lower().rstrip(".")
    if not _SEED_RE.fullmatch(wanted):
        known = INFO.seeds["default"]
        raise GeneratorError(
            f"shiotob: seed must be a first domain like {known[0]!r} (letters and digits, "
            f".com or .net); known: {', '.join(known)}"
        )
    return wanted


def _chain(seed: str) -> list[str]:
    """The seed (the first domain) and its successors: the whole chain."""
    return chain(_check_seed(seed), _successor, _CHAIN)


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Each seed's chain (seed first), whatever the day (computed once per seed)."""
    return fixed_list(INFO, _chain, day, seed, variant)
