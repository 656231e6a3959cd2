"""Family, threat and confidence of a listed name, for alerts that lack them.

The pack's listed-name rules say which *set* matched (C2, IAB, botnet, DGA),
not which family, and their metadata ``confidence`` is the rule's, fixed.
The data has more: every exported name carries its family, threat type,
the feed's confidence (0-100) and its sources.

* On Suricata 8.0 the feed sets are JSON lines (``format ndjson``): the line
  of the listed name that matched is copied into the alert as
  ``alert.context.dnsguard`` (:func:`from_context` reads it).
* Suricata 7.0 has no JSON sets: its alerts carry the SID and the query
  only.  :func:`enrich_alert` finds the same line from the same export: the
  SID says which set and which depth the rule looked up (exact name, or the
  parent of the last 2 or 3 labels, exactly as the rule's ``pcrexform``
  cuts it), and the set's lines say the rest.

One format for both: :func:`encode_line` writes the export's lines,
:func:`parse_lines` reads them, so what a 7.0 alert is enriched with is
byte for byte what 8.0 puts in its alert.  Pure functions apart from
:func:`load_export`, which only reads files.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from pathlib import Path

from dnsguard.suricata.rules import (
    _THREAT_BASE,
    CONTEXT_KEY,
    PARENT_LABELS,
    THREAT_DATASETS,
    V8_SID_OFFSET,
    VALUE_KEY,
)

PLACEHOLDER_NAME = "DNSGUARD-EMPTY-SET.INVALID"
"""The one line of a set with no names.  Suricata 8.0.8 refuses a JSON set
file without a single entry (``No valid entries for key 'domain'``), fatal
under ``suricata -T``, hence suricata-update's test step; upper case never
matches, because the rules look the name up after ``to_lowercase``."""


@dataclass(frozen=True, slots=True)
class Listing:
    """What the data says about one listed name: one JSON line of a set."""

    domain: str
    """The listed name (the query itself or the parent the rule cut)."""
    family: str
    threat: str
    """c2, iab, botnet or dga: the set the name is in."""
    confidence: int
    """0-100, the feed's own confidence (or its default), not the rule's."""
    source: str
    """The feeds that list it, comma-separated."""

    @property
    def level(self) -> str:
        """The confidence in the words of ET's ``confidence`` metadata."""
        return "High" if self.confidence >= 80 else "Medium" if self.confidence >= 50 else "Low"


def json_file(threat: str) -> str:
    """Basename of the JSON-lines set of ``threat`` (next to the ``.lst`` sets)."""
    return f"dnsguard-{threat}.json"


def encode_line(listing: Listing) -> str:
    """One line of a JSON set (no newline): keys in a fixed order, ASCII."""
    return (f'{{"{VALUE_KEY}":{encode_basestring_ascii(listing.domain)},'
            f'"family":{encode_basestring_ascii(listing.family)},'
            f'"threat":{encode_basestring_ascii(listing.threat)},'
            f'"confidence":{int(listing.confidence)},'
            f'"source":{encode_basestring_ascii(listing.source)}}}')


def placeholder(threat: str) -> Listing:
    return Listing(PLACEHOLDER_NAME, "none", threat, 0, "placeholder")


def from_mapping(obj: object) -> Listing | None:
    """A :class:`Listing` from a decoded JSON line or alert context, or None
    when it lacks a field or holds the wrong type (a foreign set, a forged line)."""
    if not isinstance(obj, Mapping):
        return None
    domain, family, threat, source = (obj.get(k) for k in (VALUE_KEY, "family", "threat", "source"))
    confidence = obj.get("confidence")
    if not all(isinstance(v, str) for v in (domain, family, threat, source)):
        return None
    if type(confidence) is not int or not 0 <= confidence <= 100:
        return None
    return Listing(domain, family, threat, confidence, source)


def from_context(alert: Mapping) -> Listing | None:
    """The listing Suricata 8.0 put in an EVE ``alert`` object, if any."""
    context = alert.get("context")
    return from_mapping(context.get(CONTEXT_KEY)) if isinstance(context, Mapping) else None


def parse_lines(content: bytes) -> dict[str, Listing]:
    """name -> listing of one JSON set file; unreadable lines and the
    placeholder are skipped (Suricata skips the former too)."""
    out: dict[str, Listing] = {}
    for raw in content.splitlines():
        try:
            listing = from_mapping(json.loads(raw))
        except ValueError:
            continue
        if listing is not None and listing.domain != PLACEHOLDER_NAME:
            out.setdefault(listing.domain, listing)
    return out


Table = Mapping[str, Mapping[str, Listing]]
"""threat -> listed name -> listing."""


def table_from_listings(listings: Iterable[Listing]) -> dict[str, dict[str, Listing]]:
    """The table the export writes: per set, one line per name, the most
    confident listing when feeds disagree (as :class:`IndicatorIndex` keeps)."""
    table: dict[str, dict[str, Listing]] = {t: {} for t in THREAT_DATASETS}
    for item in listings:
        names = table.get(item.threat)
        if names is None:
            continue
        old = names.get(item.domain)
        if old is None or item.confidence > old.confidence:
            names[item.domain] = item
    return table


def load_export(datasets: Path) -> dict[str, dict[str, Listing]]:
    """The table in an export's (or a pack's) ``datasets`` directory; a set
    whose file is missing or unreadable is empty."""
    table: dict[str, dict[str, Listing]] = {}
    for threat in THREAT_DATASETS:
        try:
            table[threat] = parse_lines((datasets / json_file(threat)).read_bytes())
        except OSError:
            table[threat] = {}
    return table


_RULE_LOOKUP: dict[int, tuple[str, int]] = {
    base + offset + depth: (threat, depth)
    for threat, base in _THREAT_BASE.items() if threat in THREAT_DATASETS
    for offset in (0, V8_SID_OFFSET)
    for depth in (0, *PARENT_LABELS)
}
"""SID of a listed-name rule -> (set, depth): 0 the exact name, n the parent
of the last n labels."""


def rule_lookup(sid: int) -> tuple[str, int] | None:
    """Which set and depth a listed-name rule looked up; None for other rules."""
    return _RULE_LOOKUP.get(sid)


def looked_up(query: str, depth: int) -> str:
    """The name the rule looked up for ``query``: lower-cased, and for a
    parent depth the last ``depth`` labels of a strictly longer name
    (:func:`dnsguard.suricata.rules.parent_capture`); "" when too short."""
    name = query.lower()
    if depth == 0:
        return name
    labels = name.split(".")
    if len(labels) <= depth or any(not label for label in labels):
        return ""
    return ".".join(labels[-depth:])


def enrich_alert(table: Table, sid: int, query: str) -> Listing | None:
    """The listing behind a listed-name alert (SID and query of the EVE
    alert), or None: not such a rule, or the name is not (or no longer) in
    the export."""
    found = rule_lookup(sid)
    if found is None or not query:
        return None
    threat, depth = found
    name = looked_up(query, depth)
    return table.get(threat, {}).get(name) if name else None


def describe(listing: Listing) -> str:
    """One line for reports: family, threat, the data's confidence, sources."""
    return (f"{listing.family} ({listing.threat}), confidence {listing.confidence} "
            f"({listing.level}) from {listing.source}, listed {listing.domain}")


def table_from_indicators(indicators: Iterable) -> dict[str, dict[str, Listing]]:
    """The table the export would write from these indicators (objects with
    ``value``, ``kind``, ``family``, ``threat``, ``confidence``, ``sources``):
    what ``dnsguard analyze`` holds when no export is at hand."""
    return table_from_listings(
        Listing(i.value, i.family, i.threat, i.confidence, ",".join(i.sources))
        for i in indicators if i.kind == "domain")


def enrich_any(table: Table, sid: int, query: str) -> Listing | None:
    """:func:`enrich_alert`, or the name at the rule's depth in another set:
    a table built from one record per name (the most confident) holds a
    name listed under two types in one set only."""
    found = enrich_alert(table, sid, query)
    if found is not None or rule_lookup(sid) is None:
        return found
    name = looked_up(query, rule_lookup(sid)[1])
    return next((names[name] for names in table.values() if name and name in names), None)


METADATA_KEYS = ("malware_family", "threat_type", "dnsguard_confidence", "dnsguard_source", "dnsguard_listed")
"""Where an EVE reader puts a listing among an alert's metadata (lists of
strings, as Suricata writes ``metadata``): the first two are the keys the
analysis already reads for a rule's family and threat."""


def to_metadata(listing: Listing) -> dict[str, list[str]]:
    values = (listing.family, listing.threat, str(listing.confidence), listing.source, listing.domain)
    return {k: [v] for k, v in zip(METADATA_KEYS, values, strict=True)}


def from_metadata(meta: Mapping[str, list[str]]) -> Listing | None:
    """The listing :func:`to_metadata` stored, or None (a 7.0 alert, another rule)."""
    values = [(meta.get(k) or [""])[0] for k in METADATA_KEYS]
    family, threat, confidence, source, domain = values
    if not domain or not confidence.isdigit() or int(confidence) > 100:
        return None
    return Listing(domain, family, threat, int(confidence), source)
