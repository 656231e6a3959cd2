"""``feeds export`` never replaces a good export with an empty or much smaller one (issue 16)."""

from __future__ import annotations

import pytest
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.store import merge_into_store
from feeds_cli import run

NOW = 1_800_000_000.0


def indicators(n, prefix="c2"):
    far = 4_000_000_000.0
    return [Indicator(f"{prefix}-{i}.evil.test", "domain", "unknown", "c2", 80, ("t",), NOW, NOW, far)
            for i in range(n)]  # fmt: skip


@pytest.fixture
def state(tmp_path):
    return tmp_path / "state"


def config(state):
    return {"feeds": {"state_dir": str(state), "shipped_definitions": False}}


@pytest.fixture
def exported(tmp_path, state):
    merge_into_store(state / "indicators.msgpack", indicators(10), source="t", now=NOW)
    argv = ["feeds", "export", "--zeek", str(tmp_path / "z"), "--suricata", str(tmp_path / "s")]
    assert run(argv, config(state)) == 0
    files = [tmp_path / "z" / "dnsguard.intel", *sorted((tmp_path / "s" / "datasets").iterdir())]
    return argv, {f: f.read_bytes() for f in files}


def unchanged(files):
    return all(f.read_bytes() == content for f, content in files.items())


def test_export_from_a_missing_store_refuses_and_leaves_the_files(tmp_path, exported, capsys):
    argv, files = exported
    other = tmp_path / "other-home" / "state"  # cron with another HOME
    assert run(argv, config(other)) == 2
    err = capsys.readouterr().err
    assert "no indicator store at" in err and "nothing written" in err
    assert unchanged(files)


def test_export_from_an_empty_store_refuses_unless_allowed(tmp_path, state, exported, capsys):
    argv, files = exported
    merge_into_store(state / "indicators.msgpack", [], source="t", replace=True, now=NOW)
    assert run(argv, config(state)) == 2
    assert "holds no indicators" in capsys.readouterr().err
    assert unchanged(files)
    assert run([*argv, "--allow-empty"], config(state)) == 0
    intel = (tmp_path / "z" / "dnsguard.intel").read_text().splitlines()
    assert len(intel) == 1 and intel[0].startswith("#fields")


def test_export_that_loses_more_than_half_needs_force(tmp_path, state, exported, capsys):
    argv, files = exported
    merge_into_store(state / "indicators.msgpack", indicators(4), source="t", replace=True, now=NOW)
    assert run(argv, config(state)) == 2
    assert "4 indicators would replace 10" in capsys.readouterr().err
    assert unchanged(files)
    assert run([*argv, "--force"], config(state)) == 0
    assert len((tmp_path / "z" / "dnsguard.intel").read_text().splitlines()) == 1 + 4


def test_first_export_into_new_directories_needs_no_flag(tmp_path, state):
    merge_into_store(state / "indicators.msgpack", indicators(3), source="t", now=NOW)
    assert run(["feeds", "export", "--zeek", str(tmp_path / "new" / "z")], config(state)) == 0


def test_unwritable_target_is_refused_before_work(tmp_path, state, capsys):
    merge_into_store(state / "indicators.msgpack", indicators(3), source="t", now=NOW)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    argv = ["feeds", "export", "--zeek", str(tmp_path / "z"), "--suricata", str(blocker / "s")]
    assert run(argv, config(state)) == 2
    assert "not a writable directory" in capsys.readouterr().err
    assert not (tmp_path / "z").exists()  # nothing half done: the Zeek side was not written either
