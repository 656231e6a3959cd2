"""Community ID on every piece of evidence, equal to what Zeek and Suricata write.

The report tells analysts to pivot on the Community ID, so it must be the
value their Security Onion holds: Zeek's (conn.log with community-id-logging;
SO computes the same from the 5-tuple at ingest) and Suricata's (EVE
``community_id``).  Checked on the sample capture and on two of Zeek's DNS
traces that add TCP and IPv6 flows."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from dnsguard.communityid import community_id, valid
from dnsguard.inputs.eve import read_eve
from dnsguard.inputs.zeek import read_zeek
from dnsguard.records import DnsRecord, InputStats

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "python/dnsguard/data/sample.pcap"
TRACES = [SAMPLE, REPO / "tests/data/traces/dns-edns-ecs.pcap", REPO / "tests/data/traces/ipv6-fragmented-dns.trace"]
needs_zeek = pytest.mark.usefixtures("zeek_required")
needs_suricata = pytest.mark.usefixtures("suricata_required")


def test_both_directions_give_one_id():
    a = community_id("192.168.10.21", 20000, "192.168.10.1", 53, "udp")
    assert valid(a)
    assert a == community_id("192.168.10.1", 53, "192.168.10.21", 20000, "UDP")
    assert a == community_id("192.168.10.21", "20000", "192.168.10.1", "53", "17")
    assert a != community_id("192.168.10.21", 20000, "192.168.10.1", 53, "tcp")


@pytest.mark.parametrize("args", [
    ("", 1, "10.0.0.1", 53, "udp"), ("10.0.0.2", 1, "10.0.0.1", 53, "icmp"), ("10.0.0.2", -1, "10.0.0.1", 53, "udp"),
    ("10.0.0.2", 70000, "10.0.0.1", 53, "udp"), ("10.0.0.2", None, "10.0.0.1", 53, "udp"),
    ("10.0.0.2", True, "10.0.0.1", 53, "udp"), ("10.0.0.2", 1, "::1", 53, "udp"), ("x", 1, "10.0.0.1", 53, "udp"),
    ("10.0.0.2", {"a": 1}, "10.0.0.1", 53, "udp"), ("10.0.0.2", 1, "10.0.0.1", 53, ["udp"]),
])
def test_no_id_rather_than_a_wrong_one(args):
    assert community_id(*args) == ""


def _zeek(pcap: Path, out: Path, json_logs: bool) -> Path:
    out.mkdir()
    subprocess.run(["zeek", "-C", "-r", str(pcap), "policy/protocols/conn/community-id-logging",
                    f"LogAscii::use_json={'T' if json_logs else 'F'}"], cwd=out, check=True, capture_output=True,
                   timeout=300)
    return out


@needs_zeek
@pytest.mark.parametrize("json_logs", [False, True], ids=["tsv", "json"])
def test_dns_log_records_equal_zeeks_conn_log(tmp_path, json_logs):
    checked = tcp = v6 = 0
    for i, pcap in enumerate(TRACES):
        logs = _zeek(pcap, tmp_path / str(i), json_logs)
        conn = {}
        for row in read_conn(logs / "conn.log", json_logs):
            conn[row["uid"]] = row
            assert row["community_id"] == community_id(row["id.orig_h"], row["id.orig_p"], row["id.resp_h"],
                                                       row["id.resp_p"], row["proto"])
        stats = InputStats()
        for rec in read_zeek((logs / "dns.log").read_text().splitlines(), stats):
            assert isinstance(rec, DnsRecord)
            assert rec.community_id == conn[rec.uid]["community_id"], (pcap.name, rec)
            checked += 1
            tcp += conn[rec.uid]["proto"] == "tcp"
            v6 += ":" in rec.client
    assert checked >= 2_180 and tcp >= 4 and v6 >= 30, (checked, tcp, v6)


def read_conn(path: Path, json_logs: bool) -> list[dict]:
    lines = path.read_text().splitlines()
    if json_logs:
        return [json.loads(line) for line in lines]
    fields = next(line.split("\t")[1:] for line in lines if line.startswith("#fields"))
    return [dict(zip(fields, line.split("\t"), strict=True)) for line in lines if not line.startswith("#")]


@needs_suricata
def test_eve_records_equal_suricatas_community_id():
    from dnsguard.suricata.offline import run_pcap

    checked = alerts = events_checked = 0
    for pcap in TRACES:
        with run_pcap(pcap) as run:
            lines = run.eve_path.read_text().splitlines()
        events = [json.loads(line) for line in lines]
        events = [e for e in events if e.get("event_type") in ("dns", "alert")]
        assert events and all(valid(e.get("community_id")) for e in events), pcap.name
        events_checked += len(events)
        for e in events:
            assert e["community_id"] == community_id(e["src_ip"], e["src_port"], e["dest_ip"], e["dest_port"],
                                                     e["proto"])
        # What the reader keeps, with Suricata's field and without it (an EVE
        # from a sensor that does not enable community-id).
        stripped = [json.dumps({k: v for k, v in e.items() if k != "community_id"}) for e in events]
        for kept, computed in zip(read_eve(lines, InputStats()), read_eve(stripped, InputStats()), strict=True):
            assert valid(kept.community_id) and kept.community_id == computed.community_id
            checked += 1
            alerts += not isinstance(kept, DnsRecord)
    # Queries and answers are two events, one record.
    assert events_checked >= 4_280 and checked >= 2_140 and alerts >= 4, (events_checked, checked, alerts)


def _analyze(pcap: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", str(pcap), "--json", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(out.read_text())


PER_FLOW = {"feed", "forecast", "dga", "fast-flux"}
"""Findings about one flow; bursts, tunnels and some Zeek notices are about many
(no single Community ID: the report gives a query per host instead)."""


@needs_suricata
def test_pcap_evidence_pivots_on_an_id_that_survives_a_rerun(tmp_path):
    runs = [_analyze(SAMPLE, tmp_path / f"{i}.json") for i in range(2)]

    def ids(report):
        return {(h["host"], e["kind"], e["name"], e["ts"]): e for h in report["hosts"] for e in h["evidence"]}

    first, second = ids(runs[0]), ids(runs[1])
    assert first.keys() == second.keys() and len(first) >= 60
    for key, ev in first.items():
        if ev["kind"] in PER_FLOW or ev["source"] == "suricata":
            assert valid(ev["community_id"]), ev
        assert ev["community_id"] == second[key]["community_id"]
    # The throw-away runs' uids are what analysts must not pivot on: they change.
    assert sum(ev["uid"] != second[k]["uid"] for k, ev in first.items() if ev["uid"]) >= 60


@needs_zeek
@pytest.mark.parametrize("json_logs", [False, True], ids=["tsv", "json"])
def test_analysis_of_zeek_logs_gives_zeeks_ids(tmp_path, json_logs):
    """The analyzer's fast paths over dns.log (TSV rows, JSON rows) and notices:
    every piece of evidence about one flow carries that flow's Community ID as
    Zeek's conn.log has it."""
    logs = tmp_path / "logs"
    logs.mkdir()
    subprocess.run(["zeek", "-C", "-r", str(SAMPLE), str(REPO / "zeek-scripts"), "DNSGuard::scorer_link=F",
                    "policy/protocols/conn/community-id-logging", f"LogAscii::use_json={'T' if json_logs else 'F'}"],
                   cwd=logs, check=True, capture_output=True, timeout=300)
    by_uid = {row["uid"]: row["community_id"] for row in read_conn(logs / "conn.log", json_logs)}
    given = tmp_path / "given"
    given.mkdir()
    for name in ("dns.log", "notice.log"):  # what an analyst exports: no conn.log
        (given / name).write_bytes((logs / name).read_bytes())
    report = _analyze(given, tmp_path / "r.json")
    checked = 0
    for h in report["hosts"]:
        for ev in h["evidence"]:
            if ev["uid"] in by_uid:
                assert ev["community_id"] == by_uid[ev["uid"]], ev
                checked += 1
            if ev["kind"] in PER_FLOW:
                assert valid(ev["community_id"]), ev
    assert checked >= 62, checked


def test_a_forged_id_in_a_log_is_not_taken_as_is():
    line = {"timestamp": "2026-11-02T08:00:00.000000+0000", "event_type": "dns", "src_ip": "10.0.0.2",
            "src_port": 5353, "dest_ip": "10.0.0.1", "dest_port": 53, "proto": "UDP", "flow_id": 1,
            "dns": {"type": "answer", "id": 1, "rrname": "x.example", "rcode": "NOERROR"}}
    right = community_id("10.0.0.2", 5353, "10.0.0.1", 53, "udp")
    for forged in ("1:<script>alert(1)</script>xxxxxxxxxx", "2:" + right[2:], ["1:x"], 7):
        (rec,) = read_eve([json.dumps({**line, "community_id": forged})], InputStats())
        assert rec.community_id == right
    zeek = {"ts": 1.0, "uid": "C1", "id.orig_h": "10.0.0.2", "id.orig_p": 5353, "id.resp_h": "10.0.0.1",
            "id.resp_p": 53, "proto": "udp", "query": "x.example", "community_id": "1:" + "A" * 40}
    (rec,) = read_zeek([json.dumps(zeek)], InputStats())
    assert rec.community_id == right
