"""Dyre (Dyreza), the banking trojan's daily DGA.

For each of 333 counters the bot hashes the ISO date followed by the counter
with SHA-256, keeps 33 hex digits of the digest and puts a letter chosen by
the counter in front (so no label starts with a digit); the counter also
picks one of eight country-code TLDs.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from dnsguard.dga.families.base import (
    FamilyInfo,
    check_day,
    check_variant,
    refuse_seed,
    unique,
)

INFO = FamilyInfo(
    name="dyre",
    aliases=("Dyreza", "Dyzap", "Dyranges"),
    malpedia="win.dyre",
    variants=("default",),
    seeds={"default": ()},
    tlds=("cc", "ws", "to", "in", "hk", "cn", "tk", "so"),
    names_per_period=333,
    period="day",
    active=(dt.date(2014, 6, 1), None),
    threat="dga",
    seed_required=False,
    references=(
        "Y. Yuzifovich, H. Liu (Nominum/Akamai), 'A Death Match of Domain Generation "
        "Algorithms' (2017-12-29): sample Dyre queries",
        "github.com/aftabalam01/machinelearningpipeline src/dataset/algorithms/dyre/dga.py",
    ),
    notes=(
        "Dyre's operation was dismantled in November 2015, but infected machines kept "
        "querying the DGA (Nominum published names of 2017-10-24), so no end date is set."
    ),
)

_TLDS = tuple("." + tld for tld in INFO.tlds)
_NAMES = 333


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """The 333 names of ``day`` in counter order."""
    day = check_day(day)
    check_variant(INFO, variant)
    refuse_seed(INFO, seed, "only the date is hashed")
    stamp = day.isoformat()
    return unique(
        chr(ord("a") + num % 26)
        + hashlib.sha256(f"{stamp}{num}".encode("ascii")).hexdigest()[3:36]
        + _TLDS[num % 8]
        for num in range(_NAMES)
    )
