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
    a = T.fit(corpus, BENIGN, seed=3, epochs=2, synthetic=50)
    b = T.fit(corpus, BENIGN, seed=3, epochs=2, synthetic=50)
    np.testing.assert_array_equal(a.weights, b.weights)
    assert a.bias == b.bias and a.families == ("ramnit",)
    path = tmp_path / "m.npz"
    a.save(path)
    loaded = M.load(path)
    assert loaded.families == a.families and loaded.bits == a.bits
    np.testing.assert_allclose(loaded.weights, a.weights)


def test_variant_files_merge_into_one_family():
    assert T.family_of("murofet_v3") == "murofet"
    assert T.family_of("qsnatch_b") == "qsnatch"
    assert T.fold_group("mirai") == T.fold_group("ranbyus")
    assert not T.RESERVED & {T.family_of(s) for s in ("murofet", "ramnit", "qsnatch")}
