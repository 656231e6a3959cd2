"""Speed of the DGA scorer on one core: batch names/s, single-name latency, load time, RSS.

BLAS/OpenMP pools are pinned to one thread before numpy loads and the
process is pinned to one CPU, so the figures are one-core figures.  Each
timing is reported as wall-clock and as process CPU time: on a shared
machine the wall clock includes time other jobs held the core, the CPU time
does not.

Usage: .venv/bin/python bench/dga_speed.py [--names 200000] [--repeat 3]
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SUBS = ["", "www", "mail", "api", "cdn", "static", "m", "login", "_dmarc", "s1._domainkey", "img2.static"]


def workload(n: int, seed: int = 1) -> list[str]:
    """Unique-ish mix: 85 % benign FQDNs, 13 % CDN hosts, 2 % DGA names (like real traffic)."""
    rng = random.Random(seed)
    benign = (ROOT / "data/benign/top-registered-domains.txt").read_text().split()
    dga = []
    for f in sorted((ROOT / "data/dga").glob("*.txt")):
        dga.extend(f.read_text().split())
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.85:
            sub = rng.choice(SUBS)
            reg = rng.choice(benign)
            out.append(f"{sub}.{reg}" if sub else reg)
        elif r < 0.98:
            k = rng.randrange(3)
            rid = "".join(rng.choice(alnum) for _ in range(13))
            out.append(
                (f"d{rid}.cloudfront.net", f"e{rng.randrange(99999)}.a.akamaiedge.net",
                 f"rr{rng.randrange(9)}---sn-{rid[:8]}.googlevideo.com")[k]
            )
        else:
            out.append(rng.choice(dga))
    return out


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w0, time.process_time() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--names", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the first allowed)")
    args = ap.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    cpu = args.cpu if args.cpu is not None else cpus[0]
    os.sched_setaffinity(0, {cpu})

    _, w, c = timed(lambda: __import__("numpy"))
    from dnsguard.dga import model as M
    from dnsguard.dga.scoring import Scorer

    _, wm, cm = timed(M.load)
    scorer, ws, cs = timed(Scorer)
    print(f"pinned to CPU {cpu}; numpy {__import__('numpy').__version__}")
    print(f"load: model weights {wm * 1000:.0f} ms wall ({cm * 1000:.0f} ms CPU); "
          f"full Scorer (weights + allowlist {len(scorer.allowlist)} entries + PSL) "
          f"{ws * 1000:.0f} ms wall ({cs * 1000:.0f} ms CPU)")

    names = workload(args.names)
    for batch_size in (1_000, 10_000, 100_000):
        for label, fn in (("columnar score_arrays", scorer.score_arrays),
                          ("list[Verdict] score_batch", scorer.score_batch)):
            best_w = best_c = float("inf")
            for _ in range(args.repeat):
                def run(fn=fn, size=batch_size):
                    for i in range(0, len(names), size):
                        fn(names[i : i + size])
                _, w, c = timed(run)
                best_w, best_c = min(best_w, w), min(best_c, c)
            print(f"batch {batch_size:>7,}  {label:26s}: {len(names) / best_w:>10,.0f} names/s wall, "
                  f"{len(names) / best_c:>10,.0f} names/s CPU")

    lat, cpu = [], []
    sample = names[:5000]
    for name in sample:
        t, c = time.perf_counter(), time.thread_time()
        scorer.score_one(name)
        lat.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    for what, values in (("wall", lat), ("CPU", cpu)):
        values.sort()
        q = statistics.quantiles(values, n=100)
        print(f"single name (score_one, {len(sample)} calls, {what}): p50 {q[49] * 1e6:.0f} us, "
              f"p99 {q[98] * 1e6:.0f} us, max {values[-1] * 1e6:.0f} us")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
