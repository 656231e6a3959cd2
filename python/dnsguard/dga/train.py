"""Rebuild the shipped DGA model from the data in the repository.

``python -m dnsguard.dga.train [--out PATH]`` reads ``data/dga/*.txt`` (DGA
names from public re-implementations), ``data/benign/top-registered-domains.txt``
and, when the package has known-DGA generators, their names for a fixed set
of recent dates, and trains on them; it places the threshold on the
calibration half of the recent popular lists (:func:`recent_calibration`,
never trained on) and writes ``python/dnsguard/data/dga-model.npz``.

Everything is seeded, so the same data gives the same weights.  Families
reserved for generalisation tests are refused even if a generator exists.
The evaluation (``bench/dga_eval.py``) reuses :func:`fit` with whole
families held out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dnsguard.dga import features as F
from dnsguard.dga.model import DETECTOR_SUFFIX_SALT, Model, family_context

RESERVED = frozenset(
    ["bazarbackdoor", "bigviktor", "chinad", "corebot", "darkcracks", "dircrypt", "enviserv", "gozi", "locky", "m0yv", "matsnu", "monerodownloader", "mydoom", "ngioweb", "padcrypt", "qadars", "reconyc", "sharkbot", "tinba", "vawtrak", "vidro", "zloader"]
)
"""Never trained on: kept unseen to measure generalisation."""

FAMILY_OF = {
    "murofet_pchaigno": "murofet",
    "murofet_v2": "murofet",
    "murofet_v3": "murofet",
    "qsnatch_b": "qsnatch",
    "pykspa_precursor": "pykspa",
    "pushdo_andrewaeva": "pushdo",
    "nymaim2": "nymaim",
}
"""Data files that are variants of one malware family (attribution target)."""

SAME_ALGORITHM = {"mirai": "ranbyus"}
"""Families sharing an algorithm; held out together in evaluation folds."""

GENERATOR_ANCHOR = dt.date(2026, 11, 1)
GENERATOR_DAYS = 7
GENERATOR_CAP = 3000

DETECTOR_BITS = 18
FAMILY_BITS = 16
TARGET_FPR = 0.001
SYNTHETIC_NAMES = 30_000
CLEAN_FRACTION = 0.0
SUFFIX_TOKEN = True
"""Whether the detector gets a public-suffix token (on since 2026-12-06;
docs/dga-model.md, "The suffix token, calibrated on recent names").  On
families never trained on it raises TPR at 0.1 % FPR on recent names by
0.13-0.16.  Calibrated on the old training list it looked like it dropped
``.com`` DGA names, but that was the calibration: on the old list ``.com``
names are the bulk of the benign side, and the threshold landed at half the
false-positive rate it has on today's names.  Calibrated on recent names
(:func:`recent_calibration`), ``.com`` names of unseen families are caught
as often as without the token."""

RECENT_LISTS = (
    "recent-popular-2025.txt", "recent-popular-fqdn-2025.txt", "recent-popular-fqdn-2025-more.txt",
    "recent-popular-fqdn-deep.txt",
)
"""The recent popularity lists in data/benign (README there).  The detector
never trains on them; half of their registered domains place its threshold
(:func:`calibration_half`), the other half measures it."""


@dataclass(frozen=True)
class Corpus:
    """Training names as labels (the part a DGA chooses) with their origin."""

    labels: list[str]
    suffixes: list[str]
    family: list[str]
    """Malware family, ``""`` for benign names."""
    source: list[str]
    """Data file stem (``murofet_v2``), ``benign`` or ``generator:<family>``."""

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, mask: np.ndarray) -> Corpus:
        idx = np.flatnonzero(mask)
        return Corpus(
            [self.labels[i] for i in idx],
            [self.suffixes[i] for i in idx],
            [self.family[i] for i in idx],
            [self.source[i] for i in idx],
        )

    @property
    def is_dga(self) -> np.ndarray:
        return np.array([f != "" for f in self.family], dtype=bool)

    def benign_domains(self) -> set[str]:
        """The benign rows as registered domains (``label.suffix``): a recent
        popular name under one of them is not new to the model."""
        return {f"{lab}.{suf}" for lab, suf, fam in zip(self.labels, self.suffixes, self.family, strict=True)
                if not fam}


def family_of(stem: str) -> str:
    return FAMILY_OF.get(stem, stem)


def fold_group(family: str) -> str:
    return SAME_ALGORITHM.get(family, family)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def _split(raw: str) -> tuple[str, str] | None:
    from dnsguard.names import Rejected, normalize

    name = normalize(raw)
    if isinstance(name, Rejected) or not name.registered:
        return None
    return name.label, name.suffix


def load_corpus(root: Path, use_generators: bool = True) -> Corpus:
    """Read every training source; duplicates within a source are dropped."""
    labels: list[str] = []
    suffixes: list[str] = []
    family: list[str] = []
    source: list[str] = []

    def add(names: Sequence[str], fam: str, src: str) -> None:
        seen: set[tuple[str, str]] = set()
        for raw in names:
            split = _split(raw.strip())
            if split is None or split in seen:
                continue
            seen.add(split)
            labels.append(split[0])
            suffixes.append(split[1])
            family.append(fam)
            source.append(src)

    for path in sorted((root / "data" / "dga").glob("*.txt")):
        fam = family_of(path.stem)
        if fam in RESERVED:
            continue
        add(path.read_text("utf-8").split(), fam, path.stem)
    if use_generators:
        for fam, names in generator_names():
            add(names, fam, f"generator:{fam}")
    benign = (root / "data" / "benign" / "top-registered-domains.txt").read_text("utf-8")
    add(benign.split(), "", "benign")
    return Corpus(labels, suffixes, family, source)


def generator_names() -> list[tuple[str, list[str]]]:
    """Names of the project's own generators for recent fixed dates, if any exist."""
    try:
        from dnsguard.dga.families import registry

        modules = registry()
    except Exception as exc:  # generators are optional; a broken one is reported
        print(f"generators unavailable: {exc}", file=sys.stderr)
        return []
    out: list[tuple[str, list[str]]] = []
    days = [GENERATOR_ANCHOR - dt.timedelta(days=d) for d in range(GENERATOR_DAYS)]
    for name, module in modules.items():
        fam = family_of(name)
        if fam in RESERVED or name in RESERVED:
            continue
        if getattr(module.INFO, "seed_required", False):
            continue
        names: list[str] = []
        for day in days:
            try:
                names.extend(module.generate(day))
            except Exception as exc:  # a broken generator must not stop training
                print(f"generator {name}: {exc}", file=sys.stderr)
                break
            if len(names) >= GENERATOR_CAP:
                break
        if names:
            out.append((fam, names[:GENERATOR_CAP]))
    return out


@dataclass(frozen=True)
class Sparse:
    """Token table indices grouped per name (CSR layout)."""

    idx: np.ndarray
    indptr: np.ndarray
    scale: np.ndarray
    """Per-row factor on the token sum (see ``features.length_scale``)."""

    @property
    def rows(self) -> int:
        return int(self.indptr.shape[0] - 1)

    def block(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices and local row numbers of rows ``start:stop``."""
        lo, hi = self.indptr[start], self.indptr[stop]
        counts = np.diff(self.indptr[start : stop + 1])
        seg = np.repeat(np.arange(stop - start), counts)
        return self.idx[lo:hi], seg


def sparse_tokens(
    labels: Sequence[str],
    bits: int,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
    tokenize: Callable[[F.Encoded], F.Tokens] = F.tokens,
    scale_power: float = F.DETECTOR_SCALE_POWER,
) -> Sparse:
    """CSR token indices; ``extra`` adds hashed tokens given as (ids, rows)."""
    tok = tokenize(F.encode(list(labels)))
    ids, seg = tok.ids, tok.seg
    if extra is not None:
        ids = np.concatenate((ids, extra[0]))
        seg = np.concatenate((seg, extra[1]))
    order = np.argsort(seg, kind="stable")
    indptr = np.concatenate(([0], np.cumsum(np.bincount(seg, minlength=len(labels)))))
    lengths = np.fromiter(map(len, labels), dtype=np.int64, count=len(labels))
    scale = F.length_scale(lengths, scale_power)
    return Sparse(F.table_index(ids[order], bits), indptr, scale)


class Adam:
    """Adam on one dense array (the weight tables are small enough)."""

    def __init__(self, shape: tuple[int, ...], lr: float) -> None:
        self.m = np.zeros(shape, dtype=np.float32)
        self.v = np.zeros(shape, dtype=np.float32)
        self.lr = lr
        self.t = 0

    def step(self, w: np.ndarray, g: np.ndarray) -> None:
        self.t += 1
        self.m *= 0.9
        self.m += 0.1 * g
        self.v *= 0.999
        self.v += 0.001 * g * g
        mh = self.m / (1 - 0.9**self.t)
        vh = self.v / (1 - 0.999**self.t)
        w -= self.lr * mh / (np.sqrt(vh) + 1e-8)

    def step_rows(self, w: np.ndarray, rows: np.ndarray, g: np.ndarray) -> None:
        """Lazy Adam: only the rows a batch touched move (the rest had no gradient)."""
        self.t += 1
        m = 0.9 * self.m[rows] + 0.1 * g
        v = 0.999 * self.v[rows] + 0.001 * g * g
        self.m[rows] = m
        self.v[rows] = v
        mh = m / (1 - 0.9**self.t)
        vh = v / (1 - 0.999**self.t)
        w[rows] -= self.lr * mh / (np.sqrt(vh) + 1e-8)


def _batches(n: int, size: int, rng: np.random.Generator) -> list[tuple[int, int]]:
    starts = np.arange(0, n, size)
    rng.shuffle(starts)
    return [(int(s), int(min(s + size, n))) for s in starts]


def fit_detector(
    x: Sparse,
    y: np.ndarray,
    bits: int,
    *,
    epochs: int = 6,
    batch: int = 2048,
    lr: float = 0.02,
    l2: float = 1e-6,
    seed: int = 1,
) -> tuple[np.ndarray, float]:
    """Logistic regression by minibatch Adam; rows must be pre-shuffled."""
    rng = np.random.default_rng(seed)
    size = 1 << bits
    w = np.zeros(size, dtype=np.float32)
    b = np.zeros(1, dtype=np.float32)
    opt_w, opt_b = Adam((size,), lr), Adam((1,), lr)
    yf = y.astype(np.float32)
    for _ in range(epochs):
        for lo, hi in _batches(x.rows, batch, rng):
            idx, seg = x.block(lo, hi)
            scale = x.scale[lo:hi]
            z = np.bincount(seg, weights=w[idx], minlength=hi - lo) * scale + b[0]
            p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
            g = ((p - yf[lo:hi]) / (hi - lo)).astype(np.float32)
            gw = np.bincount(idx, weights=(g * scale)[seg], minlength=size).astype(np.float32)
            gw += l2 * w
            opt_w.step(w, gw)
            opt_b.step(b, np.array([g.sum()], dtype=np.float32))
    return w, float(b[0])


def detector_logits(x: Sparse, w: np.ndarray, b: float) -> np.ndarray:
    idx, seg = x.block(0, x.rows)
    return np.bincount(seg, weights=w[idx], minlength=x.rows) * x.scale + b


def fit_attributor(
    x: Sparse,
    y: np.ndarray,
    n_classes: int,
    bits: int,
    *,
    epochs: int = 6,
    batch: int = 2048,
    lr: float = 0.02,
    l2: float = 1e-6,
    seed: int = 2,
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax regression by minibatch Adam; rows must be pre-shuffled."""
    rng = np.random.default_rng(seed)
    size = 1 << bits
    w = np.zeros((size, n_classes), dtype=np.float32)
    b = np.zeros(n_classes, dtype=np.float32)
    opt_w, opt_b = Adam(w.shape, lr), Adam(b.shape, lr)
    onehot = np.eye(n_classes, dtype=np.float32)
    for _ in range(epochs):
        for lo, hi in _batches(x.rows, batch, rng):
            idx, seg = x.block(lo, hi)
            z = np.add.reduceat(w[idx], x.indptr[lo:hi] - x.indptr[lo], axis=0) + b
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            g = (p - onehot[y[lo:hi]]) / (hi - lo)
            order = np.argsort(idx, kind="stable")
            sidx = idx[order]
            first = np.flatnonzero(np.concatenate(([True], sidx[1:] != sidx[:-1])))
            touched = sidx[first]
            rows = np.add.reduceat(g[seg[order]], first, axis=0) + l2 * w[touched]
            opt_w.step_rows(w, touched, rows)
            opt_b.step(b, g.sum(axis=0))
    return w, b


def attributor_probabilities(x: Sparse, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    idx, _ = x.block(0, x.rows)
    z = np.add.reduceat(w[idx], x.indptr[:-1], axis=0) + b
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=1, keepdims=True)


def synthetic_labels(n: int, seed: int) -> list[str]:
    """Uniformly random labels (letters; letters+digits; hex) of DGA-like lengths.

    They teach the detector "random is suspicious" in general rather than
    the letter habits of the families in the data, which is what carries
    over to families it never saw.  Not used by the attributor.
    """
    if n <= 0:
        return []
    rng = np.random.default_rng(seed + 1000)
    alphabets = (
        "abcdefghijklmnopqrstuvwxyz",
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "0123456789abcdef",
    )
    lengths = rng.integers(8, 33, n)
    kinds = rng.integers(0, len(alphabets), n)
    out = []
    for length, kind in zip(lengths.tolist(), kinds.tolist(), strict=True):
        alphabet = alphabets[kind]
        out.append("".join(alphabet[i] for i in rng.integers(0, len(alphabet), length)))
    return out


def synthetic_suffixes(corpus: Corpus, n: int, seed: int) -> list[str]:
    """Suffixes for the synthetic labels, drawn from the benign training names
    (so the suffix token learns only from real names)."""
    benign = [suf for suf, fam in zip(corpus.suffixes, corpus.family, strict=True) if not fam]
    if n <= 0 or not benign:
        return ["com"] * max(n, 0)
    rng = np.random.default_rng(seed + 2000)
    return [benign[i] for i in rng.integers(0, len(benign), n)]


def suffix_tokens(suffixes: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """The detector's public-suffix token per row (``Model.detector_suffix``), or None."""
    if suffixes is None:
        return None
    return F.string_hashes(list(suffixes), DETECTOR_SUFFIX_SALT), np.arange(len(suffixes), dtype=np.int64)


def calibration_half(registered: str) -> bool:
    """Whether a recent popular name belongs to the half that calibrates the
    threshold; the other half is every benchmark's and test's negatives.

    Why recent names: the threshold (0.1 % of benign names at score 0.5) only
    means that on names like the ones users see, and the 2015/2016 training
    list is not such names (the shipped scorer flagged 0.07 % of it but
    0.14 % of recent names).  Split by registered domain, because the scorer
    gives every host name of a domain that domain's score: one domain must
    not sit on both sides."""
    return hashlib.sha256(registered.encode("utf-8")).digest()[0] & 1 == 1


def recent_calibration(root: Path, corpus: Corpus) -> tuple[list[str], list[str]]:
    """Labels and public suffixes of the calibration half of the recent lists,
    as the scorer sees them: one row per distinct host name whose registered
    domain the training list lacks, that is not on the CDN/cloud allowlist
    and that the scorer scores (valid and registrable).  Per host name, as the
    benchmarks count false positives: a domain with many popular host names
    is that many look-ups in a user's traffic.  (Per registered domain the
    half holds only 3,624 rows, too few to place a 0.1 % cut.)  Only the
    corpus's benign rows are read."""
    from dnsguard.dga.allowlist import CDN_FILE, build, read_entries
    from dnsguard.names import Rejected, normalize

    trained = corpus.benign_domains()
    cdn = build(read_entries(root / "python" / "dnsguard" / "data" / CDN_FILE))
    seen: set[str] = set()
    labels: list[str] = []
    suffixes: list[str] = []
    for file in RECENT_LISTS:
        for raw in (root / "data" / "benign" / file).read_text("utf-8").split():
            name = normalize(raw)
            if isinstance(name, Rejected) or not name.registered or name.fqdn in seen:
                continue
            seen.add(name.fqdn)
            if name.registered in trained or not calibration_half(name.registered) or cdn.match(name.fqdn):
                continue
            labels.append(name.label)
            suffixes.append(name.suffix)
    return labels, suffixes


def fit(
    train: Corpus,
    calibration_benign: Sequence[str],
    *,
    seed: int = 7,
    epochs: int = 6,
    log: bool = False,
    attribute: bool = True,
    synthetic: int = SYNTHETIC_NAMES,
    clean: float = CLEAN_FRACTION,
    suffix_token: bool = SUFFIX_TOKEN,
    calibration_suffixes: Sequence[str] | None = None,
) -> Model:
    """Train detector and attributor; shift the detector so 0.5 = target FPR.

    With ``suffix_token`` the detector also weighs the public suffix; the
    synthetic random labels then get suffixes drawn from the benign training
    names, so they teach nothing about suffixes, and ``calibration_suffixes``
    (one per calibration label) are required."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    corpus = train
    extra = synthetic_labels(synthetic, seed)
    all_labels = [*corpus.labels, *extra]
    all_suffixes = [*corpus.suffixes, *synthetic_suffixes(corpus, len(extra), seed)] if suffix_token else None
    all_y = np.concatenate((corpus.is_dga, np.ones(len(extra), dtype=bool)))
    perm = rng.permutation(len(all_labels))
    labels = [all_labels[i] for i in perm]
    suffixes = [all_suffixes[i] for i in perm] if all_suffixes is not None else None
    y = all_y[perm]
    x = sparse_tokens(labels, DETECTOR_BITS, extra=suffix_tokens(suffixes))
    w, b = fit_detector(x, y, DETECTOR_BITS, epochs=epochs, seed=seed)
    if clean > 0:
        # the popularity lists hold some real DGA names: drop the benign
        # training names the first model finds most DGA-like, then refit
        z = detector_logits(x, w, b)
        benign = np.flatnonzero(~y)
        cut = np.quantile(z[benign], 1.0 - clean)
        keep = y | (z < cut)
        labels = [lab for lab, k in zip(labels, keep.tolist(), strict=True) if k]
        if suffixes is not None:
            suffixes = [suf for suf, k in zip(suffixes, keep.tolist(), strict=True) if k]
        y = y[keep]
        x = sparse_tokens(labels, DETECTOR_BITS, extra=suffix_tokens(suffixes))
        w, b = fit_detector(x, y, DETECTOR_BITS, epochs=epochs, seed=seed)
    if log:
        print(f"detector trained in {time.perf_counter() - t0:.1f}s", file=sys.stderr)

    if suffix_token and (calibration_suffixes is None or len(calibration_suffixes) != len(calibration_benign)):
        raise ValueError("a suffix-token detector is calibrated on labels with their suffixes")
    calib = sparse_tokens(list(calibration_benign), DETECTOR_BITS,
                          extra=suffix_tokens(list(calibration_suffixes)) if suffix_token else None)
    z = detector_logits(calib, w, b)
    cut = float(np.quantile(z, 1.0 - TARGET_FPR)) if z.size else 0.0
    b -= cut

    dga = [i for i in rng.permutation(len(corpus)) if corpus.family[i]] if attribute else []
    families = tuple(sorted({corpus.family[i] for i in dga}))
    code = {f: k for k, f in enumerate(families)}
    fw = np.zeros((1 << FAMILY_BITS, len(families)), dtype=np.float32)
    fb = np.zeros(len(families), dtype=np.float32)
    if dga:
        dga_labels = [corpus.labels[i] for i in dga]
        lengths = np.fromiter(map(len, dga_labels), dtype=np.int64, count=len(dga_labels))
        fx = sparse_tokens(
            dga_labels,
            FAMILY_BITS,
            extra=family_context(lengths, [corpus.suffixes[i] for i in dga]),
            tokenize=F.attribution_tokens,
        )
        fy = np.array([code[corpus.family[i]] for i in dga], dtype=np.int64)
        fw, fb = fit_attributor(fx, fy, len(families), FAMILY_BITS, seed=seed + 1)
    if log:
        print(f"attributor trained at {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    return Model(
        detector_suffix=suffix_token,
        bits=DETECTOR_BITS,
        weights=w,
        bias=b,
        family_bits=FAMILY_BITS,
        family_weights=fw,
        family_bias=fb,
        families=families,
    )


def split_benign(corpus: Corpus, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks (train, held-out) over the corpus: held-out takes benign rows only."""
    rng = np.random.default_rng(seed)
    benign = np.flatnonzero(~corpus.is_dga)
    held = rng.choice(benign, size=int(len(benign) * fraction), replace=False)
    held_mask = np.zeros(len(corpus), dtype=bool)
    held_mask[held] = True
    return ~held_mask, held_mask


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dnsguard.dga.train", description=__doc__)
    parser.add_argument("--root", type=Path, default=repo_root(), help="repository root")
    parser.add_argument("--out", type=Path, default=None, help="model file to write")
    parser.add_argument("--no-generators", action="store_true", help="data files only")
    parser.add_argument("--suffix-token", action=argparse.BooleanOptionalAction, default=SUFFIX_TOKEN,
                        help="give the detector a public-suffix token (docs/dga-model.md)")
    args = parser.parse_args(argv)
    out = args.out or args.root / "python" / "dnsguard" / "data" / "dga-model.npz"
    corpus = load_corpus(args.root, use_generators=not args.no_generators)
    # a tenth of the old benign list stays out of training: the band stage's
    # network was validated on it (tools/train_dga_charnet.py)
    train_mask, _ = split_benign(corpus, 0.1, seed=11)
    calib, calib_suffixes = recent_calibration(args.root, corpus)
    print(
        f"{int(corpus.is_dga.sum())} DGA names, {int((~corpus.is_dga).sum())} benign; "
        f"{len(calib)} recent popular host names place the threshold",
        file=sys.stderr,
    )
    model = fit(corpus.subset(train_mask), calib, log=True, suffix_token=args.suffix_token,
                calibration_suffixes=calib_suffixes)
    model.save(out)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
