"""abuse.ch exports: ThreatFox (CSV, JSON), URLhaus (CSV), Feodo Tracker (CSV, JSON).

Column names are read from the commented header when present, so a column
added upstream (ThreatFox added ``is_compromised``) does not shift values.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable

from dnsguard.feeds.formats.base import (
    ParseError,
    ParseOutput,
    RawRecord,
    decode_text,
    parse_confidence,
    parse_time,
)

THREATFOX_COLUMNS = (
    "first_seen_utc", "ioc_id", "ioc_value", "ioc_type", "threat_type", "fk_malware",
    "malware_alias", "malware_printable", "last_seen_utc", "confidence_level",
    "is_compromised", "reference", "tags", "anonymous", "reporter",
)  # fmt: skip
URLHAUS_COLUMNS = (
    "id", "dateadded", "url", "url_status", "last_online", "threat", "tags",
    "urlhaus_link", "reporter",
)  # fmt: skip
FEODO_COLUMNS = ("first_seen_utc", "dst_ip", "dst_port", "c2_status", "last_online", "malware")

_THREATFOX_KINDS = {"domain": "domain", "ip:port": "ip:port", "url": "url"}


def _header_from_comments(lines: list[str], first_column: str) -> tuple[str, ...] | None:
    """abuse.ch puts the header in a comment: ``# "first_seen_utc","ioc_id",...``."""
    for line in lines:
        if not line.startswith("#"):
            continue
        text = line.lstrip("#").strip()
        if text.replace('"', "").startswith(first_column + ","):
            row = next(csv.reader([text], skipinitialspace=True))
            return tuple(c.strip() for c in row)
    return None


def _csv_rows(text: str, first_column: str, default: tuple[str, ...]):
    """(line number, dict) for each data row, plus the malformed counter."""
    lines = text.splitlines()
    header = _header_from_comments(lines, first_column) or default
    rows: list[tuple[int, dict[str, str]]] = []
    bad = 0
    for lineno, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        # One reader per line: a stray quote (a truncated last line) must
        # cost that line only, never swallow the lines after it.
        row = next(csv.reader([line], skipinitialspace=True), [])
        if row and row[0] == first_column:  # an uncommented header line
            continue
        if len(row) != len(header):
            bad += 1
            continue
        rows.append((lineno, dict(zip(header, (c.strip() for c in row), strict=True))))
    return rows, bad


def parse_threatfox_csv(body: bytes) -> ParseOutput:
    out = ParseOutput()
    try:
        rows, bad = _csv_rows(decode_text(body), "first_seen_utc", THREATFOX_COLUMNS)
    except csv.Error as exc:
        raise ParseError(f"ThreatFox CSV unreadable: {exc}") from None
    if bad:
        out.malformed["malformed CSV row (wrong column count)"] += bad
    for _, row in rows:
        _threatfox_record(row, row.get("ioc_value", ""), out)
    return out


def _threatfox_record(row: dict, value: str, out: ParseOutput) -> None:
    kind = _THREATFOX_KINDS.get(str(row.get("ioc_type", "")).strip())
    if kind is None:
        out.ignored[f"ioc_type {row.get('ioc_type')}"] += 1
        return
    tags = row.get("tags") or ()
    if isinstance(tags, str):
        tags = tuple(t.strip() for t in tags.split(",") if t.strip() and t.strip() != "None")
    out.records.append(
        RawRecord(
            value=str(value).strip(),
            kind=kind,
            family=str(row.get("malware_printable") or row.get("malware") or row.get("fk_malware") or ""),
            threat=str(row.get("threat_type") or ""),
            confidence=parse_confidence(row.get("confidence_level")),
            first_seen=parse_time(row.get("first_seen_utc") or row.get("first_seen")),
            last_seen=parse_time(row.get("last_seen_utc") or row.get("last_seen")),
            tags=tuple(tags),
        )
    )


def parse_threatfox_json(body: bytes) -> ParseOutput:
    """The export (``{"<id>": [ {...} ]}``) or an API answer (``{"data": [...]}``)."""
    try:
        doc = json.loads(decode_text(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"ThreatFox JSON unreadable: {exc}") from None
    if not isinstance(doc, dict):
        raise ParseError("ThreatFox JSON: expected an object")
    entries: Iterable
    if "query_status" in doc:
        if doc.get("query_status") != "ok" or not isinstance(doc.get("data"), list):
            raise ParseError(f"ThreatFox API answered {doc.get('query_status')!r}")
        entries = doc["data"]
    else:
        entries = (item for group in doc.values() for item in (group if isinstance(group, list) else [group]))
    out = ParseOutput()
    for entry in entries:
        if not isinstance(entry, dict):
            out.malformed["malformed JSON entry"] += 1
            continue
        value = entry.get("ioc_value", entry.get("ioc"))
        if not isinstance(value, str):
            out.malformed["malformed JSON entry"] += 1
            continue
        _threatfox_record(entry, value, out)
    return out


def parse_urlhaus_csv(body: bytes) -> ParseOutput:
    """Host names of malware-distribution URLs; families come from the tags."""
    out = ParseOutput()
    try:
        rows, bad = _csv_rows(decode_text(body), "id", URLHAUS_COLUMNS)
    except csv.Error as exc:
        raise ParseError(f"URLhaus CSV unreadable: {exc}") from None
    if bad:
        out.malformed["malformed CSV row (wrong column count)"] += bad
    for _, row in rows:
        tags = tuple(t.strip() for t in row.get("tags", "").split(",") if t.strip() and t.strip() != "None")
        out.records.append(
            RawRecord(
                value=row.get("url", ""),
                kind="url",
                threat=row.get("threat", ""),
                first_seen=parse_time(row.get("dateadded")),
                last_seen=parse_time(row.get("last_online")),
                tags=tags,
            )
        )
    return out


def parse_feodo_csv(body: bytes) -> ParseOutput:
    out = ParseOutput()
    try:
        rows, bad = _csv_rows(decode_text(body), "first_seen_utc", FEODO_COLUMNS)
    except csv.Error as exc:
        raise ParseError(f"Feodo Tracker CSV unreadable: {exc}") from None
    if bad:
        out.malformed["malformed CSV row (wrong column count)"] += bad
    for _, row in rows:
        out.records.append(
            RawRecord(
                value=row.get("dst_ip", ""),
                kind="ip",
                family=row.get("malware", ""),
                threat="botnet_cc",
                first_seen=parse_time(row.get("first_seen_utc")),
                last_seen=parse_time(row.get("last_online")),
            )
        )
    return out


def parse_feodo_json(body: bytes) -> ParseOutput:
    try:
        doc = json.loads(decode_text(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"Feodo Tracker JSON unreadable: {exc}") from None
    if not isinstance(doc, list):
        raise ParseError("Feodo Tracker JSON: expected a list")
    out = ParseOutput()
    for entry in doc:
        if not isinstance(entry, dict) or not isinstance(entry.get("ip_address"), str):
            out.malformed["malformed JSON entry"] += 1
            continue
        out.records.append(
            RawRecord(
                value=entry["ip_address"],
                kind="ip",
                family=str(entry.get("malware") or ""),
                threat="botnet_cc",
                first_seen=parse_time(entry.get("first_seen")),
                last_seen=parse_time(entry.get("last_online")),
            )
        )
    return out
