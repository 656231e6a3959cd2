"""Per-name decision cache: each distinct name is scored once per TTL.

DNS is repetitive (the same name is asked thousands of times), so caching
every outcome - verdict or harmless - turns the scorer's load into the
rate of *new* names.  The cache is an LRU with a hard entry limit: a flood
of random names evicts old entries (counted) instead of growing memory.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class CacheStats:
    hits: int = 0
    misses: int = 0
    evictions: int = 0
    expired: int = 0


@dataclass
class ExpiringCache(Generic[V]):
    max_entries: int = 1_000_000
    _entries: OrderedDict[str, tuple[float, V]] = field(default_factory=OrderedDict)
    stats: CacheStats = field(default_factory=CacheStats)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str, now: float) -> V | None:
        """The live value for ``key``; an expired entry is dropped and counts as a miss."""
        entry = self._entries.get(key)
        if entry is None:
            self.stats.misses += 1
            return None
        expires, value = entry
        if expires <= now:
            del self._entries[key]
            self.stats.expired += 1
            self.stats.misses += 1
            return None
        self._entries.move_to_end(key)
        self.stats.hits += 1
        return value

    def put(self, key: str, value: V, expires: float) -> None:
        self._entries[key] = (expires, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
            self.stats.evictions += 1

    def clear(self) -> None:
        """Forget everything (after a feed or model reload)."""
        self._entries.clear()
