"""Suricata eve.json: ``dns`` and ``alert`` events, EVE DNS v2 and v3.

Suricata 7 logs a query and its answer as two events (``type`` query /
answer); Suricata 8's v3 format logs requests and responses with
``queries`` lists.  Queries wait for their answer (keyed by flow and DNS id)
so each transaction becomes one record with its rcode; the waiting room is
bounded, and unanswered queries come out as records without an rcode.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable, Iterator

from dnsguard.communityid import community_id, valid
from dnsguard.inputs.addresses import IpCache
from dnsguard.inputs.textfile import json_object
from dnsguard.records import DnsRecord, InputStats, SensorAlert, plausible_ts
from dnsguard.suricata.enrich import from_context, to_metadata

MAX_PENDING = 100_000


def _ts(value: object) -> float | None:
    """Suricata's ``2026-11-02T08:00:00.123456+0000``.  ``fromisoformat`` (C, about
    20 times faster than ``strptime``, which was half of the reading time) reads
    it with the same result; ``strptime`` stays as the fallback for what only it
    accepts (unpadded fields).  A time outside
    :func:`~dnsguard.records.plausible_ts` (year 9999...) is no time stamp."""
    if not isinstance(value, str):
        return None
    try:
        ts = dt.datetime.fromisoformat(value).timestamp()
    except ValueError:
        try:
            ts = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        except (ValueError, OverflowError, OSError):
            return None
    except (OverflowError, OSError):  # 9999-12-31T23:59:59-1200 is beyond year 9999 in UTC
        return None
    return ts if plausible_ts(ts) else None


def _answers(dns: dict) -> tuple[tuple[str, ...], tuple[float, ...]]:
    values: list[str] = []
    ttls: list[float] = []
    answers = dns.get("answers")
    for ans in answers if isinstance(answers, list) else ():
        if isinstance(ans, dict) and "rdata" in ans:
            values.append(str(ans["rdata"]))
            ttl = ans.get("ttl")
            ttls.append(float(ttl) if isinstance(ttl, float) or (isinstance(ttl, int) and -2**53 < ttl < 2**53)
                        else 0.0)
    if not values and isinstance(dns.get("grouped"), dict):
        for group in dns["grouped"].values():
            if isinstance(group, list):
                values.extend(str(v) for v in group)
    return tuple(values), tuple(ttls)


def _query_of(dns: dict) -> tuple[str, str]:
    if "rrname" in dns:
        return str(dns.get("rrname", "")), str(dns.get("rrtype", ""))
    queries = dns.get("queries") or dns.get("query") or []
    if isinstance(queries, list) and queries and isinstance(queries[0], dict):
        return str(queries[0].get("rrname", "")), str(queries[0].get("rrtype", ""))
    return "", ""


def _endpoints(obj: dict, ip: IpCache) -> tuple[str | None, str | None]:
    """(client, server): the side on port 53 is the server, whichever way the
    event is logged (Suricata logs some answers in flow direction)."""
    src, dst = ip(obj.get("src_ip")), ip(obj.get("dest_ip"))
    if obj.get("src_port") == 53 and obj.get("dest_port") != 53:
        return dst, src
    return src, dst


def _community_id(obj: dict) -> str:
    """Suricata's own ``community_id`` when it wrote one (``community-id: yes``),
    else the same hash computed from the event's 5-tuple."""
    given = obj.get("community_id")
    if valid(given):
        return given  # type: ignore[return-value]
    return community_id(str(obj.get("src_ip", "")), obj.get("src_port"), str(obj.get("dest_ip", "")),
                        obj.get("dest_port"), obj.get("proto", ""))


def _int(value: object) -> int:
    """A rule's SID as Suricata writes it; 0 for anything else (text, NaN, a list)."""
    if type(value) is int:
        return value
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return 0


def _hashable(value: object) -> object:
    """Flow and DNS ids key the query/answer pairing: a list or object there
    (a forged line) must not make the key unhashable."""
    return value if value is None or isinstance(value, int | str | float) else "?"


def _alert(obj: dict, ts: float, stats: InputStats, ip: IpCache, cid: bool = True) -> SensorAlert | None:
    alert = obj.get("alert")
    if not isinstance(alert, dict):
        stats.skip("alert event without alert object")
        return None
    client, _ = _endpoints(obj, ip)
    dns = obj.get("dns") if isinstance(obj.get("dns"), dict) else {}
    query, _ = _query_of(dns)
    meta = alert.get("metadata") if isinstance(alert.get("metadata"), dict) else {}
    metadata = {str(k): [str(x) for x in v] for k, v in meta.items() if isinstance(v, list)}
    listing = from_context(alert)  # Suricata 8.0: the listed name's family, threat, confidence
    if listing is not None:
        metadata.update(to_metadata(listing))
    return SensorAlert(
        ts=ts,
        client=client or "",
        signature=str(alert.get("signature", "")),
        sid=_int(alert.get("signature_id")),
        query=query,
        uid=str(obj.get("flow_id", "")),
        metadata=metadata,
        community_id=_community_id(obj) if cid else "",
    )


def read_eve(lines: Iterable[str], stats: InputStats,
             community_ids: bool = True) -> Iterator[DnsRecord | SensorAlert]:
    """DNS records (query and answer paired) and alerts of EVE lines.

    ``community_ids=False`` leaves ``community_id`` empty: computing it (a
    SHA-1 of the 5-tuple when Suricata wrote none) is about a third of the
    time per line, wasted on callers that never read it (``dnsguard serve``)."""
    pending: OrderedDict[tuple, DnsRecord] = OrderedDict()
    ip = IpCache()
    for line in lines:
        if not line.strip():
            continue
        obj = json_object(line, stats)
        if obj is None:
            continue
        kind = obj.get("event_type")
        if kind not in ("dns", "alert"):
            continue
        ts = _ts(obj.get("timestamp"))
        if ts is None:
            stats.skip("missing or bad timestamp")
            continue
        if kind == "alert":
            alert = _alert(obj, ts, stats, ip, community_ids)
            if alert is not None:
                stats.alerts += 1
                yield alert
            continue
        dns = obj.get("dns")
        if not isinstance(dns, dict):
            stats.skip("dns event without dns object")
            continue
        query, qtype = _query_of(dns)
        if not query:
            stats.skip("dns event without a query name")
            continue
        key = (_hashable(obj.get("flow_id")), _hashable(dns.get("id")), query)
        client, server = _endpoints(obj, ip)
        if client is None:
            stats.skip("bad src_ip / dest_ip")
            continue
        if dns.get("type") in ("query", "request"):
            flow = str(obj.get("flow_id", ""))
            pending[key] = DnsRecord(ts, client, query, qtype, None, (), (), flow, server or "",
                                     _community_id(obj) if community_ids else "")
            if len(pending) > MAX_PENDING:
                _, oldest = pending.popitem(last=False)
                stats.records += 1
                yield oldest
            continue
        asked = pending.pop(key, None)
        answers, ttls = _answers(dns)
        stats.records += 1
        yield DnsRecord(
            ts=asked.ts if asked else ts,
            client=client,
            query=query,
            qtype=qtype or (asked.qtype if asked else ""),
            rcode=str(dns.get("rcode") or "NOERROR"),
            answers=answers,
            ttls=ttls,
            uid=str(obj.get("flow_id", "")),
            server=server or "",
            # One flow: the query's id (direction does not matter) serves the answer.
            community_id=((asked and asked.community_id) or _community_id(obj)) if community_ids else "",
        )
    for rec in pending.values():
        stats.records += 1
        yield rec
