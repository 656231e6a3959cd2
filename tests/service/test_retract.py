"""Verdicts end: retraction (one command, running service or not), tombstones
of lapsed names, refusal of allowlisted and never-listed names.

The journal and control-socket parts run in process; the Suricata parts
run a real Suricata 7 in unix-socket mode (tests/service/test_suricata_e2e.py
has the sandbox helpers).
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import msgpack
import pytest
import yaml
from dnsguard.cli import main as dnsguard_main
from dnsguard.feeds.allowlist import Allowlist
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.service.app import Service
from dnsguard.service.control import request
from dnsguard.service.decide import Decider
from dnsguard.service.journal import Journal, JournalBusy
from dnsguard.service.model import Candidate, NameVerdict
from dnsguard.service.settings import ServeSettings
from dnsguard.suricata import sandbox
from dnsguard.suricata.socket import SuricataSocket, read_set_file

from .conftest import RuleScorer, running, wait_for
from .test_suricata_e2e import (
    DGA,
    in_dataset,
    pcap,
    run_pcap,
    service_settings,
    socket_mode_box,
    stop,
)


def nv(name: str, created: float = 1000.0, expire: int = 60) -> NameVerdict:
    return NameVerdict(name, 0.99, "testfam", "dga", expire, created, name)


# ----------------------------------------------------------------------------- journal
def test_retraction_is_durable_and_refuses_the_name_until_it_ends(tmp_path):
    j = Journal(tmp_path / "j")
    j.open(now=1000)
    j.append([nv("a.com"), nv("b.com")], now=1000)
    old = j.retract("n:a.com", now=1001, until=1500, by="alice")
    assert old is not None and old.name == "a.com"
    assert [v.name for v in j.live(1001)] == ["b.com"]
    assert j.append([nv("a.com", created=1002)], now=1002) == []  # refused while retracted
    assert j.stats.suppressed == 1
    j.close()

    j2 = Journal(tmp_path / "j")
    j2.open(now=1010)  # a restart: the retraction holds, nothing replays a.com
    assert [v.name for v in j2.live(1010)] == ["b.com"]
    assert [(r.name, r.by) for r in j2.retracted(1010)] == [("a.com", "alice")]
    assert "a.com" in j2.gone(1010)
    assert j2.append([nv("a.com", created=1020)], now=1020) == []
    # Once the retraction ends, a new verdict is news again and the tombstone goes.
    fresh = j2.append([nv("a.com", created=1600)], now=1600)
    assert [v.name for v in fresh] == ["a.com"] and "a.com" not in j2.gone(1600)
    j2.close()


def test_lapsed_names_leave_tombstones_that_survive_compaction(tmp_path):
    j = Journal(tmp_path / "j", gone_ttl=1000)
    j.open(now=0)
    j.append([nv("lapse.com", created=0, expire=10), nv("stay.com", created=0, expire=10_000)], now=0)
    assert j.gone(5) == []
    assert j.gone(20) == ["lapse.com"]
    j.compact(20)
    j.close()
    j2 = Journal(tmp_path / "j", gone_ttl=1000)
    j2.open(now=30)
    assert j2.gone(30) == ["lapse.com"] and [v.name for v in j2.live(30)] == ["stay.com"]
    assert j2.gone(2000) == []  # forgotten after gone_ttl
    j2.close()


def test_one_writer_per_journal(tmp_path):
    j = Journal(tmp_path / "j")
    j.open(now=0)
    with pytest.raises(JournalBusy, match="in use by another process"):
        Journal(tmp_path / "j").open(now=0)
    j.close()
    again = Journal(tmp_path / "j")
    again.open(now=0)
    again.close()


def test_unknown_or_damaged_end_records_are_skipped(tmp_path):
    path = tmp_path / "j"
    path.write_bytes(msgpack.packb({"_k": "r", "key": "n:x.com"}) + msgpack.packb({"_k": "g", "name": None, "at": "x"})
                     + msgpack.packb({"_k": "n", "name": "ok.com", "score": 0.9, "family": "f", "threat": "dga",
                                      "expire": 100, "created": 0.0}))
    j = Journal(path)
    j.open(now=10)
    assert [v.name for v in j.live(10)] == ["ok.com"]
    assert j.stats.unreadable >= 1
    j.close()


# ----------------------------------------------------------------------------- refusal
def test_allowlisted_and_never_listed_names_get_no_verdict():
    guard = Allowlist(domains=frozenset({"popular.example", "dns.resolver.example"}),
                      infrastructure=frozenset({"dns.resolver.example"}))
    index = IndicatorIndex()
    decider = Decider(RuleScorer(), indicators=index, guard=guard)
    names = ["xqzkvbwpmlrt.popular.example", "xqzkvbwpmlrt.com", "xabcdefghijk.dns.resolver.example"]
    out = decider.decide([Candidate(0.0, "10.0.0.1", n, rcode=3) for n in names], now=0.0)
    assert [v.name for v in out.names] == ["xqzkvbwpmlrt.com"]
    assert decider.stats.refused == 2
    assert decider.refusal("mx.resolver.example", "resolver.example") is None  # a sibling is not covered
    assert decider.refusal("dns.resolver.example", "resolver.example") == "never-listed (infrastructure)"


def test_journaled_verdicts_on_guarded_names_are_retracted_at_start(tmp_path, scorer):
    settings = _settings(tmp_path)
    j = Journal(settings.journal_path)
    j.open(time.time())
    j.append([nv("google.com", created=time.time(), expire=3600), nv(DGA, created=time.time(), expire=3600)],
             time.time())
    j.close()
    guard = Allowlist(domains=frozenset({"google.com"}))

    async def go():
        service = Service(settings, scorer, guard=guard)
        task = asyncio.create_task(service.run(install_signals=False))
        await wait_for(lambda: service.control_stats is not None and settings.control_socket.exists(), 10)
        assert [v.name for v in service.journal.live(time.time())] == [DGA]
        assert [r.name for r in service.journal.retracted(time.time())] == ["google.com"]
        service.request_stop()
        assert await asyncio.wait_for(task, 30) == 0

    asyncio.run(go())


# ----------------------------------------------------------------------------- one command
def _settings(tmp_path: Path, **extra) -> ServeSettings:
    return ServeSettings.from_dict({
        "zeek": {"enabled": False}, "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False},
        **extra,
    })


def _config(tmp_path: Path, serve: dict) -> Path:
    path = tmp_path / "dnsguard.yaml"
    path.write_text(yaml.safe_dump({"serve": serve}))
    return path


def _cli(config: Path, *argv: str, capsys=None) -> tuple[int, str, str]:
    code = dnsguard_main(["--config", str(config), *argv])
    out = capsys.readouterr() if capsys else None
    return code, (out.out if out else ""), (out.err if out else "")


def test_control_socket_is_owner_only_and_answers_list_and_retract(tmp_path, scorer):
    settings = _settings(tmp_path)

    async def go():
        async with running(Service(settings, scorer)) as service:
            await wait_for(settings.control_socket.exists, 10)
            assert oct(settings.control_socket.stat().st_mode & 0o777) == "0o600"
            service.queue.put(Candidate(time.time(), "10.0.0.9", DGA, rcode=3))
            await wait_for(lambda: len(service.journal) == 1, 10)
            sock = settings.control_socket
            listed = await asyncio.to_thread(request, sock, {"command": "list"})
            assert [v["key"] for v in listed["live"]] == ["n:" + DGA]
            bad = await asyncio.to_thread(request, sock, {"command": "retract", "name": "bad name!"})
            assert bad["ok"] is False and "not a usable DNS name" in bad["error"]
            bad = await asyncio.to_thread(request, sock, {"command": "retract", "host": "10.0.0.300"})
            assert bad["ok"] is False and "not an IP address" in bad["error"]
            done = await asyncio.to_thread(request, sock, {"command": "retract", "name": DGA.upper(), "by": "t"})
            assert done["ok"] and done["retracted"] == [{"key": "n:" + DGA, "had_verdict": True}]
            assert len(service.journal) == 0
            # The same name again from the sensor: no new verdict while retracted.
            assert len(service.decider.cache) == 0 and len(service.decider.named) == 0  # the retraction forgot them
            service.queue.put(Candidate(time.time(), "10.0.0.9", DGA, rcode=3))
            await wait_for(lambda: service.journal.stats.suppressed == 1, 10)
            assert len(service.journal) == 0

    asyncio.run(go())


def test_cli_retract_without_a_service_writes_the_journal(tmp_path, capsys):
    serve = {"zeek": {"enabled": False}, "suricata": {"enabled": False},
             "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False}}
    config = _config(tmp_path, serve)
    settings = ServeSettings.from_dict(serve)
    j = Journal(settings.journal_path)
    j.open(time.time())
    j.append([nv(DGA, created=time.time(), expire=3600)], time.time())
    j.close()
    code, out, err = _cli(config, "verdicts", "retract", DGA, "--by", "tester", capsys=capsys)
    assert code == 0, err
    assert out.startswith(f"{DGA}: verdict retracted via journal") and "no service running" in out
    code, out, _ = _cli(config, "verdicts", "list", "--json", capsys=capsys)
    doc = json.loads(out)
    assert doc["live"] == [] and [r["key"] for r in doc["retracted"]] == ["n:" + DGA]
    # Bad input: one line, exit 2, nothing written.
    size = settings.journal_path.stat().st_size
    code, out, err = _cli(config, "verdicts", "retract", "exa mple..com", capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "not a usable DNS name" in err
    assert settings.journal_path.stat().st_size == size
    code, out, err = _cli(config, "verdicts", "retract", capsys=capsys)
    assert code == 2 and "give a NAME" in err


# ----------------------------------------------------------------------------- real Suricata
def test_retract_reaches_suricata_through_the_running_service_and_survives_restarts(tmp_path, capsys):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    settings = service_settings(box, tmp_path)
    serve = {"zeek": {"enabled": False}, "suricata": {"socket": str(box.socket)},
             "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False}}
    config = _config(tmp_path, serve)

    async def go():
        nonlocal proc
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: service.suricata.state.connected, 30)
            await run_pcap(box, pcap(tmp_path / "1.pcap", "10.1.1.5", [DGA], 1764237600))
            await wait_for(lambda: service.suricata.state.sent >= 1, 30)
            assert await asyncio.to_thread(in_dataset, box, DGA)
            code = await asyncio.to_thread(dnsguard_main, ["--config", str(config), "verdicts", "retract", DGA])
            assert code == 0
            assert "via running service" in capsys.readouterr().out
            await wait_for(lambda: service.suricata.withdrawn == 1, 15)
            assert not await asyncio.to_thread(in_dataset, box, DGA)
            # Suricata restarts (clean: it saves its state file), the link replays: not the retracted name.
            connects = service.suricata.state.connects
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
            assert DGA not in read_set_file(box.data / "dnsguard-verdict.lst")
            proc = await asyncio.to_thread(sandbox.start_socket_mode, box)
            await wait_for(lambda: service.suricata.state.connects > connects, 30)
            await asyncio.sleep(0.5)
            assert not await asyncio.to_thread(in_dataset, box, DGA)
            assert service.suricata.state.errors == 0
        # The service restarts: the journal replays nothing for the name, a new query makes no verdict.
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: service.suricata.state.connected, 30)
            await run_pcap(box, pcap(tmp_path / "2.pcap", "10.1.1.6", [DGA], 1764237700))
            await wait_for(lambda: service.journal.stats.suppressed >= 1, 30)
            assert not await asyncio.to_thread(in_dataset, box, DGA)

    try:
        asyncio.run(go())
    finally:
        stop(proc)


def test_lapsed_name_reloaded_from_suricatas_state_file_is_removed_on_connect(tmp_path):
    """The verdict lapses while the service is stopped; Suricata restarts and
    reloads the name from its state file; the service's next connection
    removes it (journal tombstone)."""
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    settings = service_settings(box, tmp_path, verdict_ttl=3)

    async def go():
        nonlocal proc
        async with running(Service(settings, RuleScorer())) as service:  # stops before the verdict lapses: the name stays in the set
            await wait_for(lambda: service.suricata.state.connected, 30)
            await run_pcap(box, pcap(tmp_path / "1.pcap", "10.1.1.5", [DGA], 1764237600))
            await wait_for(lambda: service.suricata.state.sent >= 1, 30)
        assert await asyncio.to_thread(in_dataset, box, DGA)
        await asyncio.sleep(3.5)  # lapsed, nobody connected
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        assert DGA in read_set_file(box.data / "dnsguard-verdict.lst")
        proc = await asyncio.to_thread(sandbox.start_socket_mode, box)
        assert await asyncio.to_thread(in_dataset, box, DGA)  # back from the state file
        # (Not following eve.json again: re-reading the old query would make a fresh verdict.)
        async with running(Service(service_settings(box, tmp_path, verdict_ttl=3, eve={"files": []}), RuleScorer())) as service:
            await wait_for(lambda: service.suricata.withdrawn >= 1, 30)
            assert not await asyncio.to_thread(in_dataset, box, DGA)
            assert service.suricata.state.errors == 0

    try:
        asyncio.run(go())
    finally:
        stop(proc)


def test_state_file_reconcile_removes_members_the_journal_does_not_hold(tmp_path):
    """With suricata.state_file set, a member nobody's journal holds (pushed by
    hand, or left from a wiped journal) goes at connect; live ones stay."""
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    state = box.data / "dnsguard-verdict.lst"
    settings = service_settings(box, tmp_path, suricata={"socket": str(box.socket), "probe_interval": 0.2,
                                                         "state_file": str(state)})
    j = Journal(settings.journal_path)
    j.open(time.time())
    j.append([nv("xlivelivelive.com", created=time.time(), expire=3600)], time.time())
    j.close()
    with SuricataSocket(box.socket, 10) as s:
        s.dataset_add("dnsguard-verdict", "string", "xstrayname123.com")

    async def go():
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: service.suricata.state.replayed >= 1, 30)
            assert not await asyncio.to_thread(in_dataset, box, "xstrayname123.com")
            assert await asyncio.to_thread(in_dataset, box, "xlivelivelive.com")
            assert service.suricata.withdrawn == 1 and service.suricata.state.errors == 0

    try:
        asyncio.run(go())
    finally:
        stop(proc)


def test_cli_retract_with_no_service_reaches_suricata_live_then_its_state_file(tmp_path, capsys):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    state = box.data / "dnsguard-verdict.lst"
    serve = {"zeek": {"enabled": False},
             "suricata": {"socket": str(box.socket), "state_file": str(state)},
             "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False}}
    config = _config(tmp_path, serve)
    try:
        with SuricataSocket(box.socket, 10) as s:
            for n in ("xonefalsepos.com", "xtwofalsepos.com"):
                s.dataset_add("dnsguard-verdict", "string", n)
        code, out, err = _cli(config, "verdicts", "retract", "xonefalsepos.com", capsys=capsys)
        assert code == 0, err
        assert "suricata: removed 1 from dnsguard-verdict" in out
        assert not in_dataset(box, "xonefalsepos.com")
        assert read_set_file(state) == {"xtwofalsepos.com"}  # dataset-dump rewrote the state file
        stop(proc)
        code, out, err = _cli(config, "verdicts", "retract", "xtwofalsepos.com", capsys=capsys)
        assert code == 0, err
        assert f"suricata: not running; removed 1 line(s) from {state}" in out
        assert read_set_file(state) == set()
        proc = sandbox.start_socket_mode(box)
        assert not in_dataset(box, "xtwofalsepos.com")
    finally:
        stop(proc)


def test_refuse_list_for_zeek(tmp_path, capsys):
    config = _config(tmp_path, {})
    out_file = tmp_path / "refuse.dat"
    code, out, err = _cli(config, "verdicts", "refuse-list", str(out_file), capsys=capsys)
    assert code == 0, err
    lines = out_file.read_text().splitlines()
    assert lines[:2] == ["#separator \\x09", "#fields\tdomain\treason"]
    rows = dict(line.split("\t") for line in lines[2:])
    assert rows["google.com"] == "allowlisted" and rows["chatgpt.com"] == "allowlisted"
    assert rows["dns.google"] == "never-listed (infrastructure)"
    code, out, err = _cli(config, "verdicts", "refuse-list", str(tmp_path / "no" / "dir.dat"), capsys=capsys)
    assert code == 2 and err.count("\n") == 1 and "cannot write" in err


def test_suricata_push_refuses_allowlisted_names_into_the_verdict_set(tmp_path, capsys):
    config = _config(tmp_path, {})
    code = dnsguard_main(["--config", str(config), "suricata", "push", "xqzkvbwpmlrt.com", "www.google.com",
                          "dns.google", "--socket", str(tmp_path / "none.sock")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "www.google.com: allowlisted" in err and "dns.google: never-listed (infrastructure)" in err
    assert "nothing pushed" in err
    # Not the verdict set, or --force: the guard does not apply (the socket is then what fails).
    code = dnsguard_main(["--config", str(config), "suricata", "push", "www.google.com", "--force",
                          "--socket", str(tmp_path / "none.sock")])
    assert code == 2 and "does not exist" in capsys.readouterr().err
