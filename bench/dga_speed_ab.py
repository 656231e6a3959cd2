"""The DGA scorer of the working tree against the scorer of a git revision, alternated on one core.

Why: on a shared or virtual machine the same scorer runs anywhere from
200k to 380k names/s from one minute to the next (docs/dga-model.md,
"Speed"), so two runs of ``bench/dga_speed.py`` minutes apart say little
about a change of a few per cent.  This script runs the two scorers in
turns (``--rounds`` processes each, ``old new new old old ...``), each
process timing ``--repeat`` passes over the same names in one batch size,
and compares the fastest and the median runs.  It also checks that both
give the same scores, families and reasons for every name, so a speed-up
that changes outputs shows here.

The revision's ``python/dnsguard`` is extracted with ``git archive`` into a
temporary directory and put first on ``PYTHONPATH``; nothing in the
working tree is touched.

Usage: .venv/bin/python bench/dga_speed_ab.py REV [--mix dga-35%] [--batch 10000]
       [--rounds 12] [--repeat 3] [--no-band] [--cpu 1]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, os, sys, time
sys.path.insert(0, os.environ["DNSGUARD_BENCH_DIR"])
import dga_speed
from dnsguard.dga.scoring import Scorer
mix, batch, repeat, band = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "1"
names = dga_speed.MIXES[mix](100_000)
scorer = Scorer(band=band)
digest = hashlib.sha256()
for i in range(0, len(names), batch):  # the warm-up pass is also the output check
    r = scorer.score_arrays(names[i : i + batch])
    digest.update(r.score.tobytes())
    digest.update(repr((r.family, r.reasons, r.split.registered, r.split.suffix)).encode())
runs = []
for _ in range(repeat):
    t = time.process_time()
    for i in range(0, len(names), batch):
        scorer.score_arrays(names[i : i + batch])
    runs.append(time.process_time() - t)
print(json.dumps({"runs": runs, "digest": digest.hexdigest(), "band": scorer.band is not None}))
"""


def extract(rev: str, into: Path) -> Path:
    """``python/dnsguard`` as it is at ``rev``, under ``into``; the directory to put on PYTHONPATH."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "python/dnsguard"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / "python"


def run(pythonpath: Path, args: argparse.Namespace) -> dict:
    env = dict(os.environ, PYTHONPATH=str(pythonpath), DNSGUARD_BENCH_DIR=str(ROOT / "bench"))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        env[var] = "1"
    cmd = [sys.executable, "-c", CHILD, args.mix, str(args.batch), str(args.repeat), "1" if args.band else "0"]
    if args.cpu is not None:
        cmd = ["taskset", "-c", str(args.cpu), *cmd]
    done = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("rev", help="git revision to compare the working tree with (e.g. HEAD~1)")
    ap.add_argument("--mix", default="dga-35%", help="a mix of bench/dga_speed.py (default dga-35%%)")
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=12, help="processes per side (default 12)")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per process (default 3)")
    ap.add_argument("--band", action=argparse.BooleanOptionalAction, default=True,
                    help="both scorers with the band stage (the default, as shipped) or without it (--no-band)")
    ap.add_argument("--cpu", type=int, default=1, help="CPU to pin to (default 1; -1: no pinning)")
    args = ap.parse_args()
    if args.cpu is not None and args.cpu < 0:
        args.cpu = None
    with tempfile.TemporaryDirectory(prefix="dga-ab-") as tmp:
        sides = {"old": extract(args.rev, Path(tmp)), "new": ROOT / "python"}
        times: dict[str, list[float]] = {"old": [], "new": []}
        digests: dict[str, set[str]] = {"old": set(), "new": set()}
        for k in range(args.rounds):
            for side in ("old", "new") if k % 2 == 0 else ("new", "old"):
                out = run(sides[side], args)
                if out["band"] != args.band:
                    print(f"{side}: the band stage is {'on' if out['band'] else 'off'}; expected the other")
                    return 2
                times[side].extend(out["runs"])
                digests[side].add(out["digest"])
    n = 100_000
    print(f"{args.mix}, batches of {args.batch:,}, band stage {'on' if args.band else 'off'}; "
          f"{args.rounds} processes a side, {args.repeat} passes each; names/s per core (CPU time)")
    for side, label in (("old", args.rev), ("new", "working tree")):
        t = times[side]
        print(f"  {label:>14}: best {n / min(t):>9,.0f}   median {n / statistics.median(t):>9,.0f}")
    print(f"  new / old time: best {min(times['new']) / min(times['old']):.3f}, "
          f"median {statistics.median(times['new']) / statistics.median(times['old']):.3f}")
    same = digests["old"] == digests["new"] and len(digests["new"]) == 1
    print("  outputs: " + ("identical" if same else "DIFFERENT (scores, families, reasons or split)"))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
