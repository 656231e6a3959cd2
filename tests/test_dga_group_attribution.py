"""Host-level family attribution helpers of bench/dga_eval.py (groups of k names)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "dga_eval.py"


@pytest.fixture(scope="module")
def ev():
    spec = importlib.util.spec_from_file_location("dga_eval_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_vote_and_log_sum_disagree(ev):
    probs = np.array([
        # group 0: two names lean to family 0, one is nearly sure of family 1
        [0.60, 0.40, 0.00],
        [0.60, 0.40, 0.00],
        [0.01, 0.99, 0.00],
        # group 1: three names sure of family 0, one gives it probability 0
        [0.90, 0.10, 0.00],
        [0.90, 0.10, 0.00],
        [0.90, 0.10, 0.00],
        [0.00, 0.20, 0.80],
    ])
    groups = [np.array([0, 1, 2]), np.array([3, 4, 5, 6])]
    vote, logsum = ev.attribute_groups(probs, groups)
    # group 0: vote 2:1 for family 0; log-sum: 2 log .6 + log .01 = -5.63 < 2 log .4 + log .99 = -1.84
    # group 1: vote 3:1 for family 0; the zero (floored, not -inf) makes log-sum pick family 1
    assert vote.tolist() == [0, 0]
    assert logsum.tolist() == [1, 1]


def test_vote_tie_goes_to_larger_summed_probability(ev):
    probs = np.array([[0.1, 0.9], [0.6, 0.4], [0.45, 0.55], [0.9, 0.1]])
    vote, _ = ev.attribute_groups(probs, [np.array([0, 1]), np.array([2, 3])])
    # 1:1 ties; summed probability 0.7 vs 1.3 (family 1), then 1.35 vs 0.65 (family 0)
    assert vote.tolist() == [1, 0]


def test_groups_of_one_are_the_per_name_top1(ev):
    probs = np.random.default_rng(0).dirichlet(np.ones(5), size=40)
    vote, logsum = ev.attribute_groups(probs, [np.array([i]) for i in range(40)])
    assert vote.tolist() == probs.argmax(axis=1).tolist()
    assert logsum.tolist() == probs.argmax(axis=1).tolist()


def test_family_groups_disjoint_fixed_and_na(ev):
    truth = ["a"] * 11 + ["b"] * 2 + ["c"] * 6
    groups = ev.family_groups(truth, 3, seed=5)
    assert set(groups) == {"a", "b", "c"}
    assert groups["b"] == []  # fewer than k names: n/a
    assert len(groups["a"]) == 3 and len(groups["c"]) == 2  # remainder left out
    for fam, gs in groups.items():
        rows = np.concatenate(gs) if gs else np.array([], dtype=int)
        assert all(len(g) == 3 for g in gs)
        assert len(set(rows.tolist())) == rows.shape[0]  # disjoint
        assert all(truth[i] == fam for i in rows)
    again = ev.family_groups(truth, 3, seed=5)
    assert all(np.array_equal(x, y) for f in groups for x, y in zip(groups[f], again[f], strict=True))
    other = ev.family_groups(truth, 3, seed=6)
    assert any(not np.array_equal(x, y) for x, y in zip(groups["a"], other["a"], strict=True))


def test_family_groups_keep_mask(ev):
    truth = ["a"] * 6 + ["b"] * 6
    keep = np.array([True, False] * 6)
    groups = ev.family_groups(truth, 2, seed=1, keep=keep)
    rows = np.concatenate(groups["a"] + groups["b"])
    assert keep[rows].all()
    assert len(groups["a"]) == 1 and len(groups["b"]) == 1
    assert ev.family_groups(truth, 4, seed=1, keep=keep) == {"a": [], "b": []}


def test_service_rule_is_the_service_vote(ev):
    named = ["x", "x", "unknown", "y", "z", "w", "unknown"]
    groups = [np.array([0, 1, 2, 3]), np.array([3, 4, 5]), np.array([2, 6]), np.array([3, 4])]
    # 2 of 3 named votes; three-way split under the 50 % share; nothing named;
    # a 1:1 tie reaches the share and goes to the first name (Counter order)
    assert ev.service_rule(named, groups) == ["x", "unknown", "unknown", "y"]


def test_group_stats_and_rates(ev):
    logp = np.log(np.array([
        [0.9, 0.05, 0.05],
        [0.9, 0.05, 0.05],
        [0.5, 0.3, 0.2],
        [0.2, 0.5, 0.3],
    ]))
    st = ev.group_stats(logp, [np.array([0, 1]), np.array([2, 3])])
    assert st["best"].tolist() == [0, 1]
    assert st["margin"][0] == pytest.approx(np.log(18))
    # group 1: sums (log .1, log .15, log .06): best column 1, margin log(.15/.1) / 2
    assert st["best"][1] == 1 and st["margin"][1] == pytest.approx(np.log(1.5) / 2)
    assert st["mean log p"][0] == pytest.approx(np.log(0.9))
    assert st["posterior"][0] > 0.99
    # decisions -1 = unknown; truth -1 = a family the model never saw
    assert ev.rates(np.array([0, -1, 2, 1]), np.array([0, 1, 1, -1])) == (0.25, 0.5, 0.25)


def test_service_log_sum_rule_matches_group_stats(ev):
    from dnsguard.service.hosts import LogSumRule

    rng = np.random.default_rng(4)
    logp = np.log(rng.dirichlet(np.ones(6) * 0.5, size=50))
    groups = [np.arange(j, j + 5) for j in range(0, 50, 5)]
    st = ev.group_stats(logp, groups)
    fams = tuple("abcdef")
    for g, best, margin in zip(groups, st["best"], st["margin"], strict=True):
        fam, m = LogSumRule(min_margin=0.0).decide(fams, logp[g])
        assert fam == fams[best] and m == pytest.approx(margin)
        assert LogSumRule(min_margin=margin + 1e-9).decide(fams, logp[g])[0] == "unknown"
