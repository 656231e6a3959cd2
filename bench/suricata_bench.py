"""Cost of the dnsguard Suricata pack with 1,000,000 feed names loaded.

Prints figures; never run by the test suite (it takes a few minutes).

    .venv/bin/python bench/suricata_bench.py [--names 1000000] [--queries 1000000]

Three Suricata configurations are compared on the same synthetic trace
(``--runmode single``, one worker, so the numbers are per core):

* ``no rules``: Suricata parsing DNS and logging alerts, no rules loaded;
* ``pack, empty datasets``: the pack as shipped;
* ``pack, N names``: the four feed datasets holding N names between them
  (and their union, ``dnsguard-any``, all N);
* ``... union 2^20 buckets``: the same with the union set declared with
  1,048,576 buckets and ``datasets.limits.single-hashsize`` raised to allow
  it (a sensor-side tuning for large feeds, see docs/suricata.md).

For each: ``suricata -T`` wall and CPU time (rule and dataset loading),
wall and CPU time to read the trace, queries per CPU-second (with and
without the loading time), and peak RSS.  1 % of the
trace's queries are for listed names (half exact, half subdomains) so the
alert path is exercised; the rest are popular benign names and
subdomains of them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))

from dnsguard.pcapgen import Exchange, write_pcap  # noqa: E402
from dnsguard.suricata import sandbox  # noqa: E402

FEEDS = ("c2", "iab", "botnet", "dga")


def feed_names(count: int) -> list[str]:
    """Distinct, plausible, fictional names (registered-domain shaped)."""
    out = []
    for i in range(count):
        h = hashlib.blake2b(i.to_bytes(4, "big"), digest_size=5).hexdigest()
        out.append(f"f{h}-{i}.example")
    return out


def write_feeds(box: sandbox.Sandbox, names: list[str]) -> None:
    """The four feed sets (a quarter of the names each) and their union, as
    the exporter writes them."""
    per = len(names) // len(FEEDS) + 1
    for k, feed in enumerate(FEEDS):
        chunk = names[k * per:(k + 1) * per]
        text = "".join(base64.b64encode(n.encode()).decode() + "\n" for n in chunk)
        (box.rules / "datasets" / f"dnsguard-{feed}.lst").write_text(text, "ascii")
    text = "".join(base64.b64encode(n.encode()).decode() + "\n" for n in names)
    (box.rules / "datasets" / "dnsguard-any.lst").write_text(text, "ascii")


def trace(path: Path, queries: int, listed: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    benign = (REPO / "data" / "benign" / "top-registered-domains.txt").read_text().split()
    prefixes = ["www", "api", "cdn", "mail", "static", "img", ""]
    exchanges = []
    for i in range(queries):
        if i % 100 == 0:
            name = rng.choice(listed)
            if i % 200 == 0:
                name = "www." + name
        else:
            p = rng.choice(prefixes)
            base = rng.choice(benign)
            name = f"{p}.{base}" if p else base
        exchanges.append(Exchange(ts=1_780_000_000 + i * 0.0005,
                                  client=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255 or 1}",
                                  qname=name, sport=1024 + i % 60000, txid=i & 0xFFFF))
    write_pcap(str(path), exchanges)


_WRAP = ("import resource, subprocess, sys\n"
         "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
         "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "print(u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
         "sys.exit(rc)\n")


def _timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time and peak RSS (KiB) of one command, under a fresh wrapper.

    CPU time is reported because wall time is at the mercy of whatever else
    the machine runs."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    rss, cpu = proc.stdout.split()
    return wall, float(cpu), int(rss)


def measure(box: sandbox.Sandbox, pcap: Path, queries: int,
            extra: tuple[str, ...] = ()) -> dict[str, float]:
    # One flow per query: with the default 32 MB flow memcap a million-flow
    # trace drives the flow manager into emergency mode, which skips a few
    # dozen lookups and measures flow-table pressure, not the rules.
    base = [sandbox.suricata_binary(), "-c", str(box.config), "-l", str(box.logs),
            "--data-dir", str(box.data), "--set", "flow.memcap=1gb", *extra]
    load, load_cpu, _ = _timed(base + ["-T"])
    for f in box.logs.glob("*"):
        f.unlink()
    run_wall, run_cpu, rss = _timed(base + ["-r", str(pcap), "-k", "none", "--runmode", "single"])
    eve = box.logs / "eve.json"
    alerts = sum(1 for line in eve.open() if '"event_type":"alert"' in line) if eve.exists() else 0
    return {"load_s": load, "load_cpu": load_cpu, "run_s": run_wall, "run_cpu": run_cpu,
            "qps": queries / run_cpu, "net_qps": queries / max(1e-6, run_cpu - load_cpu),
            "rss_mb": rss / 1024, "alerts": alerts}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1_000_000)
    args = ap.parse_args(argv)
    names = feed_names(args.names)
    with tempfile.TemporaryDirectory(prefix="dnsguard-bench-") as tmp:
        root = Path(tmp)
        pcap = root / "trace.pcap"
        t = time.perf_counter()
        trace(pcap, args.queries, names[:: max(1, len(names) // 10_000)])
        print(f"trace: {args.queries:,} queries, {pcap.stat().st_size / 1e6:.0f} MB, "
              f"written in {time.perf_counter() - t:.0f} s")
        pack = REPO / "suricata-rules"
        boxes = {
            "no rules": sandbox.create(root / "none", pack, rule_files=[]),
            "pack, empty datasets": sandbox.create(root / "empty", pack),
            f"pack, {args.names:,} names": sandbox.create(root / "full", pack),
        }
        write_feeds(boxes[f"pack, {args.names:,} names"], names)
        tuned = f"pack, {args.names:,} names, union 2^20 buckets"
        boxes[tuned] = sandbox.create(root / "tuned", pack)
        write_feeds(boxes[tuned], names)
        rules = boxes[tuned].rules / "dnsguard.rules"
        rules.write_text(rules.read_text().replace(
            "load datasets/dnsguard-any.lst,memcap 512mb,hashsize 262144",
            "load datasets/dnsguard-any.lst,memcap 512mb,hashsize 1048576"))
        extra = {tuned: ("--set", "datasets.limits.single-hashsize=1048576")}
        print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
              "queries/s are per CPU-second (user+sys)")
        print(f"{'configuration':44} {'-T wall/cpu s':>14} {'trace wall/cpu s':>17} "
              f"{'queries/cpu-s':>14} {'excl. load':>11} {'vs none':>8} {'peak RSS MB':>12} {'alerts':>7}")
        baseline = 0.0
        for label, box in boxes.items():
            m = measure(box, pcap, args.queries, extra.get(label, ()))
            baseline = baseline or m["net_qps"]
            print(f"{label:44} {m['load_s']:6.2f}/{m['load_cpu']:<7.2f} "
                  f"{m['run_s']:8.2f}/{m['run_cpu']:<8.2f} {m['qps']:14,.0f} {m['net_qps']:11,.0f} "
                  f"{m['net_qps'] / baseline:8.0%} {m['rss_mb']:12.0f} {m['alerts']:7,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
