"""The scorer's fast paths give the reference implementation's outputs, bit for bit.

The reference below is a frozen copy of the scoring pipeline as it was before
the speed work of issue 19 (2026-12-04): one ``dnsguard.names.normalize`` call
and one allowlist walk per name, the detector's n-gram sums per position then
``np.add.reduceat`` over each label, and the attributor's sparse tokens
sorted by label, one weight row gathered per token and summed with
``np.add.reduceat(axis=0)``.  It only shares with the package what defines
the model: the token hash functions (``features``), the weights and the
Public Suffix List.

The names: every ``data/dga`` file (40 names each, some under a sub-domain),
2,000 popular registered domains with realistic sub-domains, CDN host names,
long random labels and odd inputs (upper case, trailing dots, bytes,
invalid names, bare public suffixes), about 4,500 in all; scored with the
shipped allowlist and without one (so that popular names reach the model).
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from dnsguard import names as N
from dnsguard.dga import features as F
from dnsguard.dga import model as M
from dnsguard.dga.allowlist import build
from dnsguard.dga.scoring import BAND_REASON, UNKNOWN, Scorer, reason_masks, reason_words

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-9
BAND_TOLERANCE = 1e-5
"""For names the band stage re-scores: its network runs in float32 in the scorer and in
float64 here, name by name."""


def fixed_names() -> list[str | bytes]:
    rng = random.Random(20261204)
    out: list[str | bytes] = []
    for path in sorted((ROOT / "data/dga").glob("*.txt")):
        names = path.read_text().split()
        picked = names[:: max(1, len(names) // 40)][:40]
        out.extend(f"www.{n}" if k % 7 == 3 else n for k, n in enumerate(picked))
    benign = (ROOT / "data/benign/top-registered-domains.txt").read_text().split()
    subs = ["", "www", "mail", "api", "cdn", "_dmarc", "s1._domainkey", "img2.static", "prod-eu-1.api"]
    for name in benign[:: len(benign) // 2000][:2000]:
        sub = rng.choice(subs)
        out.append(f"{sub}.{name}" if sub else name)
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    for _ in range(300):
        rid = "".join(rng.choice(alnum) for _ in range(13))
        out.append(rng.choice((f"d{rid}.cloudfront.net", f"rr3---sn-{rid[:8]}.googlevideo.com")))
    for length in range(1, 64):
        for tld in ("com", "co.uk", "duckdns.org", "xyz"):
            out.append("".join(rng.choice(alnum + "-_") for _ in range(length)) + "." + tld)
    out += [
        "WWW.Example.COM.", "xjwqkdhfyeur.com.", "com", "co.uk", "", ".", "a..b.com", "-x-.com",
        "a" * 64 + ".com", "bücher.de", "xn--bcher-kva.de", b"fewkzxnfcywsdsoeusgnbpjh.info",
        b"\xff\xfe.com", "x1b9.duckdns.org", "www.x1b9.duckdns.org", "under_score.net", "a.b.c.d.e.f.g.com",
        "1234567890.com", "q.com", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.com",
    ]
    return out


# -- the reference implementation (frozen) ---------------------------------------------


def ref_grams(enc: F.Encoded, orders) -> tuple[list[np.ndarray], list[np.ndarray]]:
    codes = enc.codes.astype(np.uint32)
    is_end = enc.codes == F.END
    total = codes.shape[0]
    value = np.zeros(total, dtype=np.uint32)
    crossed = np.zeros(total, dtype=bool)
    hashes, valid = [], []
    pows = [np.uint32(F.BASE**k) for k in range(5)]
    salts = [np.uint32((0x85EBCA6B * (k + 1)) & 0xFFFFFFFF) for k in range(6)]
    for k in range(1, max(orders) + 1):
        width = total - k + 1
        if width <= 0:
            break
        value = value[:width] + codes[k - 1 :] * pows[k - 1]
        if k > 1:
            crossed = crossed[:width] | is_end[k - 2 : k - 2 + width]
        if k in orders:
            hashes.append((value + salts[k]) * np.uint32(0x9E3779B1))
            valid.append(~crossed)
    return hashes, valid


def ref_detector_scores(model: M.Model, labels: list[str], suffixes: list[str]) -> np.ndarray:
    enc = F.encode(labels)
    if enc.count == 0:
        return np.zeros(0)
    stats = F.lexical_stats(enc, entropy=False)
    hashes, valid = ref_grams(enc, model.orders)
    acc = np.zeros(enc.codes.shape[0], dtype=np.float32)
    shift = np.uint32(32 - model.bits)
    for h, v in zip(hashes, valid, strict=True):
        w = model.weights[h >> shift]
        w[~v] = 0.0
        acc[: w.shape[0]] += w
    grams = np.add.reduceat(acc, enc.starts).astype(np.float64)
    meta = np.zeros(enc.count, dtype=np.float64)
    for kind, b in enumerate(F.meta_buckets(stats)):
        h = np.asarray(b, dtype=np.uint32) * np.uint32(64) + np.uint32(kind + 1) + np.uint32(0x27D4EB2F)
        meta += model.weights[(h * np.uint32(0x9E3779B1)) >> shift]
    total = grams + meta
    if model.detector_suffix:  # one token for the public suffix (models from 2026-12-04 on)
        total = total + ref_suffix_weights(model, suffixes)
    return total * (enc.lengths.astype(np.float64) + 2.0) ** (-model.scale_power) + model.bias


def ref_suffix_weights(model: M.Model, suffixes: list[str]) -> np.ndarray:
    """The detector's weight of each name's public-suffix token, one hash at a time."""
    shift = np.uint32(32 - model.bits)
    return np.array([model.weights[int(F.string_hashes([suf], M.DETECTOR_SUFFIX_SALT)[0] >> shift)]
                     for suf in suffixes], dtype=np.float64)


def ref_gru_logit(raw: dict[str, np.ndarray], label: str) -> float:
    """The band stage's network for one label, straight from the GRU equations, in float64."""
    w = {k: v.astype(np.float64) for k, v in raw.items()}
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-_"
    codes = [len(alphabet) + 1] + [alphabet.index(c) + 1 if c in alphabet else len(alphabet) for c in label] \
        + [len(alphabet) + 2]
    sig = lambda x: 1.0 / (1.0 + np.exp(-x))  # noqa: E731
    finals = []
    for d, seq in (("forward", codes), ("backward", codes[::-1])):
        u = w[f"{d}_weight_hh"].shape[1]
        h = np.zeros(u)
        for c in seq:
            gi = w[f"{d}_weight_ih"] @ w["embedding"][c] + w[f"{d}_bias_ih"]
            gh = w[f"{d}_weight_hh"] @ h + w[f"{d}_bias_hh"]
            r, z = sig(gi[:u] + gh[:u]), sig(gi[u : 2 * u] + gh[u : 2 * u])
            n = np.tanh(gi[2 * u :] + r * gh[2 * u :])
            h = (1 - z) * n + z * h
        finals.append(h)
    hidden = np.maximum(w["dense_w"] @ np.concatenate(finals) + w["dense_b"], 0)
    return float(hidden @ w["out_w"] + w["out_b"][0])


def ref_band(stage, model: M.Model, labels: list[str], suffixes: list[str], z: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Logits after the band stage, and which labels it re-scored."""
    z = z.copy()
    band = (z > stage.low) & (z <= stage.high)
    for i in np.flatnonzero(band):
        net = ref_gru_logit(stage.weights.raw, labels[i])
        if stage.suffix_beta:  # the linear suffix weight, added to the network's logit (2026-12-06 on)
            net += stage.suffix_beta * float(ref_suffix_weights(model, [suffixes[i]])[0])
        combined = (z[i] - stage.linear_mean) / stage.linear_sd \
            + stage.net_weight * (net - stage.net_mean) / stage.net_sd
        mapped = float(np.interp(combined, stage.knots[0], stage.knots[1]))
        z[i] = mapped if mapped < 0 else max(z[i], 0.0)
    return z, band


def ref_family_logits(model: M.Model, labels: list[str], suffixes: list[str]) -> np.ndarray:
    enc = F.encode(labels)
    tokens = F.attribution_tokens(enc, F.lexical_stats(enc))
    extra_ids, extra_seg = M.family_context(enc.lengths, suffixes)
    ids = np.concatenate((tokens.ids, extra_ids))
    seg = np.concatenate((tokens.seg, extra_seg))
    order = np.argsort(seg, kind="stable")
    rows = model.family_weights[(ids[order] >> np.uint32(32 - model.family_bits)).astype(np.intp)]
    starts = np.searchsorted(seg[order], np.arange(enc.count))
    return np.add.reduceat(rows.astype(np.float32), starts, axis=0) + model.family_bias


def reference(scorer: Scorer, names: list[str | bytes], allow: list[str] | None = None):
    """(fqdn, registered, score, family, family_probability, reasons, re-scored by the band
    stage) per name, and the
    family log-probabilities, computed name by name where the scorer batches."""
    model = scorer.model
    extra = build(allow or [])
    rows = []
    for raw in names:
        r = N.normalize(raw)
        fqdn = r.raw if isinstance(r, N.Rejected) else r.fqdn
        hit = scorer.allowlist.match(fqdn) or (extra.match(fqdn) if allow else None)
        if isinstance(r, N.Rejected):
            rows.append([r.raw, "", "", "", hit, r.reason])
        else:
            rows.append([r.fqdn, r.registered, r.suffix, r.label, hit, ""])
    scored = [i for i, row in enumerate(rows) if row[1] and not row[4]]
    labels = [rows[i][3] for i in scored]
    suffixes = [rows[i][2] for i in scored]
    score = np.zeros(len(names))
    in_band = np.zeros(len(names), dtype=bool)
    lifted = set()
    z = ref_detector_scores(model, labels, suffixes) if scored else np.zeros(0)
    if scorer.band is not None and scored:
        linear = z
        z, in_band[scored] = ref_band(scorer.band, model, labels, suffixes, z)
        lifted = {scored[k] for k in np.flatnonzero((z >= 0) & (linear < 0))}
    score[scored] = 1.0 / (1.0 + np.exp(-np.clip(z, -60.0, 60.0)))
    logits = ref_family_logits(model, labels, suffixes) if scored else np.zeros((0, len(model.families)))
    z = logits.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    logp = np.full((len(names), len(model.families)), np.nan)
    logp[scored] = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    out = []
    flagged_rows = [k for k, i in enumerate(scored) if score[i] >= model.threshold]
    probs = {}
    if flagged_rows:
        zf = logits[flagged_rows].copy()
        zf -= zf.max(axis=1, keepdims=True)
        e = np.exp(zf)
        p = e / e.sum(axis=1, keepdims=True)
        stats = F.lexical_stats(F.encode([labels[k] for k in flagged_rows]))
        masks = reason_masks(stats).tolist()
        for k, row_p, m in zip(flagged_rows, p, masks, strict=True):
            probs[scored[k]] = (row_p, reason_words(m))
    for i, (fqdn, registered, _, _, hit, why) in enumerate(rows):
        family, fp, reasons = UNKNOWN, 0.0, ()
        if hit:
            reasons = ("allowlisted:" + hit,)
        if not registered:
            reasons = ("invalid:" + why,) if why else reasons if hit else ("public-suffix",)
        if i in probs:
            p, words = probs[i]
            b = int(p.argmax())
            if p[b] >= model.family_min_probability:
                family, fp, reasons = model.families[b], float(p[b]), words
            else:
                reasons = (*words, f"closest-family:{model.families[b]}:{p[b]:.2f}")
        if i in lifted:  # flagged by the band stage alone
            reasons = (*reasons, BAND_REASON)
        out.append((fqdn, registered, float(score[i]), family, fp, reasons, bool(in_band[i])))
    return out, logp


# -- the checks --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["shipped-allowlist", "no-allowlist", "linear-alone"])
def case(request):
    scorer = Scorer()  # band stage on by default (again since 2026-12-06)
    if request.param == "no-allowlist":
        scorer = Scorer(scorer.model, allowlist=build([]))
    elif request.param == "linear-alone":  # analysis.dga_band_stage: false
        scorer = Scorer(band=False)
    names = fixed_names()
    return scorer, names, reference(scorer, names)


def test_the_set_is_large_and_varied(case):
    scorer, names, (ref, _) = case
    assert len(names) >= 4000
    flagged = sum(1 for r in ref if r[2] >= scorer.threshold)
    named = sum(1 for r in ref if r[3] != UNKNOWN)
    assert flagged >= 1000 and named >= 500
    banded = [r for r in ref if r[6]]
    if scorer.band is None:  # the linear model alone
        assert not banded and not any(BAND_REASON in r[5] for r in ref)
        return
    # the band stage is exercised both ways
    assert len(banded) >= 200
    assert sum(r[2] >= scorer.threshold for r in banded) >= 20 and sum(r[2] < scorer.threshold for r in banded) >= 20
    assert any(BAND_REASON in r[5] for r in banded)


def score_gaps(got, ref) -> tuple[float, float]:
    """Largest score difference to the reference: outside the band stage, inside it."""
    outside = [abs(v.score - r[2]) for v, r in zip(got, ref, strict=True) if not r[6]]
    inside = [abs(v.score - r[2]) for v, r in zip(got, ref, strict=True) if r[6]]
    return max(outside), max(inside, default=0.0)


def test_fast_attributor_is_in_use():
    assert Scorer().model.family_tables() is not None


@pytest.mark.parametrize("batch", [1, 7, 1000, 100_000])
def test_scores_equal_the_reference(case, batch):
    scorer, names, (ref, _) = case
    got = [v for i in range(0, len(names), batch) for v in scorer.score_batch(names[i : i + batch])]
    assert len(got) == len(ref)
    for v, (fqdn, registered, _, family, _, reasons, _) in zip(got, ref, strict=True):
        assert (v.name, v.registered_domain, v.family, v.reasons) == (fqdn, registered, family, reasons)
    outside, inside = score_gaps(got, ref)
    assert outside <= TOLERANCE and inside <= BAND_TOLERANCE
    assert max(abs(v.family_probability - r[4]) for v, r in zip(got, ref, strict=True)) <= TOLERANCE


@pytest.mark.parametrize("batch", [1, 1000, 100_000])
def test_family_distribution_equals_the_reference(case, batch):
    scorer, names, (_, logp) = case
    parts = [scorer.family_distribution(names[i : i + batch]).log_probability for i in range(0, len(names), batch)]
    got = np.concatenate(parts)
    assert np.array_equal(np.isnan(got), np.isnan(logp))
    ok = ~np.isnan(logp)
    assert np.abs(got[ok] - logp[ok]).max() <= TOLERANCE


def test_per_call_allow_entries_equal_the_reference():
    scorer = Scorer()
    names = fixed_names()
    allow = ["bamital-like.org", "co.uk", "cloudfront.net", "www.x1b9.duckdns.org", "info"]
    ref, _ = reference(scorer, names, allow)
    got = scorer.score_batch(names, allow=allow)
    for v, (fqdn, registered, score, family, fp, reasons, banded) in zip(got, ref, strict=True):
        assert (v.name, v.registered_domain, v.family, v.reasons) == (fqdn, registered, family, reasons)
        assert abs(v.score - score) <= (BAND_TOLERANCE if banded else TOLERANCE)
        assert abs(v.family_probability - fp) <= TOLERANCE
    assert sum(1 for r in ref if r[5] and r[5][0].startswith("allowlisted:info")) > 50
