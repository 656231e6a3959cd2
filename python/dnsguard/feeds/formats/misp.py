"""MISP feeds: ``manifest.json`` lists events; each ``<uuid>.json`` holds one.

Only attributes flagged ``to_ids`` are indicators (MISP's own rule for what
may alert); deleted ones are skipped.  The family comes from a galaxy tag
(``misp-galaxy:malpedia="Emotet"``) on the event or the attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dnsguard.feeds.formats.base import ParseError, ParseOutput, RawRecord, load_json, parse_time

_TYPES = {
    "domain": "domain",
    "hostname": "domain",
    "ip-dst": "ip",
    "ip-src": "ip",
    "url": "url",
    "domain|ip": "domain",
    "hostname|port": "domain",
    "ip-dst|port": "ip",
}
_GALAXY = re.compile(r'misp-galaxy:(?:malpedia|tool|ransomware|botnet|banker|rat|backdoor|stealer)="([^"]+)"')


@dataclass(frozen=True)
class ManifestEntry:
    uuid: str
    timestamp: float
    info: str


_UUID = re.compile(r"^[0-9a-fA-F-]{36}$")


def parse_manifest(body: bytes) -> list[ManifestEntry]:
    """Events listed by a feed's manifest, newest first."""
    doc = load_json(body, "MISP manifest")
    if not isinstance(doc, dict):
        raise ParseError("MISP manifest: expected an object keyed by event UUID")
    entries = [
        ManifestEntry(uuid, parse_time((meta or {}).get("timestamp")) or 0.0, str((meta or {}).get("info", "")))
        for uuid, meta in doc.items()
        if _UUID.match(uuid) and isinstance(meta, dict | None)
    ]
    if doc and not entries:
        raise ParseError("MISP manifest: no event UUIDs")
    return sorted(entries, key=lambda e: -e.timestamp)


def _family(tags: object) -> str:
    for tag in tags if isinstance(tags, list) else ():
        name = tag.get("name", "") if isinstance(tag, dict) else ""
        match = _GALAXY.match(name) if isinstance(name, str) else None
        if match:
            return match.group(1)
    return ""


def parse_misp_events(body: bytes) -> ParseOutput:
    """One event document (``{"Event": ...}``) or a JSON list of them
    (how dnsguard keeps the last good copy of a whole feed)."""
    doc = load_json(body, "MISP event")
    docs = doc if isinstance(doc, list) else [doc]
    out = ParseOutput()
    for item in docs:
        event = item.get("Event") if isinstance(item, dict) else None
        if not isinstance(event, dict):
            raise ParseError("MISP: expected {\"Event\": {...}}")
        family = _family(event.get("Tag"))
        attributes = list(_listed(event.get("Attribute"), out))
        for obj in _listed(event.get("Object"), out):
            if isinstance(obj, dict) and not obj.get("deleted"):
                attributes.extend(_listed(obj.get("Attribute"), out))
        for attr in attributes:
            _attribute(attr, family, out)
    return out


def _listed(value: object, out: ParseOutput) -> list:
    """A JSON list where MISP puts one; anything else there is one malformed entry."""
    if isinstance(value, list):
        return value
    if value:
        out.malformed["malformed MISP attribute"] += 1
    return []


def _attribute(attr: object, family: str, out: ParseOutput) -> None:
    if not isinstance(attr, dict) or not isinstance(attr.get("value"), str):
        out.malformed["malformed MISP attribute"] += 1
        return
    kind = _TYPES.get(str(attr.get("type")))
    if kind is None:
        out.ignored[f"MISP type {str(attr.get('type'))[:40]}"] += 1
        return
    if attr.get("deleted") or attr.get("to_ids") in (False, 0, "0"):
        out.ignored["MISP attribute not for IDS"] += 1
        return
    value = attr["value"].strip()
    if "|" in str(attr.get("type")):
        value = value.split("|", 1)[0].strip()
    out.records.append(
        RawRecord(
            value=value,
            kind=kind,
            family=_family(attr.get("Tag")) or family,
            threat=str(attr.get("category", "")),
            last_seen=parse_time(attr.get("last_seen")) or parse_time(attr.get("timestamp")),
            first_seen=parse_time(attr.get("first_seen")),
        )
    )
