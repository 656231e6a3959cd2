"""The merged indicator store: every feed and internal source in one file.

One msgpack file, rewritten atomically, so the analyzer, the service and
the exporters read a consistent snapshot while ``feeds update`` runs.
Each indicator remembers which sources list it; a source's update
replaces only that source's contribution, and expired indicators drop out.

Other parts of dnsguard add indicators through :func:`merge_into_store`
(the known-DGA forecast does, with ``source="dga-forecast"``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path

import msgpack

from dnsguard.atomic import write_atomic
from dnsguard.feeds.families import canonical_family, is_iab
from dnsguard.feeds.fastbuild import make_indicator
from dnsguard.feeds.gcpause import gc_paused
from dnsguard.feeds.indicators import Indicator

STORE_FORMAT = "dnsguard-indicators"
STORE_VERSION = 2
"""Version 2 is columnar; version 1 (one array per indicator) is still read."""


class StoreError(ValueError):
    """The store file exists but is not a dnsguard indicator store."""


@dataclass(frozen=True)
class MergeStats:
    added: int = 0
    updated: int = 0
    removed: int = 0
    """Indicators no source lists any more (``replace=True`` only)."""


def combine(old: Indicator, new: Indicator) -> Indicator:
    """One record for two sources' views of the same indicator.

    The more confident view names the family and threat (ties: the newer);
    an initial-access-broker family always makes the threat ``iab``; times
    widen; no expiry (None) beats any date.
    """
    lead, other = (new, old) if new.confidence >= old.confidence else (old, new)
    named = lead if lead.family != "unknown" or other.family == "unknown" else other
    threat = "iab" if is_iab(named.family) else named.threat
    ns, os_ = new.sources, old.sources
    if (len(ns) == 1 and ns[0] in os_) or set(ns) <= set(os_):
        sources = os_
    else:
        sources = tuple(sorted({*os_, *ns}))
    a, b = old.first_seen, new.first_seen
    first = (a if a <= b else b) if a and b else (a or b)
    a, b = old.expires, new.expires
    expires = None if a is None or b is None else (a if a >= b else b)
    # Plain comparisons, not max()/min(): this runs once per indicator per update.
    return make_indicator(
        old.value,
        old.kind,
        named.family,
        threat,
        lead.confidence,
        sources,
        first,
        old.last_seen if old.last_seen >= new.last_seen else new.last_seen,
        expires,
    )


class IndicatorStore:
    """Indicators keyed by (kind, value); no I/O (see :func:`read_store`)."""

    def __init__(self, indicators: Iterable[Indicator] = ()) -> None:
        # Keyed by value alone: a canonical name can never equal an address
        # text (validation routes anything address-like to the address path),
        # and a million key tuples would cost ~60 MB.
        items = indicators if isinstance(indicators, list) else list(indicators)
        with gc_paused():
            self._items: dict[str, Indicator] = {ind.value: ind for ind in items}
            if len(self._items) != len(items):  # a value listed twice: combine in order
                self._items = {}
                for ind in items:
                    old = self._items.get(ind.value)
                    self._items[ind.value] = ind if old is None else combine(old, ind)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Indicator]:
        return iter(self._items.values())

    def get(self, kind: str, value: str) -> Indicator | None:
        found = self._items.get(value)
        return found if found is not None and found.kind == kind else None

    def merge(self, indicators: Iterable[Indicator], source: str, replace: bool = False) -> MergeStats:
        """Add ``source``'s indicators.

        Family names are put in the IAB table's spelling and IAB families
        get threat ``iab``, whatever the source said.  With ``replace=True`` the batch is the source's complete current
        list: indicators it no longer lists lose that source, and disappear
        when no source is left.  Without it, the batch only adds and
        refreshes (what the DGA forecast does day by day).
        """
        with gc_paused():
            return self._merge(indicators, source, replace)

    def _merge(self, indicators: Iterable[Indicator], source: str, replace: bool) -> MergeStats:
        items = self._items
        added = updated = 0
        seen: set[str] = set()
        labels: dict[tuple[str, str], tuple[str, str]] = {}
        src = (source,)
        for ind in indicators:
            pair = (ind.family, ind.threat)
            label = labels.get(pair)
            if label is None:
                family = canonical_family(ind.family)
                label = labels[pair] = (family, "iab" if is_iab(family) else ind.threat)
            if ind.sources != src or label != pair:
                ind = make_indicator(ind.value, ind.kind, label[0], label[1], ind.confidence,
                                     src, ind.first_seen, ind.last_seen, ind.expires)  # fmt: skip
            key = ind.value
            seen.add(key)
            old = items.get(key)
            if old is None:
                items[key] = ind
                added += 1
            else:
                items[key] = combine(old, ind)
                updated += 1
        removed = 0
        if replace:
            stale = [key for key, ind in items.items() if source in ind.sources and key not in seen]
            for key in stale:
                ind = items[key]
                left = tuple(s for s in ind.sources if s != source)
                if left:
                    items[key] = Indicator(ind.value, ind.kind, ind.family, ind.threat, ind.confidence,
                                           left, ind.first_seen, ind.last_seen, ind.expires)  # fmt: skip
                else:
                    del items[key]
                    removed += 1
        return MergeStats(added, updated, removed)

    def drop_expired(self, now: float) -> int:
        expired = [k for k, ind in self._items.items() if ind.expires is not None and ind.expires <= now]  # noqa: E501
        for key in expired:
            del self._items[key]
        return len(expired)

    def drop_source(self, source: str) -> MergeStats:
        """Forget everything only ``source`` listed (a feed removed by the user)."""
        return self.merge((), source, replace=True)

    def counts(self) -> dict[str, Counter[str]]:
        """Indicators per source, threat type and kind (for ``status``)."""
        by_source: Counter[str] = Counter()
        by_threat: Counter[str] = Counter()
        by_kind: Counter[str] = Counter()
        for ind in self._items.values():
            by_source.update(ind.sources)
            by_threat[ind.threat] += 1
            by_kind[ind.kind] += 1
        return {"source": by_source, "threat": by_threat, "kind": by_kind}


_U32 = next(code for code in "IL" if array(code).itemsize == 4)
_TABLED = ("kind", "family", "threat", "sources", "first_seen", "last_seen", "expires")
"""Columns stored as a table of distinct values plus one uint32 index per
indicator: a million rows name a handful of kinds, families, threats and
source lists, and feeds repeat their time stamps."""


def _u32_bytes(indexes: list[int]) -> bytes:
    packed = array(_U32, indexes)
    if sys.byteorder == "big":
        packed.byteswap()
    return packed.tobytes()


def _u32_array(data: bytes) -> array:
    if not isinstance(data, bytes) or len(data) % 4:
        raise ValueError("bad index column")
    indexes = array(_U32)
    indexes.frombytes(data)
    if sys.byteorder == "big":
        indexes.byteswap()
    return indexes


def _tabled(values: list) -> list:
    """``[distinct values, little-endian uint32 index per row]``."""
    table = list(dict.fromkeys(values))  # first-seen order
    position = {v: i for i, v in enumerate(table)}
    return [table, _u32_bytes(list(map(position.__getitem__, values)))]


def _pack(store: IndicatorStore, now: float) -> bytes:
    """The store as msgpack, version 2 (columnar): ``{"format", "version",
    "written", "count", "columns": {"value": [...], "confidence": [...],
    "kind": [table, index bytes], ...}}``."""
    rows = list(store)
    columns: dict[str, object] = {
        "value": list(map(attrgetter("value"), rows)),
        "confidence": list(map(attrgetter("confidence"), rows)),
    }
    for name in _TABLED:
        columns[name] = _tabled(list(map(attrgetter(name), rows)))
    doc = {"format": STORE_FORMAT, "version": STORE_VERSION, "written": now, "count": len(rows), "columns": columns}
    return msgpack.packb(doc, use_bin_type=True)


def _unpack(data: bytes, origin: str, now: float | None = None) -> list[Indicator]:
    """The store's indicators (unexpired ones when ``now`` is given), from
    version 2 or the older version 1 (one array per indicator)."""
    with gc_paused():
        unpacker = msgpack.Unpacker(
            raw=False, strict_map_key=False, use_list=False, max_buffer_size=max(len(data), 1 << 20)
        )
        unpacker.feed(data)
        header: dict = {}
        try:
            for _ in range(unpacker.read_map_header()):
                key = unpacker.unpack()
                if key == "columns" or key == "indicators":
                    if header.get("format") != STORE_FORMAT:
                        raise StoreError(f"{origin}: not a dnsguard indicator store")
                    version = header.get("version")
                    if key == "columns" and version == STORE_VERSION:
                        return _from_columns(unpacker.unpack(), header.get("count"), now)
                    if key == "indicators" and version == 1:
                        return _from_rows_v1(unpacker, now)
                    raise StoreError(f"{origin}: store version {version} not supported (want {STORE_VERSION} or 1)")
                header[key] = unpacker.unpack()
        except StoreError:
            raise
        except (msgpack.ExtraData, msgpack.FormatError, msgpack.StackError, msgpack.OutOfData, ValueError, TypeError,
                KeyError, IndexError, AttributeError) as exc:  # fmt: skip
            raise StoreError(f"{origin}: not a dnsguard indicator store ({exc})") from None
    if header.get("format") != STORE_FORMAT:
        raise StoreError(f"{origin}: not a dnsguard indicator store")
    return []


def _from_columns(columns: dict, count: object, now: float | None) -> list[Indicator]:
    values = columns["value"]
    confidences = columns["confidence"]
    if not isinstance(values, tuple | list) or len(values) != count or len(confidences) != count:
        raise ValueError("column lengths differ")
    tables = {}
    for name in _TABLED:
        table, raw = columns[name]
        indexes = _u32_array(raw)
        if len(indexes) != count or (indexes and max(indexes) >= len(table)):
            raise ValueError(f"bad {name} column")
        tables[name] = (table, indexes)
    kinds, families, threats, sources, firsts, lasts = (
        map(tables[name][0].__getitem__, tables[name][1]) for name in _TABLED[:6]
    )
    expiry_table, expiry_index = tables["expires"]
    out = list(map(make_indicator, values, kinds, families, threats, confidences, sources, firsts, lasts,
                   map(expiry_table.__getitem__, expiry_index)))  # fmt: skip
    if now is not None:
        dead = {k for k, e in enumerate(expiry_table) if e is not None and e <= now}
        if dead:
            out = [ind for ind, k in zip(out, expiry_index, strict=True) if k not in dead]
    return out


def _from_rows_v1(unpacker: msgpack.Unpacker, now: float | None) -> list[Indicator]:
    """Version 1: ``"indicators": [[value, kind, family, threat, confidence,
    [sources...], first_seen, last_seen, expires], ...]``; repeated strings,
    source tuples and times become shared objects."""
    shared: dict = {}
    share = shared.setdefault
    out: list[Indicator] = []
    append = out.append
    for _ in range(unpacker.read_array_header()):
        v, k, f, t, c, s, fs, ls, e = unpacker.unpack()
        if now is not None and e is not None and e <= now:
            continue
        append(make_indicator(v, share(k, k), share(f, f), share(t, t), c, share(s, s),
                              share(fs, fs), share(ls, ls), e if e is None else share(e, e)))  # fmt: skip
    return out


def read_store(path: str | Path) -> IndicatorStore:
    """The store at ``path``; an empty store when the file does not exist yet."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return IndicatorStore()
    return IndicatorStore(_unpack(data, str(path)))


def write_store(store: IndicatorStore, path: str | Path, now: float | None = None) -> None:
    """Write atomically (temp file, fsync, rename): readers never see half."""
    with gc_paused():
        data = _pack(store, time.time() if now is None else now)
    write_atomic(path, data)


def load_indicators(path: str | Path, now: float | None = None) -> list[Indicator]:
    """Unexpired indicators of the store at ``path`` (for the analyzer and service).

    A missing store gives ``[]``: a fresh install simply has no feed data yet.
    """
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        return []
    return _unpack(data, str(path), time.time() if now is None else now)


@contextlib.contextmanager
def store_lock(path: str | Path) -> Iterator[None]:
    """Exclusive lock for a read-modify-write of the store (``<store>.lock``).

    ``feeds update`` and the forecast may run at the same time; without the
    lock the second writer would drop the first one's indicators.
    """
    lock_path = Path(str(path) + ".lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def merge_into_store(
    path: str | Path,
    indicators: Iterable[Indicator],
    source: str,
    replace: bool = False,
    now: float | None = None,
) -> MergeStats:
    """Load, merge ``source``'s indicators, drop expired ones, write back; under the lock.

    This is the API internal sources use::

        from dnsguard.feeds.store import merge_into_store
        merge_into_store(store_path, forecast_indicators, source="dga-forecast")
    """
    moment = time.time() if now is None else now
    with store_lock(path):
        store = read_store(path)
        stats = store.merge(indicators, source, replace=replace)
        store.drop_expired(moment)
        write_store(store, path, moment)
    return stats
