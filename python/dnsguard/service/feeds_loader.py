"""Indicators for the service: the feed store and/or dnsguard CSV files.

Loaded at start and again on SIGHUP (after ``dnsguard feeds update`` has
rewritten the store).  A file that cannot be read costs that file only:
the service keeps running with the rest and reports the problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dnsguard.feeds.indicators import Indicator, IndicatorIndex, read_indicator_csv
from dnsguard.feeds.store import StoreError, load_indicators


def load_index(paths: Iterable[Path], now: float) -> tuple[IndicatorIndex, list[str]]:
    """``.csv`` files in dnsguard's CSV format, anything else as a feed store."""
    indicators: list[Indicator] = []
    problems: list[str] = []
    for path in paths:
        try:
            if path.suffix.lower() == ".csv":
                good, errors = read_indicator_csv(path.read_text("utf-8"), str(path))
                indicators.extend(good)
                problems.extend(errors[:20])
            else:
                indicators.extend(load_indicators(path, now))
        except (OSError, UnicodeDecodeError, StoreError) as exc:
            problems.append(f"{path}: {exc}")
    live = [i for i in indicators if i.expires is None or i.expires > now]
    return IndicatorIndex.build(live), problems
