"""A download progress bar, drawn only for a human watching a terminal.

Under cron or systemd stderr is a file or the journal: carriage-return
animations there are noise, so nothing is drawn unless stderr is a tty.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


class ProgressBar:
    """Callable ``(received, total_or_None)``; redraws at most 10 times a second."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._drawn = False

    def __call__(self, received: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.1 and (total is None or received < total):
            return
        self._last = now
        if total:
            done = min(received / total, 1.0)
            bar = "#" * int(done * self.width)
            text = f"\r{self.label} [{bar:<{self.width}}] {done:4.0%} {_size(received)}"
        else:
            text = f"\r{self.label} {_size(received)}"
        self.stream.write(text)
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\n")
            self.stream.flush()
