"""Turn parsed feed records into indicators, or count why not.

One set of rules for every format: a canonical name (via
:func:`dnsguard.names.normalize`, so feeds, scorer and sensors agree), no
wildcards, no public suffix or bare TLD (``co.uk`` would match a country),
no private or reserved address, nothing allowlisted.  Every rejection is
counted by reason so ``dnsguard feeds status`` can show what a feed lost.
"""

from __future__ import annotations

import ipaddress
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from urllib.parse import urlsplit

from dnsguard.dga.fastnames import SuffixWalker, split_names
from dnsguard.feeds.allowlist import Allowlist
from dnsguard.feeds.definitions import THREAT_TYPES, FeedDefinition
from dnsguard.feeds.families import canonical_family, is_iab
from dnsguard.feeds.fastbuild import make_indicator
from dnsguard.feeds.formats.base import ParseOutput, RawRecord
from dnsguard.feeds.gcpause import gc_paused
from dnsguard.feeds.indicators import Indicator
from dnsguard.names import Rejected, default_suffix_list, normalize

MAX_EXAMPLES = 3


@dataclass
class ValidationResult:
    indicators: list[Indicator] = field(default_factory=list)
    rejected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    """Up to :data:`MAX_EXAMPLES` rejected values per reason, for the log."""
    ignored: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0

    @property
    def rejected_total(self) -> int:
        return sum(self.rejected.values())

    def reject(self, reason: str, value: str) -> None:
        self.rejected[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < MAX_EXAMPLES:
            shown.append(value[:80])


def _host_of(record: RawRecord) -> tuple[str, str] | str:
    """(kind, host) where kind is ``domain``/``ip``/``host``, or a rejection reason."""
    value = record.value.strip()
    if record.kind == "url":
        try:
            host = urlsplit(value if "://" in value else "http://" + value).hostname
        except ValueError:
            return "malformed URL"
        return ("host", host) if host else "URL without a host"
    if record.kind == "ip:port":
        if value.startswith("["):
            return ("ip", value[1:].split("]", 1)[0])
        return ("ip", value.rsplit(":", 1)[0] if value.count(":") == 1 else value)
    return (record.kind, value)


_V4_NOT_GLOBAL = sorted(
    (int(net.network_address), int(net.broadcast_address))
    for net in map(ipaddress.IPv4Network, (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    ))
)  # fmt: skip
"""IPv4 special-purpose ranges (RFC 6890 registry, multicast, 240/4): the same
verdict as ``not is_global or is_multicast`` (checked by the tests), ten times
faster, which matters for address feeds of a million lines."""
_V4_STARTS = [start for start, _ in _V4_NOT_GLOBAL]


def _v4_not_global(value: int) -> bool:
    i = bisect_right(_V4_STARTS, value) - 1
    return i >= 0 and value <= _V4_NOT_GLOBAL[i][1]


def check_address(text: str, allowlist: Allowlist) -> tuple[str, str] | str:
    """(kind, canonical address) or the rejection reason."""
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return "not an IP address"
    if address.version == 4:
        if _v4_not_global(int(address)):
            return "private or reserved address"
    elif not address.is_global or address.is_multicast:
        return "private or reserved address"
    reason = allowlist.address_reason(address)
    if reason is not None:
        return reason
    return ("ipv4" if address.version == 4 else "ipv6", str(address))


def check_domain(text: str, allowlist: Allowlist) -> str:
    """The canonical name, or ``!reason``."""
    if "*" in text:
        return "!wildcard"
    parsed = normalize(text)
    if isinstance(parsed, Rejected):
        return f"!invalid name: {parsed.reason}"
    if "." not in parsed.fqdn:
        return "!TLD only"
    if parsed.is_public_suffix:
        return "!public suffix"
    if allowlist.allows_name(parsed):
        return "!" + (allowlist.name_reason(parsed.fqdn, parsed.registered) or "allowlisted")
    return parsed.fqdn


def _looks_like_ip(text: str) -> bool:
    return bool(text) and (text.replace(".", "").isdigit() or (":" in text and "." not in text[-4:]))


@dataclass
class _Labels:
    """Family and threat per distinct (family, threat, tags): feeds repeat them."""

    definition: FeedDefinition
    cache: dict = field(default_factory=dict)

    def resolve(self, record: RawRecord) -> tuple[str, str]:
        key = (record.family, record.threat, record.tags)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._resolve(record)
        return found

    def _resolve(self, record: RawRecord) -> tuple[str, str]:
        d = self.definition
        raw = record.family.strip()
        if not raw:
            for tag in record.tags:
                key = tag.strip().lower()
                if key in d.family_map or key in d.family_threat or is_iab(key):
                    raw = tag.strip()
                    break
        family = canonical_family(d.family_map.get(raw.lower(), raw) if raw else d.family)
        if family == "unknown" and d.family != "unknown":
            family = canonical_family(d.family)
        if is_iab(family):
            return family, "iab"
        threat = d.family_threat.get(family.lower())
        if threat is None and record.threat:
            label = record.threat.strip().lower()
            threat = d.threat_map.get(label) or (label if label in THREAT_TYPES else None)
        return family, threat or d.threat


_BATCH = 8192
"""Records validated together: names go to the batch normaliser in groups this big."""


@cache
def _walker() -> SuffixWalker:
    return SuffixWalker(default_suffix_list())


_IPV4 = re.compile(r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\."
                   r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\Z")  # fmt: skip
"""A canonical dotted quad (ASCII digits, no leading zero): exactly what
:func:`ipaddress.ip_address` accepts as IPv4 and prints back unchanged."""

def validate_records(
    parsed: ParseOutput,
    definition: FeedDefinition,
    allowlist: Allowlist,
    now: float,
    source: str | None = None,
) -> ValidationResult:
    """Indicators from one feed's records, deduplicated, with rejections counted.

    Runs with automatic garbage collection paused (:mod:`dnsguard.feeds.gcpause`).

    The loop is the hot path of a million-line feed.  Records are taken
    :data:`_BATCH` at a time: the batch's names are canonicalised in one
    call of :func:`dnsguard.dga.fastnames.split_names` (plain ASCII names on a
    vectorised short path, anything else through
    :func:`dnsguard.names.normalize`, same results and reasons), then each
    record is judged in feed order with the rules of :func:`check_domain` and
    :func:`check_address` inlined (same rules, same reasons).
    """
    with gc_paused():
        return _validate(parsed, definition, allowlist, now, source)


def _validate(
    parsed: ParseOutput, definition: FeedDefinition, allowlist: Allowlist, now: float, source: str | None
) -> ValidationResult:
    result = ValidationResult()
    labels = _Labels(definition)
    label_cache = labels.cache
    src = (source or definition.name,)
    seen: dict[str, int] = {}
    kinds = definition.kinds
    min_confidence = definition.min_confidence
    default_confidence = definition.confidence
    expire_default = now + definition.expire_after
    out = result.indicators
    reject = result.reject
    ignored = result.ignored
    domains = allowlist.domains
    networks = allowlist.networks
    v4_reason = allowlist.v4_reason
    take_domains = "domain" in kinds
    take_v4 = "ipv4" in kinds
    walker = _walker()
    v4_match = _IPV4.match
    v4_starts = _V4_STARTS
    v4_ranges = _V4_NOT_GLOBAL
    records = iter(parsed.records)
    while True:
        batch = list(islice(records, _BATCH))
        if not batch:
            break
        # Pass 1: where each record's value goes: None for a name to
        # canonicalise, (text,) for an address, a string for a rejection.
        # No verdict yet, so rejections are counted in feed order below.
        plan: list = []
        names: list[str] = []
        for record in batch:
            kind = record.kind
            if kind == "domain" or kind == "host":
                text = record.value  # parsers hand over stripped values
            else:
                host = _host_of(record)
                if host.__class__ is str:
                    plan.append(host)
                    continue
                kind, text = host
                text = text.strip()
            if kind == "ip" or (kind == "host" and _looks_like_ip(text)):
                plan.append((text,))
            elif "*" in text:
                plan.append("wildcard")
            else:
                plan.append(None)
                names.append(text)
        split = split_names(names, walker)
        fqdns, registereds, reasons = split.fqdn, split.registered, split.reason
        j = 0
        # Pass 2: the verdicts, in feed order.
        for record, step in zip(batch, plan, strict=True):
            if step is None:
                reason = reasons[j]
                value = fqdns[j]
                registered = registereds[j]
                j += 1
                if reason:
                    reject(f"invalid name: {reason}", record.value)
                    continue
                if not registered:
                    reject("public suffix" if "." in value else "TLD only", record.value)
                    continue
                if registered in domains or (value != registered and _parent_listed(value, registered, domains)):
                    reject(allowlist.name_reason(value, registered) or "allowlisted", record.value)
                    continue
                if not take_domains:
                    ignored["domain not taken from this feed"] += 1
                    continue
                kind = "domain"
            elif step.__class__ is str:
                reject(step, record.value)
                continue
            else:
                text = step[0]
                quad = v4_match(text)
                if quad is not None:
                    a, b, c, d = quad.groups()
                    number = int(a) << 24 | int(b) << 16 | int(c) << 8 | int(d)
                    i = bisect_right(v4_starts, number) - 1
                    if i >= 0 and number <= v4_ranges[i][1]:
                        reject("private or reserved address", record.value)
                        continue
                    if networks:
                        listed = v4_reason(number)
                        if listed is not None:
                            reject(listed, record.value)
                            continue
                    if not take_v4:
                        ignored["ipv4 not taken from this feed"] += 1
                        continue
                    kind, value = "ipv4", text
                else:
                    checked = check_address(text, allowlist)
                    if checked.__class__ is str:
                        reject(checked, record.value)
                        continue
                    kind, value = checked
                    if kind not in kinds:
                        ignored[f"{kind} not taken from this feed"] += 1
                        continue
            confidence = default_confidence if record.confidence is None else record.confidence
            if confidence < min_confidence:
                reject("below min_confidence", record.value)
                continue
            expires = record.expires or expire_default
            if expires <= now:
                reject("expired (valid_until passed)", record.value)
                continue
            label = label_cache.get((record.family, record.threat, record.tags))
            family, threat = label if label is not None else labels.resolve(record)
            index = seen.get(value)
            indicator = make_indicator(
                value, kind, family, threat, confidence, src, record.first_seen or now, now, expires
            )
            if index is None:
                seen[value] = len(out)
                out.append(indicator)
            else:
                result.duplicates += 1
                if confidence > out[index].confidence:
                    out[index] = indicator
    # Generators fill these while being consumed: read them afterwards.
    for reason, count in parsed.malformed.items():
        result.rejected[reason] += count
    result.ignored.update(parsed.ignored)
    return result


def _parent_listed(fqdn: str, registered: str, domains: frozenset[str]) -> bool:
    """Is ``fqdn`` or a parent above ``registered`` in ``domains``?"""
    if fqdn in domains:
        return True
    stop = len(fqdn) - len(registered)
    dot = fqdn.find(".")
    while 0 <= dot < stop - 1:
        if fqdn[dot + 1 :] in domains:
            return True
        dot = fqdn.find(".", dot + 1)
    return False
