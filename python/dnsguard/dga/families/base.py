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
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

T = TypeVar("T")

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


# Helpers shared by several family modules.  They hold only what really is the
# same across families; each algorithm stays in its own module.


def refuse_seed(info: FamilyInfo, seed: str | None, why: str) -> None:
    """For families without a seed: any seed is an error (``why``: what drives the names)."""
    if seed is not None:
        raise GeneratorError(f"{info.name}: takes no seed ({why}); valid: none")


def ascii_seeds(info: FamilyInfo, seed: str | None, what: str) -> tuple[str, ...]:
    """Seeds that are free text: the known ones, or ``seed`` if it is printable ASCII."""
    known = info.seeds["default"]
    if seed is None:
        return known
    if not seed or not seed.isascii() or not seed.isprintable():
        raise GeneratorError(
            f"{info.name}: seed must be a printable ASCII {what}; known: {', '.join(known)}"
        )
    return (seed,)


def parse_uint(text: str, base: int, bits: int) -> int | None:
    """``text`` as an unsigned number of at most ``bits`` bits, or None.

    Blanks around it are ignored; in base 16 a ``0x`` prefix is allowed.
    """
    try:
        value = int(text.strip(), base)
    except ValueError:
        return None
    return value if 0 <= value < 1 << bits else None


def number_seeds(
    info: FamilyInfo, seed: str | None, known: tuple[str, ...], base: int, bits: int, what: str
) -> tuple[int, ...]:
    """Seeds that are numbers: the ``known`` ones (written in ``base``), or ``seed``
    if it is an unsigned ``bits``-bit number; ``what`` describes the format."""
    if seed is None:
        return tuple(int(s, base) for s in known)
    value = parse_uint(seed, base, bits)
    if value is None:
        raise GeneratorError(f"{info.name}: seed must be {what}; known: {', '.join(known)}")
    return (value,)


def chain(first: T, step: Callable[[T], T], count: int) -> list[T]:
    """A seeded chain: ``first`` and its successors, ``count`` items in all."""
    out = [first]
    while len(out) < count:
        out.append(step(out[-1]))
    return out[:count]


@lru_cache(maxsize=64)
def _fixed_list(names: Callable[[str], list[str]], seed: str) -> tuple[str, ...]:
    return tuple(names(seed))


def fixed_list(
    info: FamilyInfo,
    names: Callable[[str], list[str]],
    day: dt.date,
    seed: str | None,
    variant: str | None,
) -> list[str]:
    """``generate`` of a family whose list depends on the seed alone, not the day.

    ``names(seed)`` makes one seed's list (and rejects a bad seed); a list is
    computed once per seed because the forecast asks for every day.  Without a
    seed the known seeds of the default variant are used.
    """
    check_day(day)
    check_variant(info, variant)
    seeds = info.seeds["default"] if seed is None else (seed,)
    return unique(n for s in seeds for n in _fixed_list(names, s))


def divisor_tlds(tlds: tuple[str, ...]) -> tuple[str, ...]:
    """TLD by name index, for DGAs that test divisibility from the top down.

    Index ``i`` takes the first TLD whose position counted from the end of
    ``tlds`` divides ``i`` (so the last TLD is the fallback).  The result is
    one period of that pattern: look it up with ``i % len(result)``.
    """
    period = math.lcm(*range(1, len(tlds) + 1))
    size = len(tlds)
    return tuple(
        next(t for pos, t in enumerate(tlds) if i % (size - pos) == 0) for i in range(period)
    )


def msvcrt_rand(seed: int) -> Iterator[int]:
    """The outputs of MSVCRT ``rand()`` after ``srand(seed)`` (15 bits each)."""
    state = seed & 0xFFFFFFFF
    while True:
        state = (214013 * state + 2531011) & 0xFFFFFFFF
        yield (state >> 16) & 0x7FFF
