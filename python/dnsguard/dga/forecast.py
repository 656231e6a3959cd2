"""Known-DGA forecast: every name the implemented families use on given days.

Exact matching against computed names has no false positives and is the
only reliable way to catch short-name DGAs such as QSnatch.  Families whose
real samples use unpublished seeds are skipped with a note, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from dnsguard.dga.families import generate, registry
from dnsguard.dga.families.base import GeneratorError
from dnsguard.feeds.indicators import Indicator
from dnsguard.names import Rejected, normalize

FORECAST_SOURCE = "dnsguard-forecast"
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

    def to_indicators(self, grace_days: int = 2) -> list[Indicator]:
        """Store indicators valid from their day until ``grace_days`` after it
        (bots with a skewed clock, resolvers' negative caches)."""
        out = []
        for item in self.names.values():
            start = dt.datetime.combine(item.day, dt.time(), dt.UTC).timestamp()
            out.append(Indicator(
                value=item.name, kind="domain", family=item.family, threat=item.threat,
                confidence=FORECAST_CONFIDENCE, sources=(FORECAST_SOURCE,),
                first_seen=start, last_seen=start,
                expires=start + (grace_days + 1) * 86400,
            ))
        return out


def days_around(start: dt.date, days_back: int, days_ahead: int) -> list[dt.date]:
    if days_back < 0 or days_ahead < 0:
        raise GeneratorError("days back and ahead must be zero or more")
    return [start + dt.timedelta(days=d) for d in range(-days_back, days_ahead + 1)]


def forecast(days: Iterable[dt.date], families: Iterable[str] | None = None) -> Forecast:
    """Names of ``families`` (default: all implemented) for each day."""
    wanted = list(families) if families is not None else list(registry())
    modules = registry()
    names: dict[str, ForecastName] = {}
    notes: list[str] = []
    day_list = sorted(set(days))
    for family in wanted:
        module = modules.get(family)
        if module is None:
            raise GeneratorError(f"unknown family {family!r}; valid: {', '.join(modules)}")
        info = module.INFO
        if info.seed_required:
            notes.append(f"{family}: skipped, real samples use unpublished per-sample seeds")
            continue
        first, last = info.active
        # No bot generated names before its family existed: days well before the
        # first sighting are skipped (some algorithms walk back to an epoch).
        earliest = first - dt.timedelta(days=EARLY_MARGIN_DAYS)
        for day in day_list:
            if day < earliest:
                continue
            for raw in generate(family, day):
                parsed = normalize(raw)
                if isinstance(parsed, Rejected):
                    continue
                # The earliest day wins so an indicator's validity starts as early as it can.
                names.setdefault(parsed.fqdn, ForecastName(parsed.fqdn, family, day, info.threat))
        if last is not None and day_list and day_list[0] > last:
            notes.append(f"{family}: last seen active {last.isoformat()}; forecast kept for old infections")
        if day_list and day_list[-1] < first:
            notes.append(f"{family}: first seen {first.isoformat()}, after the forecast window")
    return Forecast(names, notes)
