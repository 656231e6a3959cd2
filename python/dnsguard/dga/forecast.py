"""Known-DGA forecast: every name the implemented families use on given days.

Exact matching against computed names has no false positives and is the
only reliable way to catch short-name DGAs such as QSnatch.  Families whose
real samples use unpublished seeds are skipped with a note, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from dnsguard.dga.families import forecast_names, registry
from dnsguard.dga.families.base import GeneratorError
from dnsguard.feeds.families import canonical_family, is_iab
from dnsguard.feeds.indicators import Indicator
from dnsguard.names import default_suffix_list

FORECAST_SOURCE = "dga-forecast"
FORECAST_CONFIDENCE = 95
EARLY_MARGIN_DAYS = 365


@dataclass(frozen=True, slots=True)
class ForecastName:
    name: str
    family: str
    day: dt.date
    threat: str


@dataclass
class Forecast:
    names: dict[str, ForecastName]
    notes: list[str]

    def to_indicators(self, grace_days: int = 2, not_before: float = 0.0) -> list[Indicator]:
        """Store indicators valid from their day until ``grace_days`` after it
        (bots with a skewed clock, resolvers' negative caches), and at least
        until ``not_before`` so a daily forecast run never leaves a gap."""
        out = []
        for item in self.names.values():
            start = dt.datetime.combine(item.day, dt.time(), dt.UTC).timestamp()
            out.append(Indicator(
                value=item.name, kind="domain", family=item.family, threat=item.threat,
                confidence=FORECAST_CONFIDENCE, sources=(FORECAST_SOURCE,),
                first_seen=start, last_seen=start,
                expires=max(start + (grace_days + 1) * 86400, not_before),
            ))
        return out


def days_around(start: dt.date, days_back: int, days_ahead: int) -> list[dt.date]:
    if days_back < 0 or days_ahead < 0:
        raise GeneratorError("days back and ahead must be zero or more")
    return [start + dt.timedelta(days=d) for d in range(-days_back, days_ahead + 1)]


def forecast(
    days: Iterable[dt.date],
    families: Iterable[str] | None = None,
    exclude: Callable[[str], bool] | None = None,
) -> Forecast:
    """Names of ``families`` (default: all implemented) for each day.

    ``exclude`` drops names that must never become indicators, whatever the
    algorithm computes: short-name DGAs such as QSnatch produce real popular
    domains (``bmw.es``, ``mtv.de``, ``car.de`` in one 38-day window), and a
    forecast listing them would flag every host that visits them.  Pass
    ``Allowlist.covers`` of the feeds' allowlist.  Whatever the caller
    passes, two kinds of names are always dropped: the registered domains
    popular in 2024/2025 (``data/popular-recent.txt``: ``nic.de``,
    ``gov.ru``, ``cutt.ly``, ``vivo.com`` are QSnatch names of 2025-2026
    days that the 2015/2016 allowlist does not know), and public suffixes
    (``ddns.net``, ``com.se``, ``org.ru``: QSnatch computes them too; as
    indicators they would cover every name below them).
    """
    never = _never_forecast()
    wanted = list(families) if families is not None else list(registry())
    modules = registry()
    names: dict[str, ForecastName] = {}
    notes: list[str] = []
    day_list = sorted(set(days))
    excluded: dict[str, set[str]] = {}
    for family in wanted:
        module = modules.get(family)
        if module is None:
            raise GeneratorError(f"unknown family {family!r}; valid: {', '.join(modules)}")
        info = module.INFO
        if info.seed_required:
            notes.append(f"{family}: skipped, real samples use unpublished per-sample seeds")
            continue
        first, last = info.active
        # The same spelling and threat type as the feeds give the family (QSnatch, iab).
        display = canonical_family(family)
        threat = "iab" if is_iab(display) else info.threat
        # No bot generated names before its family existed: days well before the
        # first sighting are skipped (some algorithms walk back to an epoch).
        earliest = first - dt.timedelta(days=EARLY_MARGIN_DAYS)
        for day in day_list:
            if day < earliest:
                continue
            # Generators emit canonical names (tests/dga/test_families_contract.py
            # checks it), so no per-name normalisation here: the forecast
            # computes over a million names.  The earliest day wins so an
            # indicator's validity starts as early as it can.  A family may
            # carry a share of a very large daily list (Conficker.C).
            for name in forecast_names(family, day):
                if name in names:
                    continue
                if never(name) or (exclude is not None and exclude(name)):
                    excluded.setdefault(family, set()).add(name)
                    continue
                names[name] = ForecastName(name, display, day, threat)
        if last is not None and day_list and day_list[0] > last:
            notes.append(f"{family}: last seen active {last.isoformat()}; forecast kept for old infections")
        if day_list and day_list[-1] < first:
            notes.append(f"{family}: first seen {first.isoformat()}, after the forecast window")
    for family, left_out in excluded.items():
        notes.append(f"{family}: {len(left_out):,} computed names left out: allowlisted (popular) domains "
                     "or public suffixes")
    return Forecast(names, notes)


RECENT_POPULAR = "data/popular-recent.txt"


@cache
def recent_popular() -> frozenset[str]:
    """Registered domains popular in 2024/2025, exact (feeds/make_allowlist.py writes the file)."""
    text = resources.files("dnsguard").joinpath(RECENT_POPULAR).read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def never_forecast(name: str) -> bool:
    """Whether ``forecast`` always drops ``name``: a recent popular domain or a public suffix."""
    return _never_forecast()(name)


@cache
def _never_forecast() -> Callable[[str], bool]:
    """Whether a computed name is a recent popular domain or a public suffix
    (two set lookups: the forecast computes millions of names)."""
    popular = recent_popular()
    is_suffix = default_suffix_list().is_suffix

    def never(name: str) -> bool:
        return name in popular or is_suffix(name)

    return never
