"""``dnsguard score`` through its registered subparser."""

from __future__ import annotations

import argparse
import io
import json
import re

import pytest
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
    assert code == 1  # invalid names among them
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 6
    assert rows[1]["reasons"] == ["invalid:not valid UTF-8"]
    assert rows[2]["reasons"] == ["invalid:empty name"]
    assert rows[5]["reasons"] == ["allowlisted:corp-example.test"]
    assert [r["verdict"] for r in rows] == ["benign", "invalid", "invalid", "invalid", "invalid", "benign"]
    assert all(r["score"] is None for r in rows if r["verdict"] == "invalid")


def test_table_output():
    code, text = run(["1dnwk9fl0fqkf10yww9llnj5eo.org"])
    assert code == 0
    threshold, header, row = text.splitlines()
    assert threshold.startswith("threshold 0.500 ")
    assert header.split() == ["verdict", "score", "family", "name", "reasons"]
    verdict, score = row.split()[:2]
    assert verdict == "dga" and re.fullmatch(r"[01]\.\d{3}", score) and float(score) >= 0.99, row
    assert "1dnwk9fl0fqkf10yww9llnj5eo.org" in row


def test_bad_model_path_is_a_one_line_error(capsys):
    code, _ = run(["--model", "/nonexistent/model.npz", "a.com"])
    assert code == 2
    assert "dnsguard score:" in capsys.readouterr().err


def test_invalid_names_get_no_score_and_exit_1(capsys):
    code, text = run(["xjwqkzpvhtrb.com", "bad..name", "a b.com", "wikipedia.org"])
    assert code == 1
    rows = text.splitlines()[2:]
    for name, why in (("bad..name", "empty label"), ("a b.com", "character not allowed")):
        (row,) = [r for r in rows if name in r]
        assert row.split()[:3] == ["invalid", "-", "-"], row
        assert why in row and "0.000" not in row
    assert "2 name(s) invalid" in capsys.readouterr().err


def test_all_valid_names_exit_0():
    code, _ = run(["xjwqkzpvhtrb.com", "wikipedia.org", "com"])
    assert code == 0


def test_verdicts_threshold_and_aligned_columns():
    names = ["fewkzxnfcywsdsoeusgnbpjh.info", "wikipedia.org", "a..b", "google.com", "qwzxk.com"]
    code, text = run(names)
    assert code == 1
    lines = text.splitlines()
    assert lines[0].startswith("threshold 0.500 (the model's calibrated threshold)")
    header, rows = lines[1], lines[2:]
    assert len(rows) == len(names)
    assert [r.split()[0] for r in rows] == ["dga", "benign", "invalid", "benign", "unjudged"]
    for column in ("family", "name", "reasons"):  # left-aligned
        start = header.index(column)
        for row, name in zip(rows, names, strict=True):
            assert row[start - 2:start] == "  " and row[start] != " ", (column, row)
            if column == "name":
                assert row[start:].startswith(name)
    score_end = header.index("score") + len("score")
    assert all(row[score_end - 1] != " " for row in rows)  # scores right-aligned


def test_threshold_option():
    code, text = run(["--json", "--threshold", "0.95", "xjwqkzpvhtrb.com"])
    row = json.loads(text)
    assert code == 0 and row["threshold"] == 0.95 and row["verdict"] == "benign"
    code, text = run(["--threshold", "0.95", "xjwqkzpvhtrb.com"])
    assert text.splitlines()[0].startswith("threshold 0.950 (--threshold)")


def test_names_a_lexical_score_cannot_judge_are_said_so():
    import datetime as dt

    from dnsguard.dga.families import nymaim2, suppobox

    wordlist = [suppobox.generate(dt.date(2026, 11, 2))[0], nymaim2.generate(dt.date(2026, 11, 2))[0]]
    short = ["qwzxk.com", "abcdef.net"]  # QSnatch-length labels
    code, text = run(["--json", *wordlist, *short, "wikipedia.org"])
    assert code == 0
    rows = [json.loads(line) for line in text.splitlines()]
    assert [r["verdict"] for r in rows] == ["unjudged"] * 4 + ["benign"]
    assert "suppobox" in rows[0]["note"] and "nymaim2" in rows[1]["note"]
    assert all("short label" in r["note"] for r in rows[2:4]) and "note" not in rows[4]
    code, text = run(short)
    assert all("cannot judge: short label" in line for line in text.splitlines()[2:])


@pytest.mark.parametrize("content", [b"hello", b"", b"PK\x03\x04broken", "npy-object", "npz-other"])
def test_bad_model_file_is_one_line_without_numpy_advice(tmp_path, capsys, content):
    import numpy as np

    path = tmp_path / "model.npz"
    if content == "npy-object":
        with path.open("wb") as f:
            np.save(f, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    elif content == "npz-other":
        np.savez(path, x=np.arange(3))
    else:
        path.write_bytes(content)
    code, out = run(["--model", str(path), "a.com"])
    err = capsys.readouterr().err
    assert code == 2 and out == ""
    assert err == f"dnsguard score: {path}: not a dnsguard model file (an .npz written by dnsguard's trainer)\n"
    assert "pickle" not in err


def test_model_that_is_a_directory(tmp_path, capsys):
    code, _ = run(["--model", str(tmp_path), "a.com"])
    assert code == 2
    assert capsys.readouterr().err == f"dnsguard score: cannot read model {tmp_path}: Is a directory\n"


def test_table_shows_the_reports_family_spelling_and_json_the_model_id():
    """The table is for people (the spelling of analyze and serve); --json keeps the model's id."""
    from dnsguard.dga.scoring import Verdict

    v = Verdict("xkqzvbtrwplm.com", "xkqzvbtrwplm.com", 0.97, "newgoz", 0.81, ())
    assert "newGOZ (0.81)" in cli.format_row(v, "dga", None)
    assert v.as_dict()["family"] == "newgoz"
    unknown = Verdict("example.com", "example.com", 0.01, "unknown", 0.0, ())
    assert cli.format_row(unknown, "benign", None).split()[2] == "-"
