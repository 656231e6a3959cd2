"""Bounded input queue with counted drops.

Inputs (Zeek, eve.json, the EVE socket) must never block on the scorer and
must never buffer without limit: when the queue is full the newest items
are dropped and counted, and the metrics show it.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class DropQueue(Generic[T]):
    maxsize: int = 100_000
    accepted: int = 0
    dropped: int = 0
    _items: deque[T] = field(default_factory=deque)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: T) -> bool:
        if len(self._items) >= self.maxsize:
            self.dropped += 1
            return False
        self._items.append(item)
        self.accepted += 1
        self._ready.set()
        return True

    def put_many(self, items: Iterable[T]) -> None:
        for item in items:
            self.put(item)

    def wake(self) -> None:
        """Release a waiting :meth:`get_batch` (e.g. at shutdown)."""
        self._ready.set()

    async def get_batch(self, limit: int, timeout: float | None = None) -> list[T]:
        """Up to ``limit`` items; waits for at least one (or the timeout / a wake)."""
        if not self._items:
            self._ready.clear()
            try:
                async with asyncio.timeout(timeout):
                    await self._ready.wait()
            except TimeoutError:
                return []
        return self.take_nowait(limit)

    def take_nowait(self, limit: int) -> list[T]:
        n = min(limit, len(self._items))
        return [self._items.popleft() for _ in range(n)]
