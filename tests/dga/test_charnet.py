"""The scorer's band stage (dnsguard.dga.charnet): shipped, on by default, calibrated, confined to its band.

The batched numpy forward pass is checked against the GRU equations name by
name in tests/test_dga_exact_scores.py; here: the file, the calibration
contract (0.1 % of benign calibration-like labels over the threshold), the
fingerprint that keeps a stage off other linear models, and bad files.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from dnsguard.config import AnalysisSettings, band_stage, default_config
from dnsguard.dga import charnet as CN
from dnsguard.dga import cli as dga_cli
from dnsguard.dga import features as F
from dnsguard.dga import model as M
from dnsguard.dga import train as T
from dnsguard.dga.allowlist import build
from dnsguard.dga.scoring import BAND_REASON, Scorer
from dnsguard.service.scoring import default_scorer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stage() -> CN.BandStage:
    loaded = CN.load()
    assert loaded is not None, "the package ships data/dga-charnet.npz"
    return loaded


@pytest.fixture(scope="module")
def linear() -> M.Model:
    return M.load()


def random_labels(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(CN.ALPHABET) for _ in range(rng.randint(1, 63))) for _ in range(n)]


def test_shipped_stage_fits_the_shipped_model_and_is_on_by_default(stage, linear):
    assert stage.fits(linear)
    assert Scorer().band is not None
    assert Scorer(band=False).band is None
    # the combination picked on the calibration half (bench/dga_unseen_ensembles.py)
    assert (stage.net_weight, stage.suffix_beta) == (CN.NET_WEIGHT, CN.SUFFIX_BETA) == (0.5, 2.0)
    assert stage.low < 0.0 < stage.high  # the threshold (logit 0) lies inside the band
    assert stage.weights.units == 16


def test_batched_forward_pass_does_not_depend_on_batch_or_order(stage):
    labels = random_labels(CN.CHUNK * 2 + 37, 5)  # more than one chunk, every length
    whole = CN.net_logits(stage.weights, labels)
    parts = np.concatenate([CN.net_logits(stage.weights, labels[i : i + 300]) for i in range(0, len(labels), 300)])
    reversed_ = CN.net_logits(stage.weights, labels[::-1])[::-1]
    assert np.abs(whole - parts).max() < 1e-5 and np.abs(whole - reversed_).max() < 1e-5
    assert np.isfinite(whole).all() and whole.std() > 0.1  # not a constant network


def test_names_outside_the_band_keep_their_linear_logit(stage, linear):
    labels = random_labels(3000, 6) + (ROOT / "data/benign/top-registered-domains.txt").read_text().split()[:3000]
    labels = [lab.split(".")[0] for lab in labels]
    enc = F.encode(labels)
    suffixes = [("com", "net", "ru", "info")[i % 4] for i in range(len(labels))]
    z = linear.logits(enc, suffixes=suffixes)
    after = stage.rescore(enc, z, lambda rows: linear.suffix_weights([suffixes[i] for i in rows.tolist()], rows.size))
    band = (z > stage.low) & (z <= stage.high)
    assert band.sum() > 100 and (~band).sum() > 100
    assert np.array_equal(after[~band], z[~band])
    assert (after[band] >= stage.low).all() and (after[band] <= stage.high).all()
    assert (after[band] <= np.maximum(z[band], 0.0)).all()  # never surer than the linear model
    both = band & (after >= 0) & (z >= 0)
    assert both.any() and np.array_equal(after[both], z[both])  # names both flag keep their score
    newly = (after >= 0) & (z < 0)
    assert newly.any() and (after[newly] == 0.0).all()  # names it flags get the threshold score
    assert ((after < 0) & (z >= 0)).any()  # and it clears some
    below = band & (after < 0)
    assert (after[below] != z[below]).mean() > 0.9  # under the threshold it re-places the names


@pytest.fixture(scope="module")
def calibration() -> tuple[list[str], list[str]]:
    """The names the shipped threshold was placed on (half of the recent popular names)."""
    return T.recent_calibration(ROOT, T.load_corpus(ROOT, use_generators=False))  # benign rows only


def test_calibration_keeps_the_benign_budget(stage, linear, calibration):
    """Calibrated again on the shipped calibration names (benign, never trained on by either
    model), the stage is the shipped one and flags 0.1 % of them: the names above the band and
    the band's names whose combined score passes the cut."""
    labels, suffixes = calibration
    calibrated = CN.calibrate(stage.weights, linear, labels, suffixes,
                              net_weight=stage.net_weight, suffix_beta=stage.suffix_beta)
    for key in ("low", "high", "linear_mean", "linear_sd", "net_mean", "net_sd", "cut"):
        assert getattr(calibrated, key) == pytest.approx(getattr(stage, key), rel=1e-6, abs=1e-6), key
    enc = F.encode(labels)
    z = linear.logits(enc, suffixes=suffixes)
    flagged = calibrated.rescore(
        enc, z, lambda rows: linear.suffix_weights([suffixes[i] for i in rows.tolist()], rows.size)) >= 0
    budget = int(CN.TARGET_FPR * len(labels))
    # at most the budget; a domain's host names share one label and suffix, so a tie at the
    # cut keeps all of its rows under it
    assert budget - 3 <= flagged.sum() <= budget
    assert abs(int((z >= 0).sum()) - int(flagged.sum())) <= 3  # the linear model's own budget: same size


def test_a_weighted_stage_with_the_suffix_weight_keeps_the_budget(stage, linear, calibration):
    """The combination with a network weight and the linear suffix weight added to the network
    (bench/dga_unseen_ensembles.py) is calibrated to the same budget, and it depends on the suffix:
    the same labels under another suffix are decided differently."""
    labels, suffixes = calibration
    weighted = CN.calibrate(stage.weights, linear, labels, suffixes, net_weight=0.75, suffix_beta=1.0)
    assert (weighted.net_weight, weighted.suffix_beta) == (0.75, 1.0)
    enc = F.encode(labels)
    z = linear.logits(enc, suffixes=suffixes)

    def suffix_weights_of(sfx):
        return lambda rows: linear.suffix_weights([sfx[i] for i in rows.tolist()], rows.size)
    flagged = weighted.rescore(enc, z, suffix_weights_of(suffixes)) >= 0
    budget = int(CN.TARGET_FPR * len(labels))
    assert budget - 3 <= flagged.sum() <= budget
    plain = CN.calibrate(stage.weights, linear, labels, suffixes).rescore(enc, z) >= 0  # equal weights
    assert (flagged != plain).sum() >= 2  # another combination, other names at the cut
    band = (z > weighted.low) & (z <= weighted.high)
    other = weighted.rescore(enc, z, suffix_weights_of(["ru"] * len(labels)))
    assert not np.array_equal(other[band], weighted.rescore(enc, z, suffix_weights_of(suffixes))[band])
    with pytest.raises(ValueError, match="pass suffix_weights"):
        weighted.rescore(enc, z)
    with pytest.raises(ValueError, match="suffix"):  # the labels' suffixes are needed
        CN.calibrate(stage.weights, linear, labels, None, suffix_beta=1.0)
    with pytest.raises(ValueError, match="positive"):
        CN.calibrate(stage.weights, linear, labels, suffixes, net_weight=0.0)


def test_calibration_on_other_names_is_refused(stage, linear):
    """On names the linear model was not calibrated on, its threshold can fall outside the band
    (here random labels, most of which it flags)."""
    labels = [lab for lab in random_labels(20000, 3) if lab.isalnum()]
    with pytest.raises(ValueError, match="outside the band"):
        CN.calibrate(stage.weights, linear, labels, ["com"] * len(labels))


def test_another_linear_model_goes_without_the_stage(stage, linear):
    other = dataclasses.replace(linear, bias=linear.bias + 0.25)
    assert not stage.fits(other)
    assert Scorer(other, allowlist=build([])).band is None
    with pytest.raises(ValueError, match="another linear model"):
        Scorer(other, allowlist=build([]), band=stage)
    assert Scorer(linear, allowlist=build([]), band=False).band is None


def test_band_stage_changes_scores_only_inside_the_band(stage, linear):
    names = [f"{lab}.com" for lab in random_labels(4000, 8) if "_" not in lab and not lab.startswith("-")
             and not lab.endswith("-")]
    with_band = Scorer(linear, allowlist=build([]), band=True).score_arrays(names).score
    without = Scorer(linear, allowlist=build([]), band=False).score_arrays(names).score
    lo, hi = M.sigmoid(np.array([stage.low, stage.high]))
    outside = (without <= lo) | (without > hi)
    assert np.array_equal(with_band[outside], without[outside])
    assert (with_band[~outside] != without[~outside]).any()


def test_save_and_load_round_trip(stage, tmp_path):
    path = tmp_path / "stage.npz"
    stage.save(path)
    again = CN.load(path)
    scalars = ("low", "high", "linear_mean", "linear_sd", "net_mean", "net_sd", "cut", "linear_fingerprint")
    assert [getattr(again, k) for k in scalars] == [getattr(stage, k) for k in scalars]
    assert (again.net_weight, again.suffix_beta) == (stage.net_weight, stage.suffix_beta)
    assert again.weights.raw.keys() == stage.weights.raw.keys()
    assert all(np.array_equal(again.weights.raw[k], stage.weights.raw[k]) for k in stage.weights.raw)
    assert not list(tmp_path.glob("*.tmp*"))


@pytest.mark.parametrize(
    ("change", "message"),
    [({"format_version": np.int64(99)}, "format 99"), ({"alphabet": np.array("abc")}, "another alphabet"),
     ({"combine": np.array([0.0, 1.0])}, "bad band stage weights"),
     ({"combine": np.array([np.nan, 0.0])}, "bad band stage weights")],
)
def test_bad_files_are_refused(stage, tmp_path, change, message):
    path = tmp_path / "stage.npz"
    stage.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    np.savez(path, **{**arrays, **change})
    with pytest.raises(ValueError, match=message):
        CN.load(path)


def test_a_file_from_before_the_weights_reads_as_equal_weights(stage, tmp_path):
    """Stage files written before 2026-12-06 have no ``combine`` array: the sum they were
    calibrated for had equal weights and no suffix weight."""
    path = tmp_path / "stage.npz"
    stage.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files if k != "combine"}
    np.savez(path, **arrays)
    old = CN.load(path)
    assert (old.net_weight, old.suffix_beta) == (1.0, 0.0)


# -- turning it off ------------------------------------------------------------------------


def names_the_stage_changes(stage, linear) -> list[str]:
    """Random .com names, some of which the stage scores differently."""
    names = [f"{lab}.com" for lab in random_labels(3000, 9) if lab.isalnum()]
    on = Scorer(linear, allowlist=build([])).score_arrays(names).score
    off = Scorer(linear, allowlist=build([]), band=False).score_arrays(names).score
    changed = [n for n, a, b in zip(names, on, off, strict=True) if a != b]
    assert len(changed) >= 5
    return changed[:5] + names[:20]


def score_cli(argv: list[str], config: dict) -> list[float]:
    parser = argparse.ArgumentParser()
    dga_cli.register(parser.add_subparsers())
    out = io.StringIO()
    assert dga_cli.run(parser.parse_args(["score", "--json", *argv]), config, out=out) == 0
    return [json.loads(line)["score"] for line in out.getvalue().splitlines()]


def test_score_cli_option_and_configuration_turn_it_on_and_off(stage, linear):
    names = names_the_stage_changes(stage, linear)
    shipped = Scorer()
    on = [round(v.score, 6) for v in shipped.score_batch(names)]
    off = [round(v.score, 6) for v in Scorer(shipped.model, allowlist=shipped.allowlist, band=False).score_batch(names)]
    assert on != off
    assert score_cli(names, {}) == on
    assert score_cli(["--no-band", *names], {}) == off
    assert score_cli(names, {"analysis": {"dga_band_stage": False}}) == off
    assert score_cli(["--band", *names], {"analysis": {"dga_band_stage": False}}) == on
    assert score_cli(names, {"analysis": {"dga_band_stage": True}}) == on


def test_analyze_and_serve_read_the_configuration(tmp_path):
    config = default_config()
    assert AnalysisSettings.from_config(config).dga_band_stage is True
    assert default_scorer().band is not None
    assert band_stage({}) is True  # a configuration without the key: on
    config["analysis"]["dga_band_stage"] = False
    assert AnalysisSettings.from_config(config).dga_band_stage is False
    assert band_stage(config) is False and default_scorer(band=band_stage(config)).band is None
    config["analysis"]["dga_band_stage"] = "no"
    with pytest.raises(ValueError, match="true or false"):
        band_stage(config)
    bad = tmp_path / "bad.yaml"
    bad.write_text("analysis:\n  dga_band_stage: 1\n")
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "--config", str(bad), "score", "example.com"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "dga_band_stage must be true or false" in proc.stderr


def test_names_only_the_stage_flags_say_so(stage, linear):
    # several suffixes: the stage adds the linear suffix weight, and `.com`'s is low
    names = [f"{lab}.{('com', 'net', 'ru', 'info')[i % 4]}"
             for i, lab in enumerate(random_labels(4000, 8)) if lab.isalnum()]
    on = Scorer(linear, allowlist=build([])).score_batch(names)
    off = Scorer(linear, allowlist=build([]), band=False).score_batch(names)
    lifted = [(a, b) for a, b in zip(on, off, strict=True) if a.score >= 0.5 > b.score]
    assert lifted
    for a, _ in lifted:
        assert a.score == 0.5 and a.reasons[-1] == BAND_REASON
    assert not any(BAND_REASON in a.reasons for a, b in zip(on, off, strict=True) if b.score >= 0.5 or a.score < 0.5)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04truncated"])
def test_unreadable_files_are_a_clear_error(tmp_path, content):
    path = tmp_path / "stage.npz"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="unreadable band stage file|format None"):
        CN.load(path)


def test_a_file_without_the_calibration_is_refused(stage, tmp_path):
    path = tmp_path / "stage.npz"
    stage.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files if k != "knots"}
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="no knots"):
        CN.load(path)
    assert CN.load_weights(path).units == 16  # the network alone can still be calibrated again


def test_shipped_model_without_its_stage_is_logged(monkeypatch, caplog):
    monkeypatch.setattr(CN, "load", lambda path=None: None)
    with caplog.at_level("WARNING", logger="dnsguard.dga"):
        scorer = Scorer()
    assert scorer.band is None and "without its band stage" in caplog.text
