"""Vectorised lexical features of DNS labels.

The scorer must handle hundreds of thousands of names a second on one core,
so nothing here loops over names in Python: a batch of labels becomes one
flat ``uint8`` array of character codes, each label framed by a start and an
end marker, and every feature is computed with whole-array numpy operations
on that array (shifts for n-grams, ``bincount`` per label for sums).

Features are *tokens*: hashed character n-grams (orders 1..5, markers
included so prefixes and suffixes are distinct) and a few bucketed
statistics (length, digits, vowel share, longest consonant run...).
A linear model over token ids is then a gather plus a per-label sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

BASE = 42
"""Size of the character code alphabet (codes 0..41)."""
START, END, OTHER = 1, 2, 41
ORDERS = (1, 2, 3, 4, 5)
DETECTOR_ORDERS = (1, 2, 3, 4)
"""N-gram orders of the detector (5-grams of random labels are mostly
unique per name: dropping them raised held-out-family recall at 0.1 % FPR)."""
DETECTOR_SCALE_POWER = 0.35
"""Exponent of the detector's length scaling, see :func:`length_scale`."""

_LUT = np.full(256, OTHER, dtype=np.uint8)
for _i, _c in enumerate("abcdefghijklmnopqrstuvwxyz"):
    _LUT[ord(_c)] = 3 + _i
    _LUT[ord(_c.upper())] = 3 + _i
for _i, _c in enumerate("0123456789"):
    _LUT[ord(_c)] = 29 + _i
_LUT[ord("-")] = 39
_LUT[ord("_")] = 40
_LUT[ord("^")] = START
_LUT[ord("$")] = END
_LUT.setflags(write=False)

_IS_VOWEL = np.zeros(BASE, dtype=bool)
_IS_VOWEL[[3 + "abcdefghijklmnopqrstuvwxyz".index(v) for v in "aeiouy"]] = True
_IS_LETTER = np.zeros(BASE, dtype=bool)
_IS_LETTER[3:29] = True
_IS_CONSONANT = _IS_LETTER & ~_IS_VOWEL
_IS_DIGIT = np.zeros(BASE, dtype=bool)
_IS_DIGIT[29:39] = True
for _a in (_IS_VOWEL, _IS_LETTER, _IS_CONSONANT, _IS_DIGIT):
    _a.setflags(write=False)

_META_SALT32 = np.uint32(0x27D4EB2F)

_KIND = (_IS_LETTER.astype(np.uint8) + 2 * _IS_DIGIT.astype(np.uint8))
"""1 letter, 2 digit, 0 else: a letter/digit switch is a product of 2."""
_PACK_MASK = 0xFFF
_PACK_LIMIT = 4000
"""Labels shorter than this have every count below 2**12 (one 12-bit field each)."""
_PACKED = (
    _IS_LETTER.astype(np.int64)
    + (_IS_VOWEL.astype(np.int64) << 12)
    + (_IS_DIGIT.astype(np.int64) << 24)
    + ((np.arange(BASE) == 39).astype(np.int64) << 36)
)
"""Per code: letter, vowel, digit and hyphen flags in 12-bit fields (switches at 48)."""
for _a in (_KIND, _PACKED):
    _a.setflags(write=False)

META_KINDS = ("length", "digits", "vowel_share", "consonant_run", "hyphen", "switches")
"""Bucketed statistics turned into one token each."""


@dataclass(frozen=True)
class Encoded:
    """A batch of labels as one framed flat code array."""

    codes: np.ndarray
    """uint8 codes, ``^label$`` per label, concatenated."""
    starts: np.ndarray
    """int64 offset of each label's ``^`` in ``codes``."""
    lengths: np.ndarray
    """int64 label lengths (without the markers)."""

    @property
    def count(self) -> int:
        return int(self.lengths.shape[0])

    @property
    def seg(self) -> np.ndarray:
        """Label index of every position (built on demand: training only)."""
        return np.repeat(np.arange(self.count, dtype=np.int64), self.lengths + 2)


@dataclass(frozen=True)
class Tokens:
    """Sparse token ids of a batch: ``ids[i]`` belongs to label ``seg[i]``."""

    ids: np.ndarray
    """uint32 hashes (reduce to table indices with :func:`table_index`)."""
    seg: np.ndarray
    count: int


@dataclass(frozen=True)
class Grams:
    """Hashed n-grams per order, one slot per start position of ``codes``.

    Slots whose n-gram would run past the label's end marker are flagged
    invalid rather than removed, so per-label sums stay contiguous
    (``np.add.reduceat`` over ``Encoded.starts``) and nothing is compacted
    on the inference path.
    """

    hashes: tuple[np.ndarray, ...]
    valid: tuple[np.ndarray, ...]


@dataclass(frozen=True)
class LexicalStats:
    """Per-label statistics, also used to explain a score in words."""

    length: np.ndarray
    digits: np.ndarray
    vowel_share: np.ndarray
    """Vowels (incl. y) over letters; 0 when there are no letters."""
    entropy: np.ndarray
    """Shannon entropy of the label's characters, bits."""
    consonant_run: np.ndarray
    """Longest run of consecutive consonants."""
    hyphens: np.ndarray
    switches: np.ndarray
    """Letter/digit alternations (``a1b2`` has 3)."""


def encode(labels: Sequence[str]) -> Encoded:
    """Frame and encode ASCII labels; other characters map to one code."""
    n = len(labels)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Encoded(np.zeros(0, dtype=np.uint8), empty, empty)
    joined = ("^" + "$^".join(labels) + "$").encode("ascii", "replace")
    codes = np.take(_LUT, np.frombuffer(joined, dtype=np.uint8))  # take: 3x a fancy-index gather
    lengths = np.fromiter(map(len, labels), dtype=np.int64, count=n)
    ends = np.cumsum(lengths + 2)
    if ends[-1] != codes.shape[0]:  # a non-ASCII character became several bytes
        raise ValueError("labels must be ASCII")
    return Encoded(codes, ends - (lengths + 2), lengths)


_POW = tuple(np.uint32(BASE**k) for k in range(5))
_SALT32 = tuple(np.uint32((0x85EBCA6B * (k + 1)) & 0xFFFFFFFF) for k in range(6))
_MULT32 = np.uint32(0x9E3779B1)


def grams(enc: Encoded, orders: Sequence[int] = ORDERS) -> Grams:
    """Hash every n-gram of every order (exact base-42 value, then multiplicative hash)."""
    codes = enc.codes.astype(np.uint32)
    is_end = enc.codes == END
    total = codes.shape[0]
    value = np.zeros(total, dtype=np.uint32)
    crossed = np.zeros(total, dtype=bool)
    hashes: list[np.ndarray] = []
    valid: list[np.ndarray] = []
    for k in range(1, max(orders) + 1):
        width = total - k + 1
        if width <= 0:
            break
        value = value[:width] + codes[k - 1 :] * _POW[k - 1]
        if k > 1:
            crossed = crossed[:width] | is_end[k - 2 : k - 2 + width]
        if k in orders:
            hashes.append((value + _SALT32[k]) * _MULT32)
            valid.append(~crossed)
    return Grams(tuple(hashes), tuple(valid))


def ngram_hashes(enc: Encoded, orders: Sequence[int] = ORDERS) -> Tokens:
    """Valid hashed n-grams as sparse tokens (training and attribution)."""
    g = grams(enc, orders)
    seg = enc.seg
    ids = [h[v] for h, v in zip(g.hashes, g.valid, strict=True)]
    segs = [seg[: v.shape[0]][v] for v in g.valid]
    if not ids:
        return Tokens(np.zeros(0, np.uint32), np.zeros(0, np.int64), enc.count)
    return Tokens(np.concatenate(ids), np.concatenate(segs), enc.count)


def gram_sums(enc: Encoded, g: Grams, weights: np.ndarray, bits: int) -> np.ndarray:
    """Sum of the weights of each label's valid n-grams (the inference path)."""
    total = enc.codes.shape[0]
    if total == 0:
        return np.zeros(0, dtype=np.float64)
    acc = np.zeros(total, dtype=np.float32)
    shift = np.uint32(32 - bits)
    for h, v in zip(g.hashes, g.valid, strict=True):
        w = weights[h >> shift]
        w[~v] = 0.0
        acc[: w.shape[0]] += w
    return np.add.reduceat(acc, enc.starts).astype(np.float64)


_CLOG = np.zeros(512, dtype=np.float64)
_CLOG[1:] = np.arange(1, 512) * np.log2(np.arange(1, 512))
_CLOG.setflags(write=False)


def lexical_stats(enc: Encoded, entropy: bool = True) -> LexicalStats:
    """Per-label statistics computed with whole-batch numpy operations.

    Entropy needs a per-label character histogram, the costliest part; the
    model does not use it, so the scorer skips it (``entropy=False`` leaves
    zeros) and computes it only for the few names it explains.
    """
    n = enc.count
    if n == 0:
        z = np.zeros(0, dtype=np.int64)
        zf = np.zeros(0, dtype=np.float64)
        return LexicalStats(z, z, zf, zf, z, z, z)
    codes = enc.codes
    starts = enc.starts
    length = enc.lengths
    if int(length.max()) < _PACK_LIMIT:
        # every count in one int64 per position, one reduceat (exact integer sums)
        kind = np.take(_KIND, codes)
        packed = np.take(_PACKED, codes)
        if codes.shape[0] > 1:
            packed[1:] += (kind[:-1] * kind[1:] == 2).astype(np.int64) << 48  # a letter/digit switch
        sums = np.add.reduceat(packed, starts)
        letters, vowels, digits, hyphens, switches = (
            (sums >> shift) & _PACK_MASK for shift in (0, 12, 24, 36, 48)
        )
    else:
        letter = _IS_LETTER[codes]
        digit = _IS_DIGIT[codes]
        letters = np.add.reduceat(letter.astype(np.int32), starts)
        vowels = np.add.reduceat(_IS_VOWEL[codes].astype(np.int32), starts)
        digits = np.add.reduceat(digit.astype(np.int32), starts)
        hyphens = np.add.reduceat((codes == 39).astype(np.int32), starts)
        switch = np.zeros(codes.shape[0], dtype=np.int32)
        if codes.shape[0] > 1:
            switch[1:] = (letter[:-1] & digit[1:]) | (digit[:-1] & letter[1:])
        switches = np.add.reduceat(switch, starts)
    ent = _entropy(enc) if entropy else np.zeros(n, dtype=np.float64)
    vowel_share = vowels / np.maximum(letters, 1)
    consonant_run = _longest_run(np.take(_IS_CONSONANT, codes), starts)
    return LexicalStats(
        length=length,
        digits=digits,
        vowel_share=vowel_share,
        entropy=ent,
        consonant_run=consonant_run,
        hyphens=hyphens,
        switches=switches,
    )


def select_stats(stats: LexicalStats, rows: np.ndarray, enc: Encoded | None = None) -> LexicalStats:
    """The statistics of labels ``rows`` of a batch; with ``enc`` (those labels encoded)
    the entropy is computed, as ``lexical_stats(enc)`` would (the scorer computes the
    other statistics once for the whole batch and the entropy only for flagged names)."""
    return LexicalStats(
        length=stats.length[rows],
        digits=stats.digits[rows],
        vowel_share=stats.vowel_share[rows],
        entropy=_entropy(enc) if enc is not None and enc.count else stats.entropy[rows],
        consonant_run=stats.consonant_run[rows],
        hyphens=stats.hyphens[rows],
        switches=stats.switches[rows],
    )


def _entropy(enc: Encoded) -> np.ndarray:
    n = enc.count
    if n > _ENTROPY_CHUNK:  # the [labels, 42] histograms of a chunk stay in cache
        return np.concatenate([_entropy(subset(enc, np.arange(at, min(at + _ENTROPY_CHUNK, n))))
                               for at in range(0, n, _ENTROPY_CHUNK)])
    seg = np.repeat(np.arange(n, dtype=np.int64), enc.lengths + 2)
    counts = np.bincount(seg * BASE + enc.codes, minlength=n * BASE).reshape(n, BASE)
    # the markers occur once per label and 1*log2(1) == 0: no need to drop them
    clog = _CLOG[counts].sum(axis=1)
    safe = np.maximum(enc.lengths, 1)
    return np.maximum(np.log2(safe) - clog / safe, 0.0)


_ENTROPY_CHUNK = 2048


def subset(enc: Encoded, rows: np.ndarray) -> Encoded:
    """Labels ``rows`` of an encoded batch, as ``encode`` would give them (no strings)."""
    if rows.shape[0] == 0:
        return encode([])
    lengths = enc.lengths[rows]
    per = lengths + 2
    ends = np.cumsum(per)
    starts = ends - per
    src = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(enc.starts[rows] - starts, per)
    return Encoded(enc.codes[src], starts, lengths)


def _longest_run(flag: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Longest run of True per label (markers are never True, so runs stay inside).

    From the runs' edges rather than a running count per character: a running
    maximum (``maximum.accumulate``) over every character was half the cost
    of the statistics."""
    edges = np.diff(flag.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    begin, end = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    out = np.zeros(starts.shape[0], dtype=np.int32)
    if begin.size:
        np.maximum.at(out, np.searchsorted(starts, begin, side="right") - 1, (end - begin).astype(np.int32))
    return out


def meta_hashes(stats: LexicalStats) -> Tokens:
    """One token per bucketed statistic per label."""
    n = stats.length.shape[0]
    buckets = meta_buckets(stats)
    ids = [
        (np.asarray(b, dtype=np.uint32) * np.uint32(64) + np.uint32(kind + 1) + _META_SALT32)
        * _MULT32
        for kind, b in enumerate(buckets)
    ]
    seg = np.tile(np.arange(n, dtype=np.int64), len(buckets))
    return Tokens(np.concatenate(ids), seg, n)


def meta_buckets(stats: LexicalStats) -> tuple[np.ndarray, ...]:
    return (
        np.minimum(stats.length, 40),
        np.minimum(stats.digits, 12),
        np.minimum((stats.vowel_share * 10).astype(np.int64), 10),
        np.minimum(stats.consonant_run, 10),
        np.minimum(stats.hyphens, 3),
        np.minimum(stats.switches, 8),
    )


def meta_sums(stats: LexicalStats, weights: np.ndarray, bits: int) -> np.ndarray:
    """Sum of the weights of each label's statistic tokens (the inference path)."""
    shift = np.uint32(32 - bits)
    total = np.zeros(stats.length.shape[0], dtype=np.float64)
    for kind, b in enumerate(meta_buckets(stats)):
        h = (np.asarray(b, dtype=np.uint32) * np.uint32(64) + np.uint32(kind + 1) + _META_SALT32)
        total += weights[(h * _MULT32) >> shift]
    return total


def string_hashes(values: Sequence[str], salt: int) -> np.ndarray:
    """Stable uint32 hashes of short strings (e.g. the public suffix).

    Python's ``hash`` is salted per process, so this folds the bytes with a
    polynomial hash in numpy instead.
    """
    if not values:
        return np.zeros(0, dtype=np.uint32)
    enc = encode([v.replace(".", "_") for v in values])
    pos = np.arange(enc.codes.shape[0]) - np.repeat(enc.starts, enc.lengths + 2)
    mixed = (enc.codes.astype(np.uint32) + np.uint32(1)) * (
        (pos.astype(np.uint32) + np.uint32(salt & 0xFFFF)) * _MULT32 | np.uint32(1)
    )
    acc = np.add.reduceat(mixed, enc.starts, dtype=np.uint32)
    return (acc + np.uint32(salt & 0xFFFFFFFF)) * _MULT32


def tokens(
    enc: Encoded, stats: LexicalStats | None = None, orders: Sequence[int] = DETECTOR_ORDERS
) -> Tokens:
    """All detector tokens of a batch: n-grams plus bucketed statistics."""
    grams = ngram_hashes(enc, orders)
    meta = meta_hashes(stats if stats is not None else lexical_stats(enc, entropy=False))
    return Tokens(
        np.concatenate((grams.ids, meta.ids)),
        np.concatenate((grams.seg, meta.seg)),
        enc.count,
    )


def length_scale(lengths: np.ndarray, power: float = DETECTOR_SCALE_POWER) -> np.ndarray:
    """Factor on a label's summed token weights: (length + 2) ** -power.

    A plain sum (power 0) lets the hash-collision and memorisation noise of
    several tokens per character grow with the label, so long random labels
    (32 hex digits) scored anywhere; dividing by the square root (power 0.5,
    models before 2026-11-27) keeps that noise level flat; 0.35 lets real
    evidence add up a little more with length and measured better on
    held-out families (docs/dga-model.md).
    """
    base = np.asarray(lengths, dtype=np.float64) + 2.0
    if power == 0.5:
        return 1.0 / np.sqrt(base)
    return base ** (-power)


def table_index(ids: np.ndarray, bits: int) -> np.ndarray:
    """Top ``bits`` bits of the multiplicative hash: the weight-table row."""
    return (ids >> np.uint32(32 - bits)).astype(np.intp)


def lexical_features(labels: Sequence[str]) -> LexicalStats:
    """Cheap per-label statistics for other detections (tunnelling, reports)."""
    return lexical_stats(encode(list(labels)))


ATTRIBUTION_ORDERS = (1, 2)
"""N-gram orders of the attributor: longer grams of random labels are unique
per name, so they only let the attributor memorise its training names."""
EDGE_POSITIONS = 4
_EDGE_SALT32 = np.uint32(0x165667B1)


def edge_hashes(enc: Encoded, positions: int = EDGE_POSITIONS) -> Tokens:
    """One token per (position, character) for the first and last characters.

    Some generators treat the first or last characters differently (a fixed
    alphabet for the first letter, a digit suffix); n-grams anchored on the
    markers only see the very first and last character.
    """
    n = enc.count
    ids: list[np.ndarray] = []
    segs: list[np.ndarray] = []
    rows = np.arange(n, dtype=np.int64)
    codes = enc.codes.astype(np.uint32)
    for p in range(1, positions):
        ok = enc.lengths > p
        for side, at in ((0, enc.starts + 1 + p), (1, enc.starts + enc.lengths - p)):
            kind = np.uint32(2 * p + side)
            h = (codes[at[ok]] * np.uint32(64) + kind + _EDGE_SALT32) * _MULT32
            ids.append(h)
            segs.append(rows[ok])
    if not ids:
        return Tokens(np.zeros(0, np.uint32), np.zeros(0, np.int64), n)
    return Tokens(np.concatenate(ids), np.concatenate(segs), n)


def attribution_tokens(enc: Encoded, stats: LexicalStats | None = None) -> Tokens:
    """Tokens of the family attributor: 1-2-grams, statistics, edge characters."""
    grams = ngram_hashes(enc, ATTRIBUTION_ORDERS)
    meta = meta_hashes(stats if stats is not None else lexical_stats(enc, entropy=False))
    edge = edge_hashes(enc)
    return Tokens(
        np.concatenate((grams.ids, meta.ids, edge.ids)),
        np.concatenate((grams.seg, meta.seg, edge.seg)),
        enc.count,
    )
