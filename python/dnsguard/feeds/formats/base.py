"""What every feed parser returns, before validation.

Parsers only read a format: they do not judge values.  Validation (syntax,
public suffixes, allowlist, private addresses) happens once, in
:mod:`dnsguard.feeds.validate`, so every format obeys the same rules.
"""

from __future__ import annotations

import calendar
import io
import re
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
        return float(text) if text > 0 else None
    if not isinstance(text, str):
        return None
    cleaned = _TZ_SUFFIX.sub("", text.strip())
    if not cleaned or cleaned.lower() in ("none", "null"):
        return None
    if cleaned.isdigit():
        return float(cleaned) if int(cleaned) > 0 else None
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


def iter_lines(body: bytes) -> Iterator[str]:
    """Decoded lines without their line ends, one at a time (no copy of the
    whole body as text); a UTF-8 BOM at the start is dropped."""
    stream = io.BytesIO(body)
    if body.startswith(b"\xef\xbb\xbf"):
        stream.seek(3)
    for raw in stream:
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def decode_text(body: bytes) -> str:
    """Feeds are UTF-8 (a BOM is tolerated); undecodable bytes become U+FFFD
    so one bad line is rejected by validation, not the whole feed."""
    return body.decode("utf-8-sig", errors="replace")
