"""Python twin of ``suricata-rules/dnsguard-dga.lua`` (the optional Lua rule).

The Lua rule cannot be measured inside Suricata against 158k benign names
cheaply, so the same score is written here and measured by
:mod:`dnsguard.suricata.shapes`; a test runs both on the same traffic to keep
them in step.  This is deliberately crude (no model, no suffix list beyond a
few two-level suffixes): it is what fits in a per-query Lua hook.  The real
scorer is :mod:`dnsguard.dga`.

A single scoring name is what about 0.1 % of benign names look like, so the
rule waits for a source to ask for ``MIN_NAMES`` distinct scoring labels
within ``WINDOW`` seconds (:class:`SourceWindow`); until rev 2 one name
alerted, and a capture of 31 people browsing popular sites had 1-4 hosts
alerting.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

TWO_LEVEL = frozenset({
    "co.uk", "org.uk", "ac.uk", "com.cn", "net.cn", "com.br", "com.au", "net.au",
    "co.jp", "co.in", "com.tr", "co.za", "com.mx", "co.kr", "com.tw", "com.ru",
})
VOWELS = frozenset("aeiouy")
MIN_LENGTH = 10
THRESHOLD = 3
MIN_NAMES = 3
WINDOW = 300


def chosen_label(name: str) -> str:
    """The label left of the (approximate) public suffix; empty for a single label."""
    labels = [lab for lab in name.lower().split(".") if lab]
    if len(labels) >= 3 and ".".join(labels[-2:]) in TWO_LEVEL:
        return labels[-3]
    if len(labels) >= 2:
        return labels[-2]
    # A single label cannot be registered on the internet: Chrome's random
    # intranet-redirect probes (7-15 letters, off a domain) are not scored.
    return ""


def score(label: str) -> int:
    """Number of DGA-like features the label shows (0-5)."""
    length = len(label)
    if length < MIN_LENGTH:
        return 0
    letters = vowels = digits = run = best = 0
    for ch in label:
        if ch.isascii() and ch.isalpha():
            letters += 1
            if ch in VOWELS:
                vowels += 1
                run = 0
            else:
                run += 1
                best = max(best, run)
        else:
            run = 0
            if ch.isdigit():
                digits += 1
    entropy = -sum(n / length * math.log2(n / length) for n in Counter(label).values())
    ratio = vowels / max(1, letters)
    return sum((
        best >= 5,
        ratio < 0.22,
        digits >= 3 and letters >= 3,
        entropy >= 3.5,
        length >= 20,
    ))


def matches(name: str) -> bool:
    """True when the Lua rule would alert on a query for ``name``."""
    return score(chosen_label(name)) >= THRESHOLD


@dataclass
class SourceWindow:
    """The Lua script's per-source state: the newest ``MIN_NAMES`` distinct
    scoring labels of each source with the second each was last asked."""

    recent: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def observe(self, source: str, name: str, second: int) -> bool:
        """True when this query makes the Lua rule match (before Suricata's
        ``threshold`` keeps one alert per source and 300 s)."""
        label = chosen_label(name)
        if score(label) < THRESHOLD:
            return False
        kept = [(lab, t) for lab, t in self.recent.get(source, [])
                if lab != label and second - t <= WINDOW]
        kept.append((label, second))
        kept = kept[-MIN_NAMES:]
        self.recent[source] = kept
        return len(kept) >= MIN_NAMES


def alerting_sources(queries: Iterable[tuple[float, str, str]]) -> dict[str, int]:
    """Sources the rule alerts on, with how many alerts, for (time, source,
    name) queries in time order: the match, then ``threshold: type limit,
    track by_src, count 1, seconds 300`` (one alert per source per 300 s
    from its first alert)."""
    window = SourceWindow()
    first_of_period: dict[str, float] = {}
    alerts: dict[str, int] = {}
    for ts, source, name in queries:
        if not window.observe(source, name, int(ts)):
            continue
        start = first_of_period.get(source)
        if start is not None and ts - start < WINDOW:
            continue
        first_of_period[source] = ts
        alerts[source] = alerts.get(source, 0) + 1
    return alerts
