"""Shared helpers for the family tests: the reference data in data/dga.

Each reference file holds the names a public re-implementation printed;
MANIFEST.json records how its harness was run (first and last command, the
number of runs, a note).  The tests rebuild the harness dates from that and
check that the generators produce every reference name.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def reference_names(name: str) -> set[str]:
    """The names of one reference file (``data/dga/<name>.txt``)."""
    return set((DATA / f"{name}.txt").read_text().split())


@cache
def _manifest() -> dict[str, dict]:
    return json.loads((DATA / "MANIFEST.json").read_text())


def manifest(name: str) -> dict:
    """The MANIFEST.json entry of one reference file."""
    return _manifest()[name]


def command_dates(name: str) -> tuple[dt.date, dt.date]:
    """The ISO dates in the first and the last harness command."""
    entry = manifest(name)
    first, last = (
        dt.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", entry[key]).group())
        for key in ("first_cmd", "last_cmd")
    )
    return first, last


def command_unix_dates(name: str) -> tuple[dt.date, dt.date]:
    """The UTC dates of the Unix times (``-t <seconds>``) in the first and last command."""
    entry = manifest(name)
    first, last = (
        dt.datetime.fromtimestamp(int(re.search(r"-t (\d+)", entry[key]).group(1)), dt.UTC).date()
        for key in ("first_cmd", "last_cmd")
    )
    return first, last


def note_every_days(name: str) -> tuple[int, dt.date]:
    """Step and start day of a note saying 'every <n> days from <date>'."""
    match = re.search(r"every (\d+) days from (\d{4}-\d\d-\d\d)", manifest(name)["note"])
    return int(match.group(1)), dt.date.fromisoformat(match.group(2))


def spread_days(
    first: dt.date, last: dt.date, runs: int, *, both_neighbours: bool = False
) -> list[dt.date]:
    """``runs`` dates spread evenly from ``first`` to ``last``, as the harnesses ran.

    Offsets are rounded; with ``both_neighbours`` the rounding is taken as
    unknown and the days on both sides of each exact offset are returned.
    """
    span = (last - first).days
    offsets: set[int] = set()
    for i in range(runs):
        exact = i * span / (runs - 1)
        if both_neighbours:
            offsets.update((math.floor(exact), math.ceil(exact)))
        else:
            offsets.add(round(exact))
    return [first + dt.timedelta(days=k) for k in sorted(offsets)]


def harness_days(
    name: str, runs: int | None = None, *, both_neighbours: bool = False
) -> list[dt.date]:
    """The dates of a harness that ran ``n_invocations`` times (or ``runs``) spread
    evenly between its first and last command's dates."""
    runs = runs or manifest(name)["n_invocations"]
    return spread_days(*command_dates(name), runs, both_neighbours=both_neighbours)


def every_day(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    """``first``, then every ``step`` days up to ``last`` (inclusive)."""
    return [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


def stepped_days(start: dt.date, step: int, count: int) -> list[dt.date]:
    """``count`` days from ``start``, ``step`` days apart."""
    return [start + dt.timedelta(days=step * i) for i in range(count)]


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s month to ``last``."""
    months = []
    day = first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def assert_covered(want: Iterable[str], got: Iterable[str]) -> None:
    """Every reference name in ``want`` is in ``got``; the message names the missing ones."""
    missing = sorted(set(want) - set(got))
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"
