"""``register(subparsers)`` wiring of ``dnsguard suricata``."""

from __future__ import annotations

import argparse

import pytest
from dnsguard.suricata import cli


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dnsguard")
    cli.register(p.add_subparsers(dest="command"))
    return p


def test_subcommands_parse_to_their_functions():
    p = parser()
    push = p.parse_args(["suricata", "push", "a.example", "b.example", "--socket", "/x"])
    assert push.func is cli.cmd_push and push.names == ["a.example", "b.example"]
    assert push.set == "dnsguard-verdict" and push.socket == "/x"
    sync = p.parse_args(["suricata", "sync", "names.txt", "--state", "/d/s.lst"])
    assert sync.func is cli.cmd_sync and sync.file == "names.txt" and sync.state == "/d/s.lst"
    test = p.parse_args(["suricata", "test", "--lua"])
    assert test.func is cli.cmd_test and test.lua


def test_action_is_required():
    with pytest.raises(SystemExit):
        parser().parse_args(["suricata"])


def test_normalise_all_reports_every_bad_name():
    names, errors = cli.normalise_all(["Good.Example.", "bad..one", "x" * 300 + ".example", "good.example"])
    assert names == ["good.example"]
    assert len(errors) == 2


def test_sync_rejects_unreadable_file(tmp_path, capsys):
    args = argparse.Namespace(file=str(tmp_path / "missing.txt"), socket=None, set="dnsguard-verdict",
                              timeout=1.0, state=None, mirror=None)
    assert cli.cmd_sync(args, {}) == cli.EXIT_ERROR
    assert "cannot read" in capsys.readouterr().err
