"""Zeek Intel framework files (and Security Onion's ``intel.dat``, the same format).

Tab-separated, a ``#fields`` header naming the columns; dnsguard's own export
puts ``family=..;threat=..;confidence=..`` in ``meta.desc`` and reads it back.
"""

from __future__ import annotations

from dnsguard.feeds.formats.base import (
    ParseError,
    ParseOutput,
    RawRecord,
    decode_text,
    parse_confidence,
)

_KINDS = {"Intel::DOMAIN": "domain", "Intel::ADDR": "ip", "Intel::URL": "url"}


def parse_desc(desc: str) -> dict[str, str]:
    """``family=Emotet;threat=iab;confidence=90`` -> dict (unknown text ignored)."""
    out: dict[str, str] = {}
    for part in desc.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def parse_zeek_intel(body: bytes) -> ParseOutput:
    out = ParseOutput()
    fields: list[str] | None = None
    for line in decode_text(body).splitlines():
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
            if "indicator" not in fields or "indicator_type" not in fields:
                raise ParseError("Zeek intel: #fields lacks indicator or indicator_type")
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if fields is None:
            raise ParseError("Zeek intel: data before the #fields header")
        cols = line.split("\t")
        if len(cols) != len(fields):
            out.malformed["Zeek intel line with wrong field count"] += 1
            continue
        row = dict(zip(fields, cols, strict=True))
        kind = _KINDS.get(row["indicator_type"])
        if kind is None:
            out.ignored[f"indicator_type {row['indicator_type']}"] += 1
            continue
        meta = parse_desc(row.get("meta.desc", ""))
        out.records.append(
            RawRecord(
                value=row["indicator"].strip(),
                kind=kind,
                family=meta.get("family", ""),
                threat=meta.get("threat", ""),
                confidence=parse_confidence(meta.get("confidence")),
            )
        )
    if fields is None:
        raise ParseError("Zeek intel: no #fields header")
    return out
