"""Hosts that browse today's popular Internet, for false-positive tests.

The office capture (dnsguard.testdata.office) visits a hand-picked set of
sites.  This capture draws every name from the 2024/2025 popularity
lists in data/benign (a Tranco-style list of registered domains and
Umbrella's top 28,567 host names), which hold the random-looking ad-tech,
tracker and CDN names that real users resolve (``qvdt3feo.com``,
``kbz0pwvxmv.com``, ``8lyyu1vb4.com``) and that no model trained on.  Every
name resolves (the office resolver's deterministic answers): a host that a
detection flags here is a false positive by construction.

One host, ``HEAVY``, resolves every recent name that any shipped detector
scores as generated (``RANDOM_LOOKING``) among its others: the worst case a
benign ad-heavy browser can produce, kept apart so a test can tell which
kind of host failed.

Usage: python tools/browsing/recent_browsing.py OUT.pcap [--seed N]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

from dnsguard.pcapgen import Exchange, write_pcap
from dnsguard.testdata.office import resolve

BENIGN = Path(__file__).resolve().parents[2] / "data" / "benign"
LISTS = ("recent-popular-2025.txt", "recent-popular-fqdn-2025.txt", "recent-popular-fqdn-2025-more.txt")
START = 1_764_000_000.0  # 2025-11-24 16:00 UTC, a month after the Umbrella list's date
HOSTS = 30
NAMES_PER_HOST = 400
MEAN_GAP = 8.0  # seconds between a host's lookups: ~450 names an hour
HEAVY = "10.20.1.1"
RANDOM_LOOKING = (
    # the shipped model's score >= 0.5 (docs/dga-model.md), then the highest
    # fold scores, then the Lua lexical rule's one match
    "kbz0pwvxmv.com", "yg5sjx5kzy.com", "qvdt3feo.com", "8lyyu1vb4.com", "jhkkjkj.com",
    "hzmklvdieo.com", "bd33fgabh.com", "cdnhwcgqa21.com", "dhayxeqnylmaparu.net", "rmzsglng.com",
    "prreqcroab.icu", "imtwjwoasak.com", "cdnhwccmz121.com",
    # Umbrella's ranks 10,001-28,567: hash-like .com names (the shipped model's
    # highest benign scores, 0.83-0.998) and the Lua rule's other matches
    "1.b406929acabac9b095f124c81bdfcf57f.com", "a79ab95c1589a13f8a4cab612bc71f9f7.com",
    "1.c81358859121583b7adf2ace89cb39f44.com", "stats-collector.zdoiodhtqahjizqq.net",
    "static.wkvytxcg8.com", "npr.brightspotcdn.com",
)


@dataclass(frozen=True)
class Browsing:
    exchanges: list[Exchange]
    hosts: list[str]
    """Every client address; all are benign."""


def recent_names() -> list[str]:
    names: list[str] = []
    for file in LISTS:
        names += (BENIGN / file).read_text(encoding="utf-8").split()
    return list(dict.fromkeys(names))


def build(seed: int = 0) -> Browsing:
    rng = random.Random(seed)
    pool = recent_names()
    plan = {f"10.20.0.{i}": rng.sample(pool, NAMES_PER_HOST) for i in range(1, HOSTS + 1)}
    heavy = list(RANDOM_LOOKING) + rng.sample(pool, NAMES_PER_HOST - len(RANDOM_LOOKING))
    rng.shuffle(heavy)
    plan[HEAVY] = heavy
    exchanges = []
    for host, names in plan.items():
        ts = START + rng.random() * 60
        for name in names:
            ts += rng.expovariate(1 / MEAN_GAP)
            for qtype in ("A", "AAAA"):
                rcode, answers = resolve(name, qtype)
                exchanges.append(Exchange(ts=ts, client=host, qname=name, qtype=qtype, rcode=rcode,
                                          answers=answers, rtt=0.004 + rng.random() * 0.03))
                ts += 0.001
    exchanges.sort(key=lambda e: e.ts)
    return Browsing(exchanges, list(plan))


def write(path: Path, seed: int = 0) -> Browsing:
    browsing = build(seed)
    write_pcap(str(path), browsing.exchanges)
    return browsing


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    browsing = write(args.out, args.seed)
    print(f"{args.out}: {len(browsing.exchanges)} exchanges, {len(browsing.hosts)} hosts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
