"""Zeek logs: dns.log, notice.log and intel.log, in TSV or JSON lines.

One reader handles all three because Security Onion and rotated archives
mix them: a TSV ``#path`` line (or, for JSON, the keys of the object) says
which log a row belongs to.  Rotated logs get concatenated, so a
``#fields`` line can change in the middle of a file: every header resets
the column map.

dns.log is the hot path (millions of lines a day): TSV rows are split once
and the columns picked by index, JSON rows are decoded by msgspec straight
into a small struct of the fields the analysis reads (no dict per line; a
row that does not fit takes the generic stdlib-json path, so odd rows are
read and counted exactly as before), and client addresses are
canonicalised once per distinct string.  notice.log and intel.log rows become
:class:`~dnsguard.records.SensorAlert` with ``sensor`` ``zeek-notice`` /
``zeek-intel``; only DNSGuard notices are kept (family, threat, score and
device are parsed from ``sub``, see docs/zeek.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import msgspec

from dnsguard.communityid import community_id, valid
from dnsguard.inputs.addresses import IpCache
from dnsguard.inputs.textfile import json_object
from dnsguard.records import DnsRecord, InputStats, SensorAlert, plausible_ts

_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")
NOTICE_PREFIX = "DNSGuard::"


def _unescape(value: str) -> str:
    """Undo Zeek's ``\\xNN`` escaping so hostile bytes reach the validator as bytes."""
    if "\\x" not in value:
        return value
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)


unescape = _unescape
"""Public name for other modules (the analyzer's fast path)."""


def _parse_ts(value: object) -> float | None:
    """Epoch seconds, or None for anything that is not a plausible time stamp
    (:func:`~dnsguard.records.plausible_ts`: 1e20, NaN, year 9999...)."""
    ts: float | None = None
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            ts = float(value)
        except OverflowError:  # an integer of hundreds of digits
            return None
    elif isinstance(value, str):
        try:
            ts = float(value)
        except ValueError:
            try:
                ts = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
            except (ValueError, OverflowError, OSError):
                return None
    return ts if ts is not None and plausible_ts(ts) else None


def parse_kv(text: str) -> dict[str, str]:
    """``family=x;threat=c2;score=0.93`` -> dict; the ``evidence`` key takes the rest
    (it may itself contain ``;``)."""
    out: dict[str, str] = {}
    rest = text
    while rest:
        part, sep, tail = rest.partition(";")
        key, eq, value = part.partition("=")
        key = key.strip()
        if key == "evidence" and eq:
            out[key] = (value + sep + tail).strip()
            break
        if eq and key:
            out[key] = value.strip()
        rest = tail if sep else ""
    return out


# --------------------------------------------------------------------------- row converters

def _community_id(get: Callable[[str], object]) -> str:
    """The row's Community ID: dns.log has none of its own (conn.log has it with
    community-id-logging), so it is computed from the 5-tuple, as Security
    Onion's ingest pipeline does; a ``community_id`` column, if any, wins."""
    given = get("community_id")
    if valid(given):
        return given  # type: ignore[return-value]
    return community_id(str(get("id.orig_h") or ""), get("id.orig_p"), str(get("id.resp_h") or ""),
                        get("id.resp_p"), get("proto") or "")


def _dns(get: Callable[[str], object], ip: IpCache, stats: InputStats) -> DnsRecord | None:
    ts = _parse_ts(get("ts"))
    client = ip(str(get("id.orig_h") or ""))
    query = get("query")
    if ts is None or client is None:
        stats.skip("missing or bad ts / id.orig_h")
        return None
    if not query:
        stats.skip("no query name")
        return None
    rcode = get("rcode_name") or None
    answers = _listed(get("answers"))
    ttls = _listed(get("TTLs"))
    try:
        ttl_values = tuple(float(t) for t in ttls)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        ttl_values = ()
    return DnsRecord(
        ts=ts,
        client=client,
        query=_unescape(str(query)),
        qtype=str(get("qtype_name") or ""),
        rcode=str(rcode) if rcode else None,
        answers=tuple(str(a) for a in answers),  # type: ignore[union-attr]
        ttls=ttl_values,
        uid=str(get("uid") or ""),
        server=ip(str(get("id.resp_h") or "")) or "",
        community_id=_community_id(get),
    )


def _listed(value: object) -> list | tuple:
    """A Zeek vector field: a list from JSON or TSV; one value given bare is a
    list of one; anything else (a number, an object) is no list."""
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, str) and value:
        return (value,)
    return ()


def _notice(get: Callable[[str], object], ip: IpCache, stats: InputStats) -> SensorAlert | None:
    note = str(get("note") or "")
    if not note.startswith(NOTICE_PREFIX):
        stats.skip("notice not raised by DNSGuard")
        return None
    ts = _parse_ts(get("ts"))
    if ts is None:
        stats.skip("missing or bad ts")
        return None
    client = ip(str(get("src") or get("id.orig_h") or "")) or ""
    msg = str(get("msg") or "")
    # A notice about a host rather than a connection starts its msg with the
    # host ("10.0.0.23: NXDOMAIN burst: 12 domains [...]"; zeek-scripts/main.zeek,
    # report()), because Security Onion drops ``src``.  The host is read from
    # there when the row has no src / id.orig_h, and left out of the name and
    # the signature either way.
    head, sep, rest = msg.partition(": ")
    about = ip(head) if sep else None
    if about is not None:
        client = client or about
        msg = rest
    sub = parse_kv(str(get("sub") or ""))
    name = msg.split(": ", 1)[1].split(" [", 1)[0] if ": " in msg else ""
    meta = {k: [v] for k, v in sub.items() if v and v not in ("-", "unknown")}
    meta["note"] = [note]
    return SensorAlert(ts=ts, client=client, signature=msg or note, sid=0, query=_unescape(name),
                       uid=str(get("uid") or ""), metadata=meta, sensor="zeek-notice",
                       community_id=_community_id(get))


def _intel(get: Callable[[str], object], ip: IpCache, stats: InputStats) -> SensorAlert | None:
    ts = _parse_ts(get("ts"))
    client = ip(str(get("id.orig_h") or ""))
    indicator = get("seen.indicator")
    if ts is None or client is None or not indicator:
        stats.skip("intel row without ts / id.orig_h / seen.indicator")
        return None
    sources = _listed(get("sources"))
    # intel.log has no meta.desc by default; a site that extends Intel::Info
    # with it (``desc``) gets family and threat too.
    desc = parse_kv(str(get("desc") or get("meta.desc") or ""))
    meta = {k: [v] for k, v in desc.items() if v}
    meta["sources"] = [str(s) for s in sources]  # type: ignore[union-attr]
    meta["where"] = [str(get("seen.where") or "")]
    return SensorAlert(ts=ts, client=client, signature=f"Zeek intel match {indicator}",
                       sid=0, query=_unescape(str(indicator)), uid=str(get("uid") or ""),
                       metadata=meta, sensor="zeek-intel")


CONVERTERS = {"dns": _dns, "notice": _notice, "intel": _intel}


def json_log_kind(obj: dict) -> str | None:
    """Which log a JSON row belongs to, from ``_path`` or its keys."""
    path = obj.get("_path")
    if isinstance(path, str) and path in CONVERTERS:
        return path
    if "query" in obj and ("id.orig_h" in obj or "ts" in obj):
        return "dns"
    if "note" in obj:
        return "notice"
    if "seen.indicator" in obj:
        return "intel"
    return None


def fields_log_kind(fields: list[str]) -> str | None:
    names = set(fields)
    if "query" in names and "id.orig_h" in names:
        return "dns"
    if "note" in names:
        return "notice"
    if "seen.indicator" in names:
        return "intel"
    return None


# --------------------------------------------------------------------------- the reader

_DNS_KEYS = frozenset({"ts", "id.orig_h", "query"})
"""Columns the TSV fast path reads by index; a dns.log without them goes the generic way."""


class _TsvDns:
    """Column indexes of a dns.log ``#fields`` line, for the fast path."""

    def __init__(self, fields: list[str]):
        at = {name: i for i, name in enumerate(fields)}
        self.n = len(fields)
        self.ts, self.orig_h, self.query = at["ts"], at["id.orig_h"], at["query"]
        self.uid = at.get("uid")
        self.resp_h = at.get("id.resp_h")
        self.flow = tuple(at.get(k) for k in ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto"))
        """Where the 5-tuple is (None: not logged), for the Community ID."""
        self.qtype = at.get("qtype_name")
        self.rcode = at.get("rcode_name")
        self.answers = at.get("answers")
        self.ttls = at.get("TTLs")


@dataclass(slots=True)
class DnsRows:
    """A block of dns.log TSV rows, already split, not yet records.

    The analyzer reads the columns it needs straight from the rows, which
    saves building a :class:`DnsRecord` for each of millions of lines;
    :meth:`records` gives the records for everyone else."""

    columns: _TsvDns
    rows: list[list[str]]
    set_sep: str
    empty: str
    ip: IpCache
    stats: InputStats

    def records(self) -> Iterator[DnsRecord]:
        for cols in self.rows:
            rec = _fast_dns(cols, self.columns, self.ip, self.set_sep, self.empty, self.stats)
            if rec is not None:
                yield rec

    def community_id(self, cols: list[str]) -> str:
        """One row's Community ID (computed on demand: the analyzer asks only
        for rows that become evidence)."""
        return _tsv_community_id(cols, self.columns)


class JsonDns(msgspec.Struct, gc=False):
    """What the analysis needs to know about one dns.log JSON row to count it and
    to tell whether it needs a closer look: the fields of the quiet-row check.

    Decoding succeeds only for a row the generic path also reads as a
    dns.log row: ``ts`` and ``query`` present (null allowed), ``_path``
    absent or ``dns``, and these fields of the expected JSON type.  Anything
    else (notice / intel rows, bad JSON, NaN, lone surrogates, a list where a
    string belongs...) raises :class:`msgspec.DecodeError` and the line goes
    through :func:`~dnsguard.inputs.textfile.json_object` and the dict
    converters.  msgspec is at least as strict as the stdlib json module, so
    these values are the ones the generic path reads.  The other fields
    (uid, TTLs, id.resp_h) are not decoded here: a row that needs
    them becomes a record the generic way (:meth:`DnsJsonRows.record`);
    skipping them is about a third of the decoding time.  ``qtype_name`` is:
    the channel detections read it for quiet rows too."""

    ts: float | str | None
    query: str | None
    path: Literal["dns"] | msgspec.UnsetType = msgspec.field(default=msgspec.UNSET, name="_path")
    orig_h: str | None = msgspec.field(default=None, name="id.orig_h")
    rcode_name: str | None = None
    answers: list[str] | None = None
    qtype_name: str | None = None


decode_json_dns = msgspec.json.Decoder(JsonDns).decode
"""str -> :class:`JsonDns`; raises :class:`msgspec.DecodeError` for any other line."""


@dataclass(slots=True)
class DnsJsonRows:
    """A block of dns.log JSON rows, decoded into :class:`JsonDns`, not yet records
    (the JSON counterpart of :class:`DnsRows`); ``lines[i]`` is the text of
    ``rows[i]``."""

    rows: list[JsonDns]
    lines: list[str]
    ip: IpCache
    stats: InputStats

    def records(self) -> Iterator[DnsRecord]:
        for line in self.lines:
            rec = self.record(line)
            if rec is not None:
                yield rec

    def record(self, line: str) -> DnsRecord | None:
        """One row's line as the generic path reads it: ``json_object`` and the
        dict converter, so the values and skip reasons are those of any other
        JSON row (None, reason counted, if it is skipped; rows are counted
        with their block)."""
        obj = json_object(line, self.stats)
        rec = _dns(obj.get, self.ip, self.stats) if obj is not None else None
        if rec is None:
            self.stats.records -= 1
        return rec

    def full(self, line: str) -> DnsRecord:
        """uid, answers and TTLs (and the rest) of a row the analyzer has
        already counted from its :class:`JsonDns`: the line read by the
        generic path, without touching the stats (it accepts every row msgspec
        decoded with a float ts, a query and a valid id.orig_h)."""
        scratch = InputStats()
        obj = json_object(line, scratch)
        rec = _dns(obj.get, self.ip, scratch) if obj is not None else None
        return rec if rec is not None else DnsRecord(0.0, "", "")


def read_zeek(lines: Iterable[str], stats: InputStats) -> Iterator[DnsRecord | SensorAlert]:
    """Records and alerts from Zeek TSV or JSON lines; other logs' rows are skipped."""
    for item in read_zeek_blocks(_chunks(lines), stats):
        if isinstance(item, DnsRows | DnsJsonRows):
            yield from item.records()
        else:
            yield item


def _chunks(lines: Iterable[str], size: int = 4096) -> Iterator[list[str]]:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def read_zeek_blocks(blocks: Iterable[Iterable[str]], stats: InputStats
                     ) -> Iterator[DnsRecord | SensorAlert | DnsRows | DnsJsonRows]:
    """Like :func:`read_zeek` over blocks of lines, but dns.log TSV rows with
    the default unset marker come out as :class:`DnsRows` per block, and
    dns.log JSON rows as :class:`DnsJsonRows`."""
    ip = IpCache()
    fields: list[str] | None = None
    kind: str | None = None
    path_hint: str | None = None
    fast: _TsvDns | None = None
    sep, set_sep, unset, empty = "\t", ",", "-", "(empty)"
    for block in blocks:
        if fast is not None and block:
            # The common case, a block of plain rows: split them all at C speed,
            # and fall back to the line loop only if any row is not plain.
            rows = [line.split(sep) for line in block]
            n = fast.n
            # Header (#...) and JSON lines never split into exactly n > 2 columns,
            # so equal lengths mean plain rows; min/max over map(len) run at C speed.
            if n > 2 and min(map(len, rows)) == n == max(map(len, rows)):
                stats.records += len(rows)
                yield DnsRows(fast, rows, set_sep, empty, ip, stats)
                continue
        if block and block[0][:1] == "{":
            # The common JSON case, a block of dns.log rows: decode them all, and
            # fall back to the line loop (which decodes again, line by line) if
            # any line is not one.
            try:
                decoded = [decode_json_dns(line) for line in block]
            except (msgspec.DecodeError, RecursionError):
                pass
            else:
                stats.records += len(decoded)
                yield DnsJsonRows(decoded, block if isinstance(block, list) else list(block), ip, stats)
                continue
        batch: list[list[str]] = []
        jbatch: list[JsonDns] = []
        jlines: list[str] = []
        for line in block:
            if not line:
                continue
            first = line[0]
            if fast is not None and first != "#" and first != "{":
                cols = line.split(sep)
                if len(cols) == fast.n:
                    if jbatch:
                        stats.records += len(jbatch)
                        yield DnsJsonRows(jbatch, jlines, ip, stats)
                        jbatch, jlines = [], []
                    batch.append(cols)
                else:
                    stats.skip("TSV line with the wrong number of columns")
                continue
            if batch:
                stats.records += len(batch)
                yield DnsRows(fast, batch, set_sep, empty, ip, stats)  # type: ignore[arg-type]
                batch = []
            if first == "{":
                try:
                    jbatch.append(decode_json_dns(line))
                    jlines.append(line)
                    continue
                except (msgspec.DecodeError, RecursionError):
                    pass  # not a plain dns.log row: the generic path below says what it is
            if jbatch:
                stats.records += len(jbatch)
                yield DnsJsonRows(jbatch, jlines, ip, stats)
                jbatch, jlines = [], []
            if first == "#":
                # A header line without its value (a damaged or hostile log)
                # leaves the setting as it was; an empty separator cannot split.
                if line.startswith("#separator"):
                    raw = line.split(" ", 1)[1] if " " in line else "\\x09"
                    sep = _unescape(raw) or sep
                elif line.startswith("#set_separator"):
                    set_sep = line.partition(sep)[2] or set_sep
                elif line.startswith("#unset_field"):
                    unset = line.partition(sep)[2] or unset
                elif line.startswith("#empty_field"):
                    empty = line.partition(sep)[2] or empty
                elif line.startswith("#path"):
                    path_hint = line.split(sep, 1)[1] if sep in line else None
                elif line.startswith("#fields"):
                    fields = line.split(sep)[1:]
                    kind = path_hint if path_hint in CONVERTERS else fields_log_kind(fields)
                    if path_hint and path_hint not in CONVERTERS:
                        kind = None
                    fast = (_TsvDns(fields) if kind == "dns" and unset == "-" and set(fields) >= _DNS_KEYS
                            else None)
                continue
            if first == "{":
                obj = json_object(line, stats)
                if obj is None:
                    continue
                row_kind = json_log_kind(obj)
                if row_kind is None:
                    stats.skip("JSON row of another Zeek log")
                    continue
                event = CONVERTERS[row_kind](obj.get, ip, stats)
            elif first == "[":
                stats.skip("JSON line is not an object")
                continue
            else:
                if fields is None:
                    stats.skip("TSV line before any #fields header")
                    continue
                if kind is None:
                    stats.skip("TSV row of another Zeek log")
                    continue
                cols = line.split(sep)
                if len(cols) != len(fields):
                    stats.skip("TSV line with the wrong number of columns")
                    continue
                row: dict[str, object] = {}
                for name, value in zip(fields, cols, strict=True):
                    if value == unset:
                        row[name] = None
                    elif name in ("answers", "TTLs", "sources", "matched"):
                        row[name] = [] if value == empty else value.split(set_sep)
                    else:
                        row[name] = value
                event = CONVERTERS[kind](row.get, ip, stats)
            if event is None:
                continue
            if isinstance(event, DnsRecord):
                stats.records += 1
            else:
                stats.alerts += 1
            yield event
        if batch:
            stats.records += len(batch)
            yield DnsRows(fast, batch, set_sep, empty, ip, stats)  # type: ignore[arg-type]
        if jbatch:
            stats.records += len(jbatch)
            yield DnsJsonRows(jbatch, jlines, ip, stats)


def _fast_dns(cols: list[str], c: _TsvDns, ip: IpCache, set_sep: str, empty: str,
              stats: InputStats) -> DnsRecord | None:
    """One dns.log TSV row with the default ``-`` unset marker (the common case)."""
    try:
        ts = float(cols[c.ts])
    except ValueError:
        ts = _parse_ts(cols[c.ts])
    else:
        if not plausible_ts(ts):
            ts = None
    client = ip(cols[c.orig_h])
    if ts is None or client is None:
        stats.skip("missing or bad ts / id.orig_h")
        stats.records -= 1  # counted with its block
        return None
    query = cols[c.query]
    if query == "-" or not query:
        stats.skip("no query name")
        stats.records -= 1
        return None
    if "\\x" in query:
        query = _unescape(query)
    rcode = cols[c.rcode] if c.rcode is not None else "-"
    answers: tuple[str, ...] = ()
    ttls: tuple[float, ...] = ()
    if c.answers is not None:
        raw = cols[c.answers]
        if raw != "-" and raw != empty:
            answers = tuple(raw.split(set_sep))
            if c.ttls is not None:
                raw_ttls = cols[c.ttls]
                if raw_ttls != "-" and raw_ttls != empty:
                    try:
                        ttls = tuple(map(float, raw_ttls.split(set_sep)))
                    except ValueError:
                        ttls = ()
    qtype = cols[c.qtype] if c.qtype is not None else ""
    uid = cols[c.uid] if c.uid is not None else ""
    server = ip(cols[c.resp_h]) or "" if c.resp_h is not None else ""
    return DnsRecord(ts, client, query, "" if qtype == "-" else qtype, None if rcode == "-" else rcode,
                     answers, ttls, "" if uid == "-" else uid, server, _tsv_community_id(cols, c))


def _tsv_community_id(cols: list[str], c: _TsvDns) -> str:
    """Community ID from a TSV row's 5-tuple; empty when a column is missing."""
    if None in c.flow:
        return ""
    h, p, r, q, proto = (cols[i] for i in c.flow)  # type: ignore[index]
    return community_id(h, p, r, q, proto)


def read_zeek_dns(lines: Iterable[str], stats: InputStats) -> Iterator[DnsRecord | SensorAlert]:
    """Kept for callers of the first version: same as :func:`read_zeek`."""
    return read_zeek(lines, stats)
