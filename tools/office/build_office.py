"""Build the office capture and its ground truth (see README.md beside this script).

Usage: python tools/office/build_office.py --pcap OUT.pcap --truth TRUTH.json
           [--spec SPEC.json] [--seed N] [--minutes M] [--date YYYY-MM-DD]

The logic lives in dnsguard.testdata.office so tests and btests can import
it; this is the command line.  The spec is pcapgen's JSON list, so
`python3 python/dnsguard/pcapgen.py SPEC.json OUT.pcap` rebuilds the same pcap.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

try:
    from dnsguard.testdata.office import DEFAULT_DATE, DEFAULT_MINUTES, DEFAULT_SEED, write_office
except ImportError:  # run from a checkout without the package installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    from dnsguard.testdata.office import DEFAULT_DATE, DEFAULT_MINUTES, DEFAULT_SEED, write_office


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Build a realistic office DNS capture with ground truth.")
    p.add_argument("--pcap", required=True, type=Path, help="pcap to write")
    p.add_argument("--truth", required=True, type=Path, help="ground-truth JSON to write")
    p.add_argument("--spec", type=Path, help="also write pcapgen's JSON spec of the capture")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    p.add_argument("--minutes", type=int, default=DEFAULT_MINUTES,
                   help=f"capture length, at least 10 (default {DEFAULT_MINUTES})")
    p.add_argument("--date", type=dt.date.fromisoformat, default=DEFAULT_DATE,
                   help=f"capture date, UTC; DGA names are computed for it (default {DEFAULT_DATE})")
    args = p.parse_args(argv)
    if args.minutes < 10:
        p.error("--minutes must be at least 10")
    for path in (args.pcap, args.truth, args.spec):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    office = write_office(args.pcap, args.truth, args.spec, seed=args.seed, minutes=args.minutes, date=args.date)
    truth = office.truth()["capture"]
    print(f"wrote {args.pcap} ({args.pcap.stat().st_size:,} bytes, {len(office.exchanges):,} exchanges, "
          f"{truth['benign_hosts']} benign + {truth['infected_hosts']} infected hosts) and {args.truth}"
          + (f" and {args.spec}" if args.spec else "") + f" in {time.perf_counter() - began:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
