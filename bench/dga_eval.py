"""Leave-families-out evaluation of the DGA scorer; prints the tables in docs/dga-model.md.

Whole families (variants and same-algorithm families together) are held out
of training in each of K folds, so every DGA name is scored by a model that
never saw its family.  Negatives are benign registered domains that no model
trained on (a held-out slice of the benign list), plus realistic benign FQDNs
built from them and CDN/cloud host names.  Family attribution is measured
separately on a per-name split of the trained families.

Usage: .venv/bin/python bench/dga_eval.py [--folds 5] [--seed 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from dnsguard.dga import features as F
from dnsguard.dga import train as T
from dnsguard.dga.allowlist import build, read_entries
from dnsguard.dga.scoring import Scorer

ROOT = Path(__file__).resolve().parents[1]
CDN_FILE = ROOT / "python" / "dnsguard" / "data" / "allowlist-cdn-suffixes.txt"

SUBDOMAINS = (
    "", "www", "www", "mail", "m", "api", "cdn", "static", "img", "login", "smtp", "mx1",
    "ns1", "ns2", "autodiscover", "webmail", "shop", "blog", "dev", "vpn", "app", "remote",
    "_dmarc", "selector1._domainkey", "google._domainkey", "s1._domainkey", "k1._domainkey",
    "_sip._tls", "_xmpp-client._tcp", "images.cdn", "www.en", "portal.corp", "ftp",
)


def tpr_at(neg: np.ndarray, pos: np.ndarray, fpr: float) -> tuple[float, float]:
    """TPR at the score cut that lets ``fpr`` of negatives through, and that cut."""
    cut = float(np.quantile(neg, 1.0 - fpr))
    return float((pos > cut).mean()), cut


def auc(neg: np.ndarray, pos: np.ndarray) -> float:
    """Mann-Whitney AUC with ties counted half."""
    both = np.concatenate((neg, pos))
    order = np.argsort(both, kind="mergesort")
    ranks = np.empty(both.shape[0], dtype=np.float64)
    sorted_vals = both[order]
    uniq, first, counts = np.unique(sorted_vals, return_index=True, return_counts=True)
    avg = first + (counts - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, counts)
    rpos = ranks[neg.shape[0] :].sum()
    n1, n0 = pos.shape[0], neg.shape[0]
    return float((rpos - n1 * (n1 + 1) / 2) / (n1 * n0))


def rand_str(rng: np.random.Generator, alphabet: str, k: int) -> str:
    return "".join(alphabet[i] for i in rng.integers(0, len(alphabet), k))


def cdn_hosts(rng: np.random.Generator, n: int) -> list[str]:
    """Machine-made but benign host names of CDNs, clouds and reverse DNS."""
    lower, alnum, hexd = "abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz0123456789", "0123456789abcdef"
    makers = [
        lambda: f"e{rng.integers(1, 99999)}.{rng.choice(['a', 'b', 'd', 'dscb', 'dsce', 'x'])}.akamaiedge.net",
        lambda: f"a{rng.integers(1, 2000)}.dscg{rng.integers(1, 10)}.akamai.net",
        lambda: f"d{rand_str(rng, alnum, 13)}.cloudfront.net",
        lambda: f"rr{rng.integers(1, 9)}---sn-{rand_str(rng, alnum, 8)}.googlevideo.com",
        lambda: f"r{rng.integers(1, 9)}---sn-{rand_str(rng, alnum, 4)}-{rand_str(rng, alnum, 4)}.googlevideo.com",
        lambda: "s3.dualstack.us-east-1.amazonaws.com",
        lambda: "ec2-{}-{}-{}-{}.compute-1.amazonaws.com".format(*rng.integers(1, 255, 4)),
        lambda: f"{rand_str(rng, lower, 10)}-{rand_str(rng, hexd, 12)}.s3.amazonaws.com",
        lambda: f"{rand_str(rng, alnum, 12)}.azureedge.net",
        lambda: f"{rand_str(rng, lower, 6)}.map.fastly.net",
        lambda: f"e{rng.integers(1, 9999)}.{rand_str(rng, lower, 4)}.edgekey.net",
        lambda: "{}.{}.{}.{}.in-addr.arpa".format(*rng.integers(0, 255, 4)),
        lambda: ".".join(rand_str(rng, hexd, 1) for _ in range(32)) + ".ip6.arpa",
        lambda: f"{rand_str(rng, hexd, 16)}.cdn.cloudflare.net",
    ]
    return [makers[int(rng.integers(0, len(makers)))]() for _ in range(n)]


def benign_fqdns(registered: list[str], rng: np.random.Generator) -> list[str]:
    out = []
    for reg in registered:
        sub = SUBDOMAINS[int(rng.integers(0, len(SUBDOMAINS)))]
        out.append(f"{sub}.{reg}" if sub else reg)
    return out


def folds_of(families: list[str], k: int, seed: int) -> list[list[str]]:
    groups = sorted({T.fold_group(f) for f in families})
    rng = np.random.default_rng(seed)
    rng.shuffle(groups)
    return [sorted(groups[i::k]) for i in range(k)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip-attribution", action="store_true")
    ap.add_argument("--only-attribution", action="store_true")
    args = ap.parse_args()
    t0 = time.perf_counter()
    corpus = T.load_corpus(ROOT, use_generators=False)
    is_dga = corpus.is_dga
    rng = np.random.default_rng(args.seed)
    benign_idx = np.flatnonzero(~is_dga)
    rng.shuffle(benign_idx)
    n_test = len(benign_idx) // 5
    n_cal = len(benign_idx) // 10
    test_b, cal_b, train_b = benign_idx[:n_test], benign_idx[n_test : n_test + n_cal], benign_idx[n_test + n_cal :]
    test_labels = [corpus.labels[i] for i in test_b]
    cal_labels = [corpus.labels[i] for i in cal_b]
    test_registered = [f"{corpus.labels[i]}.{corpus.suffixes[i]}" for i in test_b]
    fq_rng = np.random.default_rng(args.seed + 100)
    fqdn_benign = benign_fqdns(test_registered[:20000], fq_rng)
    fqdn_cdn = cdn_hosts(fq_rng, 5000)
    cdn_allow = build(read_entries(CDN_FILE))

    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    if args.only_attribution:
        attribution(corpus, train_b, cal_labels, test_labels, args.seed)
        return 0
    print(f"# leave-families-out, {args.folds} folds; {len(families)} families "
          f"({int(is_dga.sum())} DGA names), benign train {len(train_b)}, calibration {len(cal_b)}, "
          f"test {len(test_b)} registered + {len(fqdn_benign)} FQDNs + {len(fqdn_cdn)} CDN hosts")
    pos_scores: dict[str, np.ndarray] = {}
    neg_scores: list[np.ndarray] = []
    base_pos: dict[str, np.ndarray] = {}
    fq_model, fq_scorer, cdn_model, cdn_scorer = [], [], [], []
    for k, held in enumerate(folds):
        held_set = set(held)
        train_mask = np.zeros(len(corpus), dtype=bool)
        train_mask[train_b] = True
        for i, fam in enumerate(corpus.family):
            if fam and T.fold_group(fam) not in held_set:
                train_mask[i] = True
        model = T.fit(corpus.subset(train_mask), cal_labels, seed=7 + k, attribute=False)
        neg_scores.append(model.scores(F.encode(test_labels)))
        for fam in families:
            if T.fold_group(fam) in held_set:
                labels = [corpus.labels[i] for i, f in enumerate(corpus.family) if f == fam]
                enc = F.encode(labels)
                pos_scores[fam] = model.scores(enc)
                base_pos[fam] = F.lexical_stats(enc).entropy
        scorer = Scorer(model, allowlist=cdn_allow)
        for names, raw_out, full_out in ((fqdn_benign, fq_model, fq_scorer), (fqdn_cdn, cdn_model, cdn_scorer)):
            res = scorer.score_arrays(names)
            full_out.append(res.score)
            raw = Scorer(model, allowlist=build([])).score_arrays(names)
            raw_out.append(raw.score)
        print(f"fold {k}: held out {', '.join(held)} ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)

    neg = np.concatenate(neg_scores)
    pos = np.concatenate([pos_scores[f] for f in families])
    thr = 0.5
    print()
    print("## Detection of held-out families (pooled over folds)")
    print()
    print("| model | AUC | TPR @1% FPR | TPR @0.1% FPR | TPR @0.01% FPR | TPR @ score>=0.5 | FPR @ score>=0.5 |")
    print("|---|---|---|---|---|---|---|")
    row = [f"{auc(neg, pos):.4f}"] + [f"{tpr_at(neg, pos, r)[0]:.3f}" for r in (0.01, 0.001, 0.0001)]
    print(f"| n-gram logistic (this) | {' | '.join(row)} | {(pos >= thr).mean():.3f} | {(neg >= thr).mean():.4f} |")
    # baseline: entropy of the label alone (the classic heuristic)
    bneg = np.concatenate([F.lexical_stats(F.encode(test_labels)).entropy] * len(folds))
    bpos = np.concatenate([base_pos[f] for f in families])
    brow = [f"{auc(bneg, bpos):.4f}"] + [f"{tpr_at(bneg, bpos, r)[0]:.3f}" for r in (0.01, 0.001, 0.0001)]
    print(f"| baseline: label entropy | {' | '.join(brow)} | - | - |")
    print()
    print("## False positives on benign names never trained on (score >= 0.5)")
    print()
    print("| set | names | model only | scorer with CDN suffix allowlist |")
    print("|---|---|---|---|")
    print(f"| held-out registered domains | {len(test_labels)} | {(neg >= thr).mean():.4%} | - |")
    fm, fs = np.concatenate(fq_model), np.concatenate(fq_scorer)
    cm, cs = np.concatenate(cdn_model), np.concatenate(cdn_scorer)
    print(f"| FQDNs on held-out domains | {len(fqdn_benign)} | {(fm >= thr).mean():.4%} | {(fs >= thr).mean():.4%} |")
    print(f"| CDN/cloud/reverse-DNS hosts | {len(fqdn_cdn)} | {(cm >= thr).mean():.4%} | {(cs >= thr).mean():.4%} |")
    print()
    print("## Per-family recall when held out (score >= 0.5)")
    print()
    print("| family | fold | names | recall | median score |")
    print("|---|---|---|---|---|")
    fold_of = {g: k for k, fold in enumerate(folds) for g in fold}
    for fam in sorted(families, key=lambda f: (pos_scores[f] >= thr).mean()):
        s = pos_scores[fam]
        print(f"| {fam} | {fold_of[T.fold_group(fam)]} | {len(s)} | {(s >= thr).mean():.3f} | {np.median(s):.3f} |")

    if not args.skip_attribution:
        attribution(corpus, train_b, cal_labels, test_labels, args.seed)
    print(f"\n(evaluation took {time.perf_counter() - t0:.0f}s)")
    return 0


def attribution(corpus: T.Corpus, train_b: np.ndarray, cal_labels: list[str], test_labels: list[str], seed: int) -> None:
    """Per-name 80/20 split of trained families: detection of seen families and top-1 family."""
    rng = np.random.default_rng(seed + 1)
    train_mask = np.zeros(len(corpus), dtype=bool)
    train_mask[train_b] = True
    test_rows = []
    for i, fam in enumerate(corpus.family):
        if fam:
            if rng.random() < 0.8:
                train_mask[i] = True
            else:
                test_rows.append(i)
    model = T.fit(corpus.subset(train_mask), cal_labels, seed=seed)
    labels = [corpus.labels[i] for i in test_rows]
    truth = [corpus.family[i] for i in test_rows]
    enc = F.encode(labels)
    s = model.scores(enc)
    neg = model.scores(F.encode(test_labels))
    probs = model.family_probabilities(model.family_tokens(enc), [corpus.suffixes[i] for i in test_rows], enc.lengths)
    best = probs.argmax(axis=1)
    top = probs.max(axis=1)
    pred = [model.families[b] for b in best]
    ok = np.array([p == t for p, t in zip(pred, truth, strict=True)])
    sure = top >= model.family_min_probability
    print()
    print("## Seen families (per-name 80/20 split): detection and attribution")
    print()
    print(f"detection: AUC {auc(neg, s):.4f}, TPR @0.1% FPR {tpr_at(neg, s, 0.001)[0]:.3f}, "
          f"TPR @ score>=0.5 {(s >= 0.5).mean():.3f}")
    print(f"attribution top-1 accuracy {ok.mean():.3f} over {len(ok)} names; "
          f"named (p>={model.family_min_probability}) {sure.mean():.3f} of names, "
          f"accuracy when named {ok[sure].mean():.3f}")
    print()
    print("| family | test names | detected | top-1 accuracy | most confused with |")
    print("|---|---|---|---|---|")
    by = defaultdict(list)
    for j, t in enumerate(truth):
        by[t].append(j)
    for fam in sorted(by, key=lambda f: ok[by[f]].mean()):
        rows = by[fam]
        wrong = [pred[j] for j in rows if pred[j] != fam]
        common = max(set(wrong), key=wrong.count) if wrong else "-"
        print(f"| {fam} | {len(rows)} | {(s[rows] >= 0.5).mean():.3f} | {ok[rows].mean():.3f} | {common} |")


if __name__ == "__main__":
    raise SystemExit(main())
