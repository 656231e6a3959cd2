"""Zeek notice.log and intel.log as evidence, and directories of mixed, damaged logs."""

from __future__ import annotations

import gzip
import json

import pytest
from dnsguard.analyze import run_analysis
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.feeds.indicators import IndicatorIndex, read_indicator_csv
from dnsguard.inputs import InputError, read_path
from dnsguard.records import DnsRecord, InputStats, SensorAlert

HEADER = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t{path}\n#fields\t{fields}\n"
NOTICE_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "note", "msg", "sub", "src",
                 "dst", "p", "n", "actions", "suppress_for"]
INTEL_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "seen.indicator",
                "seen.indicator_type", "seen.where", "seen.node", "matched", "sources"]
DNS_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "query", "qtype_name",
              "rcode_name", "answers", "TTLs"]


def notice(ts, host, note, what, name, family="unknown", threat="dga", score=1.5, device="unknown",
           evidence="seen"):
    """A notice.log row as the DNSGuard package writes it (zeek-scripts/main.zeek) for a
    notice about a host: ``src`` set, no connection, and ``msg`` starting with the host."""
    msg = f"{host}: {what}: {name} [family={family} threat={threat} score={score:.2f} device={device}]"
    sub = f"family={family};threat={threat};score={score:.2f};device={device};evidence={evidence}"
    return "\t".join([f"{ts:.6f}", "-", "-", "-", "-", "-", note, msg, sub, host, "-", "-", "-",
                      "Notice::ACTION_LOG", "3600.000000"]) + "\n"


def tsv(path, fields, rows):
    return HEADER.format(path=path, fields="\t".join(fields)) + "".join(rows)


def analyse(path, config=None):
    config = config or load_config(None)
    settings = AnalysisSettings.from_config(config)
    good, _ = read_indicator_csv("value,kind,family,threat,confidence,source\n"
                                 "evil-c2.example,domain,AsyncRAT,c2,80,test\n", "test")
    stats = InputStats()
    return run_analysis(read_path(path, stats, rows=True), stats, settings, IndicatorIndex.build(good))


def test_dnsguard_notices_become_host_evidence(tmp_path):
    rows = [
        notice(1000.0, "10.0.0.5", "DNSGuard::Device_Tagged", "device", "api.myqnapcloud.com", device="nas-qnap"),
        notice(1010.0, "10.0.0.5", "DNSGuard::NXDOMAIN_Burst", "NXDOMAIN burst", "10.0.0.5", device="nas-qnap",
               evidence="45 NXDOMAIN for 44 names; mean label length 4.1"),
        notice(1020.0, "10.0.0.6", "DNSGuard::Intel_Domain", "intel", "a.evil-c2.example", family="AsyncRAT",
               threat="c2", score=0.8, evidence="parent evil-c2.example"),
        notice(1030.0, "10.0.0.7", "DNSGuard::Fast_Flux", "fast flux", "flux.example", threat="botnet"),
        notice(1040.0, "10.0.0.8", "DNSGuard::Tunnel_Subdomains", "tunnel", "exfil.example", threat="c2",
               evidence="200 subdomains"),
        notice(1050.0, "10.0.0.9", "SSL::Invalid_Server_Cert", "cert", "x"),
    ]
    path = tmp_path / "notice.log"
    path.write_text(tsv("notice", NOTICE_FIELDS, rows))
    analysis = analyse(path)
    hosts = {h.host: h for h in analysis.hosts}
    assert analysis.stats.alerts == 5 and analysis.stats.skipped["notice not raised by DNSGuard"] == 1
    nas = hosts["10.0.0.5"]
    assert nas.device == "nas-qnap" and nas.verdict == "compromised"  # a burst on a NAS
    burst = next(e for e in nas.evidence if e.kind == "nxdomain-burst")
    assert burst.source == "zeek" and "mean label length 4.1" in burst.detail
    intel = hosts["10.0.0.6"]
    assert intel.verdict == "compromised" and intel.confidence == "high"
    assert intel.families == {"AsyncRAT": "c2"} and intel.evidence[0].name == "a.evil-c2.example"
    assert hosts["10.0.0.7"].verdict == "suspicious" and hosts["10.0.0.7"].evidence_counts == {"fast-flux": 1}
    assert hosts["10.0.0.8"].verdict == "compromised" and "T1048.003" in hosts["10.0.0.8"].mitre
    assert "10.0.0.9" not in hosts


def test_host_is_read_from_msg_when_src_is_gone(tmp_path):
    """A host-only notice keeps its host at the start of ``msg`` (Security Onion drops
    ``src``): analyze takes it from there when the row has no src / id.orig_h, and never
    reads it as part of the name; a connection's id.orig_h and src still win."""
    rows = [
        {"ts": 3000.0, "note": "DNSGuard::NXDOMAIN_Burst",
         "msg": "10.0.0.23: NXDOMAIN burst: 12 domains [family=unknown threat=dga score=1.00 device=unknown]",
         "sub": "family=unknown;threat=dga;score=1.00;device=unknown;evidence=12 NXDOMAIN answers"},
        {"ts": 3001.0, "note": "DNSGuard::C2_Beacon", "uid": "Cbeacon",
         "msg": "2001:db8::7: C2 beacon (one random name polled): k3j9x2.example [family=Saitama threat=c2 "
                "score=1.00 device=unknown]",
         "sub": "family=Saitama;threat=c2;score=1.00;device=unknown;evidence=3 rounds"},
        {"ts": 3002.0, "note": "DNSGuard::Tunnel_Long_Label", "src": "10.0.0.40",
         "msg": "10.0.0.40: Very long DNS labels: tunnel-demo.example [family=unknown threat=c2 score=1.00 "
                "device=unknown]",
         "sub": "family=unknown;threat=c2;score=1.00;device=unknown;evidence=10 names"},
        {"ts": 3003.0, "note": "DNSGuard::Intel_Domain", "uid": "Cintel", "id.orig_h": "10.0.0.11",
         "id.orig_p": 40000, "id.resp_h": "10.0.0.1", "id.resp_p": 53, "proto": "udp", "src": "10.0.0.11",
         "msg": "DNS query matched intel: beacon.x.evil-c2.example [family=AsyncRAT threat=c2 score=0.90 "
                "device=unknown]",
         "sub": "family=AsyncRAT;threat=c2;score=0.90;device=unknown;evidence=parent match"},
    ]
    path = tmp_path / "notice.log"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    stats = InputStats()
    alerts = [e for e in read_path(path, stats) if isinstance(e, SensorAlert)]
    got = [(a.client, a.query, a.signature.split(" [", 1)[0]) for a in alerts]
    assert got == [
        ("10.0.0.23", "12 domains", "NXDOMAIN burst: 12 domains"),
        ("2001:db8::7", "k3j9x2.example", "C2 beacon (one random name polled): k3j9x2.example"),
        ("10.0.0.40", "tunnel-demo.example", "Very long DNS labels: tunnel-demo.example"),
        ("10.0.0.11", "beacon.x.evil-c2.example", "DNS query matched intel: beacon.x.evil-c2.example"),
    ]
    hosts = {h.host for h in analyse(path).hosts}
    assert {"10.0.0.23", "2001:db8::7", "10.0.0.40", "10.0.0.11"} <= hosts


def test_intel_log_json_gets_family_from_desc_or_the_indicators(tmp_path):
    rows = [
        {"ts": 2000.5, "uid": "CintelA", "id.orig_h": "10.0.0.20", "seen.indicator": "evil-c2.example",
         "seen.indicator_type": "Intel::DOMAIN", "seen.where": "DNSGuard::IN_DNS_PARENT", "sources": ["abusech"]},
        {"ts": 2001.5, "uid": "CintelB", "id.orig_h": "10.0.0.21", "seen.indicator": "other.example",
         "seen.where": "DNS::IN_REQUEST", "sources": ["misp"], "desc": "family=Mirai;threat=botnet;confidence=70"},
    ]
    path = tmp_path / "intel.log.gz"
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    hosts = {h.host: h for h in analyse(path).hosts}
    a, b = hosts["10.0.0.20"], hosts["10.0.0.21"]
    assert a.families == {"AsyncRAT": "c2"} and a.evidence[0].uid == "CintelA"
    assert "DNSGuard::IN_DNS_PARENT" in a.evidence[0].detail and "abusech" in a.evidence[0].detail
    assert b.families == {"Mirai": "botnet"} and b.verdict == "compromised"


def dns_row(ts, host, query, rcode="NOERROR", answers="-", ttls="-"):
    return f"{ts}\tC{int(ts)}\t{host}\t5353\t10.0.0.1\t53\tudp\t{query}\tA\t{rcode}\t{answers}\t{ttls}\n"


def test_directory_with_mixed_formats_and_damage(tmp_path):
    logs = tmp_path / "2026-11-02"
    logs.mkdir()
    # Plain TSV with a #fields change in the middle (a rotated log appended).
    text = tsv("dns", DNS_FIELDS, [dns_row(1.0, "10.1.0.1", "a.example.com")])
    text += "#fields\tts\tid.orig_h\tquery\trcode_name\tuid\n2.0\t10.1.0.2\tb.example.com\tNXDOMAIN\tCx\n"
    (logs / "dns.00:00:00-01:00:00.log").write_text(text)
    # JSON dns log, gzipped.
    body = "".join(json.dumps({"ts": 3.0 + i, "id.orig_h": "10.1.0.3", "query": f"n{i}.example.org"}) + "\n"
                   for i in range(10))
    (logs / "dns.01:00:00-02:00:00.log.gz").write_bytes(gzip.compress(body.encode()))
    # A truncated gzip: the lines before the damage still count.
    big = "".join(dns_row(100.0 + i, "10.1.0.4", f"t{i}.example.net") for i in range(3000))
    blob = gzip.compress(tsv("dns", DNS_FIELDS, [big]).encode())
    (logs / "dns.02:00:00-03:00:00.log.gz").write_bytes(blob[: len(blob) // 2])
    # Non-UTF-8 bytes in a name.
    (logs / "dns.03:00:00-04:00:00.log").write_bytes(
        tsv("dns", DNS_FIELDS, []).encode() + b"5.0\tCz\t10.1.0.5\t1\t10.0.0.1\t53\tudp\tbad\xff.com\tA\tNOERROR\t-\t-\n")
    # Logs the analysis does not use, an empty file, a corrupt gzip, a README.
    (logs / "conn.00:00:00-01:00:00.log").write_text(tsv("conn", ["ts", "uid", "id.orig_h"], ["1.0\tC1\t10.1.0.1\n"]))
    (logs / "empty.log").write_bytes(b"")
    (logs / "broken.log.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (logs / "README.txt").write_text("notes about this sensor\n")
    (logs / "notice.log").write_text(tsv("notice", NOTICE_FIELDS, [
        notice(6.0, "10.1.0.6", "DNSGuard::Intel_Domain", "intel", "evil-c2.example", "AsyncRAT", "c2")]))
    stats = InputStats()
    events = list(read_path(tmp_path, stats))
    dns = [e for e in events if isinstance(e, DnsRecord)]
    alerts = [e for e in events if isinstance(e, SensorAlert)]
    assert {r.client for r in dns} >= {"10.1.0.1", "10.1.0.2", "10.1.0.3", "10.1.0.4", "10.1.0.5"}
    assert [r.query for r in dns if r.client == "10.1.0.2"] == ["b.example.com"]
    assert sum(1 for r in dns if r.client == "10.1.0.3") == 10
    cut = sum(1 for r in dns if r.client == "10.1.0.4")
    assert 0 < cut < 3000
    assert len(alerts) == 1 and alerts[0].sensor == "zeek-notice"
    assert stats.records == len(dns) and stats.skipped["non-UTF-8 bytes (replaced)"] == 1
    warnings = "\n".join(stats.warnings)
    assert "damaged gzip" in warnings and "empty file" in warnings and "corrupt gzip" in warnings
    assert "passed over 2 file(s)" in warnings and "Zeek conn log" in warnings and "not a log" in warnings
    assert len(stats.files) == 5


def test_fast_path_and_record_path_agree(tmp_path):
    """The analyzer's row fast path and the DnsRecord path give the same verdicts."""
    rows = [dns_row(10.0 + i, "10.2.0.1", f"q{i}.evil-c2.example") for i in range(5)]
    rows += [dns_row(20.0 + i * 0.5, "10.2.0.2", f"nx{i}abc.example", "NXDOMAIN") for i in range(40)]
    rows += [dns_row(40.0 + i, "10.2.0.3", "www.example.com", answers="93.184.216.34", ttls="300.0")
             for i in range(50)]
    path = tmp_path / "dns.log"
    path.write_text(tsv("dns", DNS_FIELDS, rows))
    settings = AnalysisSettings.from_config(load_config(None))
    good, _ = read_indicator_csv("value,kind,family,threat,confidence,source\n"
                                 "evil-c2.example,domain,AsyncRAT,c2,80,test\n", "test")
    results = []
    for rows_mode in (True, False):
        stats = InputStats()
        a = run_analysis(read_path(path, stats, rows=rows_mode), stats, settings, IndicatorIndex.build(good))
        results.append([(h.host, h.verdict, h.queries, h.nxdomain, h.evidence_counts) for h in a.hosts])
    assert results[0] == results[1]
    assert results[0][0][:2] == ("10.2.0.1", "compromised")


def test_empty_directory_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing here\n")
    with pytest.raises(InputError, match="no pcap, Zeek dns/notice/intel log or eve.json"):
        list(read_path(tmp_path, InputStats()))
