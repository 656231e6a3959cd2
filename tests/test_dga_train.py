"""Training is reproducible, refuses reserved families and yields a loadable model."""

from __future__ import annotations

import numpy as np
from dnsguard.dga import model as M
from dnsguard.dga import train as T

DGA = ["qwxzkvjrtplm", "zkqjxvbnmwrt", "xcvbnmqwrtzp", "pqzxwvtkjrmn", "mnbvcxzqwtrp", "kjhgfdszxqwv"]
BENIGN = ["google", "wikipedia", "example", "weather", "football", "bookshop", "travel", "garden"]


def fake_repo(root):
    (root / "data" / "dga").mkdir(parents=True)
    (root / "data" / "benign").mkdir(parents=True)
    (root / "data" / "dga" / "ramnit.txt").write_text("\n".join(f"{d}.com" for d in DGA) + "\n")
    (root / "data" / "dga" / "locky.txt").write_text("reservedfamilyname.ru\n")
    (root / "data" / "benign" / "top-registered-domains.txt").write_text(
        "\n".join(f"{b}.com" for b in BENIGN) + "\nnot a domain\n"
    )
    return root


def test_corpus_skips_reserved_families_and_bad_lines(tmp_path):
    corpus = T.load_corpus(fake_repo(tmp_path), use_generators=False)
    assert "locky" not in corpus.family
    assert "reservedfamilyname" not in corpus.labels
    assert sorted(set(corpus.family)) == ["", "ramnit"]
    assert len(corpus) == len(DGA) + len(BENIGN)


def test_same_data_same_weights_and_model_round_trips(tmp_path):
    corpus = T.load_corpus(fake_repo(tmp_path), use_generators=False)
    suffixes = ["com"] * len(BENIGN)
    a = T.fit(corpus, BENIGN, seed=3, epochs=2, synthetic=50, calibration_suffixes=suffixes)
    b = T.fit(corpus, BENIGN, seed=3, epochs=2, synthetic=50, calibration_suffixes=suffixes)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.bias == b.bias and a.families == ("ramnit",)
    path = tmp_path / "m.npz"
    a.save(path)
    loaded = M.load(path)
    assert loaded.families == a.families and loaded.bits == a.bits
    assert loaded.detector_suffix == T.SUFFIX_TOKEN
    np.testing.assert_allclose(loaded.weights, a.weights)


def test_variant_files_merge_into_one_family():
    assert T.family_of("murofet_v3") == "murofet"
    assert T.family_of("qsnatch_b") == "qsnatch"
    assert T.fold_group("mirai") == T.fold_group("ranbyus")
    assert not T.RESERVED & {T.family_of(s) for s in ("murofet", "ramnit", "qsnatch")}


def test_a_suffix_token_detector_scores_the_suffix_and_round_trips(tmp_path):
    """With ``suffix_token`` the detector weighs the public suffix: the scorer's
    fast path gives the training reference's logits, and the flag survives a
    save and load (files without it read as a label-only detector)."""
    import pytest
    from dnsguard.dga import features as F
    from dnsguard.dga.allowlist import build
    from dnsguard.dga.scoring import Scorer

    corpus = T.load_corpus(fake_repo(tmp_path), use_generators=False)
    cal = ["bakery", "library", "cinema"]
    with pytest.raises(ValueError, match="suffixes"):
        T.fit(corpus, cal, seed=3, epochs=2, synthetic=50, suffix_token=True)
    model = T.fit(corpus, cal, seed=3, epochs=2, synthetic=50, suffix_token=True,
                  calibration_suffixes=["com", "org", "co.uk"])
    assert model.detector_suffix
    labels = ["qwxzkvjrtplm", "qwxzkvjrtplm", "google", "bookshop"]
    suffixes = ["com", "ru", "com", "co.uk"]
    reference = T.detector_logits(
        T.sparse_tokens(labels, model.bits, extra=T.suffix_tokens(suffixes)), model.weights, model.bias)
    np.testing.assert_allclose(model.logits(F.encode(labels), None, suffixes), reference, rtol=1e-6, atol=1e-6)
    # The same label under two suffixes scores differently, and only by the suffix weight.
    z = model.logits(F.encode(labels), None, suffixes)
    assert z[0] != z[1]
    with pytest.raises(ValueError, match="suffix"):
        model.scores(F.encode(labels))
    # The scorer passes each name's public suffix.
    names = [f"{lab}.{suf}" for lab, suf in zip(labels, suffixes, strict=True)]
    res = Scorer(model, allowlist=build([])).score_arrays(names)
    np.testing.assert_allclose(res.score, 1 / (1 + np.exp(-reference)), rtol=1e-6)
    path = tmp_path / "suffix.npz"
    model.save(path)
    assert M.load(path).detector_suffix
    plain = T.fit(corpus, cal, seed=3, epochs=2, synthetic=50, suffix_token=False)
    plain.save(path)
    assert not M.load(path).detector_suffix
    np.testing.assert_allclose(plain.scores(F.encode(labels)), plain.scores(F.encode(labels), None, suffixes))


def test_recent_calibration_takes_one_half_of_the_recent_domains(tmp_path):
    """The threshold's names: recent popular host names of the calibration half only,
    never a domain the training list has, never a CDN/cloud-allowlisted one; a domain's
    host names all fall on one side."""
    root = fake_repo(tmp_path)
    (root / "python" / "dnsguard" / "data").mkdir(parents=True)
    (root / "python" / "dnsguard" / "data" / "allowlist-cdn-suffixes.txt").write_text("cloudfront.net\n")
    domains = [f"shop{i}.com" for i in range(400)]
    hosts = [f"{sub}.{d}" for d in domains for sub in ("www", "api")]
    lines = [*hosts, "google.com", "www.google.com", "d1abc.cloudfront.net", "not a name", "com"]
    for k, file in enumerate(T.RECENT_LISTS):
        (root / "data" / "benign" / file).write_text("\n".join(lines[k::4]) + "\n")
    labels, suffixes = T.recent_calibration(root, T.load_corpus(root, use_generators=False))
    half = [d for d in domains if T.calibration_half(d)]
    assert 120 < len(half) < 280  # about half, by registered domain
    assert sorted(zip(labels, suffixes, strict=True)) == sorted((d[:-4], "com") for d in half for _ in range(2))
    assert "google" not in labels and "d1abc" not in labels


def test_shipped_threshold_sits_on_the_calibration_half():
    """The shipped detector flags 0.1 % of the calibration names (up to quantile rounding)."""
    from pathlib import Path

    from dnsguard.dga import features as F

    root = Path(__file__).resolve().parents[1]
    labels, suffixes = T.recent_calibration(root, T.load_corpus(root, use_generators=False))  # benign rows only
    model = M.load()
    assert model.detector_suffix and len(labels) > 10_000
    flagged = int((model.logits(F.encode(labels), None, suffixes) >= 0).sum())
    assert abs(flagged - T.TARGET_FPR * len(labels)) <= 2, flagged
