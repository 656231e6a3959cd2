"""CPU cost of the DNSGuard Zeek package on a synthetic 1,000,000-query trace.

Runs only where ``zeek`` is installed.  Writes a trace of DNS exchanges
(popular registered domains and FQDNs below them, DGA names answered
NXDOMAIN, some TXT look-ups, a NAS calling home), then runs Zeek over it
twice -- with the DNS analyzer alone and with the package loaded -- and
prints the CPU time (user + system) of each run and the difference.

    python3 bench/zeek_bench.py [--queries N] [--keep DIR] [--full]

``--full`` runs Zeek with its default scripts instead of bare mode.
"""

from __future__ import annotations

import argparse
import itertools
import random
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


def exchanges(count: int, seed: int = 7):
    """Yield *count* exchanges, a fixed mix, one every 100 microseconds."""
    rng = random.Random(seed)
    benign = names(ROOT / "data/benign/top-registered-domains.txt", 50_000)
    dga = []
    for fam in ("qsnatch", "necurs", "murofet", "ramnit", "banjori"):
        dga += names(ROOT / f"data/dga/{fam}.txt", 5_000)
    prefixes = ("www", "api", "cdn", "mail", "static", "img", "login")
    clients = [f"10.1.{i // 250}.{i % 250 + 1}" for i in range(500)]
    t = 1_700_000_000.0
    for i in range(count):
        t += 0.0001
        client = clients[i % len(clients)]
        roll = rng.random()
        if roll < 0.85:
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


def write_trace(path: Path, count: int) -> None:
    """Stream the trace to disk (the synthesiser's write_pcap keeps all frames in memory)."""
    with path.open("wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, ex in enumerate(exchanges(count)):
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="write the trace and logs here and keep them")
    parser.add_argument("--full", action="store_true", help="default scripts instead of bare mode")
    args = parser.parse_args(argv)

    zeek = shutil.which("zeek")
    if not zeek:
        print("zeek is not installed here: nothing to measure (the benchmark needs a real Zeek).")
        return 0

    work = args.keep or Path(tempfile.mkdtemp(prefix="dnsguard-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    trace = work / "trace.pcap"
    started = time.monotonic()
    write_trace(trace, args.queries)
    print(
        f"trace: {args.queries} queries, {trace.stat().st_size / 1e6:.0f} MB, "
        f"written in {time.monotonic() - started:.0f}s"
    )

    mode = [] if args.full else ["-b"]
    base = [zeek, *mode, "-C", "-r", str(trace), "base/protocols/dns"]
    package = [*base, str(ROOT / "zeek-scripts"), "DNSGuard::scorer_link=F"]
    results = {}
    for label, cmd in (("dns only", base), ("with dnsguard", package)):
        run_dir = work / label.replace(" ", "-")
        run_dir.mkdir(exist_ok=True)
        results[label] = cpu_seconds(cmd, run_dir)
        print(f"{label:>14}: {results[label]:8.2f} s CPU")

    extra = results["with dnsguard"] - results["dns only"]
    print(
        f"{'package cost':>14}: {extra:8.2f} s CPU "
        f"({extra / results['dns only'] * 100:.0f}% more, "
        f"{extra / args.queries * 1e6:.1f} us per query)"
    )
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
