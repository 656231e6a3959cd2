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


def test_report_with_an_empty_path_is_an_error_not_the_sample():
    # ``dnsguard report "$DIR"`` with $DIR unset must not hand over a report of the demo capture
    for command in ("report", "analyze"):
        proc = dnsguard(command, "")
        assert proc.returncode == 2 and proc.stdout == "", command
        assert proc.stderr == "dnsguard: empty PATH ''; give a pcap, a log or a directory of them\n"


def _subparsers():
    import argparse

    from dnsguard.cli import build_parser

    (action,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return action


def test_report_is_analyze_with_path_required():
    action = _subparsers()
    analyze, report = action.choices["analyze"], action.choices["report"]

    def options(parser):
        return {(tuple(a.option_strings), a.dest, a.default) for a in parser._actions}

    assert options(report) == options(analyze)
    assert analyze.get_default("func") is report.get_default("func")
    (path,) = [a for a in report._actions if a.dest == "path"]
    assert path.nargs is None  # required
    helps = {c.dest: c.help for c in action._choices_actions}
    assert helps["report"].startswith("alias of analyze")


def test_report_and_analyze_print_the_same(tmp_path):
    log = tmp_path / "dns.json"
    log.write_text('{"ts": 1.0, "id.orig_h": "10.0.0.1", "query": "www.example.com", "rcode_name": "NOERROR"}\n')
    analyze = dnsguard("analyze", str(log), "--no-forecast", "--all")
    report = dnsguard("report", str(log), "--no-forecast", "--all")
    assert analyze.returncode == report.returncode == 0
    assert analyze.stdout == report.stdout and "10.0.0.1" in report.stdout
