"""The DGA scorer's band stage: a small character GRU for the names the linear model is unsure of.

On by default (``Scorer(band=False)``, ``dnsguard score --no-band`` and
``analysis.dga_band_stage: false`` leave it out).  It was off for part of
2026-12-06: beside the linear model that weighs the public suffix, the plain
sum of the two logits ranked families never trained on worse, because the
network reads the label only and the sum halved the linear model's suffix
prior.  Since then the network's logit gets the linear suffix weight added
(``suffix_beta``) and half the weight of the linear logit (``net_weight``),
both picked on the calibration half of the recent popular names; that
combination catches 3-6 points more at 0.1 % FPR on leave-families-out
folds and on the published names of 24 families no part of dnsguard saw
(docs/dga-model.md, "The band stage weighs the suffix too").  What follows
is why the stage was built and how it works.

Why: on DGA families never trained on, the linear model's hashed n-grams
miss names whose oddness is in their character sequence as a whole; a
bidirectional GRU with 16 units each way, added to the linear score,
caught 2-4 points more of them at 0.1 % FPR, against the old benign slice
and against recent popular names (docs/dga-model.md, issue 19).  Running it on every name would cost more
than the speed budget, so it only reads the names whose linear logit lies
between the linear model's 0.3 % and 0.01 % benign calibration cuts (``BAND``;
about a quarter of a stream with 35 % DGA names (23.7 % on 2026-12-06), about 1 % of ordinary traffic):
below the band a name stays benign, above it DGA-like, with its linear
score unchanged.

Inside the band the two logits are standardised on benign calibration
labels and added (the network's, with ``suffix_beta`` times the linear
suffix weight added first, at weight ``net_weight``); the sum is mapped
back onto the linear model's scale by matching ranks on the calibration
labels (:func:`score_map`), so its 0.1 % cut lands on the threshold (logit
0) and the result stays inside the band.

What the stage may change is the decision at the threshold, which is what
was measured: a name it flags that the linear model did not gets exactly
the threshold score (0.5), a name it clears drops below it, and a name
both flag keeps its linear score.  It never makes a name look
surer than the linear model did, because the thresholds above 0.5
(``analyze``'s 0.85, the service's 0.9 verdicts) were set on the linear
model's scores, and on recent popular names the rank-matched scores were
not as calibrated as on the calibration names: at 0.85 they flagged 32
benign names of 64,515 where the linear model flagged 15
(docs/dga-model.md).

The network was trained offline with torch (``tools/train_dga_charnet.py``)
and is run here with numpy alone.  Its file records a fingerprint of the
linear model it was calibrated with; a scorer with any other linear model
leaves the stage out (:meth:`BandStage.fits`).
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from dnsguard.dga import features as F
from dnsguard.dga import model as M

FORMAT_VERSION = 1
DEFAULT_FILE = "data/dga-charnet.npz"
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_"
"""The network's characters: code k + 1 for ``ALPHABET[k]``; anything else reads as ``_``."""
TARGET_FPR = 0.001
"""Benign calibration share the combined score may flag (the linear model's target)."""
BAND = (0.997, 0.9999)
"""The band, as quantiles of the linear logit on benign calibration labels.  Measured on the
leave-families-out folds of bench/dga_charnn_eval.py (docs/dga-model.md): TPR at 0.1 % FPR
is flat for a floor anywhere from the 1 % to the 0.3 % cut, and the 0.3 % floor sends a
fifth fewer names through the network; lowering the 0.01 % ceiling loses detections."""
NET_WEIGHT, SUFFIX_BETA = 0.5, 2.0
"""How ``tools/train_dga_charnet.py`` combines the two logits unless told otherwise (see
:class:`BandStage`)."""
CHUNK = 512
"""Names per forward pass (sorted by length, so a chunk has little padding)."""

_NET_CODE = np.zeros(F.BASE, dtype=np.intp)
"""Network code of each ``features`` code (the scorer's encoding is reused, not redone)."""
_NET_CODE[3:41] = np.arange(1, 39)  # a-z, 0-9, '-', '_'
_NET_CODE[F.OTHER] = len(ALPHABET)  # as '_'
_NET_CODE[F.START] = len(ALPHABET) + 1
_NET_CODE[F.END] = len(ALPHABET) + 2
_NET_CODE.setflags(write=False)


@dataclass(frozen=True, eq=False)
class Fused:
    """The network folded for inference: both directions of the GRU as one recurrence
    over a state ``[forward | backward]``, then the dense layers.

    Why this shape: the network is tiny (16 units each way), so the cost is
    numpy's per-call overhead and memory layout, not arithmetic.  One step
    serves both directions; each gate block is its own contiguous array
    (element-wise work on a column slice of a wider array is several times
    slower); the input projections of the forward and the backward
    character are one row of a pair table, so one gather per block; the r
    and z pre-activations are halved in advance so their sigmoid is
    ``0.5 + 0.5 * tanh(x)``; and the first step, which reads the begin mark
    forward and the end mark backward from a zero state, is the same for
    every label and is done once, here."""

    rz_pairs: np.ndarray
    """float32 [BASE * BASE, 4 * units], columns ``[r_f r_b z_f z_b]``: the halved r and z input
    projections (both biases included) of the forward character (``features`` code, row //
    BASE) and the backward character (row % BASE)."""
    n_pairs: np.ndarray
    """float32 [BASE * BASE, 2 * units], ``[n_f n_b]``: the n input projections (input bias included)."""
    w_rz: np.ndarray
    """float32 [2 * units, 4 * units], halved, block-diagonal by direction."""
    w_n: np.ndarray
    """float32 [2 * units, 2 * units], halved, block-diagonal by direction."""
    b_n: np.ndarray
    """float32 [2 * units], halved: the n gates' recurrent bias (it is scaled by r, so not foldable)."""
    first_state: np.ndarray
    """float32 [2 * units]: the state after the first step, for every label."""
    units: int
    dense_w: np.ndarray
    """float32 [2 * units, dense]: the final states to the hidden layer (ReLU)."""
    dense_b: np.ndarray
    out_w: np.ndarray
    """float32 [dense]: the hidden layer to the logit."""
    out_b: float
    _rz_items: np.ndarray = field(init=False, repr=False)
    _n_items: np.ndarray = field(init=False, repr=False)
    """The pair tables as one opaque item per row: numpy copies whole rows of a
    fancy-indexed item array 2.5x faster than rows of floats (same bytes)."""

    def __post_init__(self) -> None:
        for name, table in (("_rz_items", self.rz_pairs), ("_n_items", self.n_pairs)):
            rows = np.ascontiguousarray(table)
            object.__setattr__(self, name, rows.view(np.dtype((np.void, rows.strides[0]))).reshape(-1))

    def _gather(self, items: np.ndarray, pair: np.ndarray, width: int) -> np.ndarray:
        return items[pair].view(np.float32).reshape(pair.shape[0], width)

    def step(self, h: np.ndarray, pair: np.ndarray) -> None:
        """One step for the rows of ``h`` (updated in place), reading character pairs ``pair``.

        ``w_n`` and ``b_n`` are stored halved, so with ``t = tanh`` of the halved r and z
        pre-activations, ``r * n_h = (1 + t_r) * n_h / 2`` and ``z * d = (1 + t_z) * d / 2``."""
        u2 = 2 * self.units
        rz = self._gather(self._rz_items, pair, 2 * u2)
        rz += h @ self.w_rz
        np.tanh(rz, out=rz)
        half_n_h = h @ self.w_n
        half_n_h += self.b_n
        n = self._gather(self._n_items, pair, u2)
        n += half_n_h
        half_n_h *= rz[:, :u2]
        n += half_n_h  # input term + r * recurrent term
        np.tanh(n, out=n)  # the candidate state
        h -= n
        d = h * rz[:, u2:]
        h += d
        h *= 0.5
        h += n  # h = n + z * (h - n)


@dataclass(frozen=True, eq=False)
class Weights:
    """A bidirectional GRU over framed labels, then dense + ReLU, then one logit."""

    raw: dict[str, np.ndarray]
    """The arrays as trained (what the file stores)."""

    @classmethod
    def from_torch_state(cls, state: dict[str, np.ndarray], *, alphabet: str) -> Weights:
        """From ``bench/dga_charnn_eval.py``'s ``BiGRU`` state dict (as numpy arrays)."""
        if alphabet != ALPHABET:
            raise ValueError("the network was trained on another alphabet")
        raw = {
            "embedding": state["emb.weight"],
            "dense_w": state["dense.weight"],
            "dense_b": state["dense.bias"],
            "out_w": state["out.weight"][0],
            "out_b": state["out.bias"],
        }
        for suffix, d in (("", "forward"), ("_reverse", "backward")):
            for part in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
                raw[f"{d}_{part}"] = state[f"gru.{part}_l0{suffix}"]
        return cls({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in raw.items()})

    @property
    def units(self) -> int:
        return int(self.raw["forward_weight_hh"].shape[1])

    def fused(self) -> Fused:
        r, u = self.raw, self.units
        halve = (0.5, 0.5, 1.0)  # r, z: sigmoid(x) = 0.5 + 0.5 * tanh(x / 2); n: tanh as is
        inputs = np.zeros((2, F.BASE, 6 * u), dtype=np.float32)  # per direction, columns [r_f r_b z_f z_b n_f n_b]
        w_hh = np.zeros((2 * u, 6 * u), dtype=np.float32)
        b_hh = np.zeros(6 * u, dtype=np.float32)
        for k, d in enumerate(("forward", "backward")):
            table = r["embedding"][_NET_CODE] @ r[f"{d}_weight_ih"].T + r[f"{d}_bias_ih"]  # [BASE, 3u]: r, z, n
            for g, scale in enumerate(halve):  # gate g of direction k goes to column block 2 * g + k
                cols, gate = slice((2 * g + k) * u, (2 * g + k + 1) * u), slice(g * u, (g + 1) * u)
                inputs[k, :, cols] = table[:, gate] * scale
                w_hh[k * u : (k + 1) * u, cols] = r[f"{d}_weight_hh"][gate].T * scale
                b_hh[cols] = r[f"{d}_bias_hh"][gate] * scale
        pairs = (inputs[0][:, None, :] + inputs[1][None, :, :]).reshape(F.BASE * F.BASE, 6 * u)
        pairs[:, : 4 * u] += b_hh[: 4 * u]  # r and z: both biases simply add
        fused = Fused(
            rz_pairs=np.ascontiguousarray(pairs[:, : 4 * u]),
            n_pairs=np.ascontiguousarray(pairs[:, 4 * u :]),
            w_rz=np.ascontiguousarray(w_hh[:, : 4 * u]),
            w_n=np.ascontiguousarray(w_hh[:, 4 * u :] * 0.5),
            b_n=b_hh[4 * u :] * 0.5,
            first_state=np.zeros(2 * u, dtype=np.float32),
            units=u,
            dense_w=np.ascontiguousarray(r["dense_w"].T),
            dense_b=r["dense_b"],
            out_w=r["out_w"],
            out_b=float(r["out_b"][0]),
        )
        h = np.zeros((1, 2 * u), dtype=np.float32)
        fused.step(h, np.array([F.START * F.BASE + F.END]))
        fused.first_state[:] = h[0]
        return fused


def forward(net: Fused, enc: F.Encoded, rows: np.ndarray) -> np.ndarray:
    """The network's logit for labels ``rows`` of an encoded batch.

    Labels are sorted by length, longest first, so at every step the labels
    still running are a prefix of the chunk: padding costs nothing, and
    every operation works in place on that prefix."""
    u = net.units
    out = np.empty(rows.size, dtype=np.float32)
    steps = enc.lengths[rows] + 2  # with the begin and end marks
    order = np.argsort(-steps, kind="stable")
    for lo in range(0, rows.size, CHUNK):
        part = order[lo : lo + CHUNK]
        n = steps[part]
        start = enc.starts[rows[part]]
        t = np.arange(1, int(n[0]))[:, None]  # step 0 (begin mark / end mark) is net.first_state
        live = t < n[None, :]
        # the pair read at step t: forward position t, backward position n - 1 - t
        ahead = enc.codes[np.where(live, start + t, 0)].astype(np.intp)
        pair = ahead * F.BASE + enc.codes[np.where(live, start + n - 1 - t, 0)]
        h = np.empty((part.size, 2 * u), dtype=np.float32)
        h[:] = net.first_state
        for step, k in enumerate(live.sum(axis=1).tolist()):
            net.step(h[:k], pair[step, :k])
        hidden = np.maximum(h @ net.dense_w + net.dense_b, 0)
        out[part] = hidden @ net.out_w + net.out_b
    return out


def net_logits(weights: Weights, labels: Sequence[str]) -> np.ndarray:
    """The network's logit per label (for training checks and calibration)."""
    enc = F.encode(labels)
    return forward(weights.fused(), enc, np.arange(enc.count)).astype(np.float64)


def linear_fingerprint(model: M.Model) -> str:
    """Identifies the linear detector a band stage was calibrated for."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(model.weights, dtype=np.float32).tobytes())
    h.update(repr((model.bias, model.threshold, model.orders, model.scale_power, model.detector_suffix)).encode())
    return h.hexdigest()[:32]


@dataclass(frozen=True, eq=False)
class BandStage:
    weights: Weights
    low: float
    """Linear logit of the band's floor (exclusive; ``BAND``)."""
    high: float
    """Linear logit of the band's ceiling (inclusive)."""
    linear_mean: float
    linear_sd: float
    net_mean: float
    net_sd: float
    """Benign calibration mean and standard deviation of both logits."""
    cut: float
    """The standardised sum's 0.1 % benign calibration cut (maps to the linear threshold)."""
    knots: np.ndarray
    """float64 [2, k]: the piecewise-linear map from the combined score to a logit (:func:`score_map`)."""
    linear_fingerprint: str
    net_weight: float = 1.0
    """Weight of the network's standardised logit beside the linear one's (1 until 2026-12-06)."""
    suffix_beta: float = 0.0
    """Multiple of the linear detector's public-suffix weight added to the network's logit before
    it is standardised: the network reads the label only, so without it the sum would carry the
    linear model's suffix prior at half strength (0 until 2026-12-06)."""
    fused: Fused = field(init=False, repr=False, compare=False)
    """The weights folded for inference (built once, here)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "fused", self.weights.fused())

    def fits(self, model: M.Model) -> bool:
        return linear_fingerprint(model) == self.linear_fingerprint

    def rescore(self, enc: F.Encoded, linear_logits: np.ndarray,
                suffix_weights: Callable[[np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Logits after the stage: the band's names re-placed within the band, the rest unchanged.

        ``suffix_weights(rows)`` gives the linear detector's public-suffix weight of those rows;
        it is needed (and only called) when the stage adds it (``suffix_beta``)."""
        band = np.flatnonzero((linear_logits > self.low) & (linear_logits <= self.high))
        if band.size == 0:
            return linear_logits
        z = linear_logits[band]
        net = forward(self.fused, enc, band).astype(np.float64)  # as calibrated
        if self.suffix_beta:
            if suffix_weights is None:
                raise ValueError("this band stage adds the linear suffix weight: pass suffix_weights")
            net = net + self.suffix_beta * np.asarray(suffix_weights(band), dtype=np.float64)
        combined = (z - self.linear_mean) / self.linear_sd + self.net_weight * (net - self.net_mean) / self.net_sd
        out = linear_logits.copy()
        # the stage decides which of these names reach the threshold; it never makes a name look
        # surer than the linear model did (see the module docstring)
        mapped = np.interp(combined, self.knots[0], self.knots[1])
        out[band] = np.where(mapped < 0.0, mapped, np.maximum(z, 0.0))
        return out

    def save(self, path: Path) -> None:
        """Write atomically (a half-written model file would break every scorer)."""
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(
            tmp,
            format_version=np.int64(FORMAT_VERSION),
            alphabet=np.array(ALPHABET),
            **self.weights.raw,
            band=np.array([self.low, self.high], dtype=np.float64),
            standardise=np.array([self.linear_mean, self.linear_sd, self.net_mean, self.net_sd], dtype=np.float64),
            cut=np.float64(self.cut),
            knots=self.knots.astype(np.float64),
            linear_fingerprint=np.array(self.linear_fingerprint),
            combine=np.array([self.net_weight, self.suffix_beta], dtype=np.float64),
        )
        tmp.replace(path)


def calibrate(
    weights: Weights, linear: M.Model, benign: Sequence[str], suffixes: Sequence[str] | None = None,
    *, net_weight: float = 1.0, suffix_beta: float = 0.0,
) -> BandStage:
    """A band stage whose cuts come from benign calibration labels the network never trained on.

    ``net_weight`` and ``suffix_beta``: see :class:`BandStage` (the defaults are the stage as
    shipped until 2026-12-06: equal weights, no suffix weight)."""
    if not net_weight > 0.0:
        raise ValueError("net_weight must be positive")
    enc = F.encode(benign)
    z = linear.logits(enc, suffixes=suffixes)
    g = forward(weights.fused(), enc, np.arange(enc.count)).astype(np.float64)
    if suffix_beta:
        if not linear.detector_suffix or suffixes is None:
            raise ValueError("suffix_beta needs a linear model with a suffix token and the labels' suffixes")
        g = g + suffix_beta * np.asarray(linear.suffix_weights(suffixes, enc.count), dtype=np.float64)
    low, high = (float(q) for q in np.quantile(z, BAND))
    if not low < 0.0 < high:
        raise ValueError(
            "the linear threshold is outside the band: calibrate on the names the linear model was calibrated on")
    lm, ls, gm, gs = float(z.mean()), float(z.std()), float(g.mean()), float(g.std())
    combined = (z - lm) / ls + net_weight * (g - gm) / gs
    # names above the band stay flagged, under it benign: only the band's share of the
    # benign budget is left to the combined score
    ranked = np.where(z > high, np.inf, np.where(z > low, combined, -np.inf))
    k = int(np.floor(TARGET_FPR * ranked.size))  # at most this many calibration names above the cut
    cut = float(np.sort(ranked)[::-1][k])
    if not np.isfinite(cut):
        raise ValueError("too few calibration names in the band to place the cut")
    cut = float(np.nextafter(cut, np.inf))  # the k-th name itself stays under it
    knots = score_map(ranked, z, cut, low, ls)
    return BandStage(weights, low, high, lm, ls, gm, gs, cut, knots, linear_fingerprint(linear),
                     float(net_weight), float(suffix_beta))


def score_map(ranked: np.ndarray, z: np.ndarray, cut: float, low: float, slope: float) -> np.ndarray:
    """Knots [2, k] (combined score, logit) that place the band's names under the cut.

    Why: a name the stage leaves under the threshold still gets a score, and
    it should mean what the linear model's scores mean (a share of benign
    names above it: ``dnsguard score --threshold`` or a lowered
    ``host_threshold`` read it).  The i-th highest combined score among the
    band's calibration names gets the i-th highest linear logit among them,
    kept under logit 0; the cut itself maps to 0, and under the lowest
    calibration name the map goes on with the linear model's slope down to
    the band's floor.  Above the cut only the decision is read, so the map
    stays at 0 there."""
    top = np.sort(ranked)[::-1]
    inside = np.isfinite(top)  # the band's names, by descending combined score
    x = top[inside][::-1]
    y = np.sort(z)[::-1][inside][::-1]  # linear logits of the same ranks, ascending
    under = x < cut
    x = np.append(x[under], cut)
    y = np.append(np.minimum(y[under], -1e-9), 0.0)
    return np.vstack((np.insert(x, 0, x[0] - max(y[0] - low, 0.0) / slope), np.insert(y, 0, low)))


def load(path: Path | str | None = None) -> BandStage | None:
    """Read a band stage file; the shipped one by default (None when a build left it out)."""
    if path is None:
        ref = resources.files("dnsguard").joinpath(DEFAULT_FILE)
        if not ref.is_file():
            return None
        with resources.as_file(ref) as real:
            return _read(Path(real))
    return _read(Path(path))


WEIGHT_ARRAYS = ("embedding", "dense_w", "dense_b", "out_w", "out_b") + tuple(
    f"{d}_{p}" for d in ("forward", "backward") for p in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"))
STAGE_ARRAYS = ("band", "standardise", "cut", "knots", "linear_fingerprint")


def load_weights(path: Path | str) -> Weights:
    """Only the network of a band stage file (to calibrate it again)."""
    return _read(Path(path), calibrated=False)  # type: ignore[return-value]


def _read(path: Path, calibrated: bool = True) -> BandStage | Weights:
    try:
        arrays = np.load(path, allow_pickle=False)
        if not isinstance(arrays, np.lib.npyio.NpzFile):
            raise ValueError("one array, not an .npz archive")
    except (OSError, EOFError, ValueError, zipfile.BadZipFile) as exc:  # truncated, not an npz, a pickle
        why = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise ValueError(f"{path}: unreadable band stage file ({why})") from exc
    with arrays as z:
        version = int(z["format_version"]) if "format_version" in z.files else None
        if version != FORMAT_VERSION:
            raise ValueError(f"{path}: band stage format {version}, expected {FORMAT_VERSION}")
        missing = [k for k in ("alphabet", *WEIGHT_ARRAYS, *(STAGE_ARRAYS if calibrated else ())) if k not in z.files]
        if missing:
            raise ValueError(f"{path}: not a complete band stage file (no {', '.join(missing)})")
        if str(z["alphabet"]) != ALPHABET:
            raise ValueError(f"{path}: the network was trained on another alphabet")
        weights = Weights({k: z[k].astype(np.float32) for k in WEIGHT_ARRAYS})
        if not calibrated:
            return weights
        low, high = (float(x) for x in z["band"])
        lm, ls, gm, gs = (float(x) for x in z["standardise"])
        # files written before 2026-12-06 have no "combine": equal weights, no suffix weight
        net_weight, suffix_beta = (float(x) for x in z["combine"]) if "combine" in z.files else (1.0, 0.0)
        if not (np.isfinite(net_weight) and net_weight > 0.0 and np.isfinite(suffix_beta)):
            raise ValueError(f"{path}: bad band stage weights ({net_weight}, {suffix_beta})")
        return BandStage(weights, low, high, lm, ls, gm, gs, float(z["cut"]), z["knots"].astype(np.float64),
                         str(z["linear_fingerprint"]), net_weight, suffix_beta)
