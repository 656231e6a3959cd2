"""Fast family-attributor logits, equal bit for bit to the sparse-token path.

The reference (:meth:`dnsguard.dga.model.Model.family_logits`) builds the
attributor's sparse tokens, sorts them by label, gathers one weight row per
token (``[tokens, families]`` float32, ~10 KB per long label) and sums each
label's rows with ``np.add.reduceat(..., axis=0)``.  That reduction alone
was 43 % of the scorer's time on long random labels (the whole attribution
84 %): it walks each family's column down the rows with a stride.

Here the token table rows are found without hashing (1- and 2-grams and
edge characters have at most 42 x 42 distinct values, the rows are
precomputed; suffix rows are cached per suffix) and labels are grouped by
length: every label of one length has the same token layout, so a group is
a dense ``[labels, slots]`` index matrix, and its sum is done with whole
``[labels, 8, families]`` blocks.  Lengths with few labels (a batch of
mixed traffic) are summed together instead (:meth:`FamilyTables._mixed`),
so that a batch costs tens of numpy calls, not tens per length.  Rows are
gathered as one 160-byte item each (:class:`_Rows`).  A handful of labels
(a single name) is listed in Python and summed by the reference's own
``reduceat`` (:meth:`FamilyTables._few`), which is cheap at that size.

Bit-exactness: ``reduceat`` computes, per column, ``row[0] +
pairwise(rows[1:])`` with numpy's pairwise summation (eight interleaved
accumulators over blocks of at most 128, halves above that).  Float32
addition is not associative, so :func:`_pairwise` repeats exactly that
order of operations, vectorised over labels and families.  The tables check
themselves against the reference on first use (:func:`build`): if a numpy
version sums differently the fast path switches itself off and the
reference is used.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dnsguard.dga import features as F

_BASE = F.BASE
_BLOCK = 128
"""numpy's ``PW_BLOCKSIZE``: above it the pairwise sum splits in halves."""
_MAX_LENGTH = 255
"""Longest label the fast path takes (DNS labels have at most 63 octets)."""
_MIXED_MAX_LENGTH = 56
"""Longest label whose token rows after the first (2 x length + 16 at most) fit
one pairwise block of 128."""
_FEW = 16
"""Batches of at most this many labels are listed in Python (:meth:`FamilyTables._few`)."""
_GROUP_MIN = 32
"""Labels of one length worth a dense matrix of their own (16, 32 and 64 measured the same)."""
_CHUNK = 4096
"""Labels of mixed lengths summed together (bounds the [labels, 8, families]
accumulator at ~5 MB)."""
_GROUP_CHUNK = 1024
"""Labels of one length summed together (the [labels, 8, families] blocks stay
~1.3 MB; 5,000 long labels at once ran 30 % slower)."""
_CACHE_LIMIT = 4096
"""Cached suffixes before the cache starts again (bounds memory on hostile input:
4096 x 256 int32 pair rows are 4 MB)."""


def _rows(hashes: np.ndarray, bits: int) -> np.ndarray:
    return F.table_index(np.asarray(hashes, dtype=np.uint32), bits)


@dataclass
class _SuffixCache:
    """Table rows of the suffix token and of the (suffix, length) token, per suffix.

    ``pair_rows[sid, length]`` is -1 until a label of that length under that
    suffix is seen (filled in place: concurrent writers write the same value)."""

    index: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    suffix_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    pair_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, _MAX_LENGTH + 1), np.int32))


class FamilyTables:
    """Precomputed row indices and the row-major weight table of one attributor."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, bits: int, suffix_salt: int) -> None:
        self.table = np.ascontiguousarray(weights, dtype=np.float32)
        self.rows = _Rows(self.table)
        self.bias = bias
        self.bits = bits
        self.suffix_salt = suffix_salt
        codes = np.arange(_BASE, dtype=np.uint32)
        salt1, salt2 = F._SALT32[1], F._SALT32[2]
        # order-1 value = c; order-2 value = c0 + 42 * c1 (features.grams)
        self.gram1 = _rows((codes + salt1) * F._MULT32, bits)
        value = np.arange(_BASE * _BASE, dtype=np.uint32)
        self.gram2 = _rows((value + salt2) * F._MULT32, bits)  # at c0 + 42 * c1
        kinds = np.arange(2 * F.EDGE_POSITIONS, dtype=np.uint32)
        self.edge = _rows((codes[None, :] * np.uint32(64) + kinds[:, None] + F._EDGE_SALT32) * F._MULT32, bits)
        self._cache = _SuffixCache()
        self._gram1_list = self.gram1.tolist()
        self._gram2_list = self.gram2.tolist()
        self._edge_list = self.edge.tolist()
        self._lock = threading.Lock()

    # -- suffix tokens --------------------------------------------------------------

    def _suffix_rows(self, suffixes: Sequence[str], lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from dnsguard.dga.model import family_context

        cache = self._cache
        missing = set(suffixes).difference(cache.index)
        if missing:
            cache = self._extend(sorted(missing))
        sid = np.fromiter(map(cache.index.__getitem__, suffixes), dtype=np.intp, count=len(suffixes))
        pair = cache.pair_rows[sid, lengths]
        unknown = np.flatnonzero(pair < 0)
        if unknown.size:
            key = np.unique(sid[unknown] * (_MAX_LENGTH + 1) + lengths[unknown])
            k_sid, k_len = np.divmod(key, _MAX_LENGTH + 1)
            names = cache.names
            ids, _ = family_context(k_len, [names[i] for i in k_sid.tolist()])
            cache.pair_rows[k_sid, k_len] = _rows(ids[key.shape[0] :], self.bits)
            pair = cache.pair_rows[sid, lengths]
        return cache.suffix_rows[sid], pair

    def _extend(self, new: list[str]) -> _SuffixCache:
        """A new cache with ``new`` added (replaced whole, so readers never see half of it)."""
        with self._lock:
            old = self._cache
            new = [s for s in new if s not in old.index]
            if len(old.index) + len(new) > _CACHE_LIMIT:
                old = _SuffixCache()
            if not new:
                return old
            rows = _rows(F.string_hashes(new, self.suffix_salt), self.bits).astype(np.int32)
            index = dict(old.index)
            base = len(index)
            index.update((s, base + k) for k, s in enumerate(new))
            self._cache = _SuffixCache(
                index,
                [*old.names, *new],
                np.concatenate((old.suffix_rows, rows)),
                np.concatenate((old.pair_rows, np.full((len(new), _MAX_LENGTH + 1), -1, np.int32))),
            )
            return self._cache

    # -- logits ---------------------------------------------------------------------

    def usable(self, enc: F.Encoded) -> bool:
        """Whether the fast path applies (no end marker inside a label, labels not absurdly long)."""
        return (
            enc.count > 0
            and int(enc.lengths.max()) <= _MAX_LENGTH
            and int(np.count_nonzero(enc.codes == F.END)) == enc.count
        )

    def logits(self, enc: F.Encoded, stats: F.LexicalStats, suffixes: Sequence[str]) -> np.ndarray:
        """[labels, families] float32, the same bits as the reference."""
        n = enc.count
        if n <= _FEW:
            return self._few(enc, stats, suffixes)
        lengths = enc.lengths
        suffix_rows, pair_rows = self._suffix_rows(suffixes, lengths)
        meta = np.empty((n, len(F.META_KINDS)), dtype=np.intp)
        shift = np.uint32(32 - self.bits)
        for kind, b in enumerate(F.meta_buckets(stats)):
            h = np.asarray(b, dtype=np.uint32) * np.uint32(64) + np.uint32(kind + 1) + F._META_SALT32
            meta[:, kind] = (h * F._MULT32) >> shift
        out = np.empty((n, self.table.shape[1]), dtype=np.float32)
        # lengths with many labels: one dense [labels, slots] matrix each; the
        # labels of the other lengths (up to 56, one pairwise block) together
        order = np.argsort(lengths, kind="stable")
        bounds = np.flatnonzero(np.diff(lengths[order])) + 1
        few = []
        for whole in np.split(order, bounds):
            length = int(lengths[whole[0]])
            if whole.shape[0] < _GROUP_MIN and length <= _MIXED_MAX_LENGTH:
                few.append(whole)
                continue
            for at in range(0, whole.shape[0], _GROUP_CHUNK):
                group = whole[at : at + _GROUP_CHUNK]
                idx = self._slots(enc.codes, enc.starts[group], length, meta[group],
                                  suffix_rows[group], pair_rows[group])
                out[group] = self._sum(idx)
        if few:
            rest = np.concatenate(few)
            for at in range(0, rest.shape[0], _CHUNK):
                rows = rest[at : at + _CHUNK]
                out[rows] = self._mixed(enc.codes, enc.starts[rows], lengths[rows], meta[rows],
                                        suffix_rows[rows], pair_rows[rows])
        out += self.bias
        return out

    def _index(self, codes, starts, lengths, meta, suffix_rows, pair_rows) -> np.ndarray:
        """[labels, slots] table rows of every token in the reference's order (1-grams,
        2-grams, statistics, edge characters, suffix, (suffix, length)); a label's
        row is valid up to its own slot count (:func:`_slot_counts`), garbage after."""
        m = starts.shape[0]
        slots = _slot_counts(lengths, meta.shape[1])
        width = int(slots.max())
        idx = np.empty((m, width), dtype=np.intp)
        flat = idx.reshape(-1)
        # n-grams: code position q of label k (slot j = q - start) -> 1-gram slot j,
        # 2-gram slot length + 2 + j (none for the end marker, j = length + 1)
        per = lengths + 2
        total = int(per.sum())
        first = np.cumsum(per) - per
        j = np.arange(total) - np.repeat(first, per)
        q = np.repeat(starts, per) + j
        base = np.repeat(np.arange(m) * width, per) + j
        c = codes[q].astype(np.intp)
        flat[base] = self.gram1[c]
        two = np.flatnonzero(c != F.END)
        q2 = q[two]
        flat[base[two] + np.repeat(lengths + 2, per)[two]] = self.gram2[c[two] + _BASE * codes[q2 + 1].astype(np.intp)]
        rows = np.arange(m)
        at = 2 * lengths + 3
        idx[rows[:, None], at[:, None] + np.arange(meta.shape[1])] = meta
        at = at + meta.shape[1]
        for p in range(1, F.EDGE_POSITIONS):
            ok = np.flatnonzero(lengths > p)
            if ok.size == 0:
                break
            idx[ok, at[ok]] = self.edge[2 * p, codes[starts[ok] + 1 + p]]
            idx[ok, at[ok] + 1] = self.edge[2 * p + 1, codes[starts[ok] + lengths[ok] - p]]
            at[ok] += 2
        idx[rows, slots - 2] = suffix_rows
        idx[rows, slots - 1] = pair_rows
        return idx

    def _few(self, enc: F.Encoded, stats: F.LexicalStats, suffixes: Sequence[str]) -> np.ndarray:
        """A few labels (a single name's latency): rows listed in Python, then the
        reference's own sum, ``np.add.reduceat(rows, offsets, axis=0)``, which
        costs little at this size."""
        from dnsguard.dga.model import family_context

        cache = self._cache
        if not cache.index.keys() >= set(suffixes):
            cache = self._extend(sorted(set(suffixes).difference(cache.index)))
        g1, g2, edge = self._gram1_list, self._gram2_list, self._edge_list
        shift = 32 - self.bits
        salt, mult = int(F._META_SALT32), int(F._MULT32)
        buckets = [b.tolist() for b in F.meta_buckets(stats)]
        codes = enc.codes.tolist()
        flat: list[int] = []
        offsets: list[int] = []
        for k, (start, length, suffix) in enumerate(
            zip(enc.starts.tolist(), enc.lengths.tolist(), suffixes, strict=True)
        ):
            offsets.append(len(flat))
            c = codes[start : start + length + 2]
            flat += [g1[x] for x in c]
            flat += [g2[a + _BASE * b] for a, b in zip(c[:-1], c[1:], strict=True)]  # none from "$"
            flat += [(((b[k] * 64 + kind + 1 + salt) * mult) & 0xFFFFFFFF) >> shift
                     for kind, b in enumerate(buckets)]
            for p in range(1, min(length, F.EDGE_POSITIONS)):
                flat.append(edge[2 * p][c[1 + p]])
                flat.append(edge[2 * p + 1][c[length - p]])
            sid = cache.index[suffix]
            pair = int(cache.pair_rows[sid, length])
            if pair < 0:
                ids, _ = family_context(np.array([length]), [suffix])
                pair = int(_rows(ids[1:], self.bits)[0])
                cache.pair_rows[sid, length] = pair
            flat.append(int(cache.suffix_rows[sid]))
            flat.append(pair)
        out = np.add.reduceat(self.table[flat], offsets, axis=0)
        out += self.bias
        return out

    def _mixed(self, codes, starts, lengths, meta, suffix_rows, pair_rows) -> np.ndarray:
        """Logits (without bias) of labels of any length up to ``_MIXED_MAX_LENGTH``.

        Every label has ``n = slots - 1 <= 128`` rows after its first, so its
        pairwise sum is one block: eight accumulators over ``n // 8`` full
        groups of eight rows, a fixed tree, then the ``n % 8`` remaining rows one
        by one.  Labels are sorted by their number of full groups, so each
        group step is a prefix of the batch; the remainder steps pick their
        labels and columns by index."""
        m = starts.shape[0]
        slots = _slot_counts(lengths, meta.shape[1])
        blocks, remainder = np.divmod(slots - 1, 8)
        order = np.argsort(-blocks, kind="stable")
        blocks, remainder = blocks[order], remainder[order]
        idx = self._index(codes, starts[order], lengths[order], meta[order],
                          suffix_rows[order], pair_rows[order])

        table = self.rows
        r = table[idx[:, 1:9]]
        counts = np.bincount(blocks)
        active = m - np.cumsum(counts)  # labels with more than b groups
        for b in range(1, int(blocks[0])):
            k = int(active[b])
            r[:k] += table[idx[:k, 1 + 8 * b : 9 + 8 * b]]
        res = ((r[:, 0] + r[:, 1]) + (r[:, 2] + r[:, 3])) + ((r[:, 4] + r[:, 5]) + (r[:, 6] + r[:, 7]))
        for extra in range(int(remainder.max())):
            sel = np.flatnonzero(remainder > extra)
            res[sel] += table[idx[sel, 1 + 8 * blocks[sel] + extra]]
        total_rows = table[idx[:, 0]]
        total_rows += res
        out = np.empty((m, self.table.shape[1]), dtype=np.float32)
        out[order] = total_rows[:, : self.table.shape[1]]
        return out

    def _slots(self, codes, starts, length, meta, suffix_rows, pair_rows) -> np.ndarray:
        """Table rows of every token of labels of one length, in the reference's order:
        1-grams, 2-grams, statistics, edge characters, suffix, (suffix, length)."""
        m = starts.shape[0]
        c = codes[starts[:, None] + np.arange(length + 2)].astype(np.intp)
        edges = 2 * min(max(length - 1, 0), F.EDGE_POSITIONS - 1)
        width = 2 * length + 3 + meta.shape[1] + edges + 2
        idx = np.empty((m, width), dtype=np.intp)
        idx[:, : length + 2] = self.gram1[c]
        at = length + 2
        idx[:, at : at + length + 1] = self.gram2[c[:, :-1] + _BASE * c[:, 1:]]
        at += length + 1
        idx[:, at : at + meta.shape[1]] = meta
        at += meta.shape[1]
        for p in range(1, F.EDGE_POSITIONS):
            if length > p:
                idx[:, at] = self.edge[2 * p, c[:, 1 + p]]
                idx[:, at + 1] = self.edge[2 * p + 1, c[:, length - p]]
                at += 2
        idx[:, at] = suffix_rows
        idx[:, at + 1] = pair_rows
        return idx

    def _sum(self, idx: np.ndarray) -> np.ndarray:
        """``row[0] + pairwise(rows[1:])`` per label and family, as ``reduceat`` does."""
        table = self.rows
        first = table[idx[:, 0]]
        n = idx.shape[1] - 1
        if n:
            first += _pairwise(table, idx, 1, n)
        return first[:, : self.table.shape[1]]


class _Rows:
    """``table[index]`` for a row table, gathered as whole 160-byte rows.

    The rows are padded to a multiple of four floats and gathered through a
    one-item-per-row view, which numpy copies faster than rows of 39 floats;
    results carry the padding columns (zeros) until the caller drops them."""

    def __init__(self, table: np.ndarray) -> None:
        width = -(-table.shape[1] // 4) * 4
        padded = np.zeros((table.shape[0], width), dtype=np.float32)
        padded[:, : table.shape[1]] = table
        self.width = width
        self.items = padded.view(np.dtype((np.void, 4 * width))).reshape(-1)

    def __getitem__(self, index: np.ndarray) -> np.ndarray:
        got = self.items[index]
        return got.view(np.float32).reshape(*got.shape, self.width)


def _slot_counts(lengths: np.ndarray, meta: int) -> np.ndarray:
    """Tokens per label: 1-grams, 2-grams, statistics, edge characters, suffix, pair."""
    return 2 * lengths + 3 + meta + 2 * np.clip(lengths - 1, 0, F.EDGE_POSITIONS - 1) + 2


def _pairwise(table: np.ndarray, idx: np.ndarray, lo: int, n: int) -> np.ndarray:
    """numpy's float pairwise sum of the rows of slots ``lo .. lo+n-1`` (n >= 1),
    vectorised over labels and families (``pairwise_sum`` in numpy's loops_utils)."""
    if n < 8:
        res = table[idx[:, lo]]
        for i in range(lo + 1, lo + n):
            res += table[idx[:, i]]
        return res
    if n <= _BLOCK:
        r = table[idx[:, lo : lo + 8]]
        i = 8
        while i < n - n % 8:
            r += table[idx[:, lo + i : lo + i + 8]]
            i += 8
        res = ((r[:, 0] + r[:, 1]) + (r[:, 2] + r[:, 3])) + ((r[:, 4] + r[:, 5]) + (r[:, 6] + r[:, 7]))
        for j in range(lo + i, lo + n):
            res += table[idx[:, j]]
        return res
    half = n // 2
    half -= half % 8
    res = _pairwise(table, idx, lo, half)
    res += _pairwise(table, idx, lo + half, n - half)
    return res


def _check_labels() -> tuple[list[str], list[str]]:
    """Labels of every length 1..70 and every character, with a few suffixes."""
    rng = np.random.default_rng(20261204)
    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789-_"))
    labels, suffixes = [], []
    for length in range(1, 71):
        for k in range(3):
            labels.append("".join(rng.choice(alphabet, size=length)))
            suffixes.append(("com", "co.uk", "xn--p1ai")[k])
    return labels, suffixes


def build(model) -> FamilyTables | None:
    """Tables for ``model``'s attributor, or None when they do not reproduce its
    reference logits bit for bit (another numpy's summation order, say)."""
    tables = FamilyTables(model.family_weights, model.family_bias, model.family_bits, _suffix_salt())
    labels, suffixes = _check_labels()
    enc = F.encode(labels)
    stats = F.lexical_stats(enc)
    reference = model.family_logits(model.family_tokens(enc, stats), suffixes, enc.lengths)
    if not tables.usable(enc) or not np.array_equal(tables.logits(enc, stats, suffixes), reference):
        return None
    for at in (0, 60, 150, 200):  # the few-labels path too
        few = slice(at, at + 8)
        sub = F.encode(labels[few])
        if not np.array_equal(tables.logits(sub, F.lexical_stats(sub), suffixes[few]), reference[few]):
            return None
    return tables


def _suffix_salt() -> int:
    from dnsguard.dga.model import SUFFIX_SALT

    return SUFFIX_SALT


class DetectorTables:
    """The detector's n-gram weights by exact n-gram value, for orders up to 3.

    An n-gram of order k <= 3 has at most 42**3 = 74,088 values, so its
    weight can be read from a table indexed by the value (296 KB for order 3,
    in cache) instead of hashing it and reading the 1 MB hashed table.  A
    table entry is 0.0 where the n-gram would run past a label's end marker,
    exactly what the reference writes there before adding, so the sums are
    the same float32 operations on the same values."""

    def __init__(self, weights: np.ndarray, bits: int, orders: Sequence[int]) -> None:
        self.weights = weights
        self.bits = bits
        self.orders = tuple(orders)
        self.tables: dict[int, np.ndarray] = {}
        shift = np.uint32(32 - bits)
        for k in (1, 2, 3):
            if k not in self.orders:
                continue
            value = np.arange(_BASE**k, dtype=np.uint32)
            w = weights[((value + F._SALT32[k]) * F._MULT32) >> shift].astype(np.float32)
            # digit j of the value (base 42) is the code at offset j; the n-gram is
            # invalid when any code but the last is the end marker
            digits = [(value // np.uint32(_BASE**j)) % np.uint32(_BASE) for j in range(k)]
            for d in digits[:-1]:
                w[d == F.END] = 0.0
            self.tables[k] = w

    def gram_sums(self, enc: F.Encoded) -> np.ndarray:
        """Same values as ``features.gram_sums(enc, features.grams(enc, orders), ...)``."""
        total = enc.codes.shape[0]
        if total == 0:
            return np.zeros(0, dtype=np.float64)
        acc = np.zeros(total, dtype=np.float32)
        codes = enc.codes.astype(np.int64)
        is_end = enc.codes == F.END
        value = np.zeros(total, dtype=np.int64)
        crossed = np.zeros(total, dtype=bool)
        shift = np.uint32(32 - self.bits)
        top = max(self.orders)
        hashed = any(k not in self.tables for k in self.orders)
        for k in range(1, top + 1):
            width = total - k + 1
            if width <= 0:
                break
            value = value[:width] + codes[k - 1 :] * (_BASE ** (k - 1))
            if hashed and k > 1:
                crossed = crossed[:width] | is_end[k - 2 : k - 2 + width]
            table = self.tables.get(k)
            if table is not None:
                acc[:width] += np.take(table, value)  # take: about twice a fancy-index gather
            elif k in self.orders:
                h = (value.astype(np.uint32) + F._SALT32[k]) * F._MULT32
                w = self.weights[h >> shift]
                w[crossed] = 0.0
                acc[:width] += w
        return np.add.reduceat(acc, enc.starts).astype(np.float64)
