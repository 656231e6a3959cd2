"""STIX 2.1 bundles: ``indicator`` objects whose pattern compares
``domain-name:value`` or ``ipv4-addr:value`` (``ipv6-addr``, ``url`` too).

A pattern is a query language, not a list; we take every equality
comparison on those properties, which covers what feeds publish
(``[domain-name:value = 'x']``, OR-ed lists).  The family comes from an
``indicates`` relationship to a ``malware`` object, else the indicator's
``malware_types``/labels are kept as tags.
"""

from __future__ import annotations

import re

from dnsguard.feeds.formats.base import (
    ParseError,
    ParseOutput,
    RawRecord,
    load_json,
    parse_confidence,
    parse_time,
)

_COMPARISON = re.compile(
    r"(domain-name|ipv4-addr|ipv6-addr|url):value\s*=\s*'((?:[^'\\]|\\.)*)'"
)
_KINDS = {"domain-name": "domain", "ipv4-addr": "ip", "ipv6-addr": "ip", "url": "url"}


def parse_stix(body: bytes) -> ParseOutput:
    doc = load_json(body, "STIX bundle")
    if not isinstance(doc, dict) or doc.get("type") != "bundle" or not isinstance(doc.get("objects"), list):
        raise ParseError("STIX: expected a bundle with objects")
    objects = [o for o in doc["objects"] if isinstance(o, dict)]
    # Ids are strings in STIX; anything else (a list, an object) names nothing.
    malware = {o["id"]: str(o.get("name", "")) for o in objects
               if o.get("type") == "malware" and isinstance(o.get("id"), str)}
    family_of: dict[str, str] = {}
    for rel in objects:
        if rel.get("type") == "relationship" and rel.get("relationship_type") == "indicates":
            target = rel.get("target_ref")
            name = malware.get(target) if isinstance(target, str) else None
            if name:
                family_of[str(rel.get("source_ref"))] = name
    out = ParseOutput()
    for obj in objects:
        if obj.get("type") != "indicator":
            continue
        pattern = obj.get("pattern")
        if not isinstance(pattern, str) or obj.get("pattern_type", "stix") != "stix":
            out.malformed["STIX indicator without a STIX pattern"] += 1
            continue
        if obj.get("revoked") is True:
            out.ignored["revoked STIX indicator"] += 1
            continue
        matches = _COMPARISON.findall(pattern)
        if not matches:
            out.ignored["STIX pattern without a domain or address"] += 1
            continue
        labels = obj.get("malware_types") or obj.get("labels") or ()
        tags = tuple(str(t) for t in labels) if isinstance(labels, list) else (str(labels),)
        for obj_type, value in matches:
            out.records.append(
                RawRecord(
                    value=value.replace("\\'", "'").replace("\\\\", "\\").strip(),
                    kind=_KINDS[obj_type],
                    family=family_of.get(str(obj.get("id")), ""),
                    threat=tags[0] if tags else "",
                    confidence=parse_confidence(obj.get("confidence")),
                    first_seen=parse_time(obj.get("valid_from")),
                    expires=parse_time(obj.get("valid_until")),
                    tags=tags,
                )
            )
    return out
