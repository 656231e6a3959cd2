"""Hosts infected with DGA families the model never trained on, judged by ``dnsguard analyze``.

Why: issue 19's item 2 measures the per-name score on families left out of
training, where the wordlist, pronounceable and short-label families stay
out of reach of any score of one name (docs/dga-model.md).  A SOC analyst
does not read per-name scores: ``analyze`` judges a host on all of its
lookups (NXDOMAIN bursts, how many of its names score as generated), which
is where FANCI's NXDOMAIN context lives in dnsguard.  This script asks the
analyst's question on families never trained on: which infected hosts does
``analyze`` call compromised or suspicious, and which benign hosts?

Each fold of ``bench/dga_eval.py``'s leave-families-out split (same seed,
same folds) trains the shipped linear model type, detector and attributor,
without the fold's families.  A capture is built per fold:

* the 31 benign hosts of ``tools/browsing/recent_browsing.py`` (400
  popular 2024/2025 names each, every one resolving; one host browses every
  random-looking recent name the shipped detectors score high);
* for every held-out family, three infected hosts that browse like the
  benign ones (150 names) and whose bot looks up 10, 30 or 100 of the
  family's names in a row (one a second, all NXDOMAIN; a run of consecutive
  names of the family's data file).

The capture goes through Suricata to EVE, as ``dnsguard analyze x.pcap``
does, and the analysis runs with the fold's model in the scorer (no band
stage: the shipped network saw these families) and the default
configuration, with neither the known-DGA forecast nor feed indicators:
several held-out families have generators in the forecast, and the
question here is what the behaviour and the lexical score find on their
own; for the same reason the sensors' alerts are dropped (the pack's shape
rules were written knowing every family of data/dga).  Any family named for
an infected host is wrong (the model never saw
it), so the table counts those too.

With ``--published`` there are no folds: the shipped scorer (band stage on)
meets the published sample domains of the 24 families it never trained on
(``data/dga-unseen``, see ``bench/dga_unseen_published.py``), as a user's
``analyze`` would.

Usage: .venv/bin/python bench/dga_unseen_hosts.py [--seed 3] [--folds 5] [--keep DIR] [--published]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from dnsguard.analyze import Analysis, run_analysis
from dnsguard.analyze_cli import popular_domains
from dnsguard.config import AnalysisSettings, default_config
from dnsguard.detect.fastflux import FluxSettings
from dnsguard.dga import model as M
from dnsguard.dga import shapes
from dnsguard.dga import train as T
from dnsguard.dga.scoring import Scorer
from dnsguard.dga.shapes import FamilyShapes
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.inputs import read_path
from dnsguard.pcapgen import Exchange, write_pcap
from dnsguard.records import InputStats, SensorAlert
from dnsguard.testdata.office import resolve

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tools" / "browsing"))
from dga_eval import fold_train_mask, folds_of, load_split  # noqa: E402
from dga_unseen_published import unseen_families  # noqa: E402
from recent_browsing import START, build, recent_names  # noqa: E402

BOT_LOOKUPS = (10, 30, 100)
"""DGA names each infected host's bot looks up (one host per figure and family)."""
BROWSING = 150
"""Popular names an infected host also resolves (its user's browsing)."""


@dataclass(frozen=True)
class Infected:
    host: str
    family: str
    planned: int
    """The row of the table (``BOT_LOOKUPS``)."""
    lookups: int
    """Distinct names the bot looked up (fewer if the family's file is short)."""


def infected_hosts(fold: int, families: list[str], names_of: dict[str, list[str]], pool: list[str],
                   rng: random.Random) -> tuple[list[Exchange], list[Infected]]:
    """Browsing plus one bot run per host; addresses 10.30.<fold>.<n>, away from the benign 10.20/16."""
    exchanges: list[Exchange] = []
    hosts: list[Infected] = []
    for fam in families:
        for lookups in BOT_LOOKUPS:
            host = f"10.{30 + fold}.{len(hosts) // 250}.{len(hosts) % 250 + 1}"
            names = names_of[fam]
            at = rng.randrange(max(1, len(names) - lookups))
            run = list(dict.fromkeys(names[at: at + lookups]))
            hosts.append(Infected(host, fam, lookups, len(run)))
            ts = START + rng.random() * 60
            for name in rng.sample(pool, BROWSING):
                ts += rng.expovariate(1 / 8.0)
                for qtype in ("A", "AAAA"):
                    rcode, answers = resolve(name, qtype)
                    exchanges.append(Exchange(ts=ts, client=host, qname=name, qtype=qtype, rcode=rcode,
                                              answers=answers, rtt=0.01))
                    ts += 0.001
            bot = START + 600 + rng.random() * 1200
            for name in run:
                exchanges.append(Exchange(ts=bot, client=host, qname=name, qtype="A", rcode="NXDOMAIN",
                                          answers=[], rtt=0.02))
                bot += 1.0
    return exchanges, hosts


def analyse(pcap: Path, scorer: Scorer, family_shapes: FamilyShapes | None) -> Analysis:
    """``dnsguard analyze pcap`` with this scorer, no forecast, no indicators, no sensor alerts."""
    config = default_config()
    settings = AnalysisSettings.from_config(config)
    stats = InputStats()
    allow = list(settings.allowlist)
    # sensor alerts left out: the pack's Suricata and Zeek shape rules were written
    # knowing every family of data/dga, so for this question they have seen them all
    events = (e for e in read_path(pcap, stats, rows=True) if not isinstance(e, SensorAlert))
    return run_analysis(events, stats, settings, IndicatorIndex.build([]), forecaster=None,
                        scorer=lambda names: scorer.score_batch(names, allow=allow),
                        flux=FluxSettings.from_config(config),
                        family_distribution=lambda names: scorer.family_distribution(names, allow=allow),
                        popular=popular_domains(), family_shapes=family_shapes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="keep each fold's capture in this directory")
    ap.add_argument("--no-shapes", action="store_true",
                    help="name host families without the shape check (dnsguard.dga.shapes)")
    ap.add_argument("--published", action="store_true",
                    help="the shipped scorer (band stage on) on the published samples of families it never "
                         "trained on (data/dga-unseen) instead of retrained folds")
    ap.add_argument("--model", type=Path,
                    help="with --published: this linear model file instead of the shipped scorer (no band stage)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    corpus, (test_b, cal_b, train_b, test_labels, cal_labels) = load_split(args.seed)
    recent_cal = T.recent_calibration(ROOT, corpus) if not args.published else ([], [])
    names_of: dict[str, list[str]] = defaultdict(list)
    if args.published:
        names_of.update(unseen_families())
        families = sorted(names_of)
        folds = [families]
    else:
        families = sorted({f for f in corpus.family if f})
        folds = folds_of(families, args.folds, args.seed)
        for label, suffix, fam in zip(corpus.labels, corpus.suffixes, corpus.family, strict=True):
            if fam:
                names_of[fam].append(f"{label}.{suffix}")
    pool = recent_names()
    rng = random.Random(args.seed)
    # the shipped shapes: a fold's training families have the same sources as in the
    # full corpus, and its held-out families are not in its model, so never named
    family_shapes = None if args.no_shapes else shapes.load()

    verdicts: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)  # (family, lookups) -> verdicts
    signs: dict[int, Counter[str]] = defaultdict(Counter)  # lookups -> evidence kinds present
    wrong_family: Counter[int] = Counter()
    wrong_names: list[str] = []
    benign: Counter[str] = Counter()
    benign_flagged: list[str] = []
    for k, held in enumerate(folds):
        held_set = set(held)
        if args.published:
            # as a user runs it: no family here was trained on
            scorer = Scorer(M.load(args.model), band=False) if args.model else Scorer()
            fold_families = held
        else:
            # the threshold placed as the shipped model's is (train.recent_calibration)
            model = T.fit(corpus.subset(fold_train_mask(corpus, train_b, held)), recent_cal[0], seed=7 + k,
                          calibration_suffixes=recent_cal[1])
            scorer = Scorer(model, band=False)
            fold_families = [f for f in families if T.fold_group(f) in held_set]
        browsing = build(args.seed * 100 + k)
        bots, hosts = infected_hosts(k, fold_families, names_of, pool, rng)
        with tempfile.TemporaryDirectory() as tmp:
            out_dir = args.keep or Path(tmp)
            out_dir.mkdir(parents=True, exist_ok=True)
            pcap = out_dir / f"unseen-fold{k}-seed{args.seed}.pcap"
            write_pcap(str(pcap), sorted(browsing.exchanges + bots, key=lambda e: e.ts))
            analysis = analyse(pcap, scorer, family_shapes)
        by_host = {h.host: h for h in analysis.hosts}
        for inf in hosts:
            rep = by_host.get(inf.host)
            verdict = rep.verdict if rep else "clean"
            verdicts[(inf.family, inf.planned)][verdict] += 1
            if rep:
                for kind, n in rep.evidence_counts.items():
                    if n >= (5 if kind == "dga" else 1):  # analyze's dga_min_names
                        signs[inf.planned][kind] += 1
                named = sorted({*rep.families} | ({rep.family.family} if rep.family and
                                                  rep.family.family != "unknown" else set()))
                if named:
                    wrong_family[inf.planned] += 1
                    how = (f" (log-sum margin {rep.family.margin:.2f} nats/name over {rep.family.names} names)"
                           if rep.family and rep.family.source == "log-sum" and rep.family.margin is not None else "")
                    wrong_names.append(f"{inf.family} x{inf.lookups}: named {', '.join(named)}{how}")
        for host in browsing.hosts:
            rep = by_host.get(host)
            verdict = rep.verdict if rep else "clean"
            benign[verdict] += 1
            if verdict != "clean":
                benign_flagged.append(f"fold {k} {host}: {verdict} {dict(rep.evidence_counts)}")
        print(f"fold {k}: held out {', '.join(held)}; {len(hosts)} infected hosts, "
              f"{len(browsing.hosts)} benign ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    report(families, folds, verdicts, signs, wrong_family, wrong_names, benign, benign_flagged, args.seed,
           args.no_shapes, args.published)
    return 0


def report(families, folds, verdicts, signs, wrong_family, wrong_names, benign, benign_flagged, seed,
           no_shapes, published=False) -> None:
    what = ("published samples of families never trained on, the shipped scorer" if published
            else f"held-out families, {len(folds)} folds")
    print(f"# {what}; per host, `analyze` path; seed {seed}" + ("; no shape check" if no_shapes else ""))
    print()
    print("| bot lookups per host | hosts | compromised | suspicious | clean | with >= 5 DGA-like names "
          "| with an NXDOMAIN burst | a family named (wrong) |")
    print("|---|---|---|---|---|---|---|---|")
    for lookups in BOT_LOOKUPS:
        total: Counter[str] = Counter()
        for (_fam, n), c in verdicts.items():
            if n == lookups:
                total.update(c)
        hosts = sum(total.values())
        s = signs[lookups]
        print(f"| {lookups} | {hosts} | {total['compromised']} | {total['suspicious']} | {total['clean']} "
              f"| {s['dga']} | {s['nxdomain-burst']} | {wrong_family[lookups]} |")
    for line in wrong_names:
        print(f"  {line}")
    print()
    hosts = sum(benign.values())
    print(f"Benign hosts: {hosts}; compromised {benign['compromised']}, suspicious {benign['suspicious']}, "
          f"clean {benign['clean']}")
    for line in benign_flagged:
        print(f"  {line}")
    print()
    print("| family | " + " | ".join(f"{n} lookups" for n in BOT_LOOKUPS) + " |")
    print("|---|" + "---|" * len(BOT_LOOKUPS))
    short = {"compromised": "C", "suspicious": "S", "clean": "-"}
    for fam in families:
        cells = []
        for n in BOT_LOOKUPS:
            c = verdicts.get((fam, n), Counter())
            cells.append("".join(short[v] * c[v] for v in ("compromised", "suspicious", "clean")) or "?")
        print(f"| {fam} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
