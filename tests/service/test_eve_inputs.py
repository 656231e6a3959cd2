"""eve.json following (rotation, truncation, partial and overlong lines) and the EVE socket."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from dnsguard.records import InputStats
from dnsguard.service.eve_follow import EveFollower
from dnsguard.service.eve_input import eve_candidates
from dnsguard.service.eve_socket import SocketStats, serve_eve_socket
from dnsguard.service.lines import LineSplitter


def answer(name: str, rcode: str = "NXDOMAIN", client: str = "10.1.1.5") -> str:
    return json.dumps({
        "timestamp": "2026-11-27T10:00:00.000000+0000", "flow_id": 1, "event_type": "dns",
        "src_ip": client, "src_port": 40000, "dest_ip": "10.0.0.53", "dest_port": 53, "proto": "UDP",
        "dns": {"version": 2, "type": "answer", "id": 7, "rrname": name, "rrtype": "A", "rcode": rcode},
    })


def test_follower_starts_at_end_then_reads_appends(tmp_path):
    eve = tmp_path / "eve.json"
    eve.write_text(answer("old.example") + "\n")
    f = EveFollower(eve, from_end=True)
    assert f.poll() == []
    with eve.open("a") as fh:
        fh.write(answer("new.example") + "\n" + '{"partial": ')
    lines = f.poll()
    assert len(lines) == 1 and "new.example" in lines[0]
    with eve.open("a") as fh:
        fh.write('1}\n')
    assert f.poll() == ['{"partial": 1}']
    f.close()


def test_file_created_after_start_is_read_from_its_beginning(tmp_path):
    eve = tmp_path / "eve.json"
    f = EveFollower(eve, from_end=True)
    assert f.poll() == []
    eve.write_text("first\n")
    assert f.poll() == ["first"]
    f.close()


def test_follower_survives_rotation_and_truncation(tmp_path):
    eve = tmp_path / "eve.json"
    eve.write_text("")
    f = EveFollower(eve, from_end=False)
    with eve.open("a") as fh:
        fh.write("a1\na2\n")
    assert f.poll() == ["a1", "a2"]
    # rotation: last lines written to the old file, then a new file appears
    with eve.open("a") as fh:
        fh.write("a3\n")
    os.rename(eve, tmp_path / "eve.json.1")
    eve.write_text("b1\n")
    assert f.poll() == ["a3", "b1"]
    assert f.stats.rotations == 1
    # copytruncate: same inode, shorter file
    with eve.open("r+") as fh:
        fh.truncate(0)
    with eve.open("a") as fh:
        fh.write("c\n")
    assert f.poll() == ["c"]
    assert f.stats.truncations == 1
    # the file disappears for a while: no crash, then picks up the new one
    os.unlink(eve)
    assert f.poll() == []
    eve.write_text("d1\n")
    assert f.poll() == ["d1"]
    f.close()


def test_overlong_lines_are_skipped_with_bounded_memory(tmp_path):
    eve = tmp_path / "eve.json"
    eve.write_text("")
    f = EveFollower(eve, from_end=False, max_line=100, chunk=64)
    with eve.open("a") as fh:
        fh.write("ok1\n" + "x" * 10_000 + "\nok2\n")
    assert f.poll() == ["ok1", "ok2"]
    assert f.stats.overlong == 1
    f.close()


def test_line_splitter_binary_and_chunks():
    s = LineSplitter(max_line=10)
    assert s.feed(b"ab") == []
    assert s.feed(b"c\n\xff\xfe\n") == ["abc", "\ufffd\ufffd"]
    assert s.feed(b"0123456789ABC") == []
    assert s.feed(b"DEF\nok\n") == ["ok"]
    assert s.overlong == 1


def test_eve_candidates_skip_malformed_lines():
    stats = InputStats()
    lines = [
        answer("xkqzjwpvbn.com"),
        "{not json",
        "[1,2]",
        json.dumps({"event_type": "dns", "timestamp": "2026-11-27T10:00:00.000000+0000"}),
        answer("www.example.com", "NOERROR", "10.1.1.6"),
        "\x00\x01binary",
    ]
    cands = eve_candidates(lines, stats)
    assert [(c.query, c.rcode, c.orig_h, c.source) for c in cands] == [
        ("xkqzjwpvbn.com", 3, "10.1.1.5", "suricata"),
        ("www.example.com", 0, "10.1.1.6", "suricata"),
    ]
    assert sum(stats.skipped.values()) >= 3


def test_eve_socket_receives_lines_and_survives_reconnects(tmp_path):
    path = tmp_path / "eve.sock"
    got: list[str] = []
    stats = SocketStats()

    async def go():
        stop = asyncio.Event()
        server = asyncio.create_task(serve_eve_socket(path, got.extend, stop, stats, max_line=200))
        for _ in range(100):
            if path.exists():
                break
            await asyncio.sleep(0.01)
        for round_ in range(2):  # Suricata restarting reconnects
            _, w = await asyncio.open_unix_connection(str(path))
            w.write(f"line{round_}a\n".encode() + b"y" * 1000 + b"\n" + f"line{round_}b\n".encode())
            await w.drain()
            w.close()
            await w.wait_closed()
        for _ in range(200):
            if len(got) >= 4:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await server

    asyncio.run(go())
    assert got == ["line0a", "line0b", "line1a", "line1b"]
    assert stats.clients == 2 and stats.overlong == 2
    assert not path.exists()


def _write_as(uid: int, path, line: str) -> None:
    """Connect to the socket as another user and write one line."""
    code = (
        "import socket, sys\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "s.connect(sys.argv[1])\n"
        "try:\n"
        "    s.sendall(sys.argv[2].encode() + b'\\n')\n"
        "except OSError:\n"
        "    pass  # a refused writer may find the connection already closed\n"
        "s.close()\n"
    )
    # The system interpreter: the test venv may sit where the other user cannot read.
    subprocess.run(["/usr/bin/python3", "-c", code, str(path), line], user=uid, check=True, timeout=30)


@pytest.mark.parametrize("allowed", [(), (65534,)], ids=["refused", "allowed"])
def test_eve_socket_accepts_only_trusted_writers(allowed):
    """Forged EVE lines make host verdicts: a local user who is not root,
    the service's user or listed in eve.socket_users is refused even when
    the socket's permissions would let them connect."""
    assert os.geteuid() == 0, "this test acts as another user (nobody): run the suite as root, as CI does"
    with tempfile.TemporaryDirectory(dir="/tmp") as d:
        os.chmod(d, 0o777)
        path = Path(d) / "eve.sock"
        got: list[str] = []
        stats = SocketStats()

        async def go():
            stop = asyncio.Event()
            server = asyncio.create_task(serve_eve_socket(path, got.extend, stop, stats, 1000, allowed))
            for _ in range(100):
                if path.exists():
                    break
                await asyncio.sleep(0.01)
            # Owner-only unless eve.socket_users names another user (then the group may write).
            assert oct(path.stat().st_mode & 0o777) == ("0o660" if allowed else "0o600")
            os.chmod(path, 0o666)  # a careless chmod must not open the door
            await asyncio.to_thread(_write_as, 65534, path, "forged")
            for _ in range(100):
                if got or stats.refused:
                    break
                await asyncio.sleep(0.01)
            stop.set()
            await server

        asyncio.run(go())
        if allowed:
            assert got == ["forged"] and stats.refused == 0
        else:
            assert got == [] and stats.refused == 1
