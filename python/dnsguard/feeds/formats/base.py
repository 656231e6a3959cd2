"""What every feed parser returns, before validation.

Parsers only read a format: they do not judge values.  Validation (syntax,
public suffixes, allowlist, private addresses) happens once, in
:mod:`dnsguard.feeds.validate`, so every format obeys the same rules.
"""

from __future__ import annotations

import calendar
import json
import math
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

RAW_KINDS = ("domain", "ip", "host", "url", "ip:port")
"""``host`` is a domain or an address (decided by validation); ``url`` and
``ip:port`` carry a host inside."""


class ParseError(ValueError):
    """The body as a whole is unusable (not JSON, not the expected format)."""


@dataclass(slots=True)
class RawRecord:
    value: str
    kind: str
    family: str = ""
    threat: str = ""
    """The feed's own label (``botnet_cc``...), mapped by the definition."""
    confidence: int | None = None
    first_seen: float | None = None
    last_seen: float | None = None
    expires: float | None = None
    tags: tuple[str, ...] = ()


@dataclass
class ParseOutput:
    records: Iterable[RawRecord] = field(default_factory=list)
    """A list, or (large line formats) a generator consumed once by validation:
    a million-line feed never exists as a million records at once."""
    malformed: Counter[str] = field(default_factory=Counter)
    """Lines or objects that could not be read, by reason (count as rejections).
    For a generator, complete only once ``records`` is exhausted."""
    ignored: Counter[str] = field(default_factory=Counter)
    """Well-formed entries that are not DNS indicators (hashes...): not rejections."""


def load_json(body: bytes, what: str) -> object:
    """The JSON document in ``body``, or :class:`ParseError` naming ``what``.

    A hostile document nested a hundred thousand levels deep makes the
    stdlib decoder raise :class:`RecursionError`; that, like any syntax
    error, is one unreadable feed, not a crash of the whole refresh."""
    try:
        return json.loads(decode_text(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"{what} unreadable: {exc}") from None
    except RecursionError:
        raise ParseError(f"{what} nested too deeply (more than {sys.getrecursionlimit()} levels)") from None


MAX_TIME = 253_402_300_799.0
"""9999-12-31 23:59:59 UTC: a later (or non-finite) time stamp is no time stamp."""


_TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
_TZ_SUFFIX = re.compile(r"(\.\d+)?(Z| UTC|\+00:?00)?$")


class TimeCache(dict):
    """Per-parse memo of :func:`parse_time`: feeds repeat the same stamps, and
    sharing one float object per stamp also saves memory on big feeds."""

    def __missing__(self, key: object) -> float | None:
        value = parse_time(key)
        self[key] = value
        return value


def parse_time(text: object) -> float | None:
    """Epoch seconds from the UTC timestamps feeds use; None if absent or odd."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        # An integer of 400 digits, 1e999 (inf) or NaN: no usable time.
        return float(text) if 0 < text <= MAX_TIME and not math.isnan(text) else None
    if not isinstance(text, str):
        return None
    cleaned = _TZ_SUFFIX.sub("", text.strip())
    if not cleaned or cleaned.lower() in ("none", "null"):
        return None
    if cleaned.isascii() and cleaned.isdigit():
        return float(cleaned) if 0 < len(cleaned) <= 12 and 0 < int(cleaned) <= MAX_TIME else None
    for fmt in _TIME_FORMATS:
        try:
            return float(calendar.timegm(time.strptime(cleaned, fmt)))
        except ValueError:
            continue
    return None


def parse_confidence(value: object) -> int | None:
    """0-100 integer, or None when the feed gave nothing usable."""
    if isinstance(value, bool):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 0 <= number <= 100 else None


_BLOCK = 1 << 20
"""Bytes decoded at a time by :func:`line_blocks` (cut at a line end)."""


def line_blocks(body: bytes) -> Iterator[list[str]]:
    """Decoded lines without their line ends, a block (about :data:`_BLOCK`
    bytes) at a time: one decode and one split per block instead of per line,
    and never a copy of the whole body as text.  A UTF-8 BOM at the start is
    dropped.  Lines end at ``\\n`` only (a lone ``\\r`` inside a line stays);
    trailing ``\\r`` are removed.  Blocks are cut just after a ``\\n``, where
    UTF-8 decoding always resynchronises, so undecodable bytes give the same
    U+FFFD as decoding line by line.
    """
    start = 3 if body.startswith(b"\xef\xbb\xbf") else 0
    size = len(body)
    while start < size:
        end = body.find(b"\n", start + _BLOCK)
        end = size if end < 0 else end + 1
        text = body[start:end].decode("utf-8", errors="replace")
        start = end
        lines = text.split("\n")
        if text.endswith("\n"):
            lines.pop()
        if "\r" in text:
            lines = [line.rstrip("\r") for line in lines]
        yield lines


def iter_lines(body: bytes) -> Iterator[str]:
    """Decoded lines without their line ends, one at a time (see :func:`line_blocks`)."""
    for lines in line_blocks(body):
        yield from lines


def decode_text(body: bytes) -> str:
    """Feeds are UTF-8 (a BOM is tolerated); undecodable bytes become U+FFFD
    so one bad line is rejected by validation, not the whole feed."""
    return body.decode("utf-8-sig", errors="replace")
