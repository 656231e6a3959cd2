"""Runtime verdicts end to end: Suricata in unix-socket mode, datasets changed live.

One Suricata process (pcap-file mode, private directories, socket in the
test's temp dir) is fed pcaps with the ``pcap-file`` command; verdicts are
added with ``dataset-add`` and must alert from the next pcap on, across
``reload-rules`` and a restart (``state`` file).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pytest
from dnsguard.suricata import cli, sandbox
from dnsguard.suricata.socket import (
    CommandFailed,
    SocketError,
    SocketMissing,
    SuricataSocket,
    _decode_reply,
    apply_additions,
    plan_sync,
    read_set_file,
)
from suricata_support import T0, Exchange, make_box, read_alerts, write_traffic

VERDICT = "dnsguard-verdict"


class Sensor:
    def __init__(self, root: Path):
        self.root = root
        self.box = make_box(root / "box", socket=True)
        self.proc = None
        self.runs = 0

    def start(self) -> None:
        self.proc = sandbox.start_socket_mode(self.box)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                with SuricataSocket(self.box.socket) as c:
                    c.shutdown()
            except SocketError:
                self.proc.terminate()
            self.proc.wait(60)

    def client(self) -> SuricataSocket:
        c = SuricataSocket(self.box.socket, timeout=30)
        c.connect()
        return c

    def feed(self, names: list[str], client_ip: str) -> list[int]:
        """Run a pcap of queries through the live Suricata; the SIDs raised."""
        self.runs += 1
        pcap = self.root / f"run{self.runs}.pcap"
        out = self.root / f"out{self.runs}"
        out.mkdir()
        write_traffic(pcap, [Exchange(ts=T0 + i, client=client_ip, qname=n) for i, n in enumerate(names)])
        with self.client() as c:
            c.pcap_file(pcap, out)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if c.pcap_file_number() == 0 and c.pcap_current() == "None":
                    break
                time.sleep(0.05)
            else:
                raise AssertionError("pcap not processed within 60 s")
        eve = out / "eve.json"
        for _ in range(100):  # the output is closed right after the run
            if eve.exists():
                break
            time.sleep(0.05)
        return sorted(a.sid for a in read_alerts(eve) if a.client == client_ip)


@pytest.fixture(scope="module")
def sensor(tmp_path_factory):
    s = Sensor(tmp_path_factory.mktemp("runtime"))
    s.start()
    yield s
    s.stop()


def _args(**kw) -> argparse.Namespace:
    base = {"socket": None, "set": VERDICT, "timeout": 30.0, "state": None, "mirror": None, "force": False,
            "state_dir": None}
    base.update(kw)
    return argparse.Namespace(**base)


def test_verdict_applies_from_next_query_and_survives_reload_and_restart(sensor):
    name = "late-verdict.example"
    assert sensor.feed([name], "10.5.0.1") == []
    with sensor.client() as c:
        assert c.dataset_add(VERDICT, "string", name)
        assert c.dataset_lookup(VERDICT, "string", name)
        assert not c.dataset_lookup(VERDICT, "string", "other.example")
    # Exact match only (rules.VERDICT_DEPTHS): the subdomain stays quiet.
    assert sensor.feed([name, f"www.{name}"], "10.5.0.2") == [9_070_500]
    with sensor.client() as c:
        c.reload_rules()
    assert sensor.feed([name], "10.5.0.3") == [9_070_500]
    sensor.stop()
    state = sensor.box.data / "dnsguard-verdict.lst"
    assert name in read_set_file(state)
    sensor.start()
    assert sensor.feed([name], "10.5.0.4") == [9_070_500]
    with sensor.client() as c:
        c.dataset_remove(VERDICT, "string", name)
    assert sensor.feed([name], "10.5.0.5") == []


def test_client_reconnects_after_suricata_restart(sensor):
    client = sensor.client()
    try:
        assert client.dataset_add(VERDICT, "string", "before-restart.example")
        sensor.stop()
        sensor.start()
        # Same client object: its connection died with the old process.
        assert client.dataset_lookup(VERDICT, "string", "before-restart.example")
        assert client.uptime() >= 0
    finally:
        client.close()


def test_cli_push_all_or_nothing(sensor, capsys, tmp_path):
    sock = str(sensor.box.socket)
    bad = cli.cmd_push(_args(socket=sock, names=["good-one.example", "bad..name", "-x-"]), {})
    assert bad == cli.EXIT_ERROR
    err = capsys.readouterr().err
    assert "nothing pushed" in err and "bad..name" in err
    with sensor.client() as c:
        assert not c.dataset_lookup(VERDICT, "string", "good-one.example")
    # Into the verdict set a push is a journaled verdict (tests/service/test_push_expiry.py): a private journal.
    ok = cli.cmd_push(_args(socket=sock, names=["Good-One.Example.", "good-two.example"],
                            state_dir=str(tmp_path / "state")), {})
    assert ok == cli.EXIT_OK
    with sensor.client() as c:
        assert c.dataset_lookup(VERDICT, "string", "good-one.example")  # normalised
        assert c.dataset_lookup(VERDICT, "string", "good-two.example")
    assert sensor.feed(["GOOD-TWO.example"], "10.5.1.1") == [9_070_500]


def test_cli_sync_from_state_file(sensor, tmp_path, capsys):
    sock = str(sensor.box.socket)
    with sensor.client() as c:
        c.dataset_add(VERDICT, "string", "stale.example")
    wanted = tmp_path / "wanted.txt"
    wanted.write_text("# verdicts\nkeep-a.example\nkeep-b.example  # trailing comment\n")
    mirror = tmp_path / "mirror.lst"
    state = sensor.box.data / "dnsguard-verdict.lst"
    rc = cli.cmd_sync(_args(socket=sock, file=str(wanted), state=str(state), mirror=str(mirror)), {})
    assert rc == cli.EXIT_OK, capsys.readouterr().err
    with sensor.client() as c:
        assert c.dataset_lookup(VERDICT, "string", "keep-a.example")
        assert c.dataset_lookup(VERDICT, "string", "keep-b.example")
        assert not c.dataset_lookup(VERDICT, "string", "stale.example")
        c.dataset_dump()
    assert read_set_file(state) == {"keep-a.example", "keep-b.example"}
    assert read_set_file(mirror) == {"keep-a.example", "keep-b.example"}
    # A bad name in the file: nothing changes.
    wanted.write_text("keep-a.example\nnot a name\n")
    rc = cli.cmd_sync(_args(socket=sock, file=str(wanted), state=str(state), mirror=str(mirror)), {})
    assert rc == cli.EXIT_ERROR
    with sensor.client() as c:
        assert c.dataset_lookup(VERDICT, "string", "keep-b.example")


def test_failed_batch_is_rolled_back(sensor):
    """A refusal half-way leaves none of the batch in the set."""
    with sensor.client() as c:
        real_add = c.dataset_add
        calls = []

        def flaky(setname, settype, value):
            calls.append(value)
            if len(calls) == 3:
                return c.command("dataset-add", {"setname": setname, "settype": settype,
                                                 "datavalue": "!!!not base64"})
            return real_add(setname, settype, value)

        c.dataset_add = flaky
        with pytest.raises(CommandFailed):
            apply_additions(c, VERDICT, "string", ["rb-1.example", "rb-2.example", "rb-3.example"])
        del c.dataset_add
        for n in ("rb-1.example", "rb-2.example", "rb-3.example"):
            assert not c.dataset_lookup(VERDICT, "string", n)


def test_unknown_set_and_type_are_clear_errors(sensor):
    with sensor.client() as c:
        with pytest.raises(CommandFailed, match="set not found"):
            c.dataset_add("no-such-set", "string", "x.example")
        with pytest.raises(CommandFailed, match="set not found or wrong type"):
            c.dataset_add(VERDICT, "ipv4", "192.0.2.1")


def test_missing_socket_is_a_clear_error(tmp_path):
    with pytest.raises(SocketMissing, match="does not exist"):
        SuricataSocket(tmp_path / "nope.socket").connect()
    rc = cli.cmd_push(_args(socket=str(tmp_path / "nope.socket"), names=["a.example"]), {})
    assert rc == cli.EXIT_ERROR


def test_socket_gone_mid_session(tmp_path):
    box = make_box(tmp_path / "box", socket=True)
    proc = sandbox.start_socket_mode(box)
    try:
        c = SuricataSocket(box.socket, timeout=10)
        c.connect()
        assert c.uptime() >= 0
        proc.terminate()
        proc.wait(60)
        with pytest.raises(SocketError):
            c.uptime()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_reply_framing_and_sync_plan():
    assert _decode_reply(b'{"return": "OK", "mess') is None
    assert _decode_reply(b'{"return": "OK", "message": "x"}') == {"return": "OK", "message": "x"}
    with pytest.raises(SocketError):
        _decode_reply(b'{"return": "OK"} trailing')
    plan = plan_sync({"a", "b"}, {"b", "c"})
    assert plan.add == ("a",) and plan.remove == ("c",)
