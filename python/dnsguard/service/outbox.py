"""Per-sensor bounded send queue that never loses a verdict.

A slow or absent sensor must not make the service grow without bound, so
each link's queue has a hard limit.  On overflow the new items are dropped
(counted) and the link is marked for *resync*: before sending anything else
it replays the journal's live set, which already holds every dropped item.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Outbox(Generic[T]):
    maxsize: int = 10_000
    dropped: int = 0
    resync: bool = True
    """True at start: a fresh link always begins with a full replay."""
    keep_on_resync: Callable[[T], bool] | None = None
    """Items the journal's replay does not cover (control messages) survive a resync."""
    _items: deque[T] = field(default_factory=deque)
    _ready: asyncio.Event = field(default_factory=asyncio.Event)

    def __len__(self) -> int:
        return len(self._items)

    def offer(self, items: Iterable[T]) -> None:
        for item in items:
            if len(self._items) >= self.maxsize:
                self.dropped += 1
                self.resync = True
            else:
                self._items.append(item)
        self._ready.set()

    def start_resync(self) -> None:
        """Forget the queue: the replay that follows covers it."""
        keep = self.keep_on_resync
        self._items = deque(x for x in self._items if keep(x)) if keep else deque()
        self.resync = False

    def request_resync(self) -> None:
        self.resync = True
        self._ready.set()

    async def take(self, limit: int = 256) -> list[T]:
        """Wait for items (or a resync request) and return up to ``limit`` items."""
        while not self._items and not self.resync:
            self._ready.clear()
            await self._ready.wait()
        out = []
        while self._items and len(out) < limit:
            out.append(self._items.popleft())
        return out
