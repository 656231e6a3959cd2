"""Speed of the DGA scorer on one core, per traffic mix: names/s, single-name latency, load, RSS.

BLAS/OpenMP pools are pinned to one thread before numpy loads and the
process is pinned to one CPU, so the figures are one-core figures.  Each
timing is reported as process CPU time (what the scorer costs) and wall
clock: on a shared machine the wall clock includes time other jobs held
the core, the CPU time does not.  Every figure is the best and the median
of ``--repeat`` runs, so the spread shows how noisy the machine was.

Mixes (all unique-ish FQDNs; normalisation, allowlist, detection and
attribution included):

* ``traffic-2%``: 85 % benign FQDNs (``www.``, ``api.``, ``_dmarc.`` ...
  on popular registered domains), 13 % CDN host names, 2 % DGA names;
* ``dga-35%``: 35 % DGA names (every ``data/dga`` file, one in five with a
  sub-domain), 52 % benign FQDNs with realistic sub-domains (one to three
  labels, e.g. ``img2.static.``, ``prod-eu-1.api.``), 13 % CDN host names;
* ``long-random``: DGA names only, all long random labels: zloader-like
  (20 random letters, ``.com``; zloader itself is a reserved held-out
  family with no data file), murofet (v1 and v3), bamital (32 hex digits)
  and newgoz (base36, ~26 characters).

The scorer runs as shipped: with the band stage (``dnsguard.dga.charnet``:
the character GRU on the names between the linear model's 0.3 % and 0.01 %
cuts; off from the morning of 2026-12-06 until it learned to add the linear
suffix weight the same day), and each mix's header says what share of its
names is in the band.  ``--no-band`` measures the linear model alone.

Usage: .venv/bin/python bench/dga_speed.py [--names 200000] [--repeat 5] [--cpu 1]
       [--mix dga-35%] [--batch 10000] [--no-band]
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
DEEP_SUBS = [
    "", "", "www", "www", "mail", "api", "cdn", "static", "m", "login", "_dmarc", "s1._domainkey",
    "img2.static", "prod-eu-1.api", "assets-01.cdn", "autodiscover", "selector1._domainkey",
    "_sip._tls", "ns1", "smtp", "images.m", "graph", "edge-003.media", "accounts", "auth.eu",
]
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
LONG_RANDOM_FILES = ("murofet.txt", "murofet_v3.txt", "bamital.txt", "newgoz.txt")


def _lines(path: Path) -> list[str]:
    return path.read_text().split()


def _benign() -> list[str]:
    return _lines(ROOT / "data/benign/top-registered-domains.txt")


def _dga() -> list[str]:
    out: list[str] = []
    for f in sorted((ROOT / "data/dga").glob("*.txt")):
        out.extend(_lines(f))
    return out


def _cdn(rng: random.Random) -> str:
    k = rng.randrange(3)
    rid = "".join(rng.choice(ALNUM) for _ in range(13))
    return (f"d{rid}.cloudfront.net", f"e{rng.randrange(99999)}.a.akamaiedge.net",
            f"rr{rng.randrange(9)}---sn-{rid[:8]}.googlevideo.com")[k]


def zloader_like(rng: random.Random) -> str:
    return "".join(rng.choice(LETTERS) for _ in range(20)) + ".com"


def mix_traffic(n: int, seed: int = 1) -> list[str]:
    """85 % benign FQDNs, 13 % CDN hosts, 2 % DGA names (the benchmark's original mix)."""
    rng = random.Random(seed)
    benign, dga = _benign(), _dga()
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.85:
            sub = rng.choice(SUBS)
            reg = rng.choice(benign)
            out.append(f"{sub}.{reg}" if sub else reg)
        elif r < 0.98:
            out.append(_cdn(rng))
        else:
            out.append(rng.choice(dga))
    return out


def mix_dga35(n: int, seed: int = 2) -> list[str]:
    """35 % DGA names (a fifth under a sub-domain), 52 % benign FQDNs, 13 % CDN hosts."""
    rng = random.Random(seed)
    benign, dga = _benign(), _dga()
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.35:
            name = rng.choice(dga)
            out.append(f"{rng.choice(('www', 'ns1', 'mail', 'api'))}.{name}" if rng.random() < 0.2 else name)
        elif r < 0.87:
            sub = rng.choice(DEEP_SUBS)
            reg = rng.choice(benign)
            out.append(f"{sub}.{reg}" if sub else reg)
        else:
            out.append(_cdn(rng))
    return out


def mix_long_random(n: int, seed: int = 3) -> list[str]:
    """DGA names with long random labels only: half zloader-like, half murofet/bamital/newgoz."""
    rng = random.Random(seed)
    files = [n for f in LONG_RANDOM_FILES for n in _lines(ROOT / "data/dga" / f)]
    return [zloader_like(rng) if rng.random() < 0.5 else rng.choice(files) for _ in range(n)]


MIXES = {"traffic-2%": mix_traffic, "dga-35%": mix_dga35, "long-random": mix_long_random}


def timed(fn):
    w0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - w0, time.process_time() - c0


def throughput(fn, names: list[str], size: int, repeat: int) -> tuple[list[float], list[float]]:
    """names/s (CPU, wall) of each of ``repeat`` runs over ``names`` in batches of ``size``."""
    cpu, wall = [], []
    for _ in range(repeat):
        def run():
            for i in range(0, len(names), size):
                fn(names[i : i + size])
        _, w, c = timed(run)
        cpu.append(len(names) / max(c, 1e-9))
        wall.append(len(names) / max(w, 1e-9))
    return cpu, wall


def latency(scorer, names: list[str]) -> tuple[list[float], list[float]]:
    lat, cpu = [], []
    for name in names:
        t, c = time.perf_counter(), time.thread_time()
        scorer.score_one(name)
        lat.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    return cpu, lat


def _q(values: list[float], p: int) -> float:
    return statistics.quantiles(sorted(values), n=100)[p - 1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: the first allowed)")
    ap.add_argument("--mix", action="append", choices=sorted(MIXES), help="mix(es) to run (default: all)")
    ap.add_argument("--batch", type=int, action="append", help="batch size(s) (default: 1000, 10000, 100000)")
    ap.add_argument("--latency-calls", type=int, default=5000)
    ap.add_argument("--no-verdicts", action="store_true", help="skip the list[Verdict] score_batch rows")
    ap.add_argument("--band", action=argparse.BooleanOptionalAction, default=True,
                    help="the character network's band stage (on by default, as shipped; --no-band: the "
                         "linear model alone, for comparison)")
    args = ap.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    cpu = args.cpu if args.cpu is not None else cpus[0]
    os.sched_setaffinity(0, {cpu})

    import numpy as np
    from dnsguard.dga import charnet as CN
    from dnsguard.dga import model as M
    from dnsguard.dga.scoring import Scorer

    _, wm, cm = timed(M.load)
    scorer, ws, cs = timed(lambda: Scorer(band=args.band))
    print(f"pinned to CPU {cpu}; numpy {np.__version__}; load average {os.getloadavg()[0]:.2f}")
    print(f"load: model weights {wm * 1000:.0f} ms wall ({cm * 1000:.0f} ms CPU); "
          f"full Scorer (weights + allowlist {len(scorer.allowlist)} entries + PSL) "
          f"{ws * 1000:.0f} ms wall ({cs * 1000:.0f} ms CPU)")
    print(f"band stage (character GRU between the linear {100 - 100 * CN.BAND[0]:g} % and {100 - 100 * CN.BAND[1]:g} % cuts): "
          + ("off" if scorer.band is None else "on"))
    print(f"{args.names:,} names per mix, {args.repeat} runs each; names/s per core, "
          "best / median of the runs (CPU time; wall clock in brackets)")

    sizes = args.batch or [1_000, 10_000, 100_000]
    apis = [("score_arrays", scorer.score_arrays)]
    if not args.no_verdicts:
        apis.append(("score_batch", scorer.score_batch))
    for mix in args.mix or list(MIXES):
        names = MIXES[mix](args.names)
        res = scorer.score_arrays(names[:20_000])
        flagged = float(np.mean(res.score >= scorer.threshold))
        mean_len = statistics.fmean(map(len, names))
        in_band = ""
        if scorer.band is not None:
            linear = Scorer(scorer.model, allowlist=scorer.allowlist, band=False).score_arrays(names[:20_000]).score
            low, high = M.sigmoid(np.array([scorer.band.low, scorer.band.high]))
            in_band = f", in the band {float(np.mean((linear > low) & (linear <= high))):.1%}"
        print(f"\n[{mix}] mean FQDN length {mean_len:.1f}, flagged by the model {flagged:.1%}{in_band}")
        for size in sizes:
            for label, fn in apis:
                c, w = throughput(fn, names, size, args.repeat)
                print(f"  batch {size:>7,}  {label:13s}: {max(c):>9,.0f} / {statistics.median(c):>9,.0f} "
                      f"names/s CPU   ({max(w):>9,.0f} / {statistics.median(w):>9,.0f} wall)")
        sample = names[: args.latency_calls]
        for _ in range(2):  # warm-up pass, then the measured one
            cpu_lat, wall_lat = latency(scorer, sample)
        print(f"  single name (score_one, {len(sample)} calls): CPU p50 {_q(cpu_lat, 50) * 1e6:.0f} us, "
              f"p99 {_q(cpu_lat, 99) * 1e6:.0f} us; wall p50 {_q(wall_lat, 50) * 1e6:.0f} us, "
              f"p99 {_q(wall_lat, 99) * 1e6:.0f} us, max {max(wall_lat) * 1e6:.0f} us")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
