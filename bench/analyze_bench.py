#!/usr/bin/env python3
"""Throughput and memory of ``dnsguard analyze`` on a generated day of Zeek dns.log.

Targets (docs/triage.md): at least 200,000 dns.log lines per CPU-second on
one core, and a 10-million-line day in at most 1 GB RSS.  The day is made by
tools/daylogs (200 hosts, hourly rotated gzip TSV) in a temporary directory
unless --dir names one to reuse.  Figures are CPU seconds of this process
(the machine is shared, so wall time is noisy) and peak RSS.

    python bench/analyze_bench.py [--lines 10000000] [--dir DIR] [--json] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import importlib.util
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _daylogs():
    spec = importlib.util.spec_from_file_location("daylogs", REPO / "tools/daylogs/daylogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["daylogs"] = module
    spec.loader.exec_module(module)
    return module


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def setup_cost(day_dir: Path, with_forecast: bool) -> float:
    """CPU seconds of the fixed costs every run pays, whatever the input size."""
    from dnsguard.analyze_cli import forecaster
    from dnsguard.dga import Scorer

    c0 = cpu()
    Scorer()
    if with_forecast:
        forecaster([daylogs_day() + dt.timedelta(days=d) for d in (-1, 0, 1)])
    return cpu() - c0


def daylogs_day() -> dt.date:
    return sys.modules["daylogs"].DAY


def split_cost() -> float:
    """A yardstick for this machine: how long the most frequent operation takes."""
    line = "\t".join(["1793606400.247546", "Cz3j3yY2guwFM6qNeV", "10.20.1.69", "4738", "10.20.0.1", "53", "udp",
                      "62573", "0.001234", "www.example.com", "1", "C_INTERNET", "1", "A", "0", "NOERROR", "T",
                      "F", "T", "T", "0", "93.184.216.34", "60.000000", "F"])
    c0 = cpu()
    for _ in range(200_000):
        line.split("\t")
    return (cpu() - c0) / 200_000 * 1e6


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lines", type=int, default=10_000_000)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--dir", type=Path, help="reuse (or create) the day here instead of a temp dir")
    p.add_argument("--json", action="store_true", help="generate JSON lines instead of TSV")
    p.add_argument("--profile", action="store_true", help="print the top of a cProfile of the analysis")
    p.add_argument("--no-forecast", action="store_true")
    p.add_argument("--with-feed-store", action="store_true",
                   help="also load this machine's threat-feed store (default: an empty state "
                        "directory, so figures do not depend on what was fetched here)")
    args = p.parse_args()

    with tempfile.TemporaryDirectory(prefix="dnsguard-day-") as tmp:
        if not args.with_feed_store:
            os.environ["DNSGUARD_STATE_DIR"] = str(Path(tmp) / "state")
            os.environ.pop("DNSGUARD_CONFIG", None)
        day_dir = args.dir or Path(tmp)
        daylogs = _daylogs()
        if not (day_dir / "truth.json").exists():
            t0, c0 = time.monotonic(), cpu()
            daylogs.generate_day(day_dir, daylogs.DaySpec(args.hosts, args.lines, json=args.json))
            print(f"generated {day_dir} in {time.monotonic() - t0:.0f} s wall, {cpu() - c0:.0f} s CPU",
                  file=sys.stderr)
        truth = daylogs.load_truth(day_dir)

        from dnsguard.analyze_cli import analyse
        from dnsguard.config import load_config

        config = load_config(None)
        setup = setup_cost(day_dir, not args.no_forecast)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        t0, c0 = time.monotonic(), cpu()
        profiler = cProfile.Profile() if args.profile else None
        if profiler:
            profiler.enable()
        analysis = analyse(day_dir, config, use_forecast=not args.no_forecast)
        if profiler:
            profiler.disable()
        wall, used = time.monotonic() - t0, cpu() - c0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines = analysis.stats.records
        wrong = [h.host for h in analysis.hosts if h.verdict != truth[h.host].verdict]
        print(f"dns.log lines analysed : {lines:,} from {len(analysis.stats.files)} files")
        print(f"CPU time               : {used:.1f} s  ({lines / used:,.0f} lines per CPU-second)")
        print(f"  of which set-up      : ~{setup:.1f} s (DGA model and allowlist load, forecast of 3 days; "
              f"measured separately)")
        print(f"streaming rate         : {lines / max(used - setup, 1e-9):,.0f} lines per CPU-second without set-up")
        print(f"wall time              : {wall:.1f} s  ({lines / wall:,.0f} lines/s; shared machine)")
        print(f"calibration            : {split_cost():.2f} us CPU per str.split of a 24-field dns.log line")
        print(f"peak RSS               : {peak:.0f} MB (before analysis {rss_before:.0f} MB)")
        print(f"hosts                  : {len(analysis.hosts)}, verdicts differing from ground truth: "
              f"{len(wrong)} {wrong[:5]}")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(18)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
