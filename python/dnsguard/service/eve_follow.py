"""Follow a growing eve.json like ``tail -F``, safely.

Suricata's eve.json is rotated (renamed, a new file created - Suricata
reopens on SIGHUP) or truncated in place (logrotate ``copytruncate``).  The
follower notices both:

* rotation: at end of file the path now names a different inode; the old
  file has been read to its end, so switch to the new one from its start;
* truncation: the open file is now shorter than the read position; start
  again from 0.

Lines are read in bounded chunks, a line longer than ``max_line`` is
skipped (counted) rather than buffered, and undecodable bytes are replaced:
no input can make the follower grow without bound or raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dnsguard.service.lines import LineSplitter


@dataclass
class FollowStats:
    lines: int = 0
    bytes: int = 0
    rotations: int = 0
    truncations: int = 0
    overlong: int = 0
    open_errors: int = 0


@dataclass
class EveFollower:
    path: Path
    from_end: bool = True
    """Start at the end of the file that exists at startup (skip history)."""
    max_line: int = 1 << 20
    chunk: int = 1 << 20
    max_bytes_per_poll: int = 8 << 20
    stats: FollowStats = field(default_factory=FollowStats)

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self._fh = None
        self._inode: tuple[int, int] | None = None
        self._pos = 0
        self._lines = LineSplitter(self.max_line)
        self._first_open = True

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _open(self) -> bool:
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - kept open across polls
        except OSError:
            self.stats.open_errors += 1
            self._first_open = False  # a file that appears later is read from its start
            return False
        st = os.fstat(fh.fileno())
        self._fh, self._inode = fh, (st.st_dev, st.st_ino)
        self._pos = st.st_size if (self._first_open and self.from_end) else 0
        fh.seek(self._pos)
        self._first_open = False
        self._lines.reset()
        return True

    def poll(self) -> list[str]:
        """Complete new lines since the last call (at most ``max_bytes_per_poll`` bytes read)."""
        if self._fh is None and not self._open():
            return []
        assert self._fh is not None
        if os.fstat(self._fh.fileno()).st_size < self._pos:
            self.stats.truncations += 1
            self._fh.seek(0)
            self._pos = 0
            self._lines.reset()
        lines: list[str] = []
        budget = self.max_bytes_per_poll
        while budget > 0:
            data = self._fh.read(min(self.chunk, budget))
            if not data:
                if self._rotated():
                    # The old file is fully read; whatever partial line it ended with is lost.
                    self.stats.rotations += 1
                    self.close()
                    if self._open():
                        continue
                break
            self._pos += len(data)
            self.stats.bytes += len(data)
            budget -= len(data)
            lines.extend(self._lines.feed(data))
        self.stats.lines += len(lines)
        self.stats.overlong = self._lines.overlong
        return lines

    def _rotated(self) -> bool:
        try:
            st = os.stat(self.path)
        except OSError:
            return False  # gone for now: keep the old file until a new one appears
        return (st.st_dev, st.st_ino) != self._inode


async def follow(
    follower: EveFollower, sink: Callable[[list[str]], None], stop: asyncio.Event, interval: float = 0.2
) -> None:
    """Poll until ``stop``; lines go to ``sink`` (which must not block)."""
    try:
        while not stop.is_set():
            lines = follower.poll()
            if lines:
                sink(lines)
                await asyncio.sleep(0)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
    finally:
        follower.close()
