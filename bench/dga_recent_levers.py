"""Three more levers for unseen families at 0.1 % FPR, judged on recent names (issue 19, item 2).

`bench/dga_recent_eval.py` measures the shipped model type with negatives
from 2024/2025 popularity lists that no fold trained on.  This script
trains each fold's detector with `train.fit` (same split, folds and seeds),
one of its options changed at a time, and reports TPR at
1 % and 0.1 % FPR against three negative sets: the 2015/16 held-out slice,
the recent registered domains and the recent FQDNs (names new to training
only, scored through the suffix walk and the CDN/cloud allowlist as a user's
scorer scores them).  Nothing here is shipped.

Levers (``--lever``, several allowed):

* ``base``: the shipped model type, for reference in the same run;
* ``suffix``: `train.fit`'s ``suffix_token`` option, one hashed token for
  the public suffix in the detector (the attributor already has one; the
  detector has seen the label only);
* ``suffix-half``: the same with the suffix weights halved after training
  (a weaker prior; the factor was picked after seeing ``suffix``);
* ``clean-0.001``, ``clean-0.01``: `train.fit`'s ``clean`` option, which
  drops the benign training names the first model finds most DGA-like and
  refits (the popularity lists hold some real DGA names);
* ``recent-fqdn``: the registered domains of Umbrella's top 10,000 added to the
  benign training names; judged on the recent registered domains that
  neither list has (a newer benign list in training);
* ``soup-3``: the detector weights averaged over three trainings with
  different seeds (other synthetic labels, other shuffles).  The detector is
  linear in its weights, so the average is one model of the same size and
  cost: an ensemble that the speed target allows.

Usage: .venv/bin/python bench/dga_recent_levers.py [--seed 3] [--lever base suffix ...]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from dnsguard.dga import features as F
from dnsguard.dga import train as T
from dnsguard.dga.allowlist import build, read_entries
from dnsguard.dga.model import DETECTOR_SUFFIX_SALT, Model
from dnsguard.dga.scoring import Scorer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_eval import CDN_FILE, ROOT, fold_train_mask, folds_of, load_split, tpr_at  # noqa: E402
from dga_recent_eval import read_names, recent_negatives  # noqa: E402

BENIGN = ROOT / "data" / "benign"
REGISTERED, FQDNS, FQDNS_MORE = "recent-popular-2025.txt", "recent-popular-fqdn-2025.txt", "recent-popular-fqdn-2025-more.txt"
LEVERS = ("base", "suffix", "suffix-half", "clean-0.001", "clean-0.01", "recent-fqdn", "soup-3")
SOUP_SEEDS = (0, 100, 200)


def fold_model(lever: str, train: T.Corpus, cal_labels: list[str], cal_suffixes: list[str], seed: int) -> Model:
    """One fold's detector as ``train.fit`` trains it, with the lever's option."""
    model = T.fit(train, cal_labels, seed=seed, attribute=False, suffix_token=lever.startswith("suffix"),
                  clean=float(lever.split("-")[1]) if lever.startswith("clean-") else 0.0,
                  calibration_suffixes=cal_suffixes)
    if lever == "soup-3":
        models = [T.fit(train, cal_labels, seed=seed + s, attribute=False, suffix_token=False,
                        calibration_suffixes=cal_suffixes)
                  for s in SOUP_SEEDS]
        return replace(models[0], weights=np.mean([m.weights for m in models], axis=0).astype(np.float32),
                       bias=float(np.mean([m.bias for m in models])))
    if lever == "suffix-half":
        slots = F.table_index(F.string_hashes(sorted(set(train.suffixes)), DETECTOR_SUFFIX_SALT), model.bits)
        weights = model.weights.copy()
        weights[np.unique(slots)] *= 0.5
        model = replace(model, weights=weights)
    return model


def with_benign(corpus: T.Corpus, registered: list[str]) -> T.Corpus:
    """``corpus`` plus benign training names (registered domains split into label and suffix)."""
    parts = [name.split(".", 1) for name in registered]
    return T.Corpus([*corpus.labels, *(p[0] for p in parts)], [*corpus.suffixes, *(p[1] for p in parts)],
                    [*corpus.family, *([""] * len(parts))], [*corpus.source, *(["recent"] * len(parts))])


def tpr_sorted(pos_sorted: np.ndarray, neg: np.ndarray, fpr: float) -> float:
    cut = float(np.quantile(neg, 1.0 - fpr))
    return 1.0 - np.searchsorted(pos_sorted, cut, side="right") / pos_sorted.size


def bootstrap_table(kept: dict[str, tuple[np.ndarray, np.ndarray]], registered_list: np.ndarray,
                    resamples: int, seed: int) -> str:
    """5-95 % intervals of TPR at 0.1 % FPR when the recent names are resampled
    (each name with its score under every fold's model), and of each lever's
    difference from base on the same resample: with 3-4 thousand negatives
    the cut is the 3rd-4th highest benign score, so one name moves it."""
    rng = np.random.default_rng(seed)
    groups = {"recent registered": np.flatnonzero(registered_list), "recent FQDNs": np.flatnonzero(~registered_list)}
    draws: dict[tuple[str, str], list[float]] = {}
    for _ in range(resamples):
        for group, rows in groups.items():
            pick = rng.choice(rows, rows.size)
            base = None
            for lever, (pos_sorted, folds) in kept.items():
                t = tpr_sorted(pos_sorted, folds[:, pick].ravel(), 0.001)
                if lever == "base":
                    base = t
                draws.setdefault((lever, group), []).append(t)
                if base is not None and lever != "base":
                    draws.setdefault((lever + " - base", group), []).append(t - base)
    lines = [f"TPR at 0.1 % FPR, 5-95 % over {resamples} resamples of the recent names:", "",
             "| row | " + " | ".join(groups) + " |", "|---|" + "---|" * len(groups)]
    for row in dict.fromkeys(k[0] for k in draws):
        cells = []
        for group in groups:
            lo, hi = np.percentile(draws[(row, group)], [5, 95])
            cells.append(f"{lo:+.3f} .. {hi:+.3f}" if " - " in row else f"{lo:.3f} .. {hi:.3f}")
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--lever", nargs="+", choices=LEVERS, default=list(LEVERS))
    ap.add_argument("--fqdns", type=Path, nargs="+", default=[BENIGN / FQDNS, BENIGN / FQDNS_MORE],
                    help="the FQDN lists (default: Umbrella's top 28,567, both files)")
    ap.add_argument("--bootstrap", type=int, default=500,
                    help="resamples of the recent names for the intervals (0: none)")
    args = ap.parse_args()
    t0 = time.perf_counter()

    corpus, split = load_split(args.seed)
    trained = corpus.benign_domains()
    scorer = Scorer(allowlist=build(read_entries(CDN_FILE)))
    recent = recent_negatives([BENIGN / REGISTERED, *args.fqdns], corpus)
    registered_list = recent.lists[REGISTERED]
    recent_labels, recent_suffixes = recent.scored_labels(), recent.scored_suffixes()
    fqdn_train = sorted({r for r in scorer.score_arrays(read_names(BENIGN / FQDNS)).split.registered if r} - trained)
    fqdn_train = [] if "recent-fqdn" not in args.lever else fqdn_train
    test_suffixes = [corpus.suffixes[i] for i in split.test]
    cal_suffixes = [corpus.suffixes[i] for i in split.cal]
    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    print(f"# seed {args.seed}, {args.folds} folds, {len(families)} families; negatives: "
          f"{len(split.test_labels)} old held-out, {int(registered_list.sum())} recent registered, "
          f"{int((~registered_list).sum())} recent FQDNs (new to training; "
          f"{int((~recent.scored).sum())} of all these allowlisted or not registrable, at the bottom); "
          f"recent-fqdn adds {len(fqdn_train)} benign training names")
    print()
    print("| lever | old @1% | old @0.1% | recent registered @1% | @0.1% | recent FQDNs @1% | @0.1% |")
    print("|---|---|---|---|---|---|---|")
    kept: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for lever in args.lever:
        pos, old, new = [], [], []
        # "recent-fqdn" judges only the registered-domain list names that the Umbrella list lacks
        drop = set(fqdn_train) if lever == "recent-fqdn" else set()
        judged = np.array([r not in drop for r in recent.registered])
        for k, held in enumerate(folds):
            sub = corpus.subset(fold_train_mask(corpus, split.train, held))
            if lever == "recent-fqdn":
                sub = with_benign(sub, fqdn_train)
            model = fold_model(lever, sub, split.cal_labels, cal_suffixes, 7 + k)

            def logit(labels: list[str], suffixes: list[str], model: Model = model) -> np.ndarray:
                return model.logits(F.encode(labels), None, suffixes)

            # the suffix-half lever changes weights after calibration: recalibrate (~0 for the others)
            cut = float(np.quantile(logit(split.cal_labels, cal_suffixes), 1.0 - T.TARGET_FPR))
            old.append(logit(split.test_labels, test_suffixes) - cut)
            scores = np.full(len(recent.names), -np.inf)
            scores[recent.scored] = logit(recent_labels, recent_suffixes) - cut
            new.append(scores)
            held_set = set(held)
            rows = [i for i, f in enumerate(corpus.family) if f and T.fold_group(f) in held_set]
            pos.append(logit([corpus.labels[i] for i in rows], [corpus.suffixes[i] for i in rows]) - cut)
        p, o = np.concatenate(pos), np.concatenate(old)
        reg = np.concatenate([s[registered_list & judged] for s in new])
        fq = np.concatenate([s[~registered_list & judged] for s in new])
        cells = [f"{tpr_at(neg, p, r)[0]:.3f}" if neg.size else "-" for neg in (o, reg, fq) for r in (0.01, 0.001)]
        print(f"| {lever} | " + " | ".join(cells) + " |", flush=True)
        if lever != "recent-fqdn":  # the others judge the same names, so they can be compared pairwise
            kept[lever] = (np.sort(p), np.stack(new))
    if args.bootstrap and "base" in kept:
        print()
        print(bootstrap_table(kept, registered_list, args.bootstrap, args.seed))
    print(f"\n(took {time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
