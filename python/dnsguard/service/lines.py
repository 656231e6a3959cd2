"""Bytes to lines, with a hard limit on line length.

Both EVE inputs (file and socket) receive arbitrary chunks.  A line longer
than ``max_line`` is skipped up to its newline and counted, so a hostile or
broken writer can never make the buffer grow without bound.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LineSplitter:
    max_line: int = 1 << 20
    overlong: int = 0
    _partial: bytes = b""
    _skipping: bool = False

    def reset(self) -> None:
        self._partial, self._skipping = b"", False

    def feed(self, data: bytes) -> list[str]:
        """Complete lines in ``data`` (with what was left from earlier chunks)."""
        parts = data.split(b"\n")
        tail = parts.pop()
        out: list[str] = []
        for i, part in enumerate(parts):
            if i == 0:
                if self._skipping:
                    self._skipping = False
                    continue
                part = self._partial + part
                self._partial = b""
            if len(part) > self.max_line:
                self.overlong += 1
            elif part:
                out.append(part.decode("utf-8", "replace"))
        if self._skipping:
            return out
        self._partial += tail
        if len(self._partial) > self.max_line:
            self.overlong += 1
            self._partial, self._skipping = b"", True
        return out
