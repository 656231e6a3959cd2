"""Line streams from plain or gzipped files that survive damage.

A truncated gzip or a line of bad bytes must cost what is damaged and no
more: the reader yields every good line, then records what went wrong.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path

from dnsguard.records import InputStats


def open_lines(path: Path, stats: InputStats) -> Iterator[str]:
    """Decoded lines (no newline); bad UTF-8 is replaced and counted."""
    with path.open("rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    count = 0
    try:
        with opener(path, "rb") as fh:
            for count, line in enumerate(fh, 1):  # noqa: B007 - count is reported below
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError:
                    text = line.decode("utf-8", errors="replace")
                    stats.skip("non-UTF-8 bytes (replaced)")
                yield text.rstrip("\r\n")
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        stats.warn(f"{path}: damaged gzip after {count} lines ({exc}); the rest is lost")
