"""Domain name normalisation and registered domains.

Everything that compares names (feeds, the DGA scorer, the detections, the
Zeek and Suricata exports) must agree on one canonical form, or an
indicator and a query for the same name miss each other.  The canonical form
is lower-case ASCII (IDNA/punycode for international names), without the
trailing dot, within RFC 1035 limits.

The registered domain (eTLD+1) comes from the Public Suffix List shipped in
``dnsguard/data/public_suffix_list.dat``, *including* its private section:
for ``x1b9.duckdns.org`` the registered domain is ``x1b9.duckdns.org``,
so the label a DGA or an attacker chose (``x1b9``) is the one scored, not
``duckdns``.

Names from the wire are hostile: :func:`normalize` never raises, it returns
:class:`Rejected` with a reason instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_LABELS = 127
MAX_RAW_LENGTH = 1024
"""Longer input is rejected before any work: no DNS name is that long even escaped."""

# Letters, digits, hyphen; underscore appears in real service names
# (_dmarc, _domainkey, _sip._tcp) and must not be rejected.
_HOSTNAME_OK = re.compile(r"(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}\Z")
_LABEL_OK = re.compile(r"[a-z0-9_-]+\Z")


@dataclass(frozen=True, slots=True)
class Name:
    fqdn: str
    """Canonical form: lower-case ASCII, no trailing dot."""
    registered: str
    """eTLD+1 (``example.co.uk``); ``""`` when the name is itself a public suffix."""
    suffix: str
    """The public suffix (``co.uk``, ``duckdns.org``)."""

    @property
    def label(self) -> str:
        """The label its owner chose: left-most label of the registered domain."""
        return self.registered.split(".", 1)[0] if self.registered else ""

    @property
    def subdomain(self) -> str:
        """Everything left of the registered domain (``""`` if nothing)."""
        if not self.registered or self.fqdn == self.registered:
            return ""
        return self.fqdn[: -len(self.registered) - 1]

    @property
    def is_public_suffix(self) -> bool:
        return not self.registered


@dataclass(frozen=True, slots=True)
class Rejected:
    raw: str
    """The input, made printable (``\\xNN`` escapes) and cut to 120 characters."""
    reason: str


@dataclass(frozen=True)
class SuffixList:
    """The Public Suffix List as three sets, for longest-match lookups."""

    rules: frozenset[str]
    wildcards: frozenset[str]
    """Parents of ``*.`` rules: ``ck`` for ``*.ck``."""
    exceptions: frozenset[str]
    """``www.ck`` for ``!www.ck``."""

    tails: frozenset[str] = frozenset()
    """Every right-hand part of every rule: a right-to-left walk stops as
    soon as the name leaves this set, so most names need two lookups."""

    def public_suffix(self, labels: list[str]) -> int:
        """Index into ``labels`` where the public suffix starts.

        Follows the PSL algorithm: exception rules win, then the longest
        matching rule (wildcards included); with no match the TLD alone is
        the suffix (the implicit ``*`` rule).
        """
        n = len(labels)
        best = n - 1
        candidate = labels[-1]
        i = n - 1
        while True:
            if candidate in self.exceptions:
                return i + 1
            if candidate in self.rules:
                best = i
            if i > 0 and candidate in self.wildcards:
                if labels[i - 1] + "." + candidate in self.exceptions:
                    return i
                best = i - 1
            if i == 0 or candidate not in self.tails:
                return best
            i -= 1
            candidate = labels[i] + "." + candidate


    def is_suffix(self, name: str) -> bool:
        """Whether the whole of a multi-label ``name`` is a public suffix: a
        rule, or a child of a wildcard rule that no exception saves.  Same
        answer as ``public_suffix(name.split(".")) == 0`` in two set lookups,
        for callers that test millions of names (the known-DGA forecast)."""
        if name in self.rules:
            return True
        return name not in self.exceptions and name.partition(".")[2] in self.wildcards


def parse_suffix_list(text: str) -> SuffixList:
    """Parse the PSL file format (one rule a line, ``//`` comments)."""
    rules: set[str] = set()
    wildcards: set[str] = set()
    exceptions: set[str] = set()
    for line in text.splitlines():
        rule = line.strip().split(" ", 1)[0]
        if not rule or rule.startswith("//"):
            continue
        rule = _to_ascii(rule.lower()) or rule.lower()
        if rule.startswith("!"):
            exceptions.add(rule[1:])
        elif rule.startswith("*."):
            wildcards.add(rule[2:])
        else:
            rules.add(rule)
    tails = set()
    for rule in rules | wildcards | exceptions:
        parts = rule.split(".")
        tails.update(".".join(parts[i:]) for i in range(len(parts)))
    return SuffixList(frozenset(rules), frozenset(wildcards), frozenset(exceptions), frozenset(tails))


@cache
def default_suffix_list() -> SuffixList:
    """The PSL snapshot shipped with the package (never downloaded)."""
    text = resources.files("dnsguard").joinpath("data/public_suffix_list.dat").read_text("utf-8")
    return parse_suffix_list(text)


def _printable(raw: str) -> str:
    shown = raw[:120]
    return "".join(ch if ch.isprintable() and ch != "\\" else f"\\x{ord(ch):02x}" for ch in shown)


def _to_ascii(text: str) -> str | None:
    """IDNA (UTS #46 mapping, IDNA 2008) of a non-ASCII name, or None if invalid."""
    if text.isascii():
        return text
    try:
        import idna

        return idna.encode(text, uts46=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None


def normalize(raw: str | bytes, suffixes: SuffixList | None = None) -> Name | Rejected:
    """Canonicalise one name, or say why it is not a usable DNS name."""
    if isinstance(raw, bytes | bytearray):
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            return Rejected(_printable(bytes(raw).decode("latin-1")), "not valid UTF-8")
    if not isinstance(raw, str):
        return Rejected(_printable(repr(raw)), "not a string")
    if len(raw) > MAX_RAW_LENGTH:
        return Rejected(_printable(raw), f"longer than {MAX_RAW_LENGTH} characters")
    text = raw[:-1] if raw.endswith(".") else raw
    if not text:
        return Rejected(_printable(raw), "empty name")
    if not text.isascii():
        converted = _to_ascii(text)
        if converted is None:
            return Rejected(_printable(raw), "invalid international name (IDNA)")
        text = converted
    text = text.lower()
    if len(text) > MAX_NAME_LENGTH:
        return Rejected(_printable(raw), f"name longer than {MAX_NAME_LENGTH} octets")
    labels = text.split(".")
    if _HOSTNAME_OK.match(text) and len(labels) <= MAX_LABELS:
        return _split_registered(text, labels, suffixes or default_suffix_list())
    if len(labels) > MAX_LABELS:
        return Rejected(_printable(raw), f"more than {MAX_LABELS} labels")
    for label in labels:
        if not label:
            return Rejected(_printable(raw), "empty label")
        if len(label) > MAX_LABEL_LENGTH:
            return Rejected(_printable(raw), f"label longer than {MAX_LABEL_LENGTH} octets")
        if not _LABEL_OK.match(label):
            return Rejected(_printable(raw), "character not allowed in a host name")
    return _split_registered(text, labels, suffixes or default_suffix_list())


def _split_registered(text: str, labels: list[str], psl: SuffixList) -> Name:
    start = psl.public_suffix(labels)
    suffix = ".".join(labels[start:])
    registered = ".".join(labels[start - 1 :]) if start > 0 else ""
    return Name(text, registered, suffix)


@dataclass(frozen=True, slots=True)
class RawName:
    """A name as it came off the wire, split at its registered domain without
    judging its labels.

    :func:`normalize` rejects names a host name may not contain (base64's
    ``+ / =``, base128's 8-bit bytes, Zeek's ``\\xNN`` and EVE's escapes):
    right for feeds and the DGA scorer, which must only ever see canonical
    names, wrong for the tunnel detections, to which such a name is the
    strongest evidence there is.  This keeps the raw labels for them."""

    labels: tuple[str, ...]
    """Lower-cased labels left of the registered domain, raw bytes kept (``""``
    for an empty label); never empty."""
    registered: str
    """The registered domain: the right-hand labels that are valid host
    labels, split by the Public Suffix List."""

    @property
    def text(self) -> str:
        return ".".join(self.labels + (self.registered,))


def split_raw(raw: str, suffixes: SuffixList | None = None) -> RawName | None:
    """The raw labels of ``raw`` left of its registered domain; None when
    the name has no subdomain, no valid registered domain on its right, or
    is longer than any escaped DNS name can be.  Never raises."""
    if not isinstance(raw, str) or not raw or len(raw) > MAX_RAW_LENGTH:
        return None
    text = (raw[:-1] if raw.endswith(".") else raw).lower()
    labels = text.split(".")
    if len(labels) > MAX_LABELS:
        return None
    i = len(labels)
    while i > 0 and 0 < len(labels[i - 1]) <= MAX_LABEL_LENGTH and labels[i - 1].isascii() \
            and _LABEL_OK.match(labels[i - 1]):
        i -= 1
    tail = labels[i:]
    if not tail:
        return None
    start = (suffixes or default_suffix_list()).public_suffix(tail)
    if start == 0:
        return None
    left = tuple(labels[:i] + tail[: start - 1])
    if not left:
        return None
    return RawName(left, ".".join(tail[start - 1:]))


def registered_domain(name: str | bytes) -> str | None:
    """eTLD+1 of ``name``; None for invalid names and bare public suffixes."""
    result = normalize(name)
    if isinstance(result, Rejected) or not result.registered:
        return None
    return result.registered


def parents(fqdn: str, stop_at: str = "") -> list[str]:
    """``fqdn`` and each parent down to ``stop_at`` (inclusive), longest first.

    ``parents("a.b.example.com", "example.com")`` is
    ``["a.b.example.com", "b.example.com", "example.com"]``; feeds match
    queries against every one of them.
    """
    out = [fqdn]
    name = fqdn
    while "." in name and name != stop_at:
        name = name.split(".", 1)[1]
        if stop_at and not (name == stop_at or name.endswith("." + stop_at)):
            break
        out.append(name)
    return out
