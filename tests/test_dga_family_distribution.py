"""dnsguard.dga.family_distribution: the attributor's whole distribution, API of score() unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from dnsguard import dga

NAMES = ["xjwqkdhfyeur.com", "www.google.com", "a.b..c", "kjhsdfkjhqwer.net", "q8v2k1zt7p0m.info", "com"]


@pytest.fixture(scope="module")
def both():
    return dga.score(NAMES), dga.family_distribution(NAMES)


def test_shape_rows_and_normalisation(both):
    verdicts, dist = both
    assert isinstance(dist, dga.FamilyDistribution)
    assert dist.families == dga.default_scorer().model.families and len(dist.families) > 1
    assert dist.log_probability.shape == (len(NAMES), len(dist.families))
    assert dist.log_probability.dtype == np.float64
    unscored = [
        i for i, v in enumerate(verdicts)
        if not v.registered_domain or any(r.startswith("allowlisted:") for r in v.reasons)
    ]
    assert unscored == [1, 2, 5]
    for i in range(len(NAMES)):
        row = dist.log_probability[i]
        if i in unscored:
            assert np.isnan(row).all()
        else:
            assert np.isfinite(row).all() and np.exp(row).sum() == pytest.approx(1.0, abs=1e-6)


def test_agrees_with_the_reported_family(both):
    verdicts, dist = both
    for v, row in zip(verdicts, dist.log_probability, strict=True):
        if v.family != "unknown":
            assert dist.families[int(row.argmax())] == v.family
            assert np.exp(row.max()) == pytest.approx(v.family_probability, rel=1e-4)


def test_verdict_fields_unchanged(both):
    verdicts, _ = both
    assert list(verdicts[0].as_dict()) == ["name", "registered_domain", "score", "family", "family_probability", "reasons"]


def test_empty_batch_and_allow():
    dist = dga.family_distribution([])
    assert dist.log_probability.shape == (0, len(dist.families))
    dist = dga.family_distribution(["xjwqkdhfyeur.com"], allow=["xjwqkdhfyeur.com"])
    assert np.isnan(dist.log_probability).all()


def test_log_probabilities_stay_finite_where_softmax_underflows():
    model = dga.default_scorer().model
    from dnsguard.dga import features as F

    enc = F.encode(["zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"])
    tokens = model.family_tokens(enc, F.lexical_stats(enc))
    logp = model.family_log_probabilities(tokens, ["com"], enc.lengths)
    probs = model.family_probabilities(tokens, ["com"], enc.lengths)
    assert np.isfinite(logp).all()
    assert np.allclose(np.exp(logp), probs, atol=1e-6)
