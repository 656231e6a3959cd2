"""abuse.ch exports: ThreatFox (CSV, JSON), URLhaus (CSV), Feodo Tracker (CSV, JSON).

Column names are read from the commented header when present, so a column
added upstream (ThreatFox added ``is_compromised``) does not shift values.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from operator import itemgetter

from dnsguard.feeds.formats.base import (
    ParseError,
    ParseOutput,
    RawRecord,
    TimeCache,
    line_blocks,
    load_json,
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


def _header(line: str, first_column: str) -> tuple[str, ...] | None:
    """abuse.ch puts the header in a comment (``# "first_seen_utc","ioc_id",...``)
    or, for Feodo Tracker, as a plain first row."""
    # A bare CR inside the header (seen in a URLhaus export) is no line end
    # for us but a csv.Error for the csv module: drop it.
    text = line.lstrip("#").replace("\r", "").strip()
    if not text.replace('"', "").startswith(first_column + ","):
        return None
    try:
        return tuple(c.strip() for c in next(csv.reader([text], skipinitialspace=True)))
    except csv.Error:
        return None


def _split(line: str, ncols: int) -> list[str] | None:
    """Cells of one CSV line; None when it is malformed.

    Fast path for the abuse.ch layout (every field quoted, ``", "`` or
    ``","`` between them, no quote inside a field); anything else goes
    through :mod:`csv`.  One line at a time: a stray quote (a truncated last
    line) costs that line only.  :func:`_csv_blocks` inlines the fast path.
    """
    if line[:1] == '"' and line[-1:] == '"' and len(line) > 1:
        cells = line[1:-1].split('", "')
        if len(cells) != ncols:
            cells = line[1:-1].split('","')
        if len(cells) == ncols and line.count('"') == 2 * ncols:
            return cells
    return _split_csv(line, ncols)


def _split_csv(line: str, ncols: int) -> list[str] | None:
    try:
        row = next(csv.reader([line], skipinitialspace=True), [])
    except csv.Error:
        return None
    return [c.strip() for c in row] if len(row) == ncols else None


def _csv_blocks(body: bytes, first_column: str, default: tuple[str, ...], out: ParseOutput):
    """(column index, rows) per block of lines, each row its list of cells;
    bad rows are counted in ``out``.  The index is fixed once the header (or
    the first data row) has been seen."""
    header: tuple[str, ...] | None = None
    index: dict[str, int] = {}
    ncols = 0
    quoted_first = '"' + first_column
    plain_first = first_column + ","
    malformed = "malformed CSV row (wrong column count)"
    for lines in line_blocks(body):
        rows: list[list[str]] = []
        append = rows.append
        for line in lines:
            if header is None:
                if line.startswith("#") or line.startswith(quoted_first) or line.startswith(plain_first):
                    found = _header(line, first_column)
                    if found:
                        header = found
                        index = {name: i for i, name in enumerate(header)}
                        ncols = len(header)
                    continue
                if not line or line[0] == "#" or line.isspace():
                    continue
                header = default
                index = {name: i for i, name in enumerate(header)}
                ncols = len(header)
            elif not line or line[0] == "#" or line.isspace():
                continue
            # _split's fast path, inlined: this runs once per line of the feed.
            if line[0] == '"' and line[-1] == '"' and len(line) > 1:
                cells = line[1:-1].split('", "')
                if len(cells) != ncols:
                    cells = line[1:-1].split('","')
                if len(cells) == ncols and line.count('"') == 2 * ncols:
                    append(cells)
                    continue
            cells = _split_csv(line, ncols)
            if cells is None:
                if not line.startswith(quoted_first):
                    out.malformed[malformed] += 1
                continue
            append(cells)
        if rows:
            yield index, rows


def _csv_rows(body: bytes, first_column: str, default: tuple[str, ...], out: ParseOutput):
    """(column index, cells) pairs for each data row; bad rows are counted in ``out``."""
    for index, rows in _csv_blocks(body, first_column, default, out):
        for cells in rows:
            yield index, cells


def _cell(index: dict[str, int], cells: list[str], *names: str) -> str:
    for name in names:
        i = index.get(name)
        if i is not None and cells[i] and cells[i] not in ("None", "null"):
            return cells[i]
    return ""


def parse_threatfox_csv(body: bytes) -> ParseOutput:
    out = ParseOutput()
    out.records = _threatfox_csv_records(body, out)
    return out


_NONE = frozenset({"None", "null"})
_TF_FIELDS = ("ioc_value", "ioc_type", "malware_printable", "threat_type", "confidence_level",
              "first_seen_utc", "last_seen_utc", "tags")  # fmt: skip


def _threatfox_csv_records(body: bytes, out: ParseOutput) -> Iterator[RawRecord]:
    times = TimeCache()
    confidences = {str(n): n for n in range(101)}
    tag_sets: dict[str, tuple[str, ...]] = {"": ()}
    kinds = _THREATFOX_KINDS
    none = _NONE
    ignored = out.ignored
    for index, rows in _csv_blocks(body, "first_seen_utc", THREATFOX_COLUMNS, out):
        # A column missing from the header reads the "" appended below.
        family_col = index.get("malware_printable", index.get("fk_malware", len(index)))
        pick = itemgetter(*(index.get(name, len(index)) for name in _TF_FIELDS[:2]), family_col,
                          *(index.get(name, len(index)) for name in _TF_FIELDS[3:]))  # fmt: skip
        for cells in rows:
            cells.append("")
            value, ioc_type, family, threat, confidence, first, last, tags = pick(cells)
            kind = kinds.get(ioc_type)
            if kind is None:
                ignored[f"ioc_type {ioc_type}"] += 1
                continue
            tag_set = tag_sets.get(tags)
            if tag_set is None:
                tag_set = tag_sets[tags] = tuple(t.strip() for t in tags.split(",") if t.strip() and t not in none)
            yield RawRecord(
                value,
                kind,
                "" if family in none else family,
                threat,
                confidences.get(confidence),
                times[first],
                times[last],
                None,
                tag_set,
            )


def _threatfox_record(row: dict, value: str, out: ParseOutput, records: list[RawRecord]) -> None:
    kind = _THREATFOX_KINDS.get(str(row.get("ioc_type", "")).strip())
    if kind is None:
        out.ignored[f"ioc_type {str(row.get('ioc_type'))[:40]}"] += 1
        return
    tags = row.get("tags") or ()
    if isinstance(tags, str):
        tags = tuple(t.strip() for t in tags.split(",") if t.strip() and t.strip() != "None")
    elif not isinstance(tags, list):
        tags = ()
    records.append(
        RawRecord(
            value=str(value).strip(),
            kind=kind,
            family=str(row.get("malware_printable") or row.get("malware") or row.get("fk_malware") or ""),
            threat=str(row.get("threat_type") or ""),
            confidence=parse_confidence(row.get("confidence_level")),
            first_seen=parse_time(row.get("first_seen_utc") or row.get("first_seen")),
            last_seen=parse_time(row.get("last_seen_utc") or row.get("last_seen")),
            tags=tuple(str(t) for t in tags),
        )
    )


def parse_threatfox_json(body: bytes) -> ParseOutput:
    """The export (``{"<id>": [ {...} ]}``) or an API answer (``{"data": [...]}``)."""
    doc = load_json(body, "ThreatFox JSON")
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
    records: list[RawRecord] = []
    for entry in entries:
        if not isinstance(entry, dict):
            out.malformed["malformed JSON entry"] += 1
            continue
        value = entry.get("ioc_value", entry.get("ioc"))
        if not isinstance(value, str):
            out.malformed["malformed JSON entry"] += 1
            continue
        _threatfox_record(entry, value, out, records)
    out.records = records
    return out


def parse_urlhaus_csv(body: bytes) -> ParseOutput:
    """Host names of malware-distribution URLs; families come from the tags."""
    out = ParseOutput()
    out.records = _urlhaus_records(body, out)
    return out


def _urlhaus_records(body: bytes, out: ParseOutput) -> Iterator[RawRecord]:
    times = TimeCache()
    for index, cells in _csv_rows(body, "id", URLHAUS_COLUMNS, out):
        tags = _cell(index, cells, "tags")
        yield RawRecord(
            value=_cell(index, cells, "url"),
            kind="url",
            threat=_cell(index, cells, "threat"),
            first_seen=times[_cell(index, cells, "dateadded")],
            last_seen=times[_cell(index, cells, "last_online")],
            tags=tuple(t.strip() for t in tags.split(",") if t.strip()) if tags else (),
        )


def parse_feodo_csv(body: bytes) -> ParseOutput:
    out = ParseOutput()
    out.records = _feodo_records(body, out)
    return out


def _feodo_records(body: bytes, out: ParseOutput) -> Iterator[RawRecord]:
    times = TimeCache()
    for index, cells in _csv_rows(body, "first_seen_utc", FEODO_COLUMNS, out):
        yield RawRecord(
            value=_cell(index, cells, "dst_ip"),
            kind="ip",
            family=_cell(index, cells, "malware"),
            threat="botnet_cc",
            first_seen=times[_cell(index, cells, "first_seen_utc")],
            last_seen=times[_cell(index, cells, "last_online")],
        )


def parse_feodo_json(body: bytes) -> ParseOutput:
    doc = load_json(body, "Feodo Tracker JSON")
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
