"""The generative reference attributor that bench/dga_eval.py compares the shipped one with."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load():
    spec = importlib.util.spec_from_file_location("generative_reference_under_test",
                                                  BENCH / "generative_reference.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def family(rng: random.Random, alphabet: str, lengths: range, suffix: str, n: int) -> list[str]:
    return [("".join(rng.choice(alphabet) for _ in range(rng.choice(lengths))), suffix) for _ in range(n)]


def test_separable_families_are_told_apart_and_identical_ones_are_not():
    g = load()
    rng = random.Random(5)
    letters, hexdigits = "abcdefghijklmnopqrstuvwxyz", "0123456789abcdef"
    data = {
        "hex32": family(rng, hexdigits, range(32, 33), "org", 400),
        "letters12": family(rng, letters, range(12, 13), "com", 400),
        # two families from one distribution: per name, nothing can tell them apart
        "twin_a": family(rng, letters, range(8, 11), "net", 600),
        "twin_b": family(rng, letters, range(8, 11), "net", 200),
    }
    train = [(lab, suf, fam) for fam, rows in data.items() for lab, suf in rows[: len(rows) // 2]]
    test = [(lab, suf, fam) for fam, rows in data.items() for lab, suf in rows[len(rows) // 2:]]
    for markov in (False, True):
        model = g.fit(*zip(*train, strict=True), markov=markov)
        scores = g.log_joint(model, [t[0] for t in test], [t[1] for t in test])
        pred = np.array([model.families[k] for k in scores.argmax(1)])
        truth = np.array([t[2] for t in test])
        for fam in ("hex32", "letters12"):
            assert (pred[truth == fam] == fam).mean() == 1.0
        twins = np.isin(truth, ["twin_a", "twin_b"])
        # The prior decides between the twins: mostly the larger one, never better than chance allows.
        assert (pred[twins] == truth[twins]).mean() < 0.85
        assert (pred[truth == "twin_a"] == "twin_a").mean() > 0.6


def test_unseen_suffix_and_odd_characters_do_not_fail():
    g = load()
    model = g.fit(["abc", "xyz1"], ["com", "net"], ["a", "b"])
    scores = g.log_joint(model, ["q_!é", ""], ["zz", "com"])
    assert scores.shape == (2, 2) and np.isfinite(scores).all()
