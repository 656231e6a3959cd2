"""Indicators and the parent-domain lookup every detection uses.

A feed lists ``evil.example``; malware queries ``a7.cdn.evil.example``.
Zeek's Intel framework and a plain set lookup both miss that, so every
lookup here walks the query's parents down to its registered domain.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass, field

from dnsguard.names import Name, Rejected, normalize, parents

KINDS = ("domain", "ipv4", "ipv6")


@dataclass(frozen=True, slots=True)
class Indicator:
    value: str
    """Canonical domain (see :mod:`dnsguard.names`) or IP address text."""
    kind: str
    """One of :data:`KINDS`."""
    family: str = "unknown"
    threat: str = "c2"
    """c2, iab, botnet, dga or phishing (docs/interfaces.md)."""
    confidence: int = 50
    """0-100, the source's confidence or the feed's default."""
    sources: tuple[str, ...] = ()
    first_seen: float = 0.0
    last_seen: float = 0.0
    expires: float | None = None
    """Epoch seconds after which the indicator no longer applies."""


@dataclass(frozen=True, slots=True)
class Match:
    indicator: Indicator
    query: str
    matched: str
    """The name that matched: the query itself or one of its parents."""

    @property
    def exact(self) -> bool:
        return self.query == self.matched


@dataclass
class IndicatorIndex:
    """Domains and addresses, looked up by exact value or parent domain."""

    domains: dict[str, Indicator] = field(default_factory=dict)
    addresses: dict[str, Indicator] = field(default_factory=dict)

    @classmethod
    def build(cls, indicators: Iterable[Indicator]) -> IndicatorIndex:
        index = cls()
        for ind in indicators:
            table = index.domains if ind.kind == "domain" else index.addresses
            old = table.get(ind.value)
            # Keep the most confident record when two sources disagree.
            if old is None or ind.confidence > old.confidence:
                table[ind.value] = ind
        return index

    def __len__(self) -> int:
        return len(self.domains) + len(self.addresses)

    def match_name(self, name: Name | str, now: float | None = None) -> Match | None:
        """The indicator for ``name`` or its closest listed parent, if any.

        The walk stops at the registered domain: a feed never makes a whole
        public suffix (``co.uk``, ``duckdns.org``) match.
        """
        if isinstance(name, str):
            parsed = normalize(name)
            if isinstance(parsed, Rejected):
                return None
            name = parsed
        if not self.domains or not name.registered:
            return None
        for candidate in parents(name.fqdn, name.registered):
            ind = self.domains.get(candidate)
            if ind is not None and (now is None or ind.expires is None or ind.expires > now):
                return Match(ind, name.fqdn, candidate)
        return None

    def match_address(self, address: str, now: float | None = None) -> Match | None:
        try:
            canonical = str(ipaddress.ip_address(address))
        except ValueError:
            return None
        ind = self.addresses.get(canonical)
        if ind is None or (now is not None and ind.expires is not None and ind.expires <= now):
            return None
        return Match(ind, canonical, canonical)


INDICATOR_CSV_FIELDS = ("value", "kind", "family", "threat", "confidence", "source")


def read_indicator_csv(text: str, source: str) -> tuple[list[Indicator], list[str]]:
    """Parse dnsguard's own indicator CSV (the bundled demo feed uses it).

    Columns are :data:`INDICATOR_CSV_FIELDS`; ``#`` starts a comment line.
    Returns the indicators and one message per rejected line, so a bad
    line costs that line only.
    """
    good: list[Indicator] = []
    errors: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = [c.strip() for c in line.split(",")]
        if cols[0] == "value":
            continue
        if len(cols) != len(INDICATOR_CSV_FIELDS):
            errors.append(f"{source}:{lineno}: expected {len(INDICATOR_CSV_FIELDS)} columns")
            continue
        value, kind, family, threat, confidence, origin = cols
        if kind == "domain":
            parsed = normalize(value)
            if isinstance(parsed, Rejected) or parsed.is_public_suffix:
                why = parsed.reason if isinstance(parsed, Rejected) else "a public suffix"
                errors.append(f"{source}:{lineno}: {value!r}: {why}")
                continue
            value = parsed.fqdn
        elif kind in ("ipv4", "ipv6"):
            try:
                value = str(ipaddress.ip_address(value))
            except ValueError:
                errors.append(f"{source}:{lineno}: {value!r}: not an IP address")
                continue
        else:
            errors.append(f"{source}:{lineno}: unknown kind {kind!r}")
            continue
        if not confidence.isdigit() or int(confidence) > 100:
            errors.append(f"{source}:{lineno}: confidence must be 0-100")
            continue
        good.append(Indicator(value, kind, family, threat, int(confidence), (origin or source,)))
    return good, errors
