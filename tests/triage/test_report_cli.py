"""``dnsguard report``: errors are one line and exit 2."""

from __future__ import annotations

import subprocess
import sys


def dnsguard(*args):
    return subprocess.run([sys.executable, "-m", "dnsguard", *args], capture_output=True, text=True, timeout=120)


def test_report_needs_a_path():
    proc = dnsguard("report")
    assert proc.returncode == 2 and "path" in proc.stderr


def test_report_of_a_missing_path(tmp_path):
    proc = dnsguard("report", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_report_of_a_directory_without_logs(tmp_path):
    (tmp_path / "README").write_text("nothing\n")
    proc = dnsguard("report", str(tmp_path))
    assert proc.returncode == 2 and "no pcap, Zeek dns/notice/intel log or eve.json" in proc.stderr


def test_unwritable_html_output(tmp_path):
    log = tmp_path / "dns.json"
    log.write_text('{"ts": 1.0, "id.orig_h": "10.0.0.1", "query": "www.example.com", "rcode_name": "NOERROR"}\n')
    proc = dnsguard("report", str(log), "--no-forecast", "--html", str(tmp_path / "missing-dir" / "r.html"))
    assert proc.returncode == 2 and "cannot write" in proc.stderr
