"""The DGA family shapes (dnsguard.dga.shapes) and the host-family shape check
(dnsguard.hostfamily.check_shapes) in the rule, in analyze and in the service.

The check must never cost a family the model knows (its generators' names for
dates far from the training window fit), and it must keep the rule from
naming a family for names whose suffixes, lengths or characters that family
never draws (what a family the model never saw looks like to it)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import re

import numpy as np
import pytest
from dnsguard.analyze import run_analysis
from dnsguard.config import AnalysisSettings, default_config
from dnsguard.dga import Scorer
from dnsguard.dga import shapes as S
from dnsguard.dga import train as T
from dnsguard.dga.families import registry
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.hostfamily import MIN_SHAPE_SUPPORT, check_shapes, label_suffix_pairs, log_sum_family
from dnsguard.records import DnsRecord, InputStats
from dnsguard.service.hosts import HostAggregator, HostSettings


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


def unknown_family_names(seed: int = 3, n: int = 30) -> list[str]:
    """A DGA the model never saw: 9-13 random letters and digits under ``.xyz``.
    The shipped attributor names QSnatch for such names by a wide margin
    (3.5 nats per name here), but QSnatch's shapes (3-6 letters on its own
    suffixes) cannot produce them."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return [f"{''.join(rng.choice(alphabet) for _ in range(rng.randint(9, 13)))}.xyz" for _ in range(n)]


# ----------------------------------------------------------------- the file


def test_shipped_shapes_cover_every_family_of_the_model(scorer):
    assert scorer.family_shapes is not None
    assert set(scorer.family_shapes.by_family) == set(scorer.model.families)


def test_shipped_file_is_what_the_training_corpus_gives():
    corpus = T.load_corpus(T.repo_root())
    rebuilt = S.build(zip(corpus.labels, corpus.suffixes, corpus.family, corpus.source, strict=True))
    assert S.to_json(rebuilt) == S.to_json(S.load())


def test_generated_names_fit_their_own_family(scorer):
    """Every generator, every variant, dates years from the training window: groups
    of 5 consecutive names (one host's first lookups) all fit."""
    shapes = scorer.family_shapes
    days = (dt.date(2016, 3, 3), dt.date(2019, 9, 9), dt.date(2026, 1, 20))
    checked, misfits = 0, []
    for name, module in registry().items():
        if getattr(module.INFO, "seed_required", False):
            continue
        family = T.family_of(name)
        for variant in getattr(module.INFO, "variants", None) or (None,):
            for day in days:
                # the one variant that needs a seed takes the day's Unix time, as its data file did
                seed = (str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
                        if (name, variant) == ("tofsee", "timestamp") else None)
                names = module.generate(day, seed=seed, variant=variant)[:100]
                for i in range(0, len(names) - 4, 5):
                    pairs = label_suffix_pairs(names[i: i + 5])
                    support = shapes.support(family, pairs)
                    checked += 1
                    if support is None or support < MIN_SHAPE_SUPPORT:
                        misfits.append((name, variant, str(day), names[i: i + 5], support))
    assert checked > 2000
    assert misfits == []


def test_fits_reads_suffix_length_digits_and_hyphen():
    shape = S.Shape("x", frozenset({"com", "co.uk"}), 8, 12, digits=False, hyphen=False)
    assert shape.fits("abcdefgh", "com") and shape.fits("abcdefghijkl", "co.uk")
    assert not shape.fits("abcdefgh", "net")  # suffix
    assert not shape.fits("abcdefg", "com") and not shape.fits("abcdefghijklm", "com")  # lengths
    assert not shape.fits("abcdefg1", "com")  # a digit the family never draws
    assert not shape.fits("abcd-efgh", "com")  # a hyphen
    shapes = S.FamilyShapes({"fam": (shape, S.Shape("y", frozenset({"net"}), 3, 5, True, True))})
    # each name may fit any source: 2 fit "x", 1 fits "y", 1 fits neither
    assert shapes.support("fam", [("abcdefgh", "com"), ("abcdefgh", "com"), ("a1-", "net"), ("b2c", "org")]) == 0.75
    assert shapes.support("other", [("abcdefgh", "com")]) is None
    assert shapes.support("fam", []) is None


def test_round_trip_and_malformed_files(tmp_path):
    shipped = S.load()
    assert S.to_json(S.from_json(S.to_json(shipped))) == S.to_json(shipped)
    for bad in (b"", b"{", b"[]", json.dumps({"format_version": 99, "families": {}}).encode(),
                json.dumps({"format_version": 1, "families": {"a": [{"source": "x"}]}}).encode(),
                json.dumps({"format_version": 1, "families": {"a": 3}}).encode()):
        with pytest.raises(ValueError):
            S.from_json(bad)
    (tmp_path / "s.json").write_bytes(b"\x00garbage")
    with pytest.raises(ValueError):
        S.load(tmp_path / "s.json")


def test_unreadable_shipped_file_leaves_the_check_out_with_a_warning(monkeypatch, caplog):
    def broken(path=None):
        raise ValueError("malformed family shapes: test")

    monkeypatch.setattr(S, "load", broken)
    with caplog.at_level(logging.WARNING):
        assert S.load_shipped() is None
    assert "without the shape check" in caplog.text


def test_build_keeps_one_shape_per_source(tmp_path):
    rows = [("abc", "com", "fam", "a"), ("abcdef", "net", "fam", "a"), ("x1-y", "org", "fam", "b"),
            ("benign", "com", "", "benign")]
    shapes = S.build(rows)
    (a, b) = shapes.by_family["fam"]
    assert (a.source, a.suffixes, a.min_length, a.max_length, a.digits, a.hyphen) == \
        ("a", frozenset({"com", "net"}), 3, 6, False, False)
    assert (b.source, b.digits, b.hyphen) == ("b", True, True)
    assert list(shapes.by_family) == ["fam"]


# ----------------------------------------------------------------- the rule


def test_check_shapes_turns_a_misfit_family_into_unknown():
    rows = [np.log([0.9, 0.05, 0.05])] * 6
    call = log_sum_family(("alpha", "beta", "gamma"), rows)
    assert call.named and call.shape_support is None
    fits = check_shapes(call, 0.95)
    assert fits.family == "alpha" and fits.shape_support == 0.95 and "alpha (closest known family) by log-sum" in fits.describe()
    misfit = check_shapes(call, 0.5)
    assert misfit.family == "unknown" and misfit.best == "alpha" and misfit.margin == call.margin
    text = misfit.describe()
    assert "only 50% of the names fit alpha's known suffixes" in text and "does not know" in text
    assert check_shapes(call, None).family == "alpha"  # no shapes known: no check
    # a call that abstains on its margin keeps saying so
    weak = check_shapes(log_sum_family(("alpha", "beta"), [np.log([0.55, 0.45])] * 5), 0.1)
    assert weak.family == "unknown" and "leans to alpha by only" in weak.describe()


def _unknown_family_analysis(scorer, shapes):
    config = default_config()
    settings = AnalysisSettings.from_config(config)
    host, t0 = "10.9.0.7", 1_764_000_000.0
    events = [DnsRecord(t0 + i, host, name, "A", "NXDOMAIN") for i, name in enumerate(unknown_family_names())]
    events += [DnsRecord(t0 + 100 + i, host, "www.example.org", "A", "NOERROR", ("93.184.216.34",), (60.0,))
               for i in range(5)]
    analysis = run_analysis(events, InputStats(), settings, IndicatorIndex.build([]),
                            scorer=lambda names: scorer.score_batch(names),
                            family_distribution=lambda names: scorer.family_distribution(names),
                            family_shapes=shapes)
    return next(h for h in analysis.hosts if h.host == host)


def test_analyze_does_not_name_a_family_whose_shapes_the_names_do_not_fit(scorer):
    without = _unknown_family_analysis(scorer, None)
    assert without.family is not None and without.family.family == "QSnatch"  # what the rule alone says
    report = _unknown_family_analysis(scorer, scorer.family_shapes)
    assert report.verdict == "compromised"  # the host is still reported: NXDOMAIN burst and DGA-like names
    assert report.family is not None and report.family.family == "unknown" and report.family.source == "abstain"
    assert report.family.lexical == "QSnatch"
    fit = re.search(r"only (\d+)% of the names fit QSnatch's known suffixes", report.family.detail)
    assert fit and int(fit.group(1)) < 90, report.family.detail
    assert "QSnatch" not in report.families


def test_service_does_not_name_a_family_whose_shapes_the_names_do_not_fit(scorer):
    names = unknown_family_names(3, 8)
    dist = scorer.family_distribution(names)
    families = tuple(dist.families)
    rows = [(families, row) for row in dist.log_probability]
    verdicts = {}
    for label, shapes in (("without", None), ("with", scorer.family_shapes)):
        hosts = HostAggregator(HostSettings(min_names=8), shapes=shapes)
        for i, (name, d) in enumerate(zip(names, rows, strict=True)):
            verdict = hosts.observe("10.9.0.8", 1000.0 + i, name, 0.99, "qsnatch", d)
        verdicts[label] = verdict
    assert verdicts["without"].family == "QSnatch"
    assert verdicts["with"].family == "unknown"
    assert "0% of the names fit QSnatch's known shapes" in verdicts["with"].evidence
