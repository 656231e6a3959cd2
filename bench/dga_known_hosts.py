"""Hosts infected with DGA families the shipped model knows: which family ``analyze`` names.

Why: the host-family rule (docs/triage.md, "Host family") is judged on
families the model never saw by ``bench/dga_unseen_hosts.py``, where every
family it names is wrong.  This script asks the other half: for bots of the
families it knows, drawing names the model never trained on, is the right
family named, a wrong one, or none?  Without the forecast (a seed or a date
the generators do not cover), only the lexical rule can name it.

Every generator in ``dnsguard.dga.families`` (every variant; not the ones
that need a seed) draws its names for two dates away from the training
data (2019-06-01 and 2026-11-20).  One host per (generator, variant, date,
run length) browses 150 names of the recent popularity lists (resolving)
and then looks up the first 30 or 100 of the day's names, one a second,
NXDOMAIN.  The records go straight into ``run_analysis`` with the shipped
scorer, its shapes, the default configuration, no forecast and no feeds.

``--flagged-only`` leaves out the NXDOMAIN-burst names (the rule as before
2026-12-05: DGA-like names only).

Usage: .venv/bin/python bench/dga_known_hosts.py [--flagged-only] [--seed 11]   # about 1 minute
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from collections import Counter
from pathlib import Path

from dnsguard import analyze as A
from dnsguard.analyze import run_analysis
from dnsguard.analyze_cli import popular_domains
from dnsguard.config import AnalysisSettings, default_config
from dnsguard.detect.fastflux import FluxSettings
from dnsguard.dga import Scorer
from dnsguard.dga import model as M
from dnsguard.dga import train as T
from dnsguard.dga.families import registry
from dnsguard.feeds.families import canonical_family
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.records import DnsRecord, InputStats
from dnsguard.testdata.office import resolve

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "browsing"))
from recent_browsing import START, recent_names  # noqa: E402

DAYS = (dt.date(2019, 6, 1), dt.date(2026, 11, 20))
RUNS = (30, 100)
BROWSING = 150


def bot_hosts(seed: int) -> tuple[list[DnsRecord], dict[str, tuple[str, str, int]]]:
    """The records and, per host, (family id, 'generator/variant/day', run length)."""
    rng = random.Random(seed)
    pool = recent_names()
    records: list[DnsRecord] = []
    truth: dict[str, tuple[str, str, int]] = {}
    for name, module in sorted(registry().items()):
        if getattr(module.INFO, "seed_required", False):
            continue
        for variant in getattr(module.INFO, "variants", None) or (None,):
            for day in DAYS:
                # the one variant keyed by a timestamp takes the day's, as its data file did
                key = (str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
                       if (name, variant) == ("tofsee", "timestamp") else None)
                drawn = module.generate(day, seed=key, variant=variant)
                for run in RUNS:
                    n = len(truth) + 1
                    host = f"10.{40 + n // 250}.{n % 250}.1"
                    truth[host] = (T.family_of(name), f"{name}/{variant}/{day}", run)
                    ts = START + rng.random() * 60
                    for q in rng.sample(pool, BROWSING):
                        ts += rng.expovariate(1 / 8.0)
                        rcode, answers = resolve(q, "A")
                        records.append(DnsRecord(ts, host, q, "A", rcode,
                                                 tuple(a.value for a in answers if a.rtype in ("A", "AAAA"))))
                    bot = START + 600 + rng.random() * 1200
                    for q in list(dict.fromkeys(drawn[:run])):
                        records.append(DnsRecord(bot, host, q, "A", "NXDOMAIN"))
                        bot += 1.0
    records.sort(key=lambda r: r.ts)
    return records, truth


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--flagged-only", action="store_true",
                    help="the family rule over DGA-like names only, without the NXDOMAIN-burst names")
    ap.add_argument("--model", type=Path, help="this linear model file instead of the shipped scorer (no band stage)")
    args = ap.parse_args()
    config = default_config()
    settings = AnalysisSettings.from_config(config)
    scorer = Scorer(M.load(args.model), band=False) if args.model else Scorer()
    allow = list(settings.allowlist)
    records, truth = bot_hosts(args.seed)
    if args.flagged_only:
        full = A.Analyzer._family_calls
        A.Analyzer._family_calls = lambda self, burst_names: full(self, {})
    analysis = run_analysis(records, InputStats(), settings, IndicatorIndex.build([]), forecaster=None,
                            scorer=lambda names: scorer.score_batch(names, allow=allow),
                            flux=FluxSettings.from_config(config),
                            family_distribution=lambda names: scorer.family_distribution(names, allow=allow),
                            popular=popular_domains(), family_shapes=scorer.family_shapes)
    tally: Counter[tuple[int, str]] = Counter()
    wrong: list[str] = []
    for h in analysis.hosts:
        if h.host not in truth:
            continue
        family, what, run = truth[h.host]
        got = h.family.family if h.family else ""
        if not got or got == "unknown" or h.family.source == "tool" and got.startswith("DNS tunnel"):
            tally[(run, "none")] += 1
        elif got.lower() in (family.lower(), canonical_family(family).lower()):
            tally[(run, "right")] += 1
        else:
            tally[(run, "wrong")] += 1
            margin = f", margin {h.family.margin:.2f} nats/name" if h.family.margin is not None else ""
            wrong.append(f"  {what} x{run}: named {got} ({h.family.source}{margin})")
    rule = "DGA-like names only" if args.flagged_only else "DGA-like names, then NXDOMAIN-burst names"
    print(f"# known families per host, `analyze` without the forecast; family rule: {rule}; seed {args.seed}\n")
    print("| bot lookups | hosts | right family | wrong family | none |")
    print("|---|---|---|---|---|")
    for run in RUNS:
        hosts = sum(tally[(run, k)] for k in ("right", "wrong", "none"))
        print(f"| {run} | {hosts} | {tally[(run, 'right')]} | {tally[(run, 'wrong')]} | {tally[(run, 'none')]} |")
    print("\n".join(["", "Wrong families:", *wrong]) if wrong else "\nNo wrong family.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
