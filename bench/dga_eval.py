"""Leave-families-out evaluation of the DGA scorer; prints the tables in docs/dga-model.md.

Whole families (variants and same-algorithm families together) are held out
of training in each of K folds, so every DGA name is scored by a model that
never saw its family.  Negatives are benign registered domains that no model
trained on (a held-out slice of the benign list), plus realistic benign FQDNs
built from them and CDN/cloud host names.  Family attribution is measured
separately on a per-name split of the trained families, per name and per
group of k names of one family (what a host infected with one family queries).

Usage: .venv/bin/python bench/dga_eval.py [--folds 5] [--seed 3] [--only-attribution] [--heldout-folds 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
from dnsguard.dga import allowlist
from dnsguard.dga import features as F
from dnsguard.dga import train as T
from dnsguard.dga.allowlist import build, read_entries
from dnsguard.dga.model import Model
from dnsguard.dga.scoring import Scorer
from dnsguard.service.hosts import vote as service_vote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generative_reference import fit as fit_generative  # noqa: E402
from generative_reference import log_joint  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CDN_FILE = ROOT / "python" / "dnsguard" / "data" / allowlist.CDN_FILE

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


GROUP_SIZES = (1, 3, 5, 10)
LOG_FLOOR = 1e-300
"""Probabilities are floored here before the log, so a (float32) zero is a
strong vote against a family, not minus infinity."""


def family_groups(
    truth: Sequence[str], k: int, seed: int, keep: np.ndarray | None = None
) -> dict[str, list[np.ndarray]]:
    """Disjoint groups of ``k`` row indices per family, drawn with a fixed seed.

    Each family's rows (only those where ``keep`` is true, if given) are
    shuffled by a generator seeded with (seed, k, the family's rank among
    all families of ``truth``) and cut into consecutive groups of ``k``; the
    remainder is left out.  A family with fewer than ``k`` kept rows gets an
    empty list (reported as n/a).  Every family of ``truth`` is a key."""
    rows_of: dict[str, list[int]] = defaultdict(list)
    for i, fam in enumerate(truth):
        if keep is None or keep[i]:
            rows_of[fam].append(i)
    out: dict[str, list[np.ndarray]] = {}
    for rank, fam in enumerate(sorted(set(truth))):
        rows = np.asarray(rows_of.get(fam, []), dtype=np.int64)
        rng = np.random.default_rng((seed, k, rank))
        rows = rows[rng.permutation(rows.shape[0])]
        out[fam] = [rows[j : j + k] for j in range(0, rows.shape[0] - k + 1, k)]
    return out


def attribute_groups(probs: np.ndarray, groups: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Family column per group by (majority vote, summed log-probability).

    ``probs`` is [names, families] (per-name softmax rows).  Vote: the family
    that is top-1 for the most names of the group, ties broken by the larger
    probability summed over the group (then the lower column).  Log-sum:
    argmax over families of sum(log p) over the group's names, i.e. the
    naive-Bayes combination that treats the names as independent."""
    vote = np.empty(len(groups), dtype=np.int64)
    logsum = np.empty(len(groups), dtype=np.int64)
    n_fam = probs.shape[1]
    for g, rows in enumerate(groups):
        p = np.asarray(probs[rows], dtype=np.float64)
        counts = np.bincount(p.argmax(axis=1), minlength=n_fam)
        tied = counts == counts.max()
        mass = np.where(tied, p.sum(axis=0), -np.inf)
        vote[g] = int(mass.argmax())
        logsum[g] = int(np.log(np.maximum(p, LOG_FLOOR)).sum(axis=0).argmax())
    return vote, logsum


def service_rule(named: Sequence[str], groups: Sequence[np.ndarray], share: float = 0.5) -> list[str]:
    """Family per group as ``dnsguard serve`` decides it today: the per-name
    families (``unknown`` when p < 0.5) go to ``service.hosts.vote``."""
    return [service_vote([named[i] for i in rows], share)[0] for rows in groups]


def benign_split(corpus: T.Corpus, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Indices of the benign names for test (a fifth), calibration (a tenth)
    and training (the rest), drawn by ``seed``: every evaluation script of
    issue 19 draws exactly this split."""
    rng = np.random.default_rng(seed)
    benign_idx = np.flatnonzero(~corpus.is_dga)
    rng.shuffle(benign_idx)
    n_test, n_cal = len(benign_idx) // 5, len(benign_idx) // 10
    return benign_idx[:n_test], benign_idx[n_test : n_test + n_cal], benign_idx[n_test + n_cal :]


class LabelledSplit(NamedTuple):
    """``benign_split`` with the test and calibration names as label lists."""

    test: np.ndarray
    cal: np.ndarray
    train: np.ndarray
    test_labels: list[str]
    cal_labels: list[str]


def labelled_split(corpus: T.Corpus, seed: int) -> LabelledSplit:
    test_b, cal_b, train_b = benign_split(corpus, seed)
    return LabelledSplit(test_b, cal_b, train_b, [corpus.labels[i] for i in test_b],
                         [corpus.labels[i] for i in cal_b])


def load_split(seed: int) -> tuple[T.Corpus, LabelledSplit]:
    """The training corpus (no generators) and its benign split drawn by
    ``seed``: where every issue-19 evaluation script starts."""
    corpus = T.load_corpus(ROOT, use_generators=False)
    return corpus, labelled_split(corpus, seed)


def fold_train_mask(corpus: T.Corpus, train_b: np.ndarray, held: Sequence[str]) -> np.ndarray:
    """The rows a fold trains on: the benign training names and every DGA
    name whose family group is not held out."""
    held_set = set(held)
    mask = np.zeros(len(corpus), dtype=bool)
    mask[train_b] = True
    for i, fam in enumerate(corpus.family):
        if fam and T.fold_group(fam) not in held_set:
            mask[i] = True
    return mask


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip-attribution", action="store_true")
    ap.add_argument("--only-attribution", action="store_true")
    ap.add_argument("--heldout-folds", type=int, default=5,
                    help="leave-families-out folds retrained with the attributor for the host-family "
                         "abstain study (each is a full training run)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    corpus, (test_b, cal_b, train_b, test_labels, cal_labels) = load_split(args.seed)
    # the detector weighs the public suffix too (train.SUFFIX_TOKEN): labels travel with their suffixes
    cal = (cal_labels, [corpus.suffixes[i] for i in cal_b])
    test = (test_labels, [corpus.suffixes[i] for i in test_b])
    is_dga = corpus.is_dga
    test_registered = [f"{corpus.labels[i]}.{corpus.suffixes[i]}" for i in test_b]
    fq_rng = np.random.default_rng(args.seed + 100)
    fqdn_benign = benign_fqdns(test_registered[:20000], fq_rng)
    fqdn_cdn = cdn_hosts(fq_rng, 5000)
    cdn_allow = build(read_entries(CDN_FILE))

    families = sorted({f for f in corpus.family if f})
    folds = folds_of(families, args.folds, args.seed)
    if args.only_attribution:
        attribution(corpus, train_b, cal, test, args.seed, folds[: args.heldout_folds])
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
        train_mask = fold_train_mask(corpus, train_b, held)
        model = T.fit(corpus.subset(train_mask), cal[0], seed=7 + k, attribute=False, calibration_suffixes=cal[1])
        neg_scores.append(model.scores(F.encode(test[0]), None, test[1]))
        for fam in families:
            if T.fold_group(fam) in held_set:
                rows = [i for i, f in enumerate(corpus.family) if f == fam]
                enc = F.encode([corpus.labels[i] for i in rows])
                pos_scores[fam] = model.scores(enc, None, [corpus.suffixes[i] for i in rows])
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
        attribution(corpus, train_b, cal, test, args.seed, folds[: args.heldout_folds])
    print(f"\n(evaluation took {time.perf_counter() - t0:.0f}s)")
    return 0


def attribution(
    corpus: T.Corpus,
    train_b: np.ndarray,
    cal: tuple[list[str], list[str]],
    test: tuple[list[str], list[str]],
    seed: int,
    heldout: Sequence[Sequence[str]] = (),
) -> None:
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
    model = T.fit(corpus.subset(train_mask), cal[0], seed=seed, calibration_suffixes=cal[1])
    labels = [corpus.labels[i] for i in test_rows]
    truth = [corpus.family[i] for i in test_rows]
    enc = F.encode(labels)
    s = model.scores(enc, None, [corpus.suffixes[i] for i in test_rows])
    neg = model.scores(F.encode(test[0]), None, test[1])
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
        common = max(sorted(set(wrong)), key=wrong.count) if wrong else "-"  # ties: first by name
        print(f"| {fam} | {len(rows)} | {(s[rows] >= 0.5).mean():.3f} | {ok[rows].mean():.3f} | {common} |")
    generative_comparison(corpus, train_mask, test_rows, truth, probs, model.families, by)
    named = [p if sure[j] else "unknown" for j, p in enumerate(pred)]
    host_level(probs, truth, s >= model.threshold, named, model.families, ok, seed)
    trained = {(corpus.labels[i], corpus.suffixes[i]) for i in np.flatnonzero(train_mask)}
    one_host = generator_hosts(model, trained, seed)
    logp = model.family_log_probabilities(model.family_tokens(enc), [corpus.suffixes[i] for i in test_rows], enc.lengths)
    column = {f: c for c, f in enumerate(model.families)}
    seen = StudySet(logp, np.array([column[t] for t in truth]), s >= model.threshold, named, model.families, truth,
                    pairs=tuple((corpus.labels[i], corpus.suffixes[i]) for i in test_rows))
    unseen = [heldout_fold(corpus, train_b, cal, held, seed, k) for k, held in enumerate(heldout)]
    abstain_study(seen, one_host, unseen, seed)


def generative_comparison(
    corpus: T.Corpus,
    train_mask: np.ndarray,
    test_rows: list[int],
    truth: list[str],
    probs: np.ndarray,
    families: Sequence[str],
    by: dict[str, list[int]],
) -> None:
    """Per-name top-1 of the shipped attributor against the generative reference
    (bench/generative_reference.py), same split: how much of the confusion is in the data."""
    rows = [i for i in np.flatnonzero(train_mask) if corpus.family[i]]
    labels = [corpus.labels[i] for i in rows]
    sufs = [corpus.suffixes[i] for i in rows]
    fams = [corpus.family[i] for i in rows]
    test_labels = [corpus.labels[i] for i in test_rows]
    test_sufs = [corpus.suffixes[i] for i in test_rows]
    order = sorted(set(fams))  # the generative model's column order
    softmax = np.log(np.maximum(probs[:, [list(families).index(f) for f in order]], 1e-300))
    want = np.array([order.index(t) for t in truth])
    results = {"shipped softmax": softmax}
    for markov in (False, True):
        ref = log_joint(fit_generative(labels, sufs, fams, markov=markov), test_labels, test_sufs)
        results["generative, characters " + ("Markov (bigram)" if markov else "unigram")] = ref
        if markov:
            ref = ref - ref.max(1, keepdims=True)
            ref = ref - np.log(np.exp(ref).sum(1, keepdims=True))
            results["shipped softmax x generative Markov (product, weight 0.5)"] = softmax + 0.5 * ref
    right = {k: v.argmax(1) == want for k, v in results.items()}
    print()
    print("Reference (not shipped): a generative attributor, P(family) x P(length, suffix | family) x "
          "per-character probabilities, which is Bayes-optimal among families that draw letters "
          "uniformly at random; same split, same test names.")
    print()
    print("| attributor | top-1 |")
    print("|---|---|")
    for k, ok in right.items():
        print(f"| {k} | {ok.mean():.3f} |")
    print()
    keys = list(right)
    print("| family | test names | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for fam in sorted(by, key=lambda f: right[keys[0]][by[f]].mean())[:12]:
        print(f"| {fam} | {len(by[fam])} | " + " | ".join(f"{right[k][by[fam]].mean():.3f}" for k in keys) + " |")


def host_level(
    probs: np.ndarray,
    truth: list[str],
    flagged: np.ndarray,
    named: list[str],
    families: Sequence[str],
    ok: np.ndarray,
    seed: int,
) -> None:
    """Attribution of groups of k test names of one family (one infected host)."""
    column = {f: c for c, f in enumerate(families)}
    variants = (("all test names", None), ("flagged only (score >= 0.5)", flagged))
    print()
    print("#### Per host: disjoint groups of k test names of one family (seen-family split)")
    print()
    print("Same split and attributor as above.  vote: majority of the per-name top-1 (ties: larger summed")
    print("probability); log-sum: argmax of the summed log-probabilities; service rule: service.hosts.vote")
    print("over the names' reported families (unknown below p 0.5, winner needs half the named votes),")
    print("right only when it names the true family (its other outcome besides a wrong family is unknown;")
    print("vote and log-sum always name one).  Cells: overall (mean over groups) / macro (mean over the")
    print("families that have at least one group).")
    print()
    print("| names | method | " + " | ".join(f"k={k}" for k in GROUP_SIZES) + " |")
    print("|---|---|" + "---|" * len(GROUP_SIZES))
    per_family: dict[tuple[str, str], tuple[int, float]] = {}
    for title, keep in variants:
        methods = ("vote", "log-sum", "service rule", "service rule: wrong family named")
        cells: dict[str, list[str]] = {m: [] for m in (*methods, "groups (families)")}
        for k in GROUP_SIZES:
            hits: dict[str, dict[str, np.ndarray]] = {m: {} for m in methods}
            for fam, gs in family_groups(truth, k, seed + 2, keep).items():
                if not gs:
                    continue
                vote, logsum = attribute_groups(probs, gs)
                hits["vote"][fam] = vote == column[fam]
                hits["log-sum"][fam] = logsum == column[fam]
                rule = service_rule(named, gs)
                hits["service rule"][fam] = np.array([f == fam for f in rule])
                hits["service rule: wrong family named"][fam] = np.array([f not in (fam, "unknown") for f in rule])
                if k == 5:
                    per_family[(title, fam)] = (len(gs), float(hits["log-sum"][fam].mean()))
            for m, by_fam in hits.items():
                overall = float(np.concatenate(list(by_fam.values())).mean())
                macro = float(np.mean([h.mean() for h in by_fam.values()]))
                cells[m].append(f"{overall:.3f} / {macro:.3f}")
            by_fam = hits["log-sum"]
            cells["groups (families)"].append(f"{sum(len(h) for h in by_fam.values())} ({len(by_fam)})")
        for m, row in cells.items():
            print(f"| {title} | {m} | " + " | ".join(row) + " |")
    print()
    print("Per family, k = 5, log-sum (n/a: fewer than 5 names):")
    print()
    print("| family | test names | per-name top-1 | groups | top-1 | flagged names | groups (flagged) | top-1 (flagged) |")
    print("|---|---|---|---|---|---|---|---|")
    rows_of: dict[str, list[int]] = defaultdict(list)
    for j, t in enumerate(truth):
        rows_of[t].append(j)

    def cell(title: str, fam: str) -> tuple[str, str]:
        n, acc = per_family.get((title, fam), (0, 0.0))
        return (str(n), f"{acc:.3f}") if n else ("0", "n/a")

    def order(fam: str) -> tuple[float, str]:
        return per_family.get((variants[0][0], fam), (0, 2.0))[1], fam

    for fam in sorted(rows_of, key=order):
        rows = rows_of[fam]
        ga, aa = cell(variants[0][0], fam)
        gf, af = cell(variants[1][0], fam)
        print(f"| {fam} | {len(rows)} | {ok[rows].mean():.3f} | {ga} | {aa} | {int(flagged[rows].sum())} | {gf} | {af} |")


def generator_hosts(
    model: Model, trained: set[tuple[str, str]], seed: int, k: int = 5, study_k: Sequence[int] = (5, 10)
) -> list[tuple[StudySet, dict[tuple[int, str], list[np.ndarray]]]]:
    """Groups of k names that one host would query (one family, variant, seed and day).

    The test split above deals a family's names of many dates, seeds and
    variants into groups at random; a host runs one variant with one seed on
    one day.  For every family with a generator in ``dnsguard.dga.families``
    (and a published seed): 6 days drawn in its active range, every variant
    and up to 4 known seeds; each (variant, seed, day) list is one host.  Its
    first 400 names, minus those the attributor trained on (and, for the
    flagged variant, minus those scoring under 0.5), give up to 8 groups of
    k *consecutive* names (a bot walks its list in order).  The same names
    are then dealt at random into groups across the family's hosts
    ("mixed"), so the two arrangements differ only in how names are grouped.

    Returns, per generator, its names' log-probabilities and its one-host
    groups for every size in ``study_k`` and subset (all, flagged), for
    :func:`abstain_study` (built without touching the random stream, so the
    table printed here does not depend on ``study_k``)."""
    from dnsguard.dga.families import registry

    study: list[tuple[StudySet, dict[tuple[int, str], list[np.ndarray]]]] = []

    column = {f: c for c, f in enumerate(model.families)}
    rng = np.random.default_rng(seed + 3)
    rows = []
    # (arrangement, names, method) -> generator -> per-group hits
    hits: dict[tuple[str, str, str], dict[str, np.ndarray]] = defaultdict(dict)
    for gen_name, module in sorted(registry().items()):
        info = module.INFO
        fam = T.family_of(gen_name)
        if info.seed_required or fam not in column:
            continue
        first, last = info.active[0], info.active[1] or T.GENERATOR_ANCHOR
        days = sorted({first + dt.timedelta(days=int(d)) for d in rng.integers(0, max((last - first).days, 1), 6)})
        hosts: list[list[tuple[str, str]]] = []
        for variant in info.variants:
            for known in (info.seeds.get(variant) or (None,))[:4]:
                for day in days:
                    try:
                        names = module.generate(day, seed=known, variant=variant)
                    except Exception:  # a variant that needs an unpublished seed
                        continue
                    kept = [sp for sp in map(T._split, names[:400]) if sp is not None and sp not in trained]
                    if len(kept) >= k:
                        hosts.append(kept)
        if not hosts:
            continue
        flat = [sp for h in hosts for sp in h]
        host_of = np.repeat(np.arange(len(hosts)), [len(h) for h in hosts])
        enc = F.encode([a for a, _ in flat])
        flagged = model.scores(enc, None, [b for _, b in flat]) >= model.threshold
        probs = model.family_probabilities(model.family_tokens(enc), [b for _, b in flat], enc.lengths)
        named = [model.families[b] if p >= model.family_min_probability else "unknown"
                 for b, p in zip(probs.argmax(axis=1), probs.max(axis=1), strict=True)]
        lp = model.family_log_probabilities(model.family_tokens(enc), [b for _, b in flat], enc.lengths)
        per_k: dict[tuple[int, str], list[np.ndarray]] = {}
        for kk in study_k:
            for subset, keep in (("all", np.ones(len(flat), dtype=bool)), ("flagged", flagged)):
                gs = []
                for h in range(len(hosts)):
                    mine = np.flatnonzero((host_of == h) & keep)[: 8 * kk]
                    gs += [mine[j : j + kk] for j in range(0, mine.shape[0] - kk + 1, kk)]
                per_k[(kk, subset)] = gs
        study.append((StudySet(lp, np.full(len(flat), column[fam]), flagged, named, model.families,
                               [fam] * len(flat), gen_name, tuple(flat)), per_k))
        for subset, keep in (("all", np.ones(len(flat), dtype=bool)), ("flagged", flagged)):
            one_host = []
            for h in range(len(hosts)):
                mine = np.flatnonzero((host_of == h) & keep)[: 8 * k]
                one_host += [mine[j : j + k] for j in range(0, mine.shape[0] - k + 1, k)]
            if not one_host:
                continue
            dealt = rng.permutation(np.concatenate(one_host))
            mixed = [dealt[j : j + k] for j in range(0, dealt.shape[0] - k + 1, k)]
            if subset == "all":
                used, n_groups = np.concatenate(one_host), len(one_host)
            for arrangement, gs in (("one host", one_host), ("mixed", mixed)):
                vote, logsum = attribute_groups(probs, gs)
                hits[(arrangement, subset, "vote")][gen_name] = vote == column[fam]
                hits[(arrangement, subset, "log-sum")][gen_name] = logsum == column[fam]
                rule = service_rule(named, gs)
                hits[(arrangement, subset, "service rule")][gen_name] = np.array([f == fam for f in rule])
                hits[(arrangement, subset, "wrong")][gen_name] = np.array([f not in (fam, "unknown") for f in rule])
        per_name = float((probs[used].argmax(axis=1) == column[fam]).mean())
        rows.append((gen_name, len(hosts), n_groups, float(flagged[used].mean()), per_name,
                     *(float(hits[(a, "all", m)][gen_name].mean())
                       for a in ("one host", "mixed") for m in ("vote", "log-sum"))))
    print()
    print(f"#### Per host: one host's {k} consecutive generated names vs the same names mixed across hosts")
    print()
    print("Every family with a generator and a published seed; a host = one (variant, seed, day) list of")
    print("the generator, 6 days in the family's active range, names the attributor trained on removed.")
    print("flagged: only the names that score >= 0.5, grouped the same way.  Cells: overall / macro over")
    print("generators.  Per generator below: all names.")
    print()
    print("| groups | names | vote | log-sum | service rule | service rule: wrong family | groups (generators) |")
    print("|---|---|---|---|---|---|---|")
    for arrangement in ("one host", "mixed"):
        for subset in ("all", "flagged"):
            cells = []
            for m in ("vote", "log-sum", "service rule", "wrong"):
                by_gen = hits[(arrangement, subset, m)]
                cells.append(f"{np.concatenate(list(by_gen.values())).mean():.3f} / "
                             f"{np.mean([h.mean() for h in by_gen.values()]):.3f}")
            n = sum(len(h) for h in by_gen.values())
            print(f"| {arrangement} | {subset} | {' | '.join(cells)} | {n} ({len(by_gen)}) |")
    print()
    print("| generator | hosts | groups | flagged | per-name top-1 | one host: vote | one host: log-sum | mixed: vote | mixed: log-sum |")
    print("|---|---|---|---|---|---|---|---|---|")
    for gen_name, n_hosts, n_groups, fl, per_name, hv, hl, mv, ml in sorted(rows, key=lambda r: (r[6], r[0])):
        print(f"| {gen_name} | {n_hosts} | {n_groups} | {fl:.3f} | {per_name:.3f} | {hv:.3f} | {hl:.3f} | {mv:.3f} | {ml:.3f} |")
    return study


class StudySet(NamedTuple):
    """Names for the host-family abstain study: their attributor log-probabilities and truth."""

    logp: np.ndarray
    """[names, families] log-softmax of the model that scored them."""
    truth_col: np.ndarray
    """Column of the true family, -1 for a family the model never saw."""
    flagged: np.ndarray
    named: list[str]
    """Per-name family as the scorer reports it (``unknown`` below p 0.5)."""
    families: tuple[str, ...]
    truth: list[str]
    label: str = ""
    pairs: tuple[tuple[str, str], ...] = ()
    """(label, suffix) of each name, for the family shape check (dnsguard.dga.shapes)."""


STUDY_K = (5, 10)
ABSTAIN_GRID: dict[str, tuple[float, ...]] = {
    # mean per-name log-likelihood ratio, best family over the runner-up (nats)
    "margin": (0.0, 0.25, 0.5, 0.6, 0.75, 1.0, 1.5, 2.0, 3.0),
    # mean per-name log-probability of the best family (log of its geometric-mean probability)
    "mean log p": tuple(float(np.log(q)) for q in (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)),
    # posterior of the best family from the summed log-probabilities (uniform prior)
    "posterior": (0.5, 0.9, 0.99, 0.999999),
}


def group_stats(logp: np.ndarray, groups: Sequence[np.ndarray]) -> dict[str, np.ndarray]:
    """Per group (all of one size): best column by summed log-probability and the abstain statistics."""
    idx = np.stack(groups)
    total = np.maximum(logp[idx], np.log(LOG_FLOOR)).sum(axis=1)
    n = idx.shape[1]
    if total.shape[1] < 2:
        top1 = total[:, 0]
        top2 = np.full_like(top1, -np.inf)
    else:
        part = -np.partition(-total, 1, axis=1)
        top1, top2 = part[:, 0], part[:, 1]
    return {
        "best": total.argmax(axis=1),
        "margin": (top1 - top2) / n,
        "mean log p": top1 / n,
        "posterior": 1.0 / np.exp(total - top1[:, None]).sum(axis=1),
    }


def rates(decided: np.ndarray, truth: np.ndarray) -> tuple[float, float, float]:
    """(accuracy, wrong-family rate, abstain rate) of column decisions, -1 = unknown."""
    named = decided >= 0
    return (float((decided == truth).mean()), float((named & (decided != truth)).mean()),
            float((~named).mean()))


def heldout_fold(
    corpus: T.Corpus, train_b: np.ndarray, cal: tuple[list[str], list[str]], held: Sequence[str], seed: int,
    k: int,
) -> StudySet:
    """Retrain detector and attributor without the fold's families; their names as a study set."""
    t0 = time.perf_counter()
    held_set = set(held)
    train_mask = np.zeros(len(corpus), dtype=bool)
    train_mask[train_b] = True
    rows = []
    for i, fam in enumerate(corpus.family):
        if fam:
            if T.fold_group(fam) in held_set:
                rows.append(i)
            else:
                train_mask[i] = True
    model = T.fit(corpus.subset(train_mask), cal[0], seed=7 + k, calibration_suffixes=cal[1])
    labels = [corpus.labels[i] for i in rows]
    suffixes = [corpus.suffixes[i] for i in rows]
    enc = F.encode(labels)
    tokens = model.family_tokens(enc)
    probs = model.family_probabilities(tokens, suffixes, enc.lengths)
    named = [model.families[b] if p >= model.family_min_probability else "unknown"
             for b, p in zip(probs.argmax(axis=1), probs.max(axis=1), strict=True)]
    logp = model.family_log_probabilities(tokens, suffixes, enc.lengths)
    print(f"held-out fold {k} ({', '.join(held)}): trained with attributor in "
          f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return StudySet(logp, np.full(len(rows), -1), model.scores(enc, None, suffixes) >= model.threshold, named,
                    model.families, [corpus.family[i] for i in rows], f"fold {k}",
                    tuple(zip(labels, suffixes, strict=True)))


def abstain_study(
    seen: StudySet,
    one_host: list[tuple[StudySet, dict[tuple[int, str], list[np.ndarray]]]],
    unseen: list[StudySet],
    seed: int,
) -> None:
    """Host family by summed log-probability with an abstain rule, against the service's vote."""
    from dnsguard.dga.shapes import load as load_shapes
    from dnsguard.hostfamily import MIN_SHAPE_SUPPORT, check_shapes
    from dnsguard.service.hosts import LogSumRule

    # (set, k) -> list of (study set, groups); flagged names only unless said
    def split_groups(st: StudySet, k: int, keep: np.ndarray | None) -> list[np.ndarray]:
        return [g for gs in family_groups(st.truth, k, seed + 2, keep).values() for g in gs]

    sets: dict[tuple[str, int], list[tuple[StudySet, list[np.ndarray]]]] = {}
    for k in STUDY_K:
        sets[("seen split, all", k)] = [(seen, split_groups(seen, k, None))]
        sets[("seen split, flagged", k)] = [(seen, split_groups(seen, k, seen.flagged))]
        sets[("one host, flagged", k)] = [(st, per_k[(k, "flagged")]) for st, per_k in one_host
                                          if per_k[(k, "flagged")]]
        if unseen:
            sets[("held-out families, all", k)] = [(st, split_groups(st, k, None)) for st in unseen]
            sets[("held-out families, flagged", k)] = [(st, split_groups(st, k, st.flagged)) for st in unseen]
    stats: dict[tuple[str, int], dict[str, np.ndarray]] = {}
    service: dict[tuple[str, int], np.ndarray] = {}
    truth: dict[tuple[str, int], np.ndarray] = {}
    for key, parts in sets.items():
        parts = [(st, gs) for st, gs in parts if gs]
        pieces = [group_stats(st.logp, gs) for st, gs in parts]
        stats[key] = {m: np.concatenate([p[m] for p in pieces]) for m in pieces[0]}
        truth[key] = np.concatenate([st.truth_col[np.stack(gs)[:, 0]] for st, gs in parts])
        col = [{f: c for c, f in enumerate(st.families)} for st, _ in parts]
        service[key] = np.concatenate([
            np.array([c.get(f, -1) for f in service_rule(st.named, gs)]) for (st, gs), c in zip(parts, col, strict=True)
        ])
    flagged_keys = [key for key in sets if key[0] in ("seen split, flagged", "one host, flagged",
                                                        "held-out families, flagged")]
    print()
    print("#### Per host: summed log-probability with an abstain rule (sweep)")
    print()
    print("Flagged names only (what the service aggregates).  Groups as above: seen split = disjoint random")
    print("groups of k test names of one family; one host = k consecutive names of one generator host;")
    print(f"held-out families = groups of k names of the families of {len(unseen)} leave-families-out fold(s),")
    print("scored by a detector and attributor retrained without them (any family named is wrong).")
    print("Cells: accuracy / wrong family named / unknown (held-out: wrong family named / unknown).")
    print("Statistics: margin = (summed log p of best - of runner-up) / k; mean log p = summed log p of")
    print("best / k; posterior = softmax of the summed log p, best family.  Names without a threshold")
    print("(service rule, log-sum) are the references.")
    print()
    heads = [f"{name.replace(', flagged', '')} k={k}" for name, k in flagged_keys]
    print("| rule | threshold | " + " | ".join(heads) + " |")
    print("|---|---|" + "---|" * len(heads))

    def cell(key: tuple[str, int], decided: np.ndarray) -> str:
        acc, wrong, abst = rates(decided, truth[key])
        if key[0].startswith("held-out"):
            return f"{wrong:.3f} / {abst:.3f}"
        return f"{acc:.3f} / {wrong:.3f} / {abst:.3f}"

    print("| service rule (vote) | - | " + " | ".join(cell(k, service[k]) for k in flagged_keys) + " |")
    print("| log-sum | - | " + " | ".join(cell(k, stats[k]["best"]) for k in flagged_keys) + " |")
    for stat, grid in ABSTAIN_GRID.items():
        for t in grid:
            shown = f"p {np.exp(t):.2f}" if stat == "mean log p" else f"{t:g}"
            row = [cell(k, np.where(stats[k][stat] >= t, stats[k]["best"], -1)) for k in flagged_keys]
            print(f"| log-sum, {stat} >= | {shown} | " + " | ".join(row) + " |")

    rule = LogSumRule()
    shapes = load_shapes()
    print()
    print(f"#### Per host: the service's rule (service.hosts.LogSumRule, margin >= {rule.min_margin:g} nats per name)")
    print()
    print("log-sum + abstain: service.hosts.LogSumRule().decide on each group's log-probability rows, as")
    print("`dnsguard serve` decides a host whose names all carry a distribution.  Cells: accuracy / wrong")
    print("family named / unknown over groups; held-out families (the model never saw them, so any family")
    print("is wrong): wrong family named / unknown, and the wrong rate's mean over held-out families.")
    print(f"+ shapes: a named family must also fit >= {MIN_SHAPE_SUPPORT:.0%} of the group's names")
    print("(dnsguard.hostfamily.check_shapes with the shipped dnsguard.dga.shapes, as serve and analyze")
    print("run it).  The shapes are built from the whole corpus, so on the seen split they contain the")
    print("test names themselves; the one-host names are generated for other days, minus trained names.")
    print()
    print("| groups | k | groups (families) | service rule (vote) | log-sum | log-sum + abstain "
          "| log-sum + abstain + shapes (service) |")
    print("|---|---|---|---|---|---|---|")
    for key, parts in sets.items():
        parts = [(st, gs) for st, gs in parts if gs]
        decided, shaped = [], []
        fam_of_group = []
        for st, gs in parts:
            for g in gs:
                call = rule.call(st.families, st.logp[g])
                decided.append(st.families.index(call.family) if call.named else -1)
                if call.named:
                    call = check_shapes(call, shapes.support(call.best, [st.pairs[i] for i in g]))
                shaped.append(st.families.index(call.family) if call.named else -1)
                fam_of_group.append(st.truth[g[0]])
        decided_a, shaped_a = np.array(decided), np.array(shaped)
        n_fam = len(set(fam_of_group))
        cells = [cell(key, service[key]), cell(key, stats[key]["best"]), cell(key, decided_a),
                 cell(key, shaped_a)]
        if key[0].startswith("held-out"):
            fams = np.array(fam_of_group)
            for j, d in enumerate((service[key], stats[key]["best"], decided_a, shaped_a)):
                macro = np.mean([(d[fams == f] >= 0).mean() for f in sorted(set(fam_of_group))])
                cells[j] += f" (macro {macro:.3f})"
        print(f"| {key[0]} | {key[1]} | {len(decided)} ({n_fam}) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
