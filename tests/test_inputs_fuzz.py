"""Fuzz the log readers and the analyzer behind them (issue 16).

Property: whatever the lines (Zeek TSV or JSON dns/notice/intel rows, EVE
events, arbitrary text), reading them and running the analysis over the
result never raises; every line is a record, an alert, a skipped line
(counted) or a header.  Generated lines mix hostile values where the readers
look: time stamps (1e20, NaN, year 9999, 400 digits), addresses, names,
nested JSON.
"""

from __future__ import annotations

import json
import math
import os

from dnsguard.analyze import run_analysis
from dnsguard.config import AnalysisSettings, default_config
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.inputs.eve import read_eve
from dnsguard.inputs.zeek import read_zeek, read_zeek_blocks
from dnsguard.records import DnsRecord, InputStats, SensorAlert, plausible_ts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=int(os.environ.get("DNSGUARD_FUZZ_EXAMPLES", 300)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
SETTINGS = AnalysisSettings.from_config(default_config())

TS_TEXT = st.sampled_from(["1e20", "-1e20", "nan", "inf", "-inf", "1" + "0" * 400, "9999-12-31T23:59:59Z", "",
                           "-", "1794000000.5", "0", "1.0", "2026-11-02T08:00:00Z", "0x10", "1_000", "\x00"]) | \
    st.floats().map(repr) | st.integers().map(str)  # fmt: skip
TS_JSON = st.floats() | st.integers(min_value=-(10**30), max_value=10**30) | TS_TEXT | st.none() | st.booleans()
HOST = st.sampled_from(["10.1.1.1", "10.1.1.2", "fe80::1", "::", "999.1.1.1", "", "-", "10.1.1.1\x00", "x"])
NAME = st.sampled_from(["www.example.com", "a" * 64 + ".com", "xn--zz.com", "ev\\x00il.com", "-", "", ".", "..",
                        "qwzxkvbnmlpo.com", "a.b.c.d.e.f.g.h.example.org", "\u00e9t\u00e9.fr", "*.x.com"]) | \
    st.text(max_size=30)  # fmt: skip
RCODE = st.sampled_from(["NOERROR", "NXDOMAIN", "SERVFAIL", "-", ""])
ANSWERS = st.sampled_from(["-", "(empty)", "1.2.3.4", "1.2.3.4,5.6.7.8,9.10.11.12,13.14.15.16,1.1.1.1", ",,,"])
TTLS = st.sampled_from(["-", "(empty)", "300.0", "nan,inf", "x,y", "1e400"])

HEADER = ["#separator \\x09", "#set_separator\t,", "#empty_field\t(empty)", "#unset_field\t-", "#path\tdns", "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers\tTTLs", "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tstring\tvector[string]\tvector[interval]"]
OTHER_HEADERS = st.sampled_from([
    "#fields\tts\tid.orig_h\tquery\trcode_name\tuid", "#separator ,", "#set_separator\t;", "#unset_field\tNONE",
    "#path\tnotice", "#fields\tts\tnote\tmsg\tsub\tsrc", "#path\tintel", "#fields\tts\tid.orig_h\tseen.indicator",
    "#fields", "#separator", "#close\t2026", "#path\tconn",
])  # fmt: skip


@st.composite
def tsv_line(draw):
    cols = [draw(TS_TEXT), "C1", draw(HOST), "5353", draw(HOST), "53", "udp", draw(NAME), "A", draw(RCODE),
            draw(ANSWERS), draw(TTLS)]  # fmt: skip
    if draw(st.booleans()):
        cols = cols[: draw(st.integers(0, len(cols)))]
    return "\t".join(c.replace("\t", " ").replace("\n", " ") for c in cols)


json_leaf = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
json_any = st.recursive(json_leaf, lambda i: st.lists(i, max_size=3) | st.dictionaries(st.text(max_size=5), i, max_size=3),
                        max_leaves=10)  # fmt: skip


@st.composite
def zeek_json_line(draw):
    row = {"ts": draw(TS_JSON), "uid": draw(st.sampled_from(["C1", 5, None])), "id.orig_h": draw(HOST | json_any),
           "query": draw(NAME | json_any), "rcode_name": draw(RCODE | json_any),
           "answers": draw(st.lists(st.sampled_from(["1.2.3.4", "x"]), max_size=6) | json_any),
           "TTLs": draw(st.lists(st.floats(), max_size=6) | json_any)}  # fmt: skip
    kind = draw(st.sampled_from(["dns", "notice", "intel", None, "conn"]))
    if kind == "notice":
        row.update(note=draw(st.sampled_from(["DNSGuard::Tunnel_Subdomains", "DNSGuard::Host_Verdict", "X::Y", 5])),
                   msg=draw(st.sampled_from(["x: a.example.com [y]", ": ", "", "a"])),
                   sub=draw(st.sampled_from(["family=a;threat=c2;score=0.9;evidence=x;y", "=;=", "", "score=nan"])),
                   src=draw(HOST))  # fmt: skip
    elif kind == "intel":
        row.update({"seen.indicator": draw(NAME), "sources": draw(json_any), "seen.where": "DNS::IN_REQUEST"})
    if kind is not None:
        row["_path"] = kind
    for key in draw(st.lists(st.sampled_from(sorted(row)), max_size=3)):
        row.pop(key, None)
    return json.dumps(row, allow_nan=True)


@st.composite
def eve_line(draw):
    event = {"timestamp": draw(st.sampled_from([
        "2026-11-02T08:00:00.000000+0000", "9999-12-31T23:59:59.999999+0000", "9999-12-31T23:59:59.000000-1200",
        "0001-01-01T00:00:00+0000", "2026-11-02T08:00:00", "2026-1-2T8:0:0.1+0000", "x", ""]) | json_any),
        "event_type": draw(st.sampled_from(["dns", "alert", "flow", 5])),
        "src_ip": draw(HOST | json_any), "dest_ip": draw(HOST), "flow_id": draw(st.integers() | json_any),
        "src_port": draw(st.sampled_from([53, 5353, "53", None])), "dest_port": draw(st.sampled_from([53, 5353]))}  # fmt: skip
    dns = {"type": draw(st.sampled_from(["query", "answer", "request", "response", 1])), "id": draw(json_leaf),
           "rrname": draw(NAME | json_any), "rrtype": "A", "rcode": draw(RCODE | json_any),
           "answers": draw(st.lists(st.dictionaries(st.sampled_from(["rdata", "ttl"]), json_leaf), max_size=3) | json_any),
           "grouped": draw(json_any), "queries": draw(json_any)}  # fmt: skip
    event["dns"] = dns if draw(st.booleans()) else draw(json_any)
    if event["event_type"] == "alert":
        event["alert"] = draw(st.fixed_dictionaries({"signature": json_leaf, "signature_id": json_leaf,
                                                     "metadata": json_any}) | json_any)  # fmt: skip
    return json.dumps(event, allow_nan=True)


def deep(n):
    return '{"ts": ' + "[" * n + "]" * n + "}"


NOISE = st.text(max_size=60) | st.sampled_from([deep(100_000), "{" * 5000, "[1e999]", '{"ts": 1e999}', "{}", "[]"])


def analyse(events, stats):
    return run_analysis(events, stats, SETTINGS, IndicatorIndex.build([]), forecaster=lambda days: {},
                        scorer=None)  # fmt: skip


def check(result, stats):
    for h in result.hosts:
        assert h.first_seen is None or plausible_ts(h.first_seen)
    assert result.first_ts is None or (plausible_ts(result.first_ts) and plausible_ts(result.last_ts))
    assert stats.records >= 0


def blocks(lines, size):
    return [lines[i : i + size] for i in range(0, len(lines), size)] or [[]]


@FUZZ
@given(lines=st.lists(tsv_line() | OTHER_HEADERS | NOISE, max_size=25), size=st.integers(1, 8))
def test_fuzz_zeek_tsv_reader_and_analysis(lines, size):
    lines = HEADER + lines
    stats = InputStats()
    records = list(read_zeek(lines, stats))
    assert all(isinstance(r, DnsRecord | SensorAlert) and math.isfinite(r.ts) and plausible_ts(r.ts) for r in records)
    stats = InputStats()
    check(analyse(read_zeek_blocks(blocks(lines, size), stats), stats), stats)


@FUZZ
@given(lines=st.lists(zeek_json_line() | NOISE, max_size=25), size=st.integers(1, 8))
def test_fuzz_zeek_json_reader_and_analysis(lines, size):
    stats = InputStats()
    records = list(read_zeek(lines, stats))
    assert all(plausible_ts(r.ts) for r in records)
    stats = InputStats()
    check(analyse(read_zeek_blocks(blocks(lines, size), stats), stats), stats)


@FUZZ
@given(lines=st.lists(eve_line() | NOISE, max_size=25))
def test_fuzz_eve_reader_and_analysis(lines):
    stats = InputStats()
    records = list(read_eve(lines, stats))
    assert all(plausible_ts(r.ts) for r in records)
    stats = InputStats()
    check(analyse(read_eve(lines, stats), stats), stats)


@FUZZ
@given(lines=st.lists(st.text(max_size=80), max_size=20))
def test_fuzz_readers_on_arbitrary_text(lines):
    for reader in (read_zeek, read_eve):
        stats = InputStats()
        check(analyse(reader(lines, stats), stats), stats)
