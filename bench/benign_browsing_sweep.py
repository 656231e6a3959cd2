"""Benign hosts browsing today's popular names, many captures: how many does `analyze` flag?

Why: the per-name false-positive rate is measured on the recent lists' test
half (docs/dga-model.md), but an analyst reads hosts.  A host that browses
400 popular names draws a few random-looking ones; a host is only a false
positive when enough of them line up.  ``tests/service/test_recent_browsing.py``
checks two captures in every path; this sweep asks the same question of
``analyze`` on many captures of ``tools/browsing/recent_browsing.py`` (31
benign hosts each, one of them ``HEAVY``, which resolves every
random-looking name of the lists), without Suricata or pcaps: the
records go straight into ``run_analysis`` with the shipped scorer, the
default settings and no feeds.

Usage: .venv/bin/python bench/benign_browsing_sweep.py [--seeds 200] [--first 0]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from dnsguard.analyze import run_analysis
from dnsguard.analyze_cli import popular_domains
from dnsguard.config import AnalysisSettings, default_config
from dnsguard.detect.fastflux import FluxSettings
from dnsguard.dga import Scorer
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.records import DnsRecord, InputStats

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "browsing"))
from recent_browsing import HEAVY, build  # noqa: E402


def records_of(seed: int) -> tuple[list[DnsRecord], list[str]]:
    """The capture's look-ups as a sensor logs them (one record per question and answer)."""
    browsing = build(seed)
    records = [DnsRecord(e.ts, e.client, str(e.qname), str(e.qtype), str(e.rcode),
                         tuple(a.value for a in e.answers), tuple(float(a.ttl) for a in e.answers))
               for e in browsing.exchanges]
    return records, browsing.hosts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200, help="how many captures")
    ap.add_argument("--first", type=int, default=0, help="the first capture's seed")
    args = ap.parse_args()
    t0 = time.perf_counter()
    config = default_config()
    settings = AnalysisSettings.from_config(config)
    scorer = Scorer()
    allow = list(settings.allowlist)
    popular = popular_domains()
    verdicts: Counter[tuple[str, str]] = Counter()
    flagged: list[str] = []
    for seed in range(args.first, args.first + args.seeds):
        records, hosts = records_of(seed)
        analysis = run_analysis(records, InputStats(), settings, IndicatorIndex.build([]), forecaster=None,
                                scorer=lambda names: scorer.score_batch(names, allow=allow),
                                flux=FluxSettings.from_config(config),
                                family_distribution=lambda names: scorer.family_distribution(names, allow=allow),
                                popular=popular, family_shapes=scorer.family_shapes)
        seen = {h.host: h for h in analysis.hosts}
        for host in hosts:
            kind = "HEAVY" if host == HEAVY else "other"
            report = seen.get(host)
            verdict = report.verdict if report else "clean"
            verdicts[(kind, verdict)] += 1
            if verdict != "clean":
                flagged.append(f"  seed {seed} {host} ({kind}): {verdict}")
    print(f"# {args.seeds} captures (seeds {args.first}-{args.first + args.seeds - 1}) of 31 benign hosts; "
          f"`analyze` with the shipped scorer and default settings ({time.perf_counter() - t0:.0f} s)\n")
    print("| hosts | count | compromised | suspicious | clean |")
    print("|---|---|---|---|---|")
    for kind, label in (("other", "30 browsing hosts a capture"), ("HEAVY", "HEAVY (every random-looking name)")):
        total = sum(n for (k, _), n in verdicts.items() if k == kind)
        print(f"| {label} | {total} | {verdicts[(kind, 'compromised')]} | {verdicts[(kind, 'suspicious')]} | "
              f"{verdicts[(kind, 'clean')]} |")
    if flagged:
        print("\nFlagged:")
        print("\n".join(flagged))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
