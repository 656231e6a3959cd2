"""The shipped DGA model: two linear models over hashed lexical tokens.

Why linear: a weight per hashed token makes inference a gather and a sum,
which is what reaches hundreds of thousands of names a second on one core
with numpy alone.  Of everything heavier tried on held-out families (see
docs/dga-model.md), only a character GRU added a few points, and it pays
its way only on the names this detector is unsure of.

* The *detector* is a logistic regression over character 1..4-grams and
  bucketed statistics of the label (orders and length scaling are stored
  in the file).  Its logit is shifted at training time
  so that ``score == 0.5`` is the operating point (about 0.1 % of held-out
  benign registered domains above it).
* The *attributor* is a softmax regression over 1..2-grams, the same
  statistics, the characters near each end, and tokens for the public
  suffix and (suffix, length) (families keep to their TLD lists and length
  ranges), asked only about names the detector flags.

Weights are plain numpy arrays in one ``.npz`` file; nothing is pickled.
The scorer runs that GRU as a second stage (:mod:`dnsguard.dga.charnet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from dnsguard.dga import fastlinear as FL
from dnsguard.dga import features as F

FORMAT_VERSION = 1
SUFFIX_SALT = 0x5F3759DF
DETECTOR_SUFFIX_SALT = 0x51FF1C
"""Salt of the detector's public-suffix token (``Model.detector_suffix``)."""
DEFAULT_MODEL = "data/dga-model.npz"


@dataclass(frozen=True)
class Model:
    bits: int
    """log2 of the detector's weight-table size."""
    weights: np.ndarray
    """float32 [2**bits] detector weight per hashed token."""
    bias: float
    """Detector bias, calibration shift included."""
    family_bits: int
    family_weights: np.ndarray
    """float16/float32 [2**family_bits, n_families]."""
    family_bias: np.ndarray
    """float32 [n_families]."""
    families: tuple[str, ...]
    threshold: float = 0.5
    """Score at and above which a name counts as DGA-like."""
    family_min_probability: float = 0.5
    """Below this the family is reported as ``unknown``."""
    family_scheme: int = 2
    """Attributor token set: 1 = the detector's 1-5-grams and statistics
    (models trained before it existed), 2 = ``features.attribution_tokens``."""
    orders: tuple[int, ...] = F.DETECTOR_ORDERS
    """Detector n-gram orders (1-5 in models before family_scheme 2)."""
    scale_power: float = F.DETECTOR_SCALE_POWER
    """Detector length scaling exponent (0.5 in older models)."""
    detector_suffix: bool = False
    """The detector also has one token for the public suffix (a training
    option since 2026-12-04, docs/dga-model.md); its logits then need the
    names' suffixes."""
    _fast: dict = field(default_factory=dict, compare=False, repr=False, init=False)
    """Lazily built inference tables (:mod:`dnsguard.dga.fastlinear`)."""

    def family_tokens(self, enc: F.Encoded, stats: F.LexicalStats | None = None) -> F.Tokens:
        """The attributor's tokens of a batch (suffix tokens are added later)."""
        if self.family_scheme == 1:
            return F.tokens(enc, stats)
        return F.attribution_tokens(enc, stats)

    def logits(
        self, enc: F.Encoded, stats: F.LexicalStats | None = None, suffixes: Sequence[str] | None = None
    ) -> np.ndarray:
        """Detector logits, one per label, without building sparse tokens.

        ``suffixes`` (the public suffix of each label's name) are needed, and
        only read, when the model has a suffix token."""
        if enc.count == 0:
            return np.zeros(0, dtype=np.float64)
        if stats is None:
            stats = F.lexical_stats(enc, entropy=False)
        grams = self.detector_tables().gram_sums(enc)
        total = grams + F.meta_sums(stats, self.weights, self.bits)
        if self.detector_suffix:
            total = total + self.suffix_weights(suffixes, enc.count)
        return total * F.length_scale(enc.lengths, self.scale_power) + self.bias

    def suffix_weights(self, suffixes: Sequence[str] | None, count: int) -> np.ndarray:
        """The detector weight of each name's public-suffix token (one lookup per distinct suffix)."""
        if suffixes is None or len(suffixes) != count:
            raise ValueError("this model's detector scores the public suffix too: pass one suffix per label")
        distinct: dict[str, int] = {}
        inverse = np.fromiter((distinct.setdefault(x, len(distinct)) for x in suffixes), dtype=np.intp, count=count)
        rows = F.table_index(F.string_hashes(list(distinct), DETECTOR_SUFFIX_SALT), self.bits)
        return self.weights[rows].astype(np.float64)[inverse]

    def scores(
        self, enc: F.Encoded, stats: F.LexicalStats | None = None, suffixes: Sequence[str] | None = None
    ) -> np.ndarray:
        """DGA-likeness in [0, 1]."""
        return sigmoid(self.logits(enc, stats, suffixes))

    def family_logits(self, tokens: F.Tokens, suffixes: list[str], lengths: np.ndarray) -> np.ndarray:
        """Attributor logits, [n_labels, n_families] (float32), row max not yet subtracted."""
        n = tokens.count
        if n == 0 or not self.families:
            return np.zeros((0, len(self.families)), dtype=np.float32)
        extra_ids, extra_seg = family_context(lengths, suffixes)
        ids = np.concatenate((tokens.ids, extra_ids))
        seg = np.concatenate((tokens.seg, extra_seg))
        order = np.argsort(seg, kind="stable")
        rows = self.family_weights[F.table_index(ids[order], self.family_bits)].astype(np.float32)
        starts = np.searchsorted(seg[order], np.arange(n))
        return np.add.reduceat(rows, starts, axis=0) + self.family_bias

    def detector_tables(self) -> FL.DetectorTables:
        """The detector's n-gram weights by n-gram value (orders up to 3), built on first use."""
        tables = self._fast.get("detector")
        if tables is None:
            tables = self._fast["detector"] = FL.DetectorTables(self.weights, self.bits, self.orders)
        return tables

    def family_tables(self) -> FL.FamilyTables | None:
        """The fast attributor tables, built (and checked against the reference) on first use;
        None when the fast path does not apply to this model or this numpy."""
        if "family" not in self._fast:
            self._fast["family"] = (
                FL.build(self) if self.family_scheme == 2 and len(self.families) > 1 else None
            )
        return self._fast["family"]

    def family_logits_encoded(
        self, enc: F.Encoded, suffixes: list[str], stats: F.LexicalStats | None = None
    ) -> np.ndarray:
        """``family_logits(family_tokens(enc, stats), suffixes, enc.lengths)``, the same
        bits, without building sparse tokens (the scorer's path)."""
        tables = self.family_tables()
        if stats is None:
            stats = F.lexical_stats(enc, entropy=False)
        if tables is None or not tables.usable(enc) or not self.families:
            return self.family_logits(self.family_tokens(enc, stats), suffixes, enc.lengths)
        return tables.logits(enc, stats, suffixes)

    def family_probabilities(
        self, tokens: F.Tokens, suffixes: list[str], lengths: np.ndarray
    ) -> np.ndarray:
        """Softmax over trained families, [n_labels, n_families]."""
        return softmax(self.family_logits(tokens, suffixes, lengths))

    def family_log_probabilities(
        self, tokens: F.Tokens, suffixes: list[str], lengths: np.ndarray
    ) -> np.ndarray:
        """Log-softmax over trained families, [n_labels, n_families] (float64).

        Computed from the logits, so a family the softmax rounds to 0 keeps
        a finite log-probability (what summing over a host's names needs)."""
        return log_softmax(self.family_logits(tokens, suffixes, lengths))

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            format_version=np.int64(FORMAT_VERSION),
            bits=np.int64(self.bits),
            weights=self.weights.astype(np.float32),
            bias=np.float64(self.bias),
            family_bits=np.int64(self.family_bits),
            family_weights=self.family_weights.astype(np.float16),
            family_bias=self.family_bias.astype(np.float32),
            families=np.array(self.families, dtype="U64"),
            threshold=np.float64(self.threshold),
            family_min_probability=np.float64(self.family_min_probability),
            family_scheme=np.int64(self.family_scheme),
            orders=np.array(self.orders, dtype=np.int64),
            scale_power=np.float64(self.scale_power),
            detector_suffix=np.int64(self.detector_suffix),
        )


def sigmoid(logits: np.ndarray) -> np.ndarray:
    """Detector logits as scores in [0, 1] (clipped: no overflow warnings)."""
    z = np.clip(logits, -60.0, 60.0)
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row softmax of float32 attributor logits (modifies ``z``)."""
    if z.shape[0] == 0:
        return z.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row log-softmax of attributor logits, float64."""
    z = z.astype(np.float64)
    if z.shape[0] == 0:
        return z
    z -= z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def family_context(lengths: np.ndarray, suffixes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Attributor tokens beyond the label: suffix, and suffix x length.

    Families differ mostly in *which* TLDs they use with *which* label
    lengths; a linear model cannot form that conjunction from separate
    length and suffix tokens, so it gets one token for the pair.
    """
    n = len(suffixes)
    pairs = [f"{s}|{int(k)}" for s, k in zip(suffixes, lengths.tolist(), strict=True)]
    ids = np.concatenate(
        (F.string_hashes(suffixes, SUFFIX_SALT), F.string_hashes(pairs, SUFFIX_SALT + 1))
    )
    seg = np.tile(np.arange(n, dtype=np.int64), 2)
    return ids, seg


def load(path: Path | str | None = None) -> Model:
    """Read a model file (default: the one shipped with the package)."""
    if path is None:
        ref = resources.files("dnsguard").joinpath(DEFAULT_MODEL)
        with resources.as_file(ref) as real:
            return _read(Path(real))
    return _read(Path(path))


def _read(path: Path) -> Model:
    with np.load(path, allow_pickle=False) as z:
        version = int(z["format_version"])
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: model format {version}, expected {FORMAT_VERSION}")
        return Model(
            bits=int(z["bits"]),
            weights=z["weights"].astype(np.float32),
            bias=float(z["bias"]),
            family_bits=int(z["family_bits"]),
            family_weights=z["family_weights"].astype(np.float32),
            family_bias=z["family_bias"].astype(np.float32),
            families=tuple(str(f) for f in z["families"]),
            threshold=float(z["threshold"]),
            family_min_probability=float(z["family_min_probability"]),
            family_scheme=int(z["family_scheme"]) if "family_scheme" in z.files else 1,
            orders=tuple(int(k) for k in z["orders"]) if "orders" in z.files else F.ORDERS,
            scale_power=float(z["scale_power"]) if "scale_power" in z.files else 0.5,
            detector_suffix=bool(int(z["detector_suffix"])) if "detector_suffix" in z.files else False,
        )
