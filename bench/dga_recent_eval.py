"""Unseen DGA families against a *recent* popularity list (issue 19, item 2).

`bench/dga_eval.py` takes its negatives from the 2015/2016 benign list that
the model trains on (a held-out slice of it).  The false positives that set
the cut at 0.1 % FPR are what decides TPR there, so this script asks the same
question with negatives from another time and source: a popularity list of
2024/2025 (data/benign/, README there), none of whose names any fold trained
on.  Names that are also in the training list are dropped from the negatives
(counted in the output), so every negative is new to every fold.

Each fold trains the shipped model type without the fold's held-out
families (the split of `bench/dga_eval.py`, same seed, same folds) and scores
the negatives the way a user's scorer would: whole names through the
suffix walk and the CDN/cloud allowlist (not the allowlist of popular
domains, which is built from the training list).  The shipped model itself
then scores the whole recent list with its default allowlists: what a user
would see.

Usage: .venv/bin/python bench/dga_recent_eval.py [--benign FILE ...] [--folds 5] [--seed 3] [--top 25]
(by default all three recent lists: a row for each, and one for the pool)
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from dnsguard.dga import features as F
from dnsguard.dga import train as T
from dnsguard.dga.allowlist import build, read_entries
from dnsguard.dga.scoring import Scorer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_eval import CDN_FILE, ROOT, auc, fold_train_mask, folds_of, load_split, tpr_at  # noqa: E402

DEFAULT_BENIGN = [ROOT / "data" / "benign" / f for f in (
    "recent-popular-2025.txt", "recent-popular-fqdn-2025.txt", "recent-popular-fqdn-2025-more.txt")]
FPRS = (0.01, 0.001, 0.0001)


def read_names(path: Path) -> list[str]:
    """One name per line; blank lines and '#' comments skipped; order kept, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        name = line.strip().lower().rstrip(".")
        if name and not name.startswith("#"):
            seen.setdefault(name, None)
    return list(seen)


@dataclass(frozen=True)
class RecentNegatives:
    """The names of the recent lists whose registered domain no fold trained
    on, split the way a user's scorer splits them (CDN/cloud allowlist, not
    the popular-domain allowlist, which is built from the training list)."""

    names: list[str]
    registered: list[str]
    label: list[str]
    """The label the scorer scores (left of the public suffix)."""
    suffix: list[str]
    scored: np.ndarray
    """False where the scorer gives no score (allowlisted, invalid, a bare
    public suffix): such names count as negatives at the bottom."""
    lists: dict[str, np.ndarray]
    """Per list file (by name), which of ``names`` it holds."""
    dropped: int
    """Names left out because the training list has their registered domain."""
    calibration: int
    """Names left out because their registered domain is in the half of the
    recent lists that places the shipped model's threshold (``train.calibration_half``)."""

    def scored_labels(self) -> list[str]:
        return [lab for lab, ok in zip(self.label, self.scored.tolist(), strict=True) if ok]

    def scored_suffixes(self) -> list[str]:
        return [suf for suf, ok in zip(self.suffix, self.scored.tolist(), strict=True) if ok]


def recent_negatives(paths: list[Path], corpus: T.Corpus, half: str = "test") -> RecentNegatives:
    """The recent lists' names new to training (one entry per distinct name, in
    list order).  ``half``: ``test`` (the default) keeps the names outside the
    calibration half, which no part of the shipped model saw; ``calibration``
    keeps that half; ``both`` keeps all.  The shipped model's ranking does not
    depend on its threshold (one bias shift for every name), so a TPR at a
    fixed FPR may be read on any half; rates at score 0.5 only on ``test``."""
    if half not in ("test", "calibration", "both"):
        raise ValueError(f"half must be test, calibration or both, not {half!r}")
    trained = corpus.benign_domains()
    names = list(dict.fromkeys(n for path in paths for n in read_names(path)))
    res = Scorer(allowlist=build(read_entries(CDN_FILE))).score_arrays(names)
    split = res.split
    labels = split.label  # cut once: Split.label builds the whole list on each access
    new = [i for i, reg in enumerate(split.registered) if not reg or reg not in trained]
    keep = [i for i in new if half == "both" or
            T.calibration_half(split.registered[i] or names[i]) == (half == "calibration")]
    unscored = ("allowlisted:", "invalid:", "public-suffix")
    kept = [names[i] for i in keep]
    lists = {}
    for path in paths:
        members = set(read_names(path))
        lists[path.name] = np.array([n in members for n in kept])
    return RecentNegatives(
        kept, [split.registered[i] for i in keep], [labels[i] for i in keep], [split.suffix[i] for i in keep],
        np.array([not (res.reasons[i] and res.reasons[i][0].startswith(unscored)) for i in keep]),
        lists, len(names) - len(new), len(new) - len(keep))


def row(label: str, names: int, neg: np.ndarray, pos: np.ndarray, thr: float) -> str:
    # a rate is only measured where the list has at least one negative above the cut
    cells = [f"{auc(neg, pos):.4f}"] + [f"{tpr_at(neg, pos, r)[0]:.3f}" if names * r >= 1 else "-"
                                       for r in FPRS]
    cells += [f"{(pos >= thr).mean():.3f}", f"{(neg >= thr).mean():.4%}"]
    return f"| {label} | {names} | " + " | ".join(cells) + " |"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--benign", type=Path, nargs="+", default=DEFAULT_BENIGN,
                    help="recent lists (default: all three in data/benign); a row per list and one pooled")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--suffix-token", action=argparse.BooleanOptionalAction, default=T.SUFFIX_TOKEN,
                    help="train the detector with train.fit's public-suffix token (as the shipped model "
                    "since 2026-12-06)")
    ap.add_argument("--top", type=int, default=25, help="how many of the highest-scoring recent names to list")
    args = ap.parse_args()
    t0 = time.perf_counter()

    corpus, (test_b, cal_b, train_b, test_labels, cal_labels) = load_split(args.seed)
    cdn_allow = build(read_entries(CDN_FILE))
    shipped = Scorer()  # the shipped model with its default allowlists

    recent_all = list(dict.fromkeys(n for path in args.benign for n in read_names(path)))
    shipped_res = shipped.score_arrays(recent_all)  # what a user sees
    negatives = recent_negatives(args.benign, corpus)
    recent, dropped = negatives.names, negatives.dropped

    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    print(f"# leave-families-out, {args.folds} folds, seed {args.seed}; {len(families)} families "
          f"({int(corpus.is_dga.sum())} DGA names)")
    print(f"# recent list: {len(recent_all)} names from {', '.join(p.name for p in args.benign)}; "
          f"{dropped} dropped as in the training list, {negatives.calibration} as the calibration half; "
          f"{len(recent)} negatives")

    pos, old_neg, new_neg = [], [], []
    per_name = np.zeros(len(recent))
    for k, held in enumerate(folds):
        held_set = set(held)
        model = T.fit(corpus.subset(fold_train_mask(corpus, train_b, held)), cal_labels, seed=7 + k,
                      attribute=False, calibration_suffixes=[corpus.suffixes[i] for i in cal_b],
                      suffix_token=args.suffix_token)
        old_neg.append(model.scores(F.encode(test_labels), None, [corpus.suffixes[i] for i in test_b]))
        for fam in families:
            if T.fold_group(fam) in held_set:
                rows = [i for i, f in enumerate(corpus.family) if f == fam]
                pos.append(model.scores(F.encode([corpus.labels[i] for i in rows]), None,
                                        [corpus.suffixes[i] for i in rows]))
        s = Scorer(model, allowlist=cdn_allow).score_arrays(recent).score
        new_neg.append(s)
        per_name += s / len(folds)
        print(f"fold {k}: held out {', '.join(held)} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)

    p, o, n = np.concatenate(pos), np.concatenate(old_neg), np.concatenate(new_neg)
    thr = 0.5
    print()
    print("## Held-out families against each benign list (pooled over folds)")
    print()
    print("| negatives | names | AUC | TPR @1% FPR | TPR @0.1% FPR | TPR @0.01% FPR | TPR @ score>=0.5 "
          "| FPR @ score>=0.5 |")
    print("|---|---|---|---|---|---|---|---|")
    print(row("2015/16 list, held-out slice (dga_eval.py)", len(test_labels), o, p, thr))
    if len(args.benign) > 1:
        for path in args.benign:
            mask = negatives.lists[path.name]
            print(row(f"{path.name}, names new to training", int(mask.sum()),
                      np.concatenate([fold[mask] for fold in new_neg]), p, thr))
    print(row("recent lists pooled, names new to training" if len(args.benign) > 1
              else "recent list, names new to training", len(recent), n, p, thr))
    print()
    print(f"## The {args.top} highest-scoring recent names (mean over the folds' models)")
    print()
    order = np.argsort(-per_name)[: args.top]
    print("| name | mean fold score |")
    print("|---|---|")
    for i in order:
        print(f"| {recent[i]} | {per_name[i]:.3f} |")

    print()
    print("## The shipped model on the whole recent list (default allowlists)")
    print()
    res = shipped_res
    flagged = np.flatnonzero(res.score >= shipped.threshold)
    allowed = sum(1 for r in res.reasons if r and r[0].startswith("allowlisted:"))
    print(f"{len(recent_all)} names, {allowed} allowlisted, threshold {shipped.threshold:.2f}: "
          f"{len(flagged)} flagged ({len(flagged) / len(recent_all):.3%})")
    for i in flagged[np.argsort(-res.score[flagged])]:
        print(f"  {recent_all[i]}  {res.score[i]:.3f}  {res.family[i]}")
    print(f"\n(evaluation took {time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
