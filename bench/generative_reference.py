"""A generative reference attributor for bench/dga_eval.py: how good can per-name attribution get?

Many DGA families draw their letters uniformly at random.  For such a family
the probability of a name is fixed by its length, its suffix and its
alphabet alone, so the Bayes-optimal per-name classifier among them is a
generative model: P(family) x P(length, suffix | family) x the product of
per-character probabilities.  This module fits exactly that (characters as
a unigram, or a first-order Markov chain backed off to the unigram) from counts.
It is not shipped: the shipped softmax attributor is compared with it in
docs/dga-model.md to show how much of the remaining per-name confusion is
in the data rather than in the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-"
CODE = {c: k + 1 for k, c in enumerate(ALPHABET)}  # 0: start/end of label, and anything else
SYMBOLS = len(ALPHABET) + 1
MAX_LEN = 64


@dataclass(frozen=True)
class Generative:
    families: tuple[str, ...]
    log_prior: np.ndarray  # (F,)
    log_shape: np.ndarray  # (F, MAX_LEN, suffixes): log P(length, suffix | family)
    log_chars: np.ndarray  # (F, S) unigram or (F, S, S) Markov transitions
    suffixes: dict[str, int]
    markov: bool


def _codes(label: str) -> np.ndarray:
    return np.array([0] + [CODE.get(c, 0) for c in label] + [0], dtype=np.int64)


def fit(labels: Sequence[str], suffixes: Sequence[str], families: Sequence[str],
        markov: bool = True, alpha: float = 0.05, backoff: float = 20.0) -> Generative:
    names = tuple(sorted(set(families)))
    fam = {f: k for k, f in enumerate(names)}
    sfx = {s: k for k, s in enumerate(sorted(set(suffixes)))}
    n_f, n_s = len(names), len(sfx) + 1  # last column: a suffix never seen in training
    prior = np.zeros(n_f)
    shape = np.zeros((n_f, MAX_LEN, n_s))
    chars = np.zeros((n_f, SYMBOLS, SYMBOLS) if markov else (n_f, SYMBOLS))
    for label, suffix, family in zip(labels, suffixes, families, strict=True):
        k = fam[family]
        prior[k] += 1
        shape[k, min(len(label), MAX_LEN - 1), sfx[suffix]] += 1
        codes = _codes(label)
        if markov:
            np.add.at(chars[k], (codes[:-1], codes[1:]), 1)
        else:
            np.add.at(chars[k], codes[1:-1], 1)
    # Length and suffix: mostly the joint, with a little of the product of the
    # two marginals so an unseen (length, suffix) pair is unlikely, not impossible.
    n = prior[:, None, None]
    joint = (shape + 1e-3) / (n + 1e-3 * MAX_LEN * n_s)
    lengths = (shape.sum(2, keepdims=True) + 0.1) / (n + 0.1 * MAX_LEN)
    sufs = (shape.sum(1, keepdims=True) + 0.1) / (n + 0.1 * n_s)
    log_shape = np.log(0.9 * joint + 0.1 * lengths * sufs)
    if markov:
        # Each row is pulled towards the family's own character frequencies
        # (a Dirichlet prior of weight ``backoff``): a small family has too
        # few transitions to estimate 38 x 38 cells, and an unseen pair must
        # cost about what an unseen letter does, not a fortune.
        unigram = chars.sum(1) + alpha
        unigram /= unigram.sum(-1, keepdims=True)
        log_chars = np.log((chars + backoff * unigram[:, None, :]) / (chars.sum(-1, keepdims=True) + backoff))
    else:
        chars = chars + alpha
        log_chars = np.log(chars / chars.sum(-1, keepdims=True))
    return Generative(names, np.log(prior / prior.sum()), log_shape, log_chars, sfx, markov)


def log_joint(model: Generative, labels: Sequence[str], suffixes: Sequence[str]) -> np.ndarray:
    """log P(family, name) for every name and family, shape (names, families)."""
    unseen = model.log_shape.shape[2] - 1
    out = np.empty((len(labels), len(model.families)))
    for j, (label, suffix) in enumerate(zip(labels, suffixes, strict=True)):
        codes = _codes(label)
        s = model.log_prior + model.log_shape[:, min(len(label), MAX_LEN - 1), model.suffixes.get(suffix, unseen)]
        if model.markov:
            s = s + model.log_chars[:, codes[:-1], codes[1:]].sum(1)
        else:
            s = s + model.log_chars[:, codes[1:-1]].sum(1)
        out[j] = s
    return out
