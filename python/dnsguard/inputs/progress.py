"""A progress line on stderr for long inputs, and nothing anywhere else.

A day of logs takes a minute to read; an analyst at a terminal wants to
see it move, but a pipe, a log file or a test must get clean output, so the
bar draws only when stderr is a terminal.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Bytes read out of a known total; draws at most five times a second."""

    def __init__(self, total: int, stream: TextIO | None = None, *, force: bool = False):
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = force or (hasattr(self.stream, "isatty") and self.stream.isatty())
        self.done = 0
        self._base = 0
        self._last_draw = 0.0
        self._start = time.monotonic()
        self.label = ""

    def start_file(self, label: str) -> None:
        """Bytes of earlier files count as done; ``advance`` is within this file."""
        self._base = self.done
        self.label = label

    def advance(self, position: int) -> None:
        """``position``: bytes of the current file consumed so far."""
        self.done = self._base + position
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last_draw < 0.2:
            return
        self._last_draw = now
        self.draw(now)

    def draw(self, now: float) -> None:
        share = min(1.0, self.done / self.total)
        width = 30
        bar = "#" * int(share * width) + "-" * (width - int(share * width))
        rate = self.done / max(now - self._start, 1e-6) / 1e6
        self.stream.write(f"\r[{bar}] {share:5.1%} {rate:6.1f} MB/s {self.label[-40:]:<40}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
