"""Zeek dns.log in TSV (with ``#fields`` headers) or JSON lines.

Rotated logs get concatenated, so a ``#fields`` line can change in the
middle of a file: every header line resets the column map.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import re
from collections.abc import Iterable, Iterator

from dnsguard.records import DnsRecord, InputStats

_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")


def _unescape(value: str) -> str:
    """Undo Zeek's ``\\xNN`` escaping so hostile bytes reach the validator as bytes."""
    if "\\x" not in value:
        return value
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


def _canonical_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def _parse_ts(value: object) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _record(get, stats: InputStats) -> DnsRecord | None:
    ts = _parse_ts(get("ts"))
    client = _canonical_ip(str(get("id.orig_h") or ""))
    query = get("query")
    if ts is None or client is None:
        stats.skip("missing or bad ts / id.orig_h")
        return None
    if not query:
        stats.skip("no query name")
        return None
    rcode = get("rcode_name") or None
    answers = get("answers") or ()
    ttls = get("TTLs") or ()
    try:
        ttl_values = tuple(float(t) for t in ttls)
    except (TypeError, ValueError):
        ttl_values = ()
    return DnsRecord(
        ts=ts,
        client=client,
        query=_unescape(str(query)),
        qtype=str(get("qtype_name") or ""),
        rcode=str(rcode) if rcode else None,
        answers=tuple(str(a) for a in answers),
        ttls=ttl_values,
        uid=str(get("uid") or ""),
        server=_canonical_ip(str(get("id.resp_h") or "")) or "",
    )


def read_zeek_dns(lines: Iterable[str], stats: InputStats) -> Iterator[DnsRecord]:
    """Records from TSV or JSON lines; other Zeek logs' lines are skipped."""
    fields: list[str] | None = None
    sep, set_sep, unset, empty = "\t", ",", "-", "(empty)"
    for line in lines:
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith("#separator"):
                raw = line.split(" ", 1)[1] if " " in line else "\\x09"
                sep = _unescape(raw)
            elif line.startswith("#set_separator"):
                set_sep = line.split(sep, 1)[1]
            elif line.startswith("#unset_field"):
                unset = line.split(sep, 1)[1]
            elif line.startswith("#empty_field"):
                empty = line.split(sep, 1)[1]
            elif line.startswith("#fields"):
                fields = line.split(sep)[1:]
            continue
        if line[0] in "{[":
            try:
                obj = json.loads(line)
            except ValueError:
                stats.skip("line is not valid JSON")
                continue
            if not isinstance(obj, dict):
                stats.skip("JSON line is not an object")
                continue
            rec = _record(obj.get, stats)
        else:
            if fields is None:
                stats.skip("TSV line before any #fields header")
                continue
            cols = line.split(sep)
            if len(cols) != len(fields):
                stats.skip("TSV line with the wrong number of columns")
                continue
            row: dict[str, object] = {}
            for name, value in zip(fields, cols, strict=True):
                if value == unset:
                    row[name] = None
                elif name in ("answers", "TTLs"):
                    row[name] = [] if value == empty else value.split(set_sep)
                else:
                    row[name] = value
            rec = _record(row.get, stats)
        if rec is not None:
            stats.records += 1
            yield rec
