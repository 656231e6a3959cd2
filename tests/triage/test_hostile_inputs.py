"""``dnsguard analyze`` against hostile or broken inputs and outputs (issue 16).

Each bad line costs that line (counted as skipped), never the run; outputs
are checked before the run; an output never replaces an input; a capture
without a readable packet ends at once with one line.
"""

from __future__ import annotations

import argparse
import json
import struct
import subprocess
import sys
import time

import pytest
from dnsguard.analyze_cli import register
from dnsguard.config import default_config
from dnsguard.inputs import InputError, sniff_format

ZEEK_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers\tTTLs\n"
    "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tstring\tstring\tvector[string]\tvector[interval]\n"
)
GOOD_TS = 1_794_000_000.0  # 2026-11


def zeek_line(ts, host="10.1.1.1", query="www.example.com", rcode="NOERROR"):
    return f"{ts}\tCabc\t{host}\t5353\t10.0.0.1\t53\tudp\t{query}\tA\t{rcode}\t1.2.3.4\t300.0\n"


def eve_dns(timestamp, query="www.example.com"):
    return json.dumps({"timestamp": timestamp, "event_type": "dns", "src_ip": "10.1.1.1", "dest_ip": "10.0.0.1",
                       "src_port": 5353, "dest_port": 53, "flow_id": 1,
                       "dns": {"type": "answer", "id": 1, "rrname": query, "rrtype": "A", "rcode": "NOERROR"}}) + "\n"  # fmt: skip


def analyze(argv, state):
    parser = argparse.ArgumentParser(prog="dnsguard")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["analyze", *argv, "--no-forecast"])
    config = default_config()
    config["feeds"] = {"state_dir": str(state)}
    config["analysis"]["demo_feed"] = False
    return args.func(args, config)


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


def analyze_json(tmp_path, state, text, name):
    log = tmp_path / name
    log.write_text(text)
    out = tmp_path / "out.json"
    assert analyze([str(log), "--json", str(out)], state) == 0
    return json.loads(out.read_text())["input"]


@pytest.mark.parametrize("bad", ["1e20", "-5.0", "nan", "inf", "-inf", "1" + "0" * 400, "9999-12-31T23:59:59Z"])
def test_zeek_tsv_line_with_an_impossible_ts_is_a_bad_line(tmp_path, state, bad, capsys):
    text = ZEEK_HEADER + zeek_line(bad) + zeek_line(GOOD_TS)
    got = analyze_json(tmp_path, state, text, "dns.log")
    assert got["records"] == 1
    assert got["skipped"] == {"missing or bad ts / id.orig_h": 1}


@pytest.mark.parametrize("bad", [1e20, -1.0, "1e20", 10**30, "9999-12-31T23:59:59+00:00"])
def test_zeek_json_line_with_an_impossible_ts_is_a_bad_line(tmp_path, state, bad):
    rows = [{"ts": bad, "uid": "C1", "id.orig_h": "10.1.1.1", "query": "www.example.com", "rcode_name": "NOERROR"},
            {"ts": GOOD_TS, "uid": "C2", "id.orig_h": "10.1.1.1", "query": "www.example.com", "rcode_name": "NOERROR"}]  # fmt: skip
    text = "".join(json.dumps(r) + "\n" for r in rows)
    got = analyze_json(tmp_path, state, text, "dns.json")
    assert got["records"] == 1
    assert got["skipped"] == {"missing or bad ts / id.orig_h": 1}


@pytest.mark.parametrize("bad", ["9999-12-31T23:59:59.999999+0000", "9999-12-31T23:59:59.000000-1200",
                                 "2200-01-01T00:00:00.000000+0000", "0001-01-01T00:00:00.000000+0000"])  # fmt: skip
def test_eve_timestamp_in_year_9999_is_a_bad_line(tmp_path, state, bad):
    text = eve_dns(bad) + eve_dns("2026-11-02T08:00:00.000000+0000")
    got = analyze_json(tmp_path, state, text, "eve.json")
    assert got["records"] == 1
    assert got["skipped"] == {"missing or bad timestamp": 1}


def test_analyze_refuses_to_overwrite_its_input(tmp_path, state, capsys):
    log = tmp_path / "x.log"
    log.write_text(ZEEK_HEADER + zeek_line(GOOD_TS))
    before = log.read_bytes()
    for argv in (["--json", str(log)], ["--html", str(tmp_path / "." / "x.log")], ["--json", "x.log"]):
        import os

        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            assert analyze([str(log), *argv], state) == 2
        finally:
            os.chdir(cwd)
        assert "is the input; refusing to overwrite it" in capsys.readouterr().err
    assert log.read_bytes() == before


def test_same_path_for_json_and_html_is_refused(tmp_path, state, capsys):
    log = tmp_path / "x.log"
    log.write_text(ZEEK_HEADER + zeek_line(GOOD_TS))
    assert analyze([str(log), "--json", str(tmp_path / "r"), "--html", str(tmp_path / "r")], state) == 2
    assert "given for two outputs" in capsys.readouterr().err


def test_unwritable_output_is_found_before_the_run(tmp_path, state, monkeypatch, capsys):
    log = tmp_path / "x.log"
    log.write_text(ZEEK_HEADER + zeek_line(GOOD_TS))
    import dnsguard.analyze_cli as cli

    def never(*a, **k):
        raise AssertionError("the run started although an output cannot be written")

    monkeypatch.setattr(cli, "analyse", never)
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    for argv in (["--json", str(tmp_path / "missing" / "r.json")], ["--html", str(blocker / "r.html")],
                 ["--json", str(tmp_path)]):  # fmt: skip
        assert analyze([str(log), *argv], state) == 2
        err = capsys.readouterr().err
        assert err.startswith("dnsguard: cannot write") and len(err.strip().splitlines()) == 1


def pcap_header(linktype=1):
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)


def pcapng_header_only():
    shb_body = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
    shb = struct.pack("<II", 0x0A0D0D0A, 12 + len(shb_body)) + shb_body + struct.pack("<I", 12 + len(shb_body))
    idb_body = struct.pack("<HHI", 1, 0, 65535)
    idb = struct.pack("<II", 1, 12 + len(idb_body)) + idb_body + struct.pack("<I", 12 + len(idb_body))
    return shb + idb


@pytest.mark.parametrize("body,message", [
    (pcap_header(), "holds no packets"),
    (pcap_header() + b"\0" * 10, "first packet record is incomplete"),
    (pcap_header() + struct.pack("<IIII", 0, 0, 100, 100) + b"\0" * 20, "first packet record is incomplete"),
    (pcapng_header_only(), "holds no packets"),
], ids=["header-only", "short-record", "cut-record", "pcapng-header-only"])  # fmt: skip
def test_pcap_without_a_readable_packet_is_refused_at_once(tmp_path, body, message):
    path = tmp_path / "empty.pcap"
    path.write_bytes(body)
    with pytest.raises(InputError, match=message):
        sniff_format(path)


def test_header_only_pcap_ends_quickly_with_one_line(tmp_path):
    path = tmp_path / "empty.pcap"
    path.write_bytes(pcap_header())
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", str(path), "--no-forecast"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert time.monotonic() - start < 20
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"dnsguard: {path}: the capture holds no packets "
                                                "(only a pcap file header); nothing to analyse"]  # fmt: skip
    assert "W#01" not in proc.stderr and "Error:" not in proc.stderr


def test_a_complete_one_packet_pcap_is_still_a_pcap(tmp_path):
    packet = b"\0" * 60
    path = tmp_path / "one.pcap"
    path.write_bytes(pcap_header() + struct.pack("<IIII", 1, 0, len(packet), len(packet)) + packet)
    assert sniff_format(path) == "pcap"


def test_a_deeply_nested_first_line_does_not_crash_the_sniffer(tmp_path, state, capsys):
    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000 + "\n" + eve_dns("2026-11-02T08:00:00.000000+0000"))
    assert sniff_format(path) == "eve"
    got = analyze_json(tmp_path, state, path.read_text(), "deep2.json")
    assert got["records"] == 1 and got["skipped"] == {"JSON line nested too deeply": 1}
    only = tmp_path / "only-deep.json"
    only.write_text("[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(InputError, match="unknown format"):
        sniff_format(only)


@pytest.mark.parametrize("dns", [
    {"type": "answer", "rrname": "a.test", "answers": 5},
    {"type": "answer", "queries": 5},
    {"type": "answer", "rrname": "a.test", "answers": [{"rdata": "1.2.3.4", "ttl": 10**400}]},
], ids=["answers-number", "queries-number", "ttl-400-digits"])  # fmt: skip
def test_eve_odd_answer_shapes_cost_the_field_not_the_run(dns):
    from dnsguard.inputs.eve import read_eve
    from dnsguard.records import InputStats

    line = json.dumps({"timestamp": "2026-11-02T08:00:00.000000+0000", "event_type": "dns", "src_ip": "10.1.1.1",
                       "dest_ip": "10.0.0.1", "src_port": 5353, "dest_port": 53, "dns": dns})  # fmt: skip
    stats = InputStats()
    records = list(read_eve([line], stats))
    assert len(records) + sum(stats.skipped.values()) == 1
