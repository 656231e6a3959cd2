"""DNS tunnelling: data carried in long labels under one domain.

Exfiltration tools encode data (hex, base32, base64) into labels close to
the 63-octet limit and send many of them under one registered domain.  The
signal is per host and domain: many long, distinct subdomains within a
short window (python/dnsguard/data/detections.yaml, ``long_labels``).
Hashed service names (Teams, Amazon's device cloud, IoT) repeat a few long
names over hours and stay below it.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from dnsguard.detect.encoding import shannon_entropy


@dataclass
class TunnelFinding:
    host: str
    domain: str
    queries: int
    unique_subdomains: int
    longest_label: int
    encoding: str
    first: float
    last: float
    sample: list[str] = field(default_factory=list)


@dataclass
class _Pair:
    queries: int = 0
    longest: int = 0
    first: float = 0.0
    last: float = 0.0
    subdomains: set[str] = field(default_factory=set)
    encodings: Counter[str] = field(default_factory=Counter)
    sample: list[str] = field(default_factory=list)
    recent: deque[tuple[float, str]] = field(default_factory=deque)
    """(ts, subdomain) within the window."""
    in_window: Counter[str] = field(default_factory=Counter)
    """Distinct subdomains within the window, with their counts."""
    fired: bool = False
    """The window once held ``min_queries`` distinct subdomains."""


def label_encoding(label: str) -> str:
    """Guess how a long label was encoded; ``text`` when it looks like words."""
    chars = set(label)
    if chars <= set("0123456789abcdef"):
        return "hex"
    if chars <= set("abcdefghijklmnopqrstuvwxyz234567="):
        return "base32" if shannon_entropy(label) > 3.5 else "text"
    if chars <= set("abcdefghijklmnopqrstuvwxyz0123456789-_"):
        return "base64ish" if shannon_entropy(label) > 4.0 else "text"
    return "other"


class TunnelDetector:
    """Counts distinct long-label subdomains per (host, registered domain)
    within a sliding window of ``window`` seconds."""

    MAX_SUBDOMAINS = 10_000
    MAX_PAIRS = 100_000

    def __init__(self, label_length: int, min_queries: int, window: float = 600.0):
        self.label_length = label_length
        self.min_queries = min_queries
        self.window = window
        self._pairs: dict[tuple[str, str], _Pair] = {}

    def observe(self, host: str, ts: float, fqdn: str, registered: str, subdomain: str) -> None:
        if not subdomain or not registered:
            return
        longest = max(len(label) for label in subdomain.split("."))
        if longest < self.label_length:
            return
        key = (host, registered)
        pair = self._pairs.get(key)
        if pair is None:
            if len(self._pairs) >= self.MAX_PAIRS:
                return
            pair = self._pairs[key] = _Pair(first=ts)
        pair.queries += 1
        pair.last = ts
        pair.longest = max(pair.longest, longest)
        if len(pair.subdomains) < self.MAX_SUBDOMAINS:
            pair.subdomains.add(subdomain)
        if not pair.fired:
            recent, seen = pair.recent, pair.in_window
            recent.append((ts, subdomain))
            seen[subdomain] += 1
            while recent and ts - recent[0][0] > self.window:
                _, old = recent.popleft()
                seen[old] -= 1
                if not seen[old]:
                    del seen[old]
            if len(seen) >= self.min_queries:
                pair.fired = True
                recent.clear()
                seen.clear()
        long_label = max(subdomain.split("."), key=len)
        pair.encodings[label_encoding(long_label)] += 1
        if len(pair.sample) < 3:
            pair.sample.append(fqdn)

    def findings(self) -> list[TunnelFinding]:
        out = []
        for (host, domain), pair in self._pairs.items():
            # Repeated identical long names (DKIM keys, ESNI records, device
            # hashes) are not a channel: a tunnel needs many *different*
            # subdomains within the window.
            if not pair.fired:
                continue
            encoding = pair.encodings.most_common(1)[0][0]
            if encoding == "text":
                continue
            out.append(TunnelFinding(host, domain, pair.queries, len(pair.subdomains),
                                     pair.longest, encoding, pair.first, pair.last, pair.sample))
        return out
