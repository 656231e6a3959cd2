"""Lexical tests that say a DNS label carries encoded data.

The definition is ``encoded_label`` in ``data/detections.yaml`` (shared
with the Zeek package and the Suricata rules).  Each test looks at one raw,
lower-cased label, or at the longest hyphen-separated part of it: tunnel
and C2 tools frame their data with counters and suffixes
(RogueRobin PowerShell writes ``102-12039-1091-<base64>``, RogueRobin
.NET appends ``-2c``), and the data is what must be recognised.

Tests in order of strength, the first that passes names the encoding:

* ``raw``: a byte no host name has (base64's ``+ / =``, base128's 8-bit
  bytes, an escape such as Zeek's ``\\xNN`` left in the text).  Real
  clients put punycode on the wire, never such bytes.
* ``hex``: 16+ characters of 0-9a-f with a digit and a letter (dnscat2,
  Symbiote; a 16-character word of a-f letters only does not exist).
* ``nibble_letters``: 24+ letters, at least 85 % of them a-p: a byte as
  two letters (RogueRobin .NET), whose 3.2-3.5 bits of entropy read as
  text to an entropy test.  24, not 16: ``googletagmanager`` has 88 %
  a-p letters.
* ``base32``: 20+ characters of a-z2-7, two digits, 3.5+ bits.
* ``base36``: 20+ characters of a-z0-9, three digits, 3.8+ bits (base64
  lower-cased by the resolver path, Saitama, iodine's base32 with the
  case folded).

Pure functions; the thresholds are a frozen dataclass so tests and callers
can vary them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

ORDER = ("raw", "hex", "nibble_letters", "base32", "base36")
"""Test names, strongest first (detections.yaml ``encoded_label.order``)."""

_HOST_CHARS = re.compile(r"[a-z0-9_-]*\Z")
_HEX = re.compile(r"[0-9a-f]+\Z")
_LETTERS = re.compile(r"[a-z]+\Z")
_BASE32 = re.compile(r"[a-z2-7]+\Z")
_BASE36 = re.compile(r"[a-z0-9]+\Z")


@dataclass(frozen=True)
class LexicalTests:
    """The thresholds of ``encoded_label`` (detections.yaml)."""

    raw_min_length: int = 1
    hex_min_length: int = 16
    nibble_min_length: int = 24
    nibble_min_share: float = 0.85
    base32_min_length: int = 20
    base32_min_digits: int = 2
    base32_min_entropy: float = 3.5
    base36_min_length: int = 20
    base36_min_digits: int = 3
    base36_min_entropy: float = 3.8


DEFAULT_TESTS = LexicalTests()


def shannon_entropy(text: str) -> float:
    """Bits per character of ``text`` (0 for the empty string)."""
    if not text:
        return 0.0
    n = len(text)
    return -sum(c / n * math.log2(c / n) for c in Counter(text).values())


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _part_encoding(part: str, t: LexicalTests) -> str | None:
    """The tests other than ``raw`` on one host-name-safe string."""
    n = len(part)
    if n >= t.hex_min_length and _HEX.match(part):
        digits = _digits(part)
        if 0 < digits < n:
            return "hex"
    if (n >= t.nibble_min_length and _LETTERS.match(part)
            and sum("a" <= ch <= "p" for ch in part) >= t.nibble_min_share * n):
        return "nibble_letters"
    if (n >= t.base32_min_length and _BASE32.match(part) and _digits(part) >= t.base32_min_digits
            and shannon_entropy(part) >= t.base32_min_entropy):
        return "base32"
    if (n >= t.base36_min_length and _BASE36.match(part) and _digits(part) >= t.base36_min_digits
            and shannon_entropy(part) >= t.base36_min_entropy):
        return "base36"
    return None


def label_encoding(label: str, tests: LexicalTests = DEFAULT_TESTS) -> str | None:
    """The first test of :data:`ORDER` that ``label`` (raw, any case) passes, or None."""
    label = label.lower()
    if len(label) >= tests.raw_min_length and not _HOST_CHARS.match(label):
        return "raw"
    found = _part_encoding(label, tests)
    if found is None and "-" in label:
        found = _part_encoding(max(label.split("-"), key=len), tests)
    return found


def name_encoding(labels: tuple[str, ...] | list[str], tests: LexicalTests = DEFAULT_TESTS) -> str | None:
    """The strongest encoding any of ``labels`` (those left of the registered
    domain) passes, or None: a name is encoded when one of its labels is."""
    best: str | None = None
    for label in labels:
        found = label_encoding(label, tests)
        if found is not None and (best is None or ORDER.index(found) < ORDER.index(best)):
            best = found
            if best == "raw":
                break
    return best


__all__ = ["DEFAULT_TESTS", "ORDER", "LexicalTests", "label_encoding", "name_encoding", "shannon_entropy"]
