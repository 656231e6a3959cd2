"""Issue 19 item 2: does calibrating the linear model per label length help at 0.1 % FPR?

The benign character LM only helped once its score was standardised within
label-length buckets (docs/dga-model.md).  This asks the same of the shipped
model type: each fold's logit is standardised within length buckets of the
benign calibration names (mean and standard deviation; no DGA name), so the
0.1 % of false positives is spread over lengths as the calibration names
are.  Same split, folds and seeds as ``bench/dga_eval.py``; negatives: the
old held-out slice and ``bench/dga_recent_eval.py``'s recent names.

Usage: .venv/bin/python bench/dga_length_calibration.py [--seed 3] [--folds 5]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from dnsguard.dga import features as F
from dnsguard.dga import train as T

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_eval import fold_train_mask, folds_of, load_split, tpr_at  # noqa: E402
from dga_recent_eval import DEFAULT_BENIGN, recent_negatives  # noqa: E402

BUCKETS = {"none (one bucket)": [0, 1000], "3 buckets": [0, 8, 13, 1000],
           "6 buckets (the LM's)": [0, 6, 8, 10, 13, 17, 1000], "7 buckets": [0, 6, 8, 10, 13, 17, 25, 1000]}


def per_length(logit: np.ndarray, lengths: np.ndarray, cal: np.ndarray, cal_lengths: np.ndarray,
               edges: np.ndarray) -> np.ndarray:
    """``logit`` standardised within the length bucket of each label, on the calibration names' bucket."""
    cb = np.searchsorted(edges, cal_lengths, side="right") - 1
    mu = np.array([cal[cb == b].mean() for b in range(len(edges) - 1)])
    sd = np.array([cal[cb == b].std() + 1e-9 for b in range(len(edges) - 1)])
    b = np.searchsorted(edges, lengths, side="right") - 1
    return (logit - mu[b]) / sd[b]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--folds", type=int, default=5)
    args = ap.parse_args()
    corpus, (_, _, train_b, test_labels, cal_labels) = load_split(args.seed)
    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    negatives = recent_negatives(DEFAULT_BENIGN, corpus)
    scored, lists, rec_labels = negatives.scored, negatives.lists, negatives.scored_labels()
    names_of = {f: [corpus.labels[i] for i, g in enumerate(corpus.family) if g == f] for f in families}
    lengths = {key: np.array([len(x) for x in labs]) for key, labs in
               (("test", test_labels), ("cal", cal_labels), ("rec", rec_labels))}
    family_lengths = {f: np.array([len(x) for x in labs]) for f, labs in names_of.items()}
    fold_logits = []
    for k, held in enumerate(folds):
        model = T.fit(corpus.subset(fold_train_mask(corpus, train_b, held)), cal_labels, seed=7 + k,
                      attribute=False, suffix_token=False)
        pos = {f: model.logits(F.encode(names_of[f])) for f in families if T.fold_group(f) in set(held)}
        fold_logits.append((model.logits(F.encode(test_labels)), model.logits(F.encode(cal_labels)),
                            model.logits(F.encode(rec_labels)), pos))
        print(f"fold {k} trained", file=sys.stderr)
    print(f"# seed {args.seed}: TPR of held-out families at 0.1 % FPR")
    print()
    print("| length buckets | old slice | recent pooled | " + " | ".join(lists) + " |")
    print("|---|---|---|" + "---|" * len(lists))
    for title, edges in BUCKETS.items():
        e = np.array(edges)
        neg, rec, pos = [], [], []
        for test, cal, recent, fams in fold_logits:
            neg.append(per_length(test, lengths["test"], cal, lengths["cal"], e))
            full = np.full(len(scored), -1e9)  # the allowlist's names rank last
            full[scored] = per_length(recent, lengths["rec"], cal, lengths["cal"], e)
            rec.append(full)
            for f, logit in fams.items():
                pos.append(per_length(logit, family_lengths[f], cal, lengths["cal"], e))
        n, r, p = np.concatenate(neg), np.concatenate(rec), np.concatenate(pos)
        cells = [tpr_at(n, p, 0.001)[0], tpr_at(r, p, 0.001)[0]]
        cells += [tpr_at(r[np.tile(m, len(folds))], p, 0.001)[0] for m in lists.values()]
        print(f"| {title} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
