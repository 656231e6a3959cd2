"""Lexical features: the fast inference path must equal the sparse training path."""

from __future__ import annotations

import numpy as np
import pytest
from dnsguard.dga import features as F


def test_ngrams_stay_inside_each_label():
    enc = F.encode(["ab", "c"])
    tokens = F.ngram_hashes(enc, orders=(1, 2, 3, 4, 5))
    # "^ab$" has 4+3+2+1 = 10 n-grams of orders 1..4 (none of order 5); "^c$" has 3+2+1 = 6
    assert np.bincount(tokens.seg).tolist() == [10, 6]


def test_same_label_same_tokens_whatever_the_neighbours():
    alone = F.ngram_hashes(F.encode(["example"]))
    batch = F.ngram_hashes(F.encode(["zzz", "example", "q"]))
    assert sorted(alone.ids.tolist()) == sorted(batch.ids[batch.seg == 1].tolist())


def test_gram_sums_equal_sparse_sums():
    labels = ["google", "xjkqzvplmrt", "a", "1dnwk9fl0fqkf10yww9llnj5eo", "_dmarc", "a-b-c"]
    enc = F.encode(labels)
    bits = 12
    weights = np.random.default_rng(5).normal(size=1 << bits).astype(np.float32)
    tok = F.ngram_hashes(enc)
    sparse = np.bincount(tok.seg, weights=weights[F.table_index(tok.ids, bits)], minlength=len(labels))
    fast = F.gram_sums(enc, F.grams(enc), weights, bits)
    np.testing.assert_allclose(fast, sparse, rtol=1e-5, atol=1e-4)
    stats = F.lexical_stats(enc, entropy=False)
    meta = F.meta_hashes(stats)
    sparse_meta = np.bincount(meta.seg, weights=weights[F.table_index(meta.ids, bits)], minlength=len(labels))
    np.testing.assert_allclose(F.meta_sums(stats, weights, bits), sparse_meta, rtol=1e-6)


def test_lexical_statistics_of_known_labels():
    s = F.lexical_features(["google", "xjkqzv12a", "aaaa", "a-1"])
    assert s.length.tolist() == [6, 9, 4, 3]
    assert s.digits.tolist() == [0, 2, 0, 1]
    assert s.consonant_run.tolist() == [2, 6, 0, 0]
    assert s.hyphens.tolist() == [0, 0, 0, 1]
    assert s.switches.tolist() == [0, 2, 0, 0]
    assert s.entropy[2] == pytest.approx(0.0)
    # google: g2 o2 l1 e1 over 6 characters
    p = np.array([2, 2, 1, 1]) / 6
    assert s.entropy[0] == pytest.approx(float(-(p * np.log2(p)).sum()))
    assert s.vowel_share[0] == pytest.approx(0.5)


def test_empty_batch():
    enc = F.encode([])
    assert enc.count == 0
    assert F.lexical_stats(enc).length.shape == (0,)
    assert F.ngram_hashes(enc).ids.shape == (0,)


def test_string_hashes_are_stable_and_distinct():
    a = F.string_hashes(["com", "co.uk", "com", "net"], 7)
    assert a[0] == a[2]
    assert len({int(x) for x in a}) == 3
    assert F.string_hashes(["com"], 7)[0] == a[0]


def test_model_logits_equal_training_logits():
    from dnsguard.dga import train as T
    from dnsguard.dga.model import Model

    labels = ["google", "67c61018451e8bb461140ddbab284bcd", "a", "x-1_y", "fewkzxnfcywsdsoeusgnbpjh"]
    bits = 14
    w = np.random.default_rng(9).normal(size=1 << bits).astype(np.float32)
    model = Model(bits, w, 0.25, 8, np.zeros((1 << 8, 0), np.float32), np.zeros(0, np.float32), ())
    training = T.detector_logits(T.sparse_tokens(labels, bits), w, 0.25)
    np.testing.assert_allclose(model.logits(F.encode(labels)), training, rtol=1e-5, atol=1e-4)


def _random_labels(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789-_"))
    return ["".join(rng.choice(alphabet, size=int(k))) for k in rng.integers(1, 64, size=n)]


def test_packed_statistics_equal_the_unpacked_path(monkeypatch):
    labels = _random_labels(3000, 3) + ["a", "1", "-", "a1b2c3", "aeiouy", "bcdfghjklmnpqrstvwxz"]
    enc = F.encode(labels)
    packed = F.lexical_stats(enc)
    monkeypatch.setattr(F, "_PACK_LIMIT", 0)  # the path for labels of 4,000+ characters
    plain = F.lexical_stats(enc)
    for field in ("length", "digits", "vowel_share", "entropy", "consonant_run", "hyphens", "switches"):
        a, b = getattr(packed, field), getattr(plain, field)
        assert a.dtype == b.dtype and np.array_equal(a, b), field


def test_subset_equals_encoding_the_strings():
    labels = _random_labels(500, 4)
    rows = np.flatnonzero(np.random.default_rng(5).random(500) < 0.4)
    sub, ref = F.subset(F.encode(labels), rows), F.encode([labels[i] for i in rows])
    for field in ("codes", "starts", "lengths"):
        assert np.array_equal(getattr(sub, field), getattr(ref, field))
    assert F.subset(F.encode(labels), rows[:0]).count == 0


@pytest.mark.parametrize("orders", [(1, 2, 3, 4), (1, 2, 3, 4, 5), (2, 4), (1,), (3, 5)])
def test_detector_tables_equal_hashed_gram_sums(orders):
    from dnsguard.dga.fastlinear import DetectorTables

    labels = _random_labels(2000, 6) + ["a", "ab", "abc"]
    enc = F.encode(labels)
    bits = 18
    weights = np.random.default_rng(7).normal(size=1 << bits).astype(np.float32)
    reference = F.gram_sums(enc, F.grams(enc, orders), weights, bits)
    assert np.array_equal(DetectorTables(weights, bits, orders).gram_sums(enc), reference)
