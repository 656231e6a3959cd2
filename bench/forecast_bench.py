"""Known-DGA forecast: every implemented family over a 37-day window on one core.

Target (issue 4): all families over 37 days (7 back, 30 ahead) in <= 10 s.
Prints the time per family, the number of names and the memory they take.

    .venv/bin/python bench/forecast_bench.py [--date 2026-11-27]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.datetime.now(dt.UTC).date())
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    from dnsguard.dga.families import registry
    from dnsguard.dga.forecast import days_around, forecast

    days = days_around(args.date, 7, 30)
    print(f"forecast window {days[0]} .. {days[-1]} ({len(days)} days), one core")
    # CPU seconds, not wall time: the figure must not depend on what else the machine runs.
    per_family = []
    for family in registry():
        start = time.process_time()
        result = forecast(days, [family])
        per_family.append((time.process_time() - start, family, len(result.names)))
    for seconds, family, count in sorted(per_family, reverse=True):
        print(f"  {family:<20} {count:>9,} names  {seconds:6.2f} CPU-s")

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, wall = time.process_time(), time.perf_counter()
    result = forecast(days)
    combined, wall = time.process_time() - start, time.perf_counter() - wall
    chars = sum(len(n) for n in result.names)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all families together: {combined:.2f} CPU-s ({wall:.2f} s wall), {len(result.names):,} distinct names "
          f"({chars / 1e6:.1f} M characters), peak RSS {rss:.0f} MB (before: {rss_before:.0f} MB)")
    print(f"target <= 10 s on one core: {'met' if combined <= 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
