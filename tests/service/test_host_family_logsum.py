"""Host family by summed log-probability (service.hosts.LogSumRule) and its vote fallback."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from dnsguard.service.decide import Decider, DecideSettings
from dnsguard.service.hosts import LOG_FLOOR, HostAggregator, HostSettings, LogSumRule, vote
from dnsguard.service.model import Candidate

FAMS = ("alpha", "beta", "gamma")


def lp(*p: float) -> np.ndarray:
    return np.log(np.asarray(p, dtype=np.float64))


def test_log_sum_and_vote_disagree():
    # three names lean to alpha, two are sure of beta; alpha is never ruled out, but
    # beta is barely behind on the leaning names and far ahead on the sure ones
    rows = [lp(0.55, 0.44, 0.01)] * 3 + [lp(0.01, 0.98, 0.01)] * 2
    assert vote(["alpha"] * 3 + ["beta"] * 2, 0.5)[0] == "alpha"
    family, margin = LogSumRule(min_margin=0.0).decide(FAMS, rows)
    # sum alpha: 3 log .55 + 2 log .01 = -11.0; beta: 3 log .44 + 2 log .98 = -2.5
    assert family == "beta"
    expected = ((3 * math.log(0.44) + 2 * math.log(0.98)) - (3 * math.log(0.55) + 2 * math.log(0.01))) / 5
    assert margin == pytest.approx(expected)


def test_one_ruled_out_name_vetoes_within_the_floor():
    # four names sure of alpha, one gives alpha exactly zero (-inf): floored, not NaN
    rows = [lp(0.9, 0.05, 0.05)] * 4 + [np.array([-np.inf, math.log(0.5), math.log(0.5)])]
    family, margin = LogSumRule(min_margin=0.0).decide(FAMS, rows)
    assert family in ("beta", "gamma") and math.isfinite(margin)
    total_alpha = 4 * math.log(0.9) + LOG_FLOOR
    assert total_alpha < 4 * math.log(0.05) + math.log(0.5)


def test_abstains_when_names_spread_over_families():
    # an unseen family: each name's top family differs, summed margin small per name
    rows = [lp(0.5, 0.3, 0.2), lp(0.2, 0.5, 0.3), lp(0.3, 0.2, 0.5), lp(0.45, 0.35, 0.2), lp(0.3, 0.4, 0.3)]
    family, margin = LogSumRule(min_margin=1.0).decide(FAMS, rows)
    assert family == "unknown" and 0 <= margin < 1.0
    # the same argmax is named when the threshold allows it
    assert LogSumRule(min_margin=0.0).decide(FAMS, rows)[0] != "unknown"


def test_named_when_mean_margin_reaches_threshold():
    rows = [lp(0.9, 0.05, 0.05)] * 5  # margin log(.9/.05) = 2.89 nats per name
    assert LogSumRule(min_margin=2.8).decide(FAMS, rows) == ("alpha", pytest.approx(math.log(18)))
    assert LogSumRule(min_margin=2.9).decide(FAMS, rows)[0] == "unknown"


def test_degenerate_inputs():
    assert LogSumRule().decide(FAMS, np.zeros((0, 3))) == ("unknown", 0.0)
    assert LogSumRule().decide((), np.zeros((5, 0))) == ("unknown", 0.0)
    assert LogSumRule().decide(("solo",), [np.zeros(1)] * 5) == ("solo", math.inf)


def feed(agg: HostAggregator, rows, families=FAMS, reported=None, host="10.0.0.5"):
    out = None
    for i, row in enumerate(rows):
        fam = reported[i] if reported else FAMS[int(np.argmax(row))]
        dist = None if row is None else (families, np.asarray(row, dtype=np.float32))
        out = agg.observe(host, float(i), f"n{i}.com", 0.9, fam, dist)
    return out


def test_aggregator_uses_log_sum_over_vote():
    agg = HostAggregator(HostSettings(min_names=5, family_margin=0.5))
    rows = [lp(0.55, 0.44, 0.01)] * 3 + [lp(0.01, 0.98, 0.01)] * 2
    v = feed(agg, rows)
    assert v is not None and v.family == "beta"
    assert "family log-sum beta" in v.evidence and "over 5 names" in v.evidence
    assert v.names == tuple(f"n{i}.com" for i in range(5))


def test_aggregator_abstains_on_spread_names():
    agg = HostAggregator(HostSettings(min_names=5))
    rows = [lp(0.5, 0.3, 0.2), lp(0.2, 0.5, 0.3), lp(0.3, 0.2, 0.5), lp(0.45, 0.35, 0.2), lp(0.3, 0.4, 0.3)]
    v = feed(agg, rows, reported=["alpha"] * 5)  # the vote would have said alpha
    assert v is not None and v.family == "unknown" and "family log-sum unknown" in v.evidence


def test_aggregator_falls_back_to_vote_without_enough_distributions():
    agg = HostAggregator(HostSettings(min_names=5, family_margin=0.0))
    beta = lp(0.01, 0.98, 0.01)
    # two of five names with a distribution (say feed hits for the rest): the vote decides
    v = feed(agg, [beta, beta, None, None, None], reported=["beta", "beta", "alpha", "alpha", "alpha"])
    assert v.family == "alpha" and "family vote alpha (60%)" in v.evidence
    # three of five: the log-sum over those three decides
    agg = HostAggregator(HostSettings(min_names=5, family_margin=0.0))
    v = feed(agg, [beta, beta, beta, None, None], reported=["beta", "beta", "beta", "alpha", "alpha"])
    assert v.family == "beta" and "over 3 names" in v.evidence


def test_distributions_of_an_older_model_are_not_mixed():
    agg = HostAggregator(HostSettings(min_names=5, family_margin=0.0))
    old = ("alpha", "beta", "gamma", "delta")
    for i in range(3):  # before a model reload: another family list
        agg.observe("h", float(i), f"o{i}.com", 0.9, "delta", (old, lp(0.1, 0.1, 0.1, 0.7).astype(np.float32)))
    v = None
    for i in range(2):
        v = agg.observe("h", 3.0 + i, f"m{i}.com", 0.9, "gamma", (FAMS, lp(0.1, 0.1, 0.8).astype(np.float32)))
    # 2 of 5 names share the newest model's list: the vote over reported families decides
    assert v.family == "delta" and "family vote" in v.evidence


@dataclass(frozen=True)
class Dist:
    families: tuple[str, ...]
    log_probability: np.ndarray


@dataclass(frozen=True)
class Result:
    score: float
    family: str


class DistScorer:
    """Labels starting with 'x' (10+ characters) score 0.99, reported family ``testfam``;
    ``family_distribution``: labels ending in 'b' lean beta, others are sure of alpha."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    def score_batch(self, names):
        return [Result(0.99, "testfam") if n.startswith("x") and len(n.split(".")[0]) >= 10
                else Result(0.01, "unknown") for n in names]

    def family_distribution(self, names):
        names = list(names)
        self.asked.append(names)
        rows = [lp(0.45, 0.55, 1e-9) if n.split(".")[0].endswith("b") else lp(0.98, 0.01, 0.01) for n in names]
        return Dist(FAMS, np.array(rows))


def nx(i: int, label: str) -> Candidate:
    return Candidate(ts=100.0 + i, orig_h="10.1.1.1", query=f"{label}.com", rcode=3)


def test_decider_passes_distributions_of_flagged_names_only():
    scorer = DistScorer()
    d = Decider(scorer, DecideSettings(hosts=HostSettings(min_names=5, family_margin=0.5)))
    batch = [nx(i, f"xqzkvbwpm{c}b") for i, c in enumerate("abc")] + [nx(3, "xqzkvbwpmda"), nx(4, "xqzkvbwpmea")]
    batch.append(Candidate(ts=105.0, orig_h="10.1.1.1", query="example.com", rcode=3))  # scores 0.01
    out = d.decide(batch, now=1000.0)
    assert scorer.asked == [[f"xqzkvbwpm{c}b.com" for c in "abc"] + ["xqzkvbwpmda.com", "xqzkvbwpmea.com"]]
    (host,) = out.hosts
    # reported families are all 'testfam' (a vote would say testfam); the log-sum says alpha:
    # 3 log .45 + 2 log .98 = -2.44 vs 3 log .55 + 2 log .01 = -11.0
    assert host.family == "alpha" and "family log-sum alpha" in host.evidence
    assert host.orig_h == "10.1.1.1" and host.threat == "dga" and len(host.names) == 5


def test_decider_without_distributions_keeps_the_vote(scorer):
    d = Decider(scorer, DecideSettings(hosts=HostSettings(min_names=5)))
    out = d.decide([nx(i, f"xqzkvbwpm{c}") for i, c in enumerate("abcde")], now=1000.0)
    (host,) = out.hosts
    assert host.family == "testfam" and "family vote testfam (100%)" in host.evidence
