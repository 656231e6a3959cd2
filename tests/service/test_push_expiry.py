"""``dnsguard suricata push`` into the verdict set is a journaled verdict
with an expiry: the running service (or the next start of serve) removes it
from Suricata's set when it lapses, ``verdicts list`` shows it,
``verdicts retract`` takes it back.  Pushes into other sets are unchanged.

Real Suricata 7 in unix-socket mode (the helpers of test_suricata_e2e.py).
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
import yaml
from dnsguard.cli import main as dnsguard_main
from dnsguard.service.app import Service
from dnsguard.service.control import journal_push
from dnsguard.service.journal import Journal
from dnsguard.service.settings import ServeSettings
from dnsguard.suricata import cli as suricata_cli
from dnsguard.suricata import sandbox

from .conftest import RuleScorer, running, wait_for
from .test_suricata_e2e import (
    VERDICT_SID,
    eve_alerts,
    in_dataset,
    pcap,
    run_pcap,
    socket_mode_box,
    stop,
)

NAME = "hand-pushed.example"
"""Not DGA-like for the test scorer: only the push makes it a verdict."""


def _serve(box: sandbox.Sandbox, tmp_path: Path, **extra) -> dict:
    return {"zeek": {"enabled": False},
            "suricata": {"socket": str(box.socket), "probe_interval": 0.2} if box else {"enabled": False},
            "eve": {"files": []}, "state_dir": str(tmp_path / "state"), "verdict_log": "",
            "metrics": {"enabled": False}, "backoff": {"base": 0.1, "cap": 0.5}, **extra}


def _config(tmp_path: Path, serve: dict) -> Path:
    path = tmp_path / "dnsguard.yaml"
    path.write_text(yaml.safe_dump({"serve": serve}))
    return path


def _cli(config: Path, *argv: str) -> int:
    return dnsguard_main(["--config", str(config), *argv])


def _listed(config: Path, capsys) -> dict:
    capsys.readouterr()
    assert _cli(config, "verdicts", "list", "--json") == 0
    return json.loads(capsys.readouterr().out)


# ----------------------------------------------------------------------------- journal part
def test_journal_push_all_or_nothing_and_never_shortens(tmp_path):
    j = Journal(tmp_path / "j")
    j.open(now=1000)
    reply, fresh = journal_push(j, ["A.Example.", "b.example"], 60, "alice", "c2", now=1000)
    assert [v.name for v in fresh] == ["a.example", "b.example"]
    assert all(v.source == "manual:alice" and v.family == "manual" and v.expires_at == 1060 for v in fresh)
    # A shorter push keeps the longer verdict; a longer one extends it.
    reply, fresh = journal_push(j, ["a.example"], 10, "bob", "c2", now=1001)
    assert fresh == [] and reply["pushed"] == [{"name": "a.example", "expires_at": 1060, "source": "manual:alice",
                                                "kept": True}]
    reply, fresh = journal_push(j, ["a.example"], 600, "bob", "c2", now=1002)
    assert [v.expires_at for v in fresh] == [1602]
    # Retracted: the whole batch is refused, nothing written.
    j.retract("n:b.example", now=1003, until=2000, by="carol")
    with pytest.raises(ValueError, match="retracted.*b.example.*carol"):
        journal_push(j, ["c.example", "b.example"], 60, "bob", "c2", now=1004)
    for bad in (["bad..name"], [], "a.example"):
        with pytest.raises(ValueError):
            journal_push(j, bad, 60, "bob", "c2", now=1004)
    for seconds in (0, 366 * 86_400 + 1, True):
        with pytest.raises(ValueError, match="'for'"):
            journal_push(j, ["c.example"], seconds, "bob", "c2", now=1004)
    assert "n:c.example" not in {f"n:{v.name}" for v in j.live(1004)}
    j.close()
    again = Journal(tmp_path / "j")
    again.open(now=1100)  # lapsed ones are tombstones after a restart
    assert [v.name for v in again.live(1100)] == ["a.example"] and "b.example" in again.gone(1100)
    again.close()


def test_duration_and_help():
    assert [suricata_cli.duration(x) for x in ("3", "3s", "90m", "24h", "7d", "1.5h")] == \
        [3, 3, 5400, 86400, 604800, 5400]
    for bad in ("0", "-5", "x", "400d", "nan", "inf", ""):
        with pytest.raises(Exception, match="duration|366 days"):
            suricata_cli.duration(bad)


def test_push_help_names_the_default_expiry(capsys):
    with pytest.raises(SystemExit):
        dnsguard_main(["suricata", "push", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--for DURATION" in out and "default serve.verdict_ttl, 86400 s unless configured" in out
    assert "'dnsguard verdicts retract NAME' takes it back" in out


# ----------------------------------------------------------------------------- real Suricata
def test_push_with_serve_running_alerts_then_lapses(tmp_path, capsys):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    serve = _serve(box, tmp_path)
    config = _config(tmp_path, serve)
    settings = ServeSettings.from_dict(serve)

    async def go():
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: service.suricata.state.connected and settings.control_socket.exists(), 30)
            code = await asyncio.to_thread(_cli, config, "suricata", "push", NAME, "--for", "5s", "--by", "tester")
            out = capsys.readouterr()
            assert code == 0, out.err
            assert f"{NAME}: verdict until" in out.out and "via running service" in out.out
            assert "added 1 name(s) to dnsguard-verdict" in out.out
            # The running service journaled it and its link tracks the expiry.
            [v] = service.journal.live(time.time())
            assert (v.name, v.source, v.expire) == (NAME, "manual:tester", 5)
            listed = await asyncio.to_thread(_listed, config, capsys)
            assert [(x["key"], x["source"], x["expires_at"]) for x in listed["live"]] == \
                [("n:" + NAME, "manual:tester", v.expires_at)]
            await wait_for(lambda: NAME in service.suricata.pushed, 10)
            assert await asyncio.to_thread(in_dataset, box, NAME)
            await run_pcap(box, pcap(tmp_path / "1.pcap", "10.1.1.5", [NAME], 1764237600))
            assert [a["src_ip"] for a in eve_alerts(box.eve, VERDICT_SID)] == ["10.1.1.5"]
            # Lapses: the link takes it out of the set, the journal no longer holds it.
            await wait_for(lambda: service.suricata.retired >= 1, 15)
            assert not await asyncio.to_thread(in_dataset, box, NAME)
            assert service.journal.live(time.time()) == [] and NAME in service.journal.gone(time.time())
            assert service.suricata.state.errors == 0

    try:
        asyncio.run(go())
    finally:
        stop(proc)


def test_push_without_serve_is_journaled_and_the_next_serve_removes_it_once_lapsed(tmp_path, capsys):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    serve = _serve(box, tmp_path)
    config = _config(tmp_path, serve)
    settings = ServeSettings.from_dict(serve)
    try:
        before = time.time()
        assert _cli(config, "suricata", "push", NAME, "other-push.example", "--for", "3") == 0
        out = capsys.readouterr().out
        assert f"via journal {settings.journal_path} (no service running)" in out
        assert in_dataset(box, NAME) and in_dataset(box, "other-push.example")
        listed = _listed(config, capsys)
        assert sorted(x["key"] for x in listed["live"]) == ["n:" + NAME, "n:other-push.example"]
        assert all(before + 3 <= x["expires_at"] <= time.time() + 3 and x["source"].startswith("manual:")
                   for x in listed["live"])
        time.sleep(3.5)  # lapsed with no service running: still in Suricata's set
        assert in_dataset(box, NAME)

        async def go():
            async with running(Service(settings, RuleScorer())) as service:
                await wait_for(lambda: service.suricata.withdrawn >= 2, 30)
                assert not await asyncio.to_thread(in_dataset, box, NAME)
                assert not await asyncio.to_thread(in_dataset, box, "other-push.example")
                assert service.suricata.state.errors == 0

        asyncio.run(go())
        assert _listed(config, capsys)["live"] == []
    finally:
        stop(proc)


def test_push_then_retract_and_other_sets_unchanged(tmp_path, capsys):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    serve = _serve(box, tmp_path, verdict_ttl=7200)
    config = _config(tmp_path, serve)
    settings = ServeSettings.from_dict(serve)
    try:
        now = time.time()
        assert _cli(config, "suricata", "push", NAME) == 0  # default: serve.verdict_ttl
        capsys.readouterr()
        [v] = _listed(config, capsys)["live"]
        assert now + 7200 <= v["expires_at"] <= time.time() + 7200
        capsys.readouterr()
        assert _cli(config, "verdicts", "retract", NAME) == 0
        assert "suricata: removed 1 from dnsguard-verdict" in capsys.readouterr().out
        assert not in_dataset(box, NAME)
        listed = _listed(config, capsys)
        assert listed["live"] == [] and [r["key"] for r in listed["retracted"]] == ["n:" + NAME]
        # While retracted a push is refused as a whole, Suricata untouched.
        assert _cli(config, "suricata", "push", "fresh-name.example", NAME) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "nothing pushed; retracted" in err
        assert not in_dataset(box, "fresh-name.example")
        # Another set: not journaled, no expiry (as before).  The gates' union
        # set, which 7.x and 8.0 both load (8.0 has no plain dnsguard-c2).
        size = settings.journal_path.stat().st_size
        assert _cli(config, "suricata", "push", "--set", "dnsguard-any", "feedlike.example",
                    "--socket", str(box.socket)) == 0
        assert "added 1 name(s) to dnsguard-any" in capsys.readouterr().out
        assert settings.journal_path.stat().st_size == size
        # Suricata unreachable: nothing journaled.
        assert _cli(config, "suricata", "push", "unreached.example", "--socket", str(tmp_path / "no.sock")) == 2
        assert "does not exist" in capsys.readouterr().err
        assert settings.journal_path.stat().st_size == size
    finally:
        stop(proc)


def test_a_suricata_that_refuses_the_add_after_the_journal_is_named_exit_1(tmp_path, capsys):
    """The journal is written first: a Suricata without the verdict set
    refuses the add, the command says so in one line and exits 1; the verdict
    stays journaled (the service's link adds it at its next connection)."""
    import shutil

    from dnsguard.paths import suricata_rules_dir

    pack = tmp_path / "pack"
    shutil.copytree(suricata_rules_dir(), pack)
    rules = pack / "dnsguard.rules"
    rules.write_text("".join(line for line in rules.read_text().splitlines(keepends=True)
                             if "sid:9070500;" not in line))
    box = sandbox.create(tmp_path / "suricata", pack, socket=True)
    proc = sandbox.start_socket_mode(box)
    serve = _serve(box, tmp_path)
    config = _config(tmp_path, serve)
    try:
        assert _cli(config, "suricata", "push", NAME, "--for", "1h") == 1
        out = capsys.readouterr()
        assert f"{NAME}: verdict until" in out.out and "no service running" in out.out
        assert out.err.count("\n") == 1 and "journaled, but not added to dnsguard-verdict" in out.err
        assert [x["key"] for x in _listed(config, capsys)["live"]] == ["n:" + NAME]
    finally:
        stop(proc)
