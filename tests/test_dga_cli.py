"""``dnsguard score`` through its registered subparser."""

from __future__ import annotations

import argparse
import io
import json

from dnsguard.dga import cli


def parse(argv):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    return parser.parse_args(["score", *argv])


def run(argv, stdin=b""):
    out = io.StringIO()
    args = parse(argv)
    code = cli.run(args, {"analysis": {"allowlist": ["corp-example.test"]}}, stdin=io.BytesIO(stdin), out=out)
    return code, out.getvalue()


def test_json_lines_for_arguments():
    code, text = run(["--json", "google.com", "fewkzxnfcywsdsoeusgnbpjh.info"])
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["name"] for r in rows] == ["google.com", "fewkzxnfcywsdsoeusgnbpjh.info"]
    assert rows[1]["score"] > rows[0]["score"]


def test_stdin_with_hostile_lines_and_config_allowlist():
    lines = b"\n".join([b"www.Example.com", b"\xff\xfe", b"", b"x" * 10_000, b"a..b", b"qwxzkvjrtplm.corp-example.test"])
    code, text = run(["--json", "-"], stdin=lines + b"\n")
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 6
    assert rows[1]["reasons"] == ["invalid:not valid UTF-8"]
    assert rows[2]["reasons"] == ["invalid:empty name"]
    assert rows[5]["reasons"] == ["allowlisted:corp-example.test"]


def test_table_output():
    code, text = run(["1dnwk9fl0fqkf10yww9llnj5eo.org"])
    assert code == 0
    header, row = text.splitlines()
    assert "score" in header and "1dnwk9fl0fqkf10yww9llnj5eo.org" in row


def test_bad_model_path_is_a_one_line_error(capsys):
    code, _ = run(["--model", "/nonexistent/model.npz", "a.com"])
    assert code == 2
    assert "dnsguard score:" in capsys.readouterr().err
