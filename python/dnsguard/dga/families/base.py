"""The contract every known-DGA generator module follows.

Each family lives in its own module in this package and exposes two names:

``INFO``
    a :class:`FamilyInfo` describing the family (used by the forecast, the
    feeds and the reports).
``generate(day, seed=None, variant=None) -> list[str]``
    every name the family can query on ``day`` (a :class:`datetime.date`),
    lower case, in the order the malware tries them, without duplicates.
    Hourly or per-minute algorithms return the union over the whole day.
    Families whose names do not depend on the date (seeded chains such as
    Banjori) ignore ``day``.  ``seed`` is a string in the family's documented
    format (e.g. hex ``"16647BB4"`` for Ramnit); ``None`` means the family's
    default known seed(s), all of them.  ``variant`` selects a variant listed
    in ``INFO.variants``; ``None`` means all variants.

Bad arguments raise :class:`GeneratorError` whose message lists the valid
choices, so the CLI can print it as a one-line error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

PERIODS = ("static", "minute", "hour", "day", "week", "month", "sequence")
THREAT_TYPES = ("c2", "iab", "botnet", "dga", "phishing")


class GeneratorError(ValueError):
    """A bad family, date, seed or variant; the message lists valid choices."""


@dataclass(frozen=True)
class FamilyInfo:
    name: str
    """Canonical lower-case id, also the module name (``qsnatch``)."""
    aliases: tuple[str, ...]
    """Other names vendors use (``QNAPCrypt``, ``Derek``...)."""
    malpedia: str
    """Malpedia id (``elf.qsnatch``), or ``""`` when Malpedia has none."""
    variants: tuple[str, ...]
    """Variant ids accepted by ``generate(variant=...)``; ``("default",)`` if one."""
    seeds: dict[str, tuple[str, ...]]
    """Known seeds per variant; an empty tuple for variants without a seed."""
    tlds: tuple[str, ...]
    """Suffixes the names end in (without the dot)."""
    names_per_period: int
    """How many names one period yields (per seed and variant)."""
    period: str
    """One of :data:`PERIODS`: how often the name set changes."""
    active: tuple[dt.date, dt.date | None]
    """First and last day the family was seen using this DGA (``None``: still active)."""
    threat: str = "dga"
    """Threat type for indicators: ``iab`` for initial-access brokers, ``botnet``..."""
    seed_required: bool = False
    """True when real samples use per-sample seeds nobody published: the
    forecast skips such a family (with a note) instead of guessing."""
    references: tuple[str, ...] = field(default=())
    """Where the algorithm was described (report titles or URLs)."""
    notes: str = ""


def check_day(day: object) -> dt.date:
    """Accept a date (or datetime, truncated) and refuse anything else."""
    if isinstance(day, dt.datetime):
        return day.date()
    if isinstance(day, dt.date):
        return day
    raise GeneratorError(f"day must be a date, got {type(day).__name__}")


def check_variant(info: FamilyInfo, variant: str | None) -> tuple[str, ...]:
    """Variants to run: the one asked for, or all of them."""
    if variant is None:
        return info.variants
    if variant not in info.variants:
        raise GeneratorError(
            f"{info.name}: unknown variant {variant!r}; valid: {', '.join(info.variants)}"
        )
    return (variant,)


def unique(names: Iterable[str]) -> list[str]:
    """Drop repeats, keep first-seen order (the order the malware tries)."""
    return list(dict.fromkeys(names))
