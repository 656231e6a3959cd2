"""Readers: formats, damage, hostile content. Each bad line costs that line only."""

import gzip
import json

import pytest
from dnsguard.inputs import InputError, read_path, sniff_format
from dnsguard.records import DnsRecord, InputStats, SensorAlert

ZEEK_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers\tTTLs\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tstring\tvector[string]\tvector[interval]\n"
)


def zeek_line(ts, host, query, rcode="NOERROR", answers="1.2.3.4", ttls="300.0"):
    return f"{ts}\tCabc\t{host}\t5353\t10.0.0.1\t53\tudp\t{query}\tA\t{rcode}\t{answers}\t{ttls}\n"


def read_all(path):
    stats = InputStats()
    return list(read_path(path, stats)), stats


def test_zeek_tsv_with_header_change_mid_file(tmp_path):
    text = ZEEK_HEADER + zeek_line(1.0, "10.1.1.1", "a.example.com")
    # A rotated log appended: different column order.
    text += "#fields\tts\tid.orig_h\tquery\trcode_name\tuid\n"
    text += "2.0\t10.1.1.2\tb.example.com\tNXDOMAIN\tCdef\n"
    path = tmp_path / "dns.log"
    path.write_text(text)
    assert sniff_format(path) == "zeek-tsv"
    records, stats = read_all(path)
    assert [(r.client, r.query, r.rcode) for r in records] == [
        ("10.1.1.1", "a.example.com", "NOERROR"), ("10.1.1.2", "b.example.com", "NXDOMAIN")]
    assert records[0].answers == ("1.2.3.4",) and records[0].ttls == (300.0,)


def test_zeek_tsv_escaped_binary_and_unset_fields(tmp_path):
    path = tmp_path / "dns.log"
    path.write_text(ZEEK_HEADER + zeek_line(1.0, "10.1.1.1", "ev\\x00il.com", "-", "-", "-"))
    (rec,), _ = read_all(path)
    assert rec.query == "ev\x00il.com" and rec.rcode is None and rec.answers == ()


def test_zeek_json_gzip_and_bad_lines_are_counted(tmp_path):
    lines = [
        json.dumps({"ts": 1.5, "uid": "C1", "id.orig_h": "10.0.0.9", "query": "x.example.org",
                    "rcode_name": "NXDOMAIN"}),
        "{not json",
        json.dumps({"ts": "2026-11-02T08:00:00.000000Z", "id.orig_h": "10.0.0.9", "query": "y.example.org"}),
        json.dumps({"ts": 3, "id.orig_h": "not-an-ip", "query": "z.example.org"}),
        json.dumps([1, 2]),
    ]
    path = tmp_path / "dns.json.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    assert sniff_format(path) == "zeek-json"
    records, stats = read_all(path)
    assert [r.query for r in records] == ["x.example.org", "y.example.org"]
    assert stats.skipped["line is not valid JSON"] == 1
    assert stats.skipped["missing or bad ts / id.orig_h"] == 1
    assert stats.skipped["JSON line is not an object"] == 1


def test_truncated_gzip_keeps_the_lines_before_the_damage(tmp_path):
    body = "".join(
        json.dumps({"ts": float(i), "id.orig_h": "10.0.0.9", "query": f"n{i}.example.org"}) + "\n"
        for i in range(2000))
    blob = gzip.compress(body.encode())
    path = tmp_path / "dns.json.gz"
    path.write_bytes(blob[: len(blob) // 2])
    records, stats = read_all(path)
    assert 0 < len(records) < 2000
    assert any("damaged gzip" in w for w in stats.warnings)


def test_non_utf8_bytes_are_replaced_and_counted(tmp_path):
    path = tmp_path / "dns.log"
    path.write_bytes(ZEEK_HEADER.encode() + zeek_line(1.0, "10.1.1.1", "ok.example.com").encode()
                     + b"2.0\tC\t10.1.1.1\t1\t10.0.0.1\t53\tudp\tbad\xff\xfe.com\tA\tNOERROR\t-\t-\n")
    records, stats = read_all(path)
    assert len(records) == 2 and stats.skipped["non-UTF-8 bytes (replaced)"] == 1


def test_eve_v2_query_answer_join_and_alert(tmp_path):
    events = [
        {"timestamp": "2026-11-02T08:00:00.000000+0000", "flow_id": 7, "event_type": "dns", "src_ip": "192.168.1.5",
         "src_port": 5000, "dest_ip": "192.168.1.1", "dest_port": 53,
         "dns": {"type": "query", "id": 1, "rrname": "q.example.com", "rrtype": "A"}},
        {"timestamp": "2026-11-02T08:00:00.010000+0000", "flow_id": 7, "event_type": "dns", "src_ip": "192.168.1.1",
         "src_port": 53, "dest_ip": "192.168.1.5", "dest_port": 5000,
         "dns": {"type": "answer", "id": 1, "rrname": "q.example.com", "rrtype": "A", "rcode": "NXDOMAIN"}},
        {"timestamp": "2026-11-02T08:00:01.000000+0000", "flow_id": 8, "event_type": "dns", "src_ip": "192.168.1.6",
         "src_port": 5001, "dest_ip": "192.168.1.1", "dest_port": 53,
         "dns": {"type": "query", "id": 2, "rrname": "unanswered.example.com", "rrtype": "A"}},
        {"timestamp": "2026-11-02T08:00:02.000000+0000", "flow_id": 9, "event_type": "alert", "src_ip": "192.168.1.7",
         "src_port": 5002, "dest_ip": "192.168.1.1", "dest_port": 53,
         "alert": {"signature": "DNSGUARD TEST", "signature_id": 9070001,
                   "metadata": {"malware_family": ["Emotet"]}},
         "dns": {"query": [{"type": "query", "rrname": "bad.example.com"}]}},
        {"timestamp": "2026-11-02T08:00:03.000000+0000", "event_type": "flow"},
    ]
    path = tmp_path / "eve.json"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    assert sniff_format(path) == "eve"
    out, stats = read_all(path)
    dns = [e for e in out if isinstance(e, DnsRecord)]
    alerts = [e for e in out if isinstance(e, SensorAlert)]
    assert [(r.client, r.query, r.rcode) for r in dns] == [
        ("192.168.1.5", "q.example.com", "NXDOMAIN"), ("192.168.1.6", "unanswered.example.com", None)]
    assert alerts[0].client == "192.168.1.7" and alerts[0].metadata["malware_family"] == ["Emotet"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "empty file"),
        (b"\xd4\xc3\xb2\xa1\x02\x00", "truncated pcap"),
        (b"hello, this is not a log\n", "unknown format"),
        (b"\x1f\x8b\x08\x00garbage", "corrupt gzip"),
    ],
)
def test_unusable_files_give_one_clear_error(tmp_path, content, message):
    path = tmp_path / "input"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_all(path)
