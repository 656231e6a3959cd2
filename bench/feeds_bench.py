"""Feeds pipeline at scale: 1,000,000 indicators parsed, validated, merged, exported.

Prints seconds per stage and peak RSS.  Target (docs/feeds.md): at most
20 s on one core and 1 GB.  Run: ``.venv/bin/python bench/feeds_bench.py [N]``.
Input is synthetic (generated names under reserved-looking labels), built
before the clock starts; nothing touches the network.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dnsguard.feeds.allowlist import shipped_allowlist
from dnsguard.feeds.definitions import parse_definition
from dnsguard.feeds.export import write_suricata_export, write_zeek_intel
from dnsguard.feeds.formats import PARSERS
from dnsguard.feeds.store import IndicatorStore, load_indicators, write_store
from dnsguard.feeds.validate import validate_records

FAMILIES = ["Emotet", "QakBot", "AsyncRAT", "Remcos", "Mirai", "Lumma Stealer", "IcedID", "unknown"]
TLDS = ["com", "net", "org", "ru", "top", "xyz", "info", "co.uk", "com.br", "duckdns.org"]
HEADER = (
    '# "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type","fk_malware","malware_alias",'
    '"malware_printable","last_seen_utc","confidence_level","is_compromised","reference","tags",'
    '"anonymous","reporter"\n'
)


def synthetic_csv(n: int, seed: int = 5) -> bytes:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz0123456789"
    rows = [HEADER]
    for i in range(n):
        label = "".join(rng.choices(letters, k=rng.randint(6, 14)))
        sub = "" if i % 3 else "".join(rng.choices(letters, k=5)) + "."
        value = f"{sub}{label}.{rng.choice(TLDS)}" if i % 10 else f"{45 + i % 50}.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
        kind = "domain" if i % 10 else "ip:port"
        if kind == "ip:port":
            value += ":443"
        rows.append(
            f'"2026-11-20 09:01:02", "{i}", "{value}", "{kind}", "botnet_cc", "win.x", "None", '
            f'"{FAMILIES[i % len(FAMILIES)]}", "", "{50 + i % 51}", "False", "None", "", "0", "bench"\n'
        )
    return "".join(rows).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def calibration() -> float:
    """CPU seconds for a fixed pure-Python loop: a shared or loaded machine
    shows here, so runs on different days or machines can be compared."""
    t0 = time.process_time()
    total = 0
    for i in range(2_000_000):
        total += i & 7
    return time.process_time() - t0


def run_pipeline(feed_file: Path) -> int:
    """The measured part, in a fresh process: its peak RSS is the pipeline's
    (plus the downloaded body, as in a real update), not the generator's."""
    definition = parse_definition(
        {"name": "bench", "format": "threatfox-csv", "url": "https://127.0.0.1/", "threat_map": {"botnet_cc": "c2"}},
        "bench",
    )
    body = feed_file.read_bytes()
    allowlist = shipped_allowlist()
    print(f"input: {len(body) / 1e6:.0f} MB CSV; RSS with body and allowlist loaded {peak_rss_mb():.0f} MB")
    print(f"calibration loop {calibration():.2f} s CPU (compare between runs: higher = busier machine)")
    now = time.time()
    times: dict[str, float] = {}
    start = t0 = time.process_time()
    result = validate_records(PARSERS["threatfox-csv"](body), definition, allowlist, now)
    del body
    times["parse+validate"] = time.process_time() - t0
    t0 = time.process_time()
    store = IndicatorStore()
    store.merge(result.indicators, "bench", replace=True)
    times["merge"] = time.process_time() - t0
    t0 = time.process_time()
    store.merge(result.indicators, "bench", replace=True)  # the next update: all known
    remerge = time.process_time() - t0
    start += remerge  # reported apart: not part of the first-run pipeline total
    accepted, rejected = len(result.indicators), result.rejected_total
    del result
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.process_time()
        write_store(store, out / "indicators.msgpack", now)
        times["store write"] = time.process_time() - t0
        del store
        t0 = time.process_time()
        indicators = load_indicators(out / "indicators.msgpack", now)
        times["store load"] = time.process_time() - t0
        t0 = time.process_time()
        write_zeek_intel(indicators, out / "zeek" / "dnsguard.intel")
        times["zeek export"] = time.process_time() - t0
        t0 = time.process_time()
        write_suricata_export(indicators, out / "suricata", rules_dir=None)
        times["suricata export"] = time.process_time() - t0
        sizes = {p.name: p.stat().st_size for p in out.rglob("*") if p.is_file()}
    total = time.process_time() - start
    for stage, secs in times.items():
        print(f"{stage:<16} {secs:6.2f} s")
    print(f"{'total':<16} {total:6.2f} s CPU, one core (target <= 20 s)")
    print(f"{'(re-merge':<16} {remerge:6.2f} s: the same million merged again, as the next update does)")
    print(f"accepted {accepted}, rejected {rejected}, loaded back {len(indicators)}")
    print("files: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sorted(sizes.items()) if v > 100_000))
    print(f"peak RSS {peak_rss_mb():.0f} MB (target <= 1024 MB)")
    return 0


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--run":
        return run_pipeline(Path(sys.argv[2]))
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        Path(sys.argv[3]).write_bytes(synthetic_csv(int(sys.argv[2])))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    # Generation and measurement each in their own process: Linux carries the
    # peak RSS across fork+exec, so the parent must stay small.
    with tempfile.TemporaryDirectory() as tmp:
        feed = Path(tmp) / "feed.csv"
        subprocess.check_call([sys.executable, __file__, "--generate", str(n), str(feed)])
        print(f"{n} synthetic ThreatFox CSV rows (10% ip:port, 90% domains)")
        return subprocess.call([sys.executable, __file__, "--run", str(feed)])


if __name__ == "__main__":
    raise SystemExit(main())
