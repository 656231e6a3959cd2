"""CPU cost of the DNSGuard Zeek package on a synthetic DNS trace.

Needs a real ``zeek`` (on PATH, else the test fixture under /opt/zeek).
Writes a trace of DNS exchanges (popular registered domains and FQDNs below
them, DGA names answered NXDOMAIN, some TXT look-ups, a NAS calling home)
in two mixes, then runs Zeek over each -- with the DNS analyzer alone and
with the package loaded -- and prints what the package adds.

* ``uniform``: every benign name drawn uniformly from ~400,000 names, so
  nearly every query is a name not seen before: the worst case for the
  package's per-name cache.
* ``zipf``: benign names drawn by popularity (Zipf, s=1, the same names),
  as real DNS is: a few names make most queries.

Two measures: ``--cpu`` (default) user+system seconds, the best of
``--runs`` runs taken in rotation (the machine's noise is large); and
``--instructions``, instructions counted by valgrind's callgrind
(deterministic; slow, so use a smaller ``--queries``), per query after the
start-up cost (a 100-query trace) is taken off.

    python3 bench/zeek_bench.py [--queries N] [--mix uniform|zipf|both]
                                [--instructions] [--runs N] [--keep DIR] [--full]
                                [--candidates] [--zam]

``--candidates`` adds a run with candidate selection on (see
CANDIDATES_ON); ``--zam`` runs every configuration with ``-O ZAM``.

``--full`` runs Zeek with its default scripts instead of bare mode.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))

from dnsguard.pcapgen import Answer, Exchange, dns_message, udp_frame  # noqa: E402


def names(path: Path, limit: int) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.strip() for line in itertools.islice(fh, limit) if line.strip()]


def exchanges(count: int, mix: str = "uniform", seed: int = 7):
    """Yield *count* exchanges, a fixed mix, one every 100 microseconds."""
    rng = random.Random(seed)
    benign = names(ROOT / "data/benign/top-registered-domains.txt", 50_000)
    dga = []
    for fam in ("qsnatch", "necurs", "murofet", "ramnit", "banjori"):
        dga += names(ROOT / f"data/dga/{fam}.txt", 5_000)
    prefixes = ("www", "api", "cdn", "mail", "static", "img", "login")
    clients = [f"10.1.{i // 250}.{i % 250 + 1}" for i in range(500)]
    # The same name space for both mixes: a registered domain or one of
    # seven host names below it; the Zipf mix ranks them in a fixed order.
    space = [*benign, *(f"{p}.{d}" for d in benign for p in prefixes)]
    random.Random(seed + 1).shuffle(space)
    zipf_weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(space) + 1)))
    t = 1_700_000_000.0
    for i in range(count):
        t += 0.0001
        client = clients[i % len(clients)]
        roll = rng.random()
        if roll < 0.85:
            if mix == "zipf":
                name = rng.choices(space, cum_weights=zipf_weights)[0]
            else:
                name = rng.choice(benign)
                if rng.random() < 0.6:
                    name = f"{rng.choice(prefixes)}.{name}"
            yield Exchange(
                t, client, name, "A", "NOERROR", [Answer("A", f"192.0.2.{i % 250 + 1}", 300)]
            )
        elif roll < 0.95:
            yield Exchange(t, client, rng.choice(dga), "A", "NXDOMAIN")
        elif roll < 0.99:
            yield Exchange(
                t,
                client,
                f"s{i % 5000}.{rng.choice(benign)}",
                "TXT",
                "NOERROR",
                [Answer("TXT", "v=spf1 -all", 3600)],
            )
        else:
            yield Exchange(
                t, client, "update.qnap.com", "A", "NOERROR", [Answer("A", "198.51.100.7", 60)]
            )


def write_trace(path: Path, count: int, mix: str = "uniform") -> None:
    """Stream the trace to disk (the synthesiser's write_pcap keeps all frames in memory)."""
    with path.open("wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, ex in enumerate(exchanges(count, mix)):
            txid = (i * 7919 + 17) & 0xFFFF
            sport = 1024 + (i * 37) % 60000
            for ts, frame in (
                (ex.ts, udp_frame(ex.client, ex.server, sport, 53, dns_message(ex, txid, False))),
                (
                    ex.ts + 0.00005,
                    udp_frame(ex.server, ex.client, 53, sport, dns_message(ex, txid, True)),
                ),
            ):
                sec = int(ts)
                usec = int(round((ts - sec) * 1_000_000)) % 1_000_000
                fh.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def cpu_seconds(cmd: list[str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def instructions(cmd: list[str], cwd: Path) -> int:
    """Instructions the command executes, counted by callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cwd}/callgrind.out", *cmd],
        cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    ).stderr
    found = re.search(r"Collected : (\d+)", out)
    if not found:
        raise RuntimeError(f"callgrind printed no count:\n{out[-2000:]}")
    return int(found.group(1))


def find_zeek() -> str | None:
    found = shutil.which("zeek")
    if found:
        return found
    fixture = Path("/opt/zeek/bin/zeek")
    return str(fixture) if fixture.exists() else None


# The scorer link is off in the benchmark (reading a trace never opens it
# by default), so a standalone node selects no candidates: nothing would
# take them.  "candidates on" marks the link open without listening, as on
# a live node whose scorer has not connected yet: names are selected,
# deduplicated and queued (up to max_queue) but never sent.
CANDIDATES_ON = "event zeek_init() &priority=-20 { DNSGuard::link_open = T; }"


# Extra Zeek options for every run (--zam: ["-O", "ZAM"]).
ZEEK_OPTIONS: list[str] = []


def commands(zeek: str, trace: Path, full: bool, candidates: bool = False) -> dict[str, list[str]]:
    mode = ([] if full else ["-b"]) + ZEEK_OPTIONS
    base = [zeek, *mode, "-C", "-r", str(trace), "base/protocols/dns"]
    package = [*base, str(ROOT / "zeek-scripts"), "DNSGuard::scorer_link=F"]
    out = {"dns only": base, "with dnsguard": package}
    if candidates:
        out["candidates on"] = [*package, "-e", CANDIDATES_ON]
    return out


def measure_cpu(zeek: str, trace: Path, work: Path, args) -> dict[str, float]:
    """Best CPU seconds of each configuration over args.runs runs in rotation."""
    best: dict[str, float] = {}
    for _ in range(args.runs):
        for label, cmd in commands(zeek, trace, args.full).items():
            run_dir = work / label.replace(" ", "-")
            run_dir.mkdir(exist_ok=True)
            t = cpu_seconds(cmd, run_dir)
            best[label] = min(best.get(label, t), t)
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1_000_000)
    parser.add_argument("--mix", choices=("uniform", "zipf", "both"), default="both")
    parser.add_argument("--instructions", action="store_true", help="count instructions (valgrind)")
    parser.add_argument("--runs", type=int, default=3, help="CPU runs per configuration (best taken)")
    parser.add_argument("--keep", type=Path, help="write the traces and logs here and keep them")
    parser.add_argument("--full", action="store_true", help="default scripts instead of bare mode")
    parser.add_argument("--candidates", action="store_true",
                        help="also measure the package with candidate selection on (link marked open)")
    parser.add_argument("--zam", action="store_true",
                        help="run Zeek with its script compiler (-O ZAM) in every configuration")
    args = parser.parse_args(argv)
    if args.zam:
        ZEEK_OPTIONS[:] = ["-O", "ZAM"]

    zeek = find_zeek()
    if not zeek:
        print("zeek is not installed here: nothing to measure (the benchmark needs a real Zeek).")
        return 0
    if args.instructions and not shutil.which("valgrind"):
        print("--instructions needs valgrind (apt-get install valgrind).")
        return 2

    work = args.keep or Path(tempfile.mkdtemp(prefix="dnsguard-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"zeek: {subprocess.run([zeek, '--version'], capture_output=True, text=True).stdout.strip()}")
    mixes = ("uniform", "zipf") if args.mix == "both" else (args.mix,)
    for mix in mixes:
        mix_dir = work / mix
        mix_dir.mkdir(exist_ok=True)
        trace = mix_dir / "trace.pcap"
        started = time.monotonic()
        write_trace(trace, args.queries, mix)
        print(
            f"\n[{mix}] trace: {args.queries} queries, {trace.stat().st_size / 1e6:.0f} MB, "
            f"written in {time.monotonic() - started:.0f}s"
        )
        if args.instructions:
            tiny = mix_dir / "start-up.pcap"
            write_trace(tiny, 100, mix)
            per_query = {}
            for label, cmd in commands(zeek, trace, args.full, args.candidates).items():
                startup = instructions(commands(zeek, tiny, args.full, args.candidates)[label], mix_dir)
                total = instructions(cmd, mix_dir)
                per_query[label] = (total - startup) / (args.queries - 100)
                print(f"{label:>14}: {per_query[label]:10,.0f} instructions per query")
            for label in per_query:
                if label == "dns only":
                    continue
                extra = per_query[label] - per_query["dns only"]
                name = "package cost" if label == "with dnsguard" else f"{label} cost"
                print(f"{name:>14}: {extra:10,.0f} instructions per query "
                      f"({extra / per_query['dns only'] * 100:.1f}% more)")
            continue
        results = measure_cpu(zeek, trace, mix_dir, args)
        for label, t in results.items():
            print(f"{label:>14}: {t:8.2f} s CPU (best of {args.runs})")
        extra = results["with dnsguard"] - results["dns only"]
        print(
            f"{'package cost':>14}: {extra:8.2f} s CPU "
            f"({extra / results['dns only'] * 100:.0f}% more, "
            f"{extra / args.queries * 1e6:.1f} us per query)"
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
