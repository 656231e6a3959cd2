"""Ensembles beside the shipped linear scorer, on families never trained on (issue 19, item 2).

Why: the ensembles of docs/dga-model.md ("Unseen families at low FPR",
"Character networks trained offline") were judged on leave-families-out
folds of a linear model *without* the public-suffix token.  Since
2026-12-06 the shipped detector weighs the suffix and is calibrated on half
of the recent popular names, and the band stage (a character GRU asked
about the names the linear model is unsure of) then lost.  This script asks
the wider question on the benchmark of ``bench/dga_unseen_published.py``
(the published names of 24 families no part of dnsguard saw, against the
recent popular names new to training): does *any* sum of the linear logit
and a second score rank the unseen families better at 0.1 % FPR?

Second scores, each standardised on the calibration half's benign names:

* a benign character n-gram language model (``CharLM`` of
  ``bench/dga_ensemble_eval.py``), its per-character surprise standardised
  per length bucket; and the likelihood ratio against an LM of the DGA
  training names and the synthetic labels;
* each character network given with ``--net`` (default: the shipped band
  network, a bidirectional GRU of 16 units each way; another size is
  trained with ``tools/train_dga_charnet.py --units N --out F`` in a torch
  virtualenv), alone and with ``beta`` times the linear detector's
  public-suffix weight added (the network reads the label only, the
  linear model also its suffix).

Every weight is **picked on the calibration half** (the names that place the
shipped threshold) and reported on the **test half**, which nothing here
saw: a weight picked where it is reported would flatter the ensemble.  The
rows give the best weight and, for reference, what the linear scorer alone
has on both halves.  Nothing here is shipped.

Usage: .venv/bin/python bench/dga_unseen_ensembles.py [--net F ...] [--order 4]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from dnsguard.dga import charnet as CN
from dnsguard.dga import model as M
from dnsguard.dga import train as T
from dnsguard.dga.scoring import Scorer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dga_ensemble_eval import LM_LENGTH_EDGES, CharLM, standardise  # noqa: E402
from dga_eval import ROOT, tpr_at  # noqa: E402
from dga_length_calibration import per_length  # noqa: E402
from dga_recent_eval import recent_negatives  # noqa: E402
from dga_unseen_published import CAP, RECENT, SEED, capped, unseen_families  # noqa: E402

FPR = 0.001
WEIGHTS = (0.1, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0)
"""Weights of the second score (the linear logit has weight 1)."""
BETAS = (0.25, 0.5, 1.0, 2.0)
"""Multiples of the linear suffix weight added to a network's logit."""


@dataclass
class Part:
    """One set of names scored every way: the pooled unseen names, or one half of the negatives."""

    linear: np.ndarray
    """The shipped scorer's logit (allowlists as a user runs it)."""
    scored: np.ndarray
    """False where the scorer gives no score (allowlisted, invalid): those stay at the bottom."""
    lengths: np.ndarray
    extra: dict[str, np.ndarray]
    """Raw second scores by name (higher = more DGA-like)."""


def score_part(names: list[str], scorer: Scorer, linear: M.Model, benign_lm: CharLM, dga_lm: CharLM,
               nets: dict[str, CN.Weights]) -> Part:
    res = scorer.score_arrays(names)
    s = np.clip(np.asarray(res.score, dtype=np.float64), 1e-9, 1 - 1e-9)
    labels = [lab or "x" for lab in res.split.label]  # a bare suffix has no label; it is not scored anyway
    suffix_w = np.asarray(linear.suffix_weights(list(res.split.suffix), len(labels)), dtype=np.float64)
    surprise = benign_lm.nll(labels)
    extra = {"benign LM": surprise, "LM ratio": surprise - dga_lm.nll(labels)}
    for tag, weights in nets.items():
        logit = CN.net_logits(weights, labels)
        extra[tag] = logit
        for beta in BETAS:
            extra[f"{tag} + {beta} x suffix weight"] = logit + beta * suffix_w
    return Part(np.log(s / (1 - s)), s > 1e-9, np.array([len(x) for x in labels]), extra)


def standardiser(ref: Part, kind: str, by_length: bool):
    """z-scores against the calibration half's scored names (within the language models' length
    buckets where asked)."""
    def values(part: Part) -> np.ndarray:
        return part.linear if kind == "linear" else part.extra[kind]
    cal, cal_lengths = values(ref)[ref.scored], ref.lengths[ref.scored]
    if not by_length:
        return lambda part: standardise(values(part), cal)
    return lambda part: per_length(values(part), part.lengths, cal, cal_lengths, LM_LENGTH_EDGES)


def tpr(parts: dict[str, Part], combine, half: str) -> float:
    neg, pos = parts[half], parts["unseen"]
    return tpr_at(np.where(neg.scored, combine(neg), -1e9), np.where(pos.scored, combine(pos), -1e9), FPR)[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--net", type=Path, nargs="*", default=[ROOT / "python/dnsguard" / CN.DEFAULT_FILE],
                    help="character network files (charnet format) to try beside the linear model")
    ap.add_argument("--order", type=int, default=4, help="the language models' n-gram order")
    args = ap.parse_args()
    t0 = time.perf_counter()

    corpus = T.load_corpus(ROOT)
    train_mask, _ = T.split_benign(corpus, 0.1, seed=11)  # the shipped model's training names
    train = corpus.subset(train_mask)
    benign = [lab for lab, f in zip(train.labels, train.family, strict=True) if not f]
    dga = [lab for lab, f in zip(train.labels, train.family, strict=True) if f]
    benign_lm = CharLM(benign, args.order)
    dga_lm = CharLM(dga + T.synthetic_labels(T.SYNTHETIC_NAMES, 7), args.order)
    nets = {f"{p.stem} (GRU-{CN.load_weights(p).units})": CN.load_weights(p) for p in args.net}

    scorer, linear = Scorer(band=False), M.load()
    pooled = capped(unseen_families(), CAP, SEED)
    sets = {"unseen": [n for names in pooled.values() for n in names]}
    sets |= {h: recent_negatives(RECENT, corpus, half=h).names for h in ("calibration", "test")}
    parts = {key: score_part(names, scorer, linear, benign_lm, dga_lm, nets) for key, names in sets.items()}
    cal = parts["calibration"]
    z_linear = standardiser(cal, "linear", False)

    print(f"# {len(sets['unseen'])} unseen names (at most {CAP} per family); negatives: "
          f"{len(sets['calibration'])} calibration-half and {len(sets['test'])} test-half recent names; "
          f"TPR at {FPR:.1%} FPR")
    print()
    print("| second score | weight picked on the calibration half | calibration half | **test half** "
          "| second score alone: calibration / test |")
    print("|---|---|---|---|---|")
    print(f"| none (the linear model alone) | - | {tpr(parts, z_linear, 'calibration'):.3f} | "
          f"**{tpr(parts, z_linear, 'test'):.3f}** | - |")
    forms = [("benign LM", True), ("LM ratio", False), ("LM ratio", True)] + [(k, False) for k in cal.extra
                                                                              if k not in ("benign LM", "LM ratio")]
    for kind, by_length in forms:
        z_extra = standardiser(cal, kind, by_length)
        tried = []
        for w in WEIGHTS:
            def combine(part: Part, w: float = w, z_extra=z_extra) -> np.ndarray:
                return z_linear(part) + w * z_extra(part)
            tried.append((tpr(parts, combine, "calibration"), w, combine))
        best_cal, w, combine = max(tried, key=lambda t: (t[0], -t[1]))  # ties: the smaller weight
        label = kind + (", standardised per length" if by_length else "")
        print(f"| {label} | {w} | {best_cal:.3f} | **{tpr(parts, combine, 'test'):.3f}** | "
              f"{tpr(parts, z_extra, 'calibration'):.3f} / {tpr(parts, z_extra, 'test'):.3f} |")
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
