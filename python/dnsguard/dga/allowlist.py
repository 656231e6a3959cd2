"""Names the DGA scorer must never alert on.

Two kinds of entries, both meaning "this domain and everything below it":

* popular registered domains (``allowlist-top-domains.txt``, derived from the
  benign popularity lists for the feeds; shared here so the scorer and the
  feeds agree on what is popular), because a lexical model has a residual
  false-positive rate and popular random-looking brands (``xjtvs.com.cn``)
  are exactly where it fires;
* CDN, cloud and reverse-DNS suffixes (``allowlist-cdn-suffixes.txt``),
  whose host names are hashes and node ids by design
  (``d1tv14yrkl9pc0.cloudfront.net``).

Users add entries (a list or a file); matching walks the name's ancestors
from the TLD, so a lookup costs a few set probes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

CDN_FILE = "allowlist-cdn-suffixes.txt"
"""The CDN, cloud and reverse-DNS suffixes (package data)."""
SHIPPED_FILES = (CDN_FILE, "allowlist-top-domains.txt")
_BITMAP_MASK = (1 << 23) - 1
_SMALL_BATCH = 8
"""Batches up to this size are matched name by name (no numpy calls)."""


@dataclass(frozen=True)
class Allowlist:
    entries: frozenset[str]
    depth: int
    """Most labels in any entry: ancestors longer than this cannot match."""
    deep_parents: frozenset[str] = frozenset()
    """Registered domains that have entries *below* them (``corp.example.com``).

    Every other entry is a registered domain or a public suffix (or an
    ancestor of one), so for most names two set probes decide; only names
    under these parents need the full ancestor walk.
    """
    _suffix_memo: dict[str, str | None] = field(default_factory=dict, compare=False, repr=False)
    """Per-object memo of suffix -> covering entry (suffixes are few)."""
    _hashes: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.int64), compare=False, repr=False
    )
    """Sorted hashes of the entries: a vectorised pre-filter, because probing
    a 150,000-string set costs a cache miss per name."""
    _bitmap: np.ndarray = field(
        default_factory=lambda: np.zeros(0, np.uint8), compare=False, repr=False
    )
    """Bit ``hash & (2**23 - 1)`` set for every entry (1 MB): the same kind of
    pre-filter in one gather instead of a binary search (~2 % false positives,
    which the callers' exact set probe removes)."""

    def match(self, fqdn: str) -> str | None:
        """The entry covering ``fqdn`` (the shortest one), or None."""
        entries = self.entries
        pos = len(fqdn)
        for _ in range(self.depth):
            pos = fqdn.rfind(".", 0, pos)
            candidate = fqdn[pos + 1 :]
            if candidate in entries:
                return candidate
            if pos < 0:
                return None
        return None

    def match_split(self, fqdn: str, registered: str, suffix: str) -> str | None:
        """Same answer as :meth:`match` for a name already split by the PSL, faster."""
        if not registered or registered in self.deep_parents:
            return self.match(fqdn)
        hit = self._suffix_memo.get(suffix, "")
        if hit == "":
            hit = self._suffix_memo[suffix] = self.match(suffix)
        if hit is not None:
            return hit
        return registered if registered in self.entries else None

    def match_many(
        self, fqdns: list[str], registered: list[str], suffixes: list[str]
    ) -> list[str | None]:
        """:meth:`match_split` over a batch, with no per-name Python statements."""
        return self.match_indices(fqdns, registered, suffixes)[0]

    def match_indices(
        self,
        fqdns: list[str],
        registered: list[str],
        suffixes: list[str],
        unregistered: list[int] | None = None,
    ) -> tuple[list[str | None], list[int]]:
        """(:meth:`match_many`'s hits, the indices of the names that have one, in no
        particular order and possibly repeated).

        ``unregistered``: the indices whose ``registered`` is empty, if the
        caller knows them (saves a pass).  Python statements run only for
        names the hash pre-filters pick: names under an allowlisted suffix,
        listed registered domains and names under a deep parent."""
        n = len(registered)
        if n <= _SMALL_BATCH:
            hits = [self.match_split(*row) for row in zip(fqdns, registered, suffixes, strict=True)]
            return hits, [i for i, h in enumerate(hits) if h]
        hits: list[str | None] = [None] * n
        memo = self._suffix_memo
        distinct = set(suffixes)
        for suffix in distinct.difference(memo):
            memo[suffix] = self.match(suffix)
        found: list[int] = []
        covered = [s for s in distinct if memo[s] is not None]
        if covered:
            if len(covered) == len(distinct):
                rows = range(n)
            else:
                h = np.fromiter(map(hash, suffixes), dtype=np.int64, count=n)
                rows = np.flatnonzero(np.isin(h, _hash_strings(covered))).tolist()
            for i in rows:
                hit = memo[suffixes[i]]
                if hit is not None:
                    hits[i] = hit
                    found.append(i)
        reg_hash = _hash_strings(registered)
        entries = self.entries
        for i in self._maybe_listed_hashes(reg_hash):
            r = registered[i]
            if hits[i] is None and r in entries:
                hits[i] = r
                found.append(i)
        walk = unregistered if unregistered is not None else [i for i, r in enumerate(registered) if not r]
        deep = self.deep_parents
        if deep:
            near = np.flatnonzero(np.isin(reg_hash, _hash_strings(deep))).tolist()
            walk = [*walk, *(i for i in near if registered[i] in deep)]
        for i in walk:
            hits[i] = self.match(fqdns[i])
            found.append(i)
        return hits, [i for i in found if hits[i]]

    def _maybe_listed(self, names: list[str]) -> list[int]:
        """Indices of names that may be entries (a superset of the listed ones)."""
        if not names:
            return []
        return self._maybe_listed_hashes(_hash_strings(names))

    def _maybe_listed_hashes(self, h: np.ndarray) -> list[int]:
        if not self._hashes.size:
            return []
        if self._bitmap.size:
            bits = h & _BITMAP_MASK
            return np.flatnonzero((self._bitmap[bits >> 3] >> (bits & 7).astype(np.uint8)) & 1).tolist()
        pos = np.minimum(np.searchsorted(self._hashes, h), self._hashes.size - 1)
        return np.flatnonzero(self._hashes[pos] == h).tolist()

    def __len__(self) -> int:
        return len(self.entries)

    def extended(self, extra: Iterable[str]) -> Allowlist:
        return build((*self.entries, *extra))


def clean_entry(entry: str) -> str:
    """``*.Example.COM.`` -> ``example.com``; comments and blanks -> ``""``."""
    text = entry.split("#", 1)[0].strip().lower()
    if text.startswith("*."):
        text = text[2:]
    return text.strip(".")


def build(entries: Iterable[str]) -> Allowlist:
    from dnsguard.names import Rejected, normalize

    cleaned = frozenset(e for e in map(clean_entry, entries) if e)
    depth = max((e.count(".") + 1 for e in cleaned), default=0)
    deep: set[str] = set()
    for entry in cleaned:
        if entry.count(".") < 2:
            continue  # two labels: a registered domain or a suffix, never below one
        name = normalize(entry)
        if not isinstance(name, Rejected) and name.registered and name.registered != entry:
            deep.add(name.registered)
    hashes = np.unique(_hash_strings(cleaned)) if cleaned else np.zeros(0, np.int64)
    bitmap = np.zeros(0, np.uint8)
    if hashes.size:
        flags = np.zeros(_BITMAP_MASK + 1, dtype=bool)
        flags[hashes & _BITMAP_MASK] = True
        bitmap = np.packbits(flags, bitorder="little")
    return Allowlist(cleaned, depth, frozenset(deep), _hashes=hashes, _bitmap=bitmap)


def _hash_strings(values: Iterable[str]) -> np.ndarray:
    """Python's own string hashes as an array (per process, like the allowlist itself)."""
    return np.fromiter(map(hash, values), dtype=np.int64)


def read_entries(path: Path | str) -> list[str]:
    """Entries of an allowlist file: one domain a line, ``#`` comments."""
    return Path(path).read_text("utf-8").splitlines()


def shipped_entries() -> list[str]:
    """Entries of the allowlist files shipped with the package (absent ones skipped)."""
    out: list[str] = []
    data = resources.files("dnsguard").joinpath("data")
    for name in SHIPPED_FILES:
        ref = data.joinpath(name)
        if ref.is_file():
            out.extend(ref.read_text("utf-8").splitlines())
    return out


def default_allowlist(extra: Iterable[str] = (), files: Iterable[Path | str] = ()) -> Allowlist:
    """Shipped entries plus the user's ``extra`` entries and ``files``."""
    entries = shipped_entries()
    entries.extend(extra)
    for path in files:
        entries.extend(read_entries(path))
    return build(entries)
