"""What the reports say per host (dnsguard.report_facts), on hand-built hosts:
grouping, why, IOCs, Hunt queries, Top evidence in hosts, the glossary."""

from __future__ import annotations

from collections import Counter

from dnsguard.analyze import Analysis, Evidence, HostReport, summarise
from dnsguard.records import InputStats
from dnsguard.report import render_text
from dnsguard.report_facts import (
    GLOSSARY,
    KIND_LABELS,
    KIND_TERMS,
    from_pcap,
    group_evidence,
    hunt_queries,
    ioc_text,
    iocs,
    why,
)
from dnsguard.report_html import KIND_COLOURS, render_html

STEP = "QSnatch DGA name: block the family's names for the coming days"
CID = "1:8UPciJBb9MbmU1VX/lNDT4Puq3I="


def host(evidence, counts, verdict="compromised", confidence="high", device="unknown", families=None):
    return HostReport("10.10.2.51", device, verdict, confidence, families or {}, counts, 100, 10, [], evidence,
                      [], ["step"], 1000.0, 2000.0, [])


def forecast(i):
    return Evidence("forecast", 1000.0 + i, f"n{i}.example", "name computed by the QSnatch DGA for this date",
                    "QSnatch", "iab", 1.0, f"C{i}", next_step=STEP, community_id=f"{CID[:-6]}{i:05d}=")


def test_forty_rows_with_one_next_step_are_one_group():
    h = host([forecast(i) for i in range(40)], {"forecast": 40}, families={"QSnatch": "iab"})
    (group,) = group_evidence(h.evidence)
    assert group.findings == 40 and len(group.names) == 40 and group.next_step == STEP
    assert group.first == 1000.0 and group.last == 1039.0 and len(group.community_ids) == 40


def test_a_step_that_names_the_domain_keeps_its_row():
    feeds = [Evidence("feed", 1.0 + i, f"c2-{i}.example", "exact match in demo", "Emotet", "iab",
                      next_step=f"Block c2-{i}.example at the resolver") for i in range(3)]
    alerts = [Evidence("sensor-alert", 5.0 + i, f"x{i}.example", "Suricata sid 1: rule", next_step="Review")
              for i in range(25)]
    groups = group_evidence(feeds + alerts)
    assert [g.kind for g in groups] == ["feed"] * 3 + ["sensor-alert"]
    assert groups[-1].findings == 25


def test_top_evidence_counts_hosts_not_alerts():
    alerts = [Evidence("sensor-alert", float(i), f"{i:x}.t.example", "Suricata sid 9072010: tunnel rule")
              for i in range(25)]
    one = host(alerts, {"sensor-alert": 25}, verdict="suspicious", confidence="low")
    (top,) = summarise([one])["top_evidence"]
    assert top["hosts"] == 1
    other = HostReport("10.10.2.52", "unknown", "suspicious", "low", {}, {"sensor-alert": 2}, 1, 0, [],
                       alerts[:2], [], [], 1.0, 2.0, [])
    (top,) = summarise([one, other])["top_evidence"]
    assert top["hosts"] == 2


def test_why_names_the_deciding_evidence():
    h = host([forecast(i) for i in range(3)] + [Evidence("nxdomain-burst", 5.0, "a, b", "burst")],
             {"forecast": 3, "nxdomain-burst": 1}, device="nas-qnap", families={"QSnatch": "iab"})
    lines = why(h)
    assert lines[0].startswith("3 name(s) the host asked for are exactly those the QSnatch DGA generates")
    assert "high confidence" in lines[0]
    assert any("on a NAS" in line for line in lines)
    weak = host([Evidence("dga", 1.0, "kq3vx9.example", "lexical DGA score 0.93")], {"dga": 1},
                verdict="suspicious", confidence="low")
    assert "low confidence" in why(weak)[-1]


def test_iocs_and_hunt_queries():
    feed = Evidence("feed", 1.0, "c2.example", "exact match", "Emotet", "iab", community_id=CID,
                    addresses=["203.0.113.66", "2001:db8::1"])
    tunnel = Evidence("tunnel", 2.0, "t.example", "40 unique hex subdomains", threat="c2")
    burst = Evidence("nxdomain-burst", 3.0, "a.example, b.example", "burst")
    h = host([feed, tunnel, burst], {"feed": 1, "tunnel": 1, "nxdomain-burst": 1}, families={"Emotet": "iab"})
    found = iocs(h)
    assert found.names == ["c2.example", "t.example"]  # a burst's sample list is not an indicator
    assert found.addresses == ["2001:db8::1", "203.0.113.66"] and found.community_ids == [CID]
    assert found.resolved == {"c2.example": ["203.0.113.66", "2001:db8::1"]}
    block = ioc_text(h, found).splitlines()
    assert {"c2.example", "t.example", "203.0.113.66", "2001:db8::1", CID} <= set(block)
    queries = {q.query for q in hunt_queries(h, found)}
    assert 'source.ip:"10.10.2.51" AND dns.query.name:*' in queries
    assert 'source.ip:"10.10.2.51" AND dns.query.name:"c2.example"' in queries
    assert 'dns.query.name:"c2.example" AND NOT source.ip:"10.10.2.51"' in queries
    assert 'source.ip:"10.10.2.51" AND dns.query.name:*.t.example' in queries
    assert 'destination.ip:("2001:db8::1" OR "203.0.113.66")' in queries
    assert f'network.community_id:"{CID}"' in queries


def test_a_quote_from_the_wire_cannot_break_a_query():
    ev = Evidence("feed", 1.0, 'evil"OR*.example', "Zeek intel match", community_id="")
    h = host([ev], {"feed": 1})
    queries = [q.query for q in hunt_queries(h, iocs(h))]
    assert 'source.ip:"10.10.2.51" AND dns.query.name:"evil\\"OR*.example"' in queries


def test_every_kind_has_a_label_a_colour_and_a_glossary_entry():
    assert set(KIND_LABELS) == set(KIND_TERMS) == set(KIND_COLOURS)
    assert all(term in GLOSSARY for term in KIND_TERMS.values())


def test_uids_are_offered_for_the_analysts_own_logs_only():
    ev = Evidence("feed", 1.0, "c2.example", "exact match", uid="CsensorUid1", community_id=CID,
                  next_step="Block c2.example")
    h = host([ev], {"feed": 1})
    logs = Analysis([h], InputStats(records=1, files=["/nsm/zeek/logs/dns.log"]), Counter(), 1.0, 2.0, [])
    pcap = Analysis([h], InputStats(records=1, files=["/tmp/x.pcap"]), Counter(), 1.0, 2.0, [])
    assert from_pcap(["/tmp/x.pcap"]) and not from_pcap(["/nsm/zeek/logs/dns.log"])
    assert "CsensorUid1" in render_html(logs, "logs") and "CsensorUid1" not in render_html(pcap, "x.pcap")
    for analysis in (logs, pcap):
        text = render_text(analysis, "src")
        assert CID in text and "CsensorUid1" not in text


def test_text_report_per_host_and_its_glossary():
    h = host([forecast(i) for i in range(40)], {"forecast": 40}, families={"QSnatch": "iab"}, device="nas-qnap")
    text = render_text(Analysis([h], InputStats(records=100), Counter(), 1000.0, 2000.0, []), "src")
    assert "first seen 1970-01-01 00:16:40, last seen 1970-01-01 00:33:20 UTC" in text
    assert text.count("known-DGA name ×40") == 1 and text.count(STEP) == 0  # one group, its step in "next:"
    assert "why: 40 name(s) the host asked for are exactly those the QSnatch DGA generates" in text
    assert 'hunt (every DNS query of the host): source.ip:"10.10.2.51" AND dns.query.name:*' in text
    assert "IOC names: n0.example" in text and "(+28 in --html)" in text
    glossary = text.split("Glossary (terms used above):\n", 1)[1]
    for term in ("iab", "known-DGA name (forecast)", "NAS", "Community ID", "compromised"):
        assert f"  {term}: " in glossary, term
    assert "  fast flux: " not in glossary  # not used above


def test_a_major_alert_is_told_by_its_rule():
    """The repeated-NXDOMAIN rule (9072003) fires on answers and carries no
    query name: its why line and its evidence line name the rule, with no
    empty name list; a tunnel rule's why line names the rule too."""
    rule = "Suricata sid 9072003: DNSGUARD DGA Generic Repeated NXDOMAIN For Registered Domain Names To Client"
    h = host([Evidence("sensor-major", 1000.0, "", rule)], {"sensor-major": 1}, confidence="medium")
    (line,) = [x for x in why(h) if x.startswith("Major sensor alert")]
    assert "Suricata sid 9072003: DNSGUARD DGA Generic" in line and "Major severity" in line
    text = render_text(Analysis([h], InputStats(records=10), Counter(), 1000.0, 2000.0, []), "src")
    assert "major sensor alert — Suricata sid 9072003" in text and "alert:  —" not in text
    tunnel = host([Evidence("sensor-major", 1.0, "7f71.0019.x.t.example", "Suricata sid 9072010: DNSGUARD TUNNEL")],
                  {"sensor-major": 1}, confidence="medium")
    (line,) = [x for x in why(tunnel) if x.startswith("Major sensor alert")]
    assert "sid 9072010" in line and "7f71" not in line
