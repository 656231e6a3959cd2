"""Issue 19 item 2: does FANCI's feature set, with its random forest, catch unseen DGA families at low FPR?

FANCI (Schüppen, Teubner, Fehr, Meyer: "FANCI: Feature-based Automated
NXDomain Classification and Intelligence", USENIX Security 2018) classifies
NXDOMAIN names with a random forest over 21 hand-made features: structural
(length, subdomains, prefixes, hex- or digit-only parts), linguistic (vowel,
digit, repeated and consecutive character ratios) and statistical (the
frequency distribution of a name's own 1-, 2- and 3-grams, entropy).  Its
paper reports that the forest generalises to families it was not trained on,
which is what item 2 asks about; the issue names it.

What can be measured here is the classifier on its features, not the
NXDOMAIN context: the leave-families-out split has labels only.  So the
features are computed on the label the scorer scores (left of the public
suffix); FANCI's features about subdomains, ``www``, the TLD and IP-address
names have nothing to read there and are left out.  Each feature below is
written from the paper's description.

Same split, folds, seeds and negatives as ``bench/dga_recent_eval.py`` and
``bench/dga_charnn_eval.py``: in each fold the shipped model type
(``train.fit``) and, on the same training names (benign training labels, the
fold's training families, ``train.SYNTHETIC_NAMES`` synthetic labels with the
same seed),

* a random forest (FANCI's classifier; 100 trees, balanced classes), and
* a gradient-boosted tree ensemble (sklearn's ``HistGradientBoostingClassifier``;
  its log-odds have no ties, which a forest's vote shares have at 0.1 % FPR).

Scores are combined as the other scripts do: standardised on the benign
calibration names (no DGA name), equal weights fixed in advance.  Negatives:
the 2015/16 held-out slice, and the recent popularity lists' names new to
training (``dga_recent_eval.recent_negatives``), with resampling intervals.

sklearn is no dependency of dnsguard; run in a separate virtualenv that sees
the package source (the torch one of ``dga_charnn_eval.py`` will do)::

    /tmp/torchvenv/bin/pip install scikit-learn
    OMP_NUM_THREADS=1 /tmp/torchvenv/bin/python bench/dga_fanci_eval.py [--seed 3] [--folds 5]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from dnsguard.dga import features as F
from dnsguard.dga import train as T

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_ensemble_eval import standardise  # noqa: E402
from dga_eval import auc, fold_train_mask, folds_of, load_split, tpr_at  # noqa: E402
from dga_recent_eval import DEFAULT_BENIGN, recent_negatives  # noqa: E402
from dga_recent_levers import bootstrap_table  # noqa: E402

try:
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
except ImportError:  # pragma: no cover - the message is the point
    sys.exit("bench/dga_fanci_eval.py needs scikit-learn, which dnsguard does not depend on; install it in a "
             "separate venv (see the docstring) and run this script with that venv's python")

VOWELS = frozenset("aeiou")
DIGITS = frozenset("0123456789")
HEX = frozenset("0123456789abcdef")
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
FEATURES = (
    "length", "has_digit", "vowel_ratio", "digit_ratio", "distinct_chars", "repeated_char_ratio",
    "consecutive_consonant_ratio", "consecutive_digit_ratio", "hex_only", "digit_only", "hyphen_ratio",
    "entropy",
    *(f"{n}gram_{stat}" for n in (1, 2, 3) for stat in ("mean", "std", "min", "max", "median", "q25", "q75")),
)


def _run_share(label: str, members: frozenset[str]) -> float:
    """Share of characters that stand in a run of at least two characters of ``members``."""
    in_runs = run = 0
    for ch in label:
        if ch in members:
            run += 1
        else:
            in_runs += run if run >= 2 else 0
            run = 0
    in_runs += run if run >= 2 else 0
    return in_runs / len(label)


def _distribution(counts: list[int]) -> list[float]:
    if not counts:
        return [0.0] * 7
    a = np.asarray(counts, dtype=np.float64)
    q25, median, q75 = np.percentile(a, [25, 50, 75])
    return [a.mean(), a.std(), a.min(), a.max(), median, q25, q75]


def fanci_features(label: str) -> list[float]:
    """FANCI's features of one label, in the order of ``FEATURES``."""
    n = len(label) or 1
    chars = Counter(label)
    letters = sum(c for ch, c in chars.items() if ch in LETTERS)
    digits = sum(c for ch, c in chars.items() if ch in DIGITS)
    vowels = sum(c for ch, c in chars.items() if ch in VOWELS)
    entropy = -sum(c / n * math.log2(c / n) for c in chars.values())
    row = [
        float(len(label)),
        float(digits > 0),
        vowels / letters if letters else 0.0,
        digits / n,
        float(len(chars)),
        sum(1 for c in chars.values() if c > 1) / (len(chars) or 1),
        _run_share(label, LETTERS - VOWELS),
        _run_share(label, DIGITS),
        float(bool(label) and set(label) <= HEX),
        float(bool(label) and set(label) <= DIGITS),
        chars.get("-", 0) / n,
        entropy,
    ]
    for size in (1, 2, 3):
        grams = Counter(label[i:i + size] for i in range(len(label) - size + 1))
        row += _distribution(list(grams.values()))
    return row


def feature_matrix(labels: list[str], cache: dict[str, list[float]]) -> np.ndarray:
    for lab in labels:
        if lab not in cache:
            cache[lab] = fanci_features(lab)
    return np.array([cache[lab] for lab in labels], dtype=np.float32)


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--trees", type=int, default=100, help="random forest size (FANCI's paper: 100-1000)")
    ap.add_argument("--jobs", type=int, default=1, help="sklearn worker threads")
    ap.add_argument("--bootstrap", type=int, default=500, help="resamples of the recent names (0: none)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    corpus, (test_b, cal_b, train_b, test_labels, cal_labels) = load_split(args.seed)
    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    names_of = {f: [corpus.labels[i] for i, g in enumerate(corpus.family) if g == f] for f in families}
    negatives = recent_negatives(DEFAULT_BENIGN, corpus)
    rec_labels = negatives.scored_labels()
    cache: dict[str, list[float]] = {}

    kinds = ("linear", "forest", "boosted")
    neg: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    cal: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    rec: dict[str, list[np.ndarray]] = {k: [] for k in kinds}
    pos: dict[str, dict[str, tuple[np.ndarray, int]]] = {k: {} for k in kinds}
    x_test, x_cal, x_rec = (feature_matrix(ls, cache) for ls in (test_labels, cal_labels, rec_labels))
    print(f"features of {len(cache)} labels ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
    for k, held in enumerate(folds):
        held_set = set(held)
        mask = fold_train_mask(corpus, train_b, held)
        model = T.fit(corpus.subset(mask), cal_labels, seed=7 + k, attribute=False, suffix_token=False)
        # The trees see what the linear model saw: its training rows and its synthetic labels.
        rows = np.flatnonzero(mask)
        synth = T.synthetic_labels(T.SYNTHETIC_NAMES, 7 + k)
        fit_labels = [corpus.labels[i] for i in rows] + synth
        y = np.concatenate((corpus.is_dga[rows], np.ones(len(synth), bool)))
        x_fit = feature_matrix(fit_labels, cache)
        tf = time.perf_counter()
        forest = RandomForestClassifier(n_estimators=args.trees, class_weight="balanced", min_samples_leaf=2,
                                        n_jobs=args.jobs, random_state=7 + k).fit(x_fit, y)
        boosted = HistGradientBoostingClassifier(max_iter=300, learning_rate=0.1, class_weight="balanced",
                                                 random_state=7 + k).fit(x_fit, y)
        fit_s = time.perf_counter() - tf

        def scores(labels: list[str], x: np.ndarray, model=model, forest=forest, boosted=boosted):
            return {"linear": model.logits(F.encode(labels)),
                    "forest": logit(forest.predict_proba(x)[:, 1]),
                    "boosted": boosted.decision_function(x)}

        for store, labels, x in ((neg, test_labels, x_test), (cal, cal_labels, x_cal), (rec, rec_labels, x_rec)):
            for kind, s in scores(labels, x).items():
                store[kind].append(s)
        for fam in families:
            if T.fold_group(fam) in held_set:
                for kind, s in scores(names_of[fam], feature_matrix(names_of[fam], cache)).items():
                    pos[kind][fam] = (s, k)
        print(f"fold {k}: held out {', '.join(held)}; trees {fit_s:.0f}s ({time.perf_counter() - t0:.0f}s)",
              file=sys.stderr)

    def combined(weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Old benign, held-out DGA and recent (fold-major, unscored names at the bottom) scores."""
        def z(kind_scores: dict[str, np.ndarray], k: int) -> np.ndarray:
            return sum(w * standardise(kind_scores[kd], cal[kd][k]) for kd, w in weights.items())

        n = np.concatenate([z({kd: neg[kd][k] for kd in kinds}, k) for k in range(len(folds))])
        pf = {f: z({kd: pos[kd][f][0] for kd in kinds}, pos["linear"][f][1]) for f in families}
        r = []
        for k in range(len(folds)):
            full = np.full(len(negatives.scored), -1e9)
            full[negatives.scored] = z({kd: rec[kd][k] for kd in kinds}, k)
            r.append(full)
        return n, np.concatenate([pf[f] for f in families]), np.stack(r), pf

    setups = {
        "linear (shipped model type)": {"linear": 1.0},
        "FANCI features, random forest": {"forest": 1.0},
        "FANCI features, boosted trees": {"boosted": 1.0},
        "linear + forest (equal weights)": {"linear": 1.0, "forest": 1.0},
        "linear + boosted (equal weights)": {"linear": 1.0, "boosted": 1.0},
    }
    lists = {"recent pooled": np.ones(len(negatives.scored), bool), **negatives.lists}
    n_dga = sum(len(pos["linear"][f][0]) for f in families)
    print(f"# leave-families-out, {args.folds} folds, seed {args.seed}; {len(families)} families ({n_dga} DGA "
          f"names); benign test {len(test_labels)}; recent names new to training {len(negatives.scored)} "
          f"({int(negatives.scored.sum())} scored); {len(FEATURES)} FANCI features, {args.trees} trees")
    print()
    print("| score | AUC (old) | TPR @1% (old) | TPR @0.1% (old) | macro @0.1% (old) | "
          + " | ".join(f"TPR @0.1% {name} ({int(m.sum())})" for name, m in lists.items()) + " |")
    print("|---|---|---|---|---|" + "---|" * len(lists))
    per_family: dict[str, dict[str, float]] = {}
    kept = {}
    for name, weights in setups.items():
        n, p, r, pf = combined(weights)
        tpr, cut = tpr_at(n, p, 0.001)
        per_family[name] = {f: float((pf[f] > cut).mean()) for f in families}
        cells = [f"{auc(n, p):.4f}", f"{tpr_at(n, p, 0.01)[0]:.3f}", f"{tpr:.3f}",
                 f"{np.mean(list(per_family[name].values())):.3f}"]
        cells += [f"{tpr_at(r[:, m].ravel(), p, 0.001)[0]:.3f}" for m in lists.values()]
        print(f"| {name} | " + " | ".join(cells) + " |")
        short = {"linear (shipped model type)": "base"}.get(name, name.split(" (")[0])
        kept[short] = (np.sort(p), r)
    print()
    print("Per-family TPR at each row's pooled 0.1 % FPR cut (old slice):")
    print()
    print("| family | names | " + " | ".join(setups) + " |")
    print("|---|---|" + "---|" * len(setups))
    base = "linear (shipped model type)"
    for fam in sorted(families, key=lambda f: per_family[base][f]):
        print(f"| {fam} | {len(pos['linear'][fam][0])} | "
              + " | ".join(f"{per_family[s][fam]:.3f}" for s in setups) + " |")
    if args.bootstrap:
        print()
        print(bootstrap_table(kept, negatives.lists[DEFAULT_BENIGN[0].name], args.bootstrap, args.seed))
    print(f"\n(took {time.perf_counter() - t0:.0f}s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
