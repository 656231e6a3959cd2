"""Zeek dns.log in JSON lines: the msgspec fast path reads, skips and counts
exactly what the generic ``json.loads`` path does, and the analyzer's JSON
hot path (``observe_json_rows``) reaches the same analysis as records do."""

from __future__ import annotations

import gzip
import json
import math
import zlib

from dnsguard.analyze import run_analysis
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.feeds.indicators import IndicatorIndex, read_indicator_csv
from dnsguard.inputs import DnsJsonRows, read_path
from dnsguard.inputs.textfile import json_object
from dnsguard.records import DnsRecord, InputStats


def row(ts, host, query, **extra):
    obj = {"ts": ts, "uid": f"C{zlib.crc32(repr((ts, host, query)).encode())}", "id.orig_h": host, "id.orig_p": 5353,
           "id.resp_h": "10.0.0.1", "id.resp_p": 53, "proto": "udp", "query": query, "qtype_name": "A",
           "rcode_name": "NOERROR", "AA": False, "rejected": False}
    obj.update(extra)
    return json.dumps(obj, separators=(",", ":"))


HUGE_NAME = ("a" * 60 + ".") * 40_000 + "example.com"   # ~2.4 MB: longer than a read block


def edge_lines() -> list[bytes]:
    """One good row, then every kind of trouble, then good rows again."""
    return [
        row(1000.25, "10.0.0.5", "good.example.com", answers=["1.2.3.4"], TTLs=[60.0]).encode(),
        b'{"ts":1001.0,"id.orig_h":"10.0.0.5","query":"broken.example.com"',       # cut short
        b"[1, 2, 3]",                                                              # array
        b"42",                                                                     # number
        b'{"ts":1002}',                                                            # not a dns row
        row(1003.0, "10.0.0.5", None).encode(),                                    # query null
        json.dumps({"ts": 1004.0, "id.orig_h": "10.0.0.5"}).encode(),              # no query key
        row(None, "10.0.0.5", "nots.example.com").encode(),                        # ts null
        row(1005.0, "not-an-ip", "badip.example.com").encode(),
        json.dumps({"ts": 1006.0, "query": "noclient.example.com"}).encode(),      # no id.orig_h
        row(1007.0, "10.0.0.6", "binXFFary.example.com").encode()                  # raw 0xff byte, not UTF-8
        .replace(b"XFF", b"\xff"),
        row(1008.0, "10.0.0.6", HUGE_NAME).encode(),                               # huge line
        row("2026-11-02T08:00:00.000000Z", "10.0.0.7", "isots.example.com", rcode_name="NXDOMAIN").encode(),
        row(1009, "10.0.0.7", "intts.example.com").encode(),                       # int ts
        row(1010.0, "10.0.0.7", "\\udc80lone.example.com").encode()                # lone surrogate escape:
        .replace(b"\\\\udc80", b"\\udc80"),                                         # stdlib only
        row(1011.0, "10.0.0.7", "strans.example.com", answers="1.2.3.4").encode(),    # answers not a list: one answer
        b'{"ts":1012.0,"id.orig_h":"10.0.0.8","query":"deep.example.com","x":' + b"[" * 100_000
        + b"]" * 100_000 + b"}",                                                   # nested too deeply
        json.dumps({"_path": "notice", "ts": 1013.0, "note": "SSL::Invalid_Server_Cert",
                    "query": "notice.example.com"}).encode(),
        row(1014.0, "10.0.0.8", "esc\\x00aped.example.com").encode(),              # Zeek \x escape
        row(1015.0, "2001:0db8:0000:0000:0000:0000:0000:0001", "v6.example.com",
            rcode_name="NXDOMAIN").encode(),
        row(1016.0, "10.0.0.5", "last.example.com", uid="Clast", answers=["5.6.7.8", "5.6.7.9"],
            TTLs=[30, 31.5]).encode(),
    ]


def write(path, lines: list[bytes]):
    path.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))


def test_json_rows_edge_cases_are_read_skipped_and_counted(tmp_path):
    path = tmp_path / "dns.json.gz"
    write(path, edge_lines())
    stats = InputStats()
    events = list(read_path(path, stats, rows=True))
    assert any(type(e) is DnsJsonRows for e in events), "the fast path was not used"
    records = [r for e in events for r in (e.records() if type(e) is DnsJsonRows else [e])]
    assert all(type(r) is DnsRecord for r in records)
    got = [(r.ts, r.client, r.query, r.rcode, r.answers, r.ttls) for r in records]
    assert got == [
        (1000.25, "10.0.0.5", "good.example.com", "NOERROR", ("1.2.3.4",), (60.0,)),
        (1007.0, "10.0.0.6", "bin\ufffdary.example.com", "NOERROR", (), ()),
        (1008.0, "10.0.0.6", HUGE_NAME, "NOERROR", (), ()),
        (1793606400.0, "10.0.0.7", "isots.example.com", "NXDOMAIN", (), ()),
        (1009.0, "10.0.0.7", "intts.example.com", "NOERROR", (), ()),
        (1010.0, "10.0.0.7", "\udc80lone.example.com", "NOERROR", (), ()),
        (1011.0, "10.0.0.7", "strans.example.com", "NOERROR", ("1.2.3.4",), ()),
        (1014.0, "10.0.0.8", "esc\x00aped.example.com", "NOERROR", (), ()),
        (1015.0, "2001:db8::1", "v6.example.com", "NXDOMAIN", (), ()),
        (1016.0, "10.0.0.5", "last.example.com", "NOERROR", ("5.6.7.8", "5.6.7.9"), (30.0, 31.5)),
    ]
    last = records[-1]
    assert (last.uid, last.server, last.qtype) == ("Clast", "10.0.0.1", "A")
    assert stats.records == len(records)
    assert dict(stats.skipped) == {
        "line is not valid JSON": 1,
        "JSON line is not an object": 1,
        "TSV line before any #fields header": 1,        # "42": not JSON by its first character
        "JSON row of another Zeek log": 2,              # no "query" key: {"ts":1002} and ts 1004
        "no query name": 1,                             # "query": null
        "missing or bad ts / id.orig_h": 3,             # ts null, not-an-ip, no id.orig_h
        "non-UTF-8 bytes (replaced)": 1,
        "JSON line nested too deeply": 1,
        "notice not raised by DNSGuard": 1,
    }


def test_fast_and_generic_json_paths_agree_line_by_line(tmp_path):
    """Every edge line after one good row (so the per-line loop decides when the edge
    line is not a plain dns.log row) gives the records and reasons of the record
    reader (``rows=False``)."""
    for i, line in enumerate(edge_lines()):
        path = tmp_path / f"one{i}.json"
        path.write_bytes(b'{"ts":1.0,"id.orig_h":"10.9.9.9","query":"first.example.com"}\n' + line + b"\n")
        fast_stats, slow_stats = InputStats(), InputStats()
        fast = [r for e in read_path(path, fast_stats, rows=True)
                for r in (e.records() if type(e) is DnsJsonRows else [e])]
        slow = list(read_path(path, slow_stats))
        assert fast == slow, i
        assert (fast_stats.records, fast_stats.skipped) == (slow_stats.records, slow_stats.skipped), i


def test_json_object_falls_back_to_the_stdlib_for_what_msgspec_refuses():
    stats = InputStats()
    assert json_object('{"a": NaN, "b": 1e400}', stats)["b"] == math.inf
    assert json_object('{"q": "\\udc80"}', stats) == {"q": "\udc80"}
    assert json_object("42", stats) is None
    assert json_object("[1]", stats) is None
    assert json_object("{nope", stats) is None
    assert json_object('{"a":' * 100_000 + "1" + "}" * 100_000, stats) is None
    assert dict(stats.skipped) == {"JSON line is not an object": 2, "line is not valid JSON": 1,
                                   "JSON line nested too deeply": 1}


def _analysis(path, rows: bool):
    settings = AnalysisSettings.from_config(load_config(None))
    feed, _ = read_indicator_csv("value,kind,family,threat,confidence,source\n"
                                 "evil-c2.example,domain,AsyncRAT,c2,80,test\n", "test")
    stats = InputStats()
    analysis = run_analysis(read_path(path, stats, rows=rows), stats, settings, IndicatorIndex.build(feed))
    return analysis.to_dict()


def test_analyzer_json_hot_path_equals_the_record_path(tmp_path):
    """observe_json_rows (rows=True) and observe on records (rows=False) must give
    the same report: counts, NXDOMAIN bursts, feed evidence with its uid, fast flux,
    rejected hostile names, skip reasons."""
    lines = edge_lines()
    t = 1_793_606_400.0
    for i in range(60):  # an NXDOMAIN burst of random-looking names
        lines.append(row(t + i, "10.0.0.20", f"q{i * 7919 % 1000:03d}xkz{i}.example.net",
                         rcode_name="NXDOMAIN").encode())
    for i in range(40):  # fast flux: many low-TTL addresses in many networks
        answers = [f"{20 + (i * 3 + k) % 200}.{k}.{i}.{k + 1}" for k in range(4)]
        lines.append(row(t + 100 + i, f"10.0.1.{i % 5}", "flux.example.org", answers=answers,
                         TTLs=[60.0] * 4).encode())
    for i in range(5):  # feed hits, one per uid
        lines.append(row(t + 200 + i, "10.0.0.30", "a.evil-c2.example", uid=f"Cfeed{i}").encode())
    lines.append(row(t + 300, "10.0.0.31", "x" * 300 + ".example.com").encode())  # over-long name
    path = tmp_path / "dns.json.gz"
    write(path, lines)
    fast, slow = _analysis(path, rows=True), _analysis(path, rows=False)
    assert fast == slow
    hosts = {h["host"]: h for h in fast["hosts"]}
    assert hosts["10.0.0.30"]["verdict"] != "clean"
    assert any(ev["uid"] == "Cfeed0" for ev in hosts["10.0.0.30"]["evidence"])
    assert fast["input"]["skipped"]["JSON line nested too deeply"] == 1
    assert fast["input"]["rejected_names"]


def test_eve_timestamps_read_as_strptime_read_them():
    """eve.json timestamps go through fromisoformat first now: same values as the
    strptime format Suricata writes, strptime still takes what only it accepts."""
    import datetime as dt

    from dnsguard.inputs.eve import _ts

    fmt = "%Y-%m-%dT%H:%M:%S.%f%z"
    for text in ["2026-11-02T08:00:00.123456+0000", "2026-11-02T08:00:00.5+0100",
                 "2026-11-02T08:00:00.123456-0530", "2026-11-02T08:00:00.123+00:00",
                 "2026-11-02T08:00:00.000001Z", "2026-11-2T8:0:0.5+0000"]:
        assert _ts(text) == dt.datetime.strptime(text, fmt).timestamp(), text
    assert _ts("2026-11-02T08:00:00+00:00") == 1793606400.0
    assert _ts("yesterday") is None and _ts(5) is None
