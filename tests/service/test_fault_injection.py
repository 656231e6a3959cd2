"""Fault injection (issue 16 item 7): the sensors and the disk fail while
dnsguard works.  What must hold: no verdict lost, no half-written file, one
clear line about what happened.

* Suricata (real, 7.0.10, socket mode) is SIGKILLed and restarted while the
  service pushes a stream of verdicts: every journaled verdict ends up in
  the restarted Suricata's set.
* The Zeek link drops in the middle of a WebSocket frame (the hub writes
  half a frame and aborts the TCP connection) while verdicts stream: the
  service reconnects and the hub ends up with every verdict.
* The disk fills up - a real 256 KiB tmpfs mounted for the test (as root,
  or without root in a private user and mount namespace; skipped, saying
  so, only where neither is allowed):
  during ``feeds export`` and ``verdicts refuse-list`` (old files intact, no
  temporary file left, one line, exit 2), during ``verdicts retract`` (the
  journal unchanged) and under the running service (verdicts wait, are
  journaled and delivered once there is room again).
* Log rotation during ``analyze`` / ``report``: the log is renamed and a new
  one started while the reader is half-way; the run reads the file it
  opened to its end and writes a complete report atomically.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import os
import shlex
import signal
import subprocess
import threading
import time
import uuid
import zlib
from pathlib import Path

import pytest
from dnsguard.cli import main as dnsguard_main
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.store import merge_into_store
from dnsguard.service.app import Service
from dnsguard.service.broker_server import BrokerHub
from dnsguard.service.model import Candidate
from dnsguard.service.settings import ServeSettings
from dnsguard.suricata import sandbox
from dnsguard.suricata.socket import SuricataSocket

from .conftest import RuleScorer, running, wait_for
from .test_suricata_e2e import service_settings, socket_mode_box, stop


def dga_names(n: int, tag: str) -> list[str]:
    return [f"x{tag}{i:05d}qzkvbw.com" for i in range(n)]


def one_line(text: str) -> bool:
    return text.strip() != "" and "\n" not in text.strip() and "Traceback" not in text


def draws(names: list[str]) -> list[Candidate]:
    """One NXDOMAIN DGA draw per name, each from a host of its own: every name
    makes exactly one name verdict and no host reaches a host verdict, so the
    journal holds one entry per name."""
    return [Candidate(time.time(), str(ipaddress.IPv4Address(0x0A000000 + (zlib.crc32(n.encode()) & 0xFFFFFF))),
                      n, 1, 3) for n in names]


# ----------------------------------------------------------------------------- Suricata killed
def test_suricata_killed_and_restarted_while_verdicts_stream(tmp_path):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    settings = service_settings(box, tmp_path, eve={"files": []})
    names = dga_names(400, "kill")

    async def go():
        nonlocal proc
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: service.suricata.state.connected, 30)
            connects = service.suricata.state.connects
            for i in range(0, len(names), 20):
                service.queue.put_many(draws(names[i:i + 20]))
                await asyncio.sleep(0.02)
                if i == 100:  # mid-stream: Suricata dies, its in-memory set with it
                    proc.send_signal(signal.SIGKILL)
                    proc.wait(10)
                if i == 240:
                    proc = await asyncio.to_thread(sandbox.start_socket_mode, box)
            await wait_for(lambda: len(service.journal) == len(names), 30)
            await wait_for(lambda: service.suricata.state.connects > connects, 30)
            await wait_for(lambda: not len(service.suricata.outbox) and not service.suricata.outbox.resync, 30)
            await asyncio.sleep(0.5)

            def missing() -> list[str]:
                with SuricataSocket(box.socket, 10) as s:
                    return [n for n in names if not s.dataset_lookup("dnsguard-verdict", "string", n)]

            assert await asyncio.to_thread(missing) == []
            assert service.suricata.state.failures >= 1
            assert one_line(service.suricata.state.last_error), service.suricata.state.last_error

    try:
        asyncio.run(go())
    finally:
        stop(proc)


# ----------------------------------------------------------------------------- Zeek dropped mid-frame
def half_frame(payload: bytes) -> bytes:
    """A server-to-client WebSocket text frame header announcing ``payload``
    whole, followed by only its first half."""
    assert 125 < len(payload) < 65536
    return bytes([0x81, 126]) + len(payload).to_bytes(2, "big") + payload[: len(payload) // 2]


def test_zeek_link_dropped_mid_frame_loses_no_verdict(tmp_path):
    names = dga_names(300, "drop")

    async def go():
        hub = BrokerHub()
        await hub.start()
        settings = ServeSettings.from_dict({
            "zeek": {"url": hub.url}, "suricata": {"enabled": False},
            "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False},
            "backoff": {"base": 0.05, "cap": 0.2},
        })
        service = Service(settings, RuleScorer())
        task = asyncio.create_task(service.run(install_signals=False))
        try:
            await hub.wait_clients(1)
            await wait_for(lambda: service.zeek.state.connected)
            frame = hub.event_frame("dnsguard/candidates", "DNSGuard::candidate", *[])  # any text will do
            payload = (frame + " " * 400).encode()
            for i in range(0, len(names), 30):
                service.queue.put_many(draws(names[i:i + 30]))
                await asyncio.sleep(0.01)
                if i == 120:
                    # Zeek's side dies half-way through a frame.
                    for ws in list(hub._clients):
                        ws.transport.write(half_frame(payload))
                        ws.transport.abort()
            await wait_for(lambda: len(service.journal) == len(names), 30)
            await wait_for(lambda: service.zeek.state.failures >= 1, 10)
            await wait_for(lambda: service.zeek.state.connected and not len(service.zeek.outbox)
                           and not service.zeek.outbox.resync, 30)

            def got() -> set[str]:
                return {r.event.args[0] for r in hub.received if r.event and r.event.name == "DNSGuard::verdict"}

            await wait_for(lambda: got() >= set(names), 30)
            assert service.zeek.stats.events == 0  # the half frame was never taken for an event
            assert one_line(service.zeek.state.last_error), service.zeek.state.last_error
        finally:
            service.request_stop()
            assert await asyncio.wait_for(task, 30) == 0
            await hub.stop()

    asyncio.run(go())


# ----------------------------------------------------------------------------- disk full
@pytest.fixture
def tiny_fs(tmp_path, request):
    """A 256 KiB tmpfs (or the size given by indirect parametrisation): a
    real ENOSPC, not a monkeypatched one.

    As root the tmpfs is mounted here.  Without root it is mounted in a
    private user and mount namespace (``unshare -rm``) held open by a
    sleeping child, and the test reaches it through the child's
    ``/proc/<pid>/root``: the same kernel file system, the same ENOSPC.  Only
    where neither is allowed is the test skipped, saying why.
    """
    mnt = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    mnt.mkdir()
    size = getattr(request, "param", "256k")
    mount = ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(mnt)]
    done = subprocess.run(mount, capture_output=True, text=True)
    if done.returncode == 0:
        try:
            yield mnt
        finally:
            subprocess.run(["umount", "-l", str(mnt)], check=False)
        return
    holder = subprocess.Popen(["unshare", "-rm", "sh", "-c", f"{shlex.join(mount)} && echo ready && exec sleep 3600"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if holder.stdout.readline().strip() != "ready":
        holder.kill()
        why = (done.stderr.strip(), holder.communicate()[1].strip())
        pytest.skip(f"cannot mount a tmpfs here (mount: {why[0]}; unshare -rm: {why[1]})")
    try:
        yield Path(f"/proc/{holder.pid}/root") / mnt.relative_to("/")
    finally:
        holder.kill()
        holder.wait()


def fill(mnt: Path) -> Path:
    """Fill the file system to the last byte."""
    filler = mnt / "filler"
    for chunk in (4096, 1):
        with open(filler, "ab", buffering=0) as fh, contextlib.suppress(OSError):
            while True:
                fh.write(b"\0" * chunk)
    return filler


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp")


# 4 MiB: room for one small export (the Suricata archive alone is 1.2 MB,
# most of it the shipped popular-domain set), not for a big one.
@pytest.mark.parametrize("tiny_fs", ["4m"], indirect=True)
def test_disk_full_during_feeds_export_keeps_the_good_export(tmp_path, tiny_fs, capsys):
    state = tmp_path / "state"
    now = time.time()
    far = now + 10 * 86_400
    small = [Indicator(f"c2-{i}.evil.test", "domain", "unknown", "c2", 80, ("t",), now, now, far) for i in range(50)]
    merge_into_store(state / "indicators.msgpack", small, source="t", now=now)
    config = tmp_path / "c.yaml"
    config.write_text(json.dumps({"feeds": {"state_dir": str(state), "shipped_definitions": False}}))
    out = tiny_fs / "zeek"
    out.mkdir()
    sdir = tiny_fs / "suricata"
    assert dnsguard_main(["--config", str(config), "feeds", "export", "--zeek", str(out),
                          "--suricata", str(sdir)]) == 0
    capsys.readouterr()
    good = (out / "dnsguard.intel").read_bytes()
    suricata_files = {f: f.read_bytes() for f in sdir.rglob("*") if f.is_file()}
    # A much bigger store: its export does not fit in what is left.
    big = [Indicator(f"c2-{i:06d}-padding-padding-padding.evil.test", "domain", "unknown", "c2", 80, ("t",), now,
                     now, far) for i in range(60_000)]
    merge_into_store(state / "indicators.msgpack", big, source="t", now=now)
    code = dnsguard_main(["--config", str(config), "feeds", "export", "--zeek", str(out)])
    err = capsys.readouterr().err
    assert code != 0
    assert (out / "dnsguard.intel").read_bytes() == good  # the good export is still there, whole
    assert leftovers(tiny_fs) == []  # no temporary file left behind
    assert one_line(err) and "No space left on device" in err, err
    code = dnsguard_main(["--config", str(config), "feeds", "export", "--suricata", str(sdir)])
    err = capsys.readouterr().err
    assert code == 2 and one_line(err) and "No space left on device" in err, err
    assert {f: f.read_bytes() for f in sdir.rglob("*") if f.is_file()} == suricata_files
    assert leftovers(tiny_fs) == []


def test_disk_full_refuse_list_and_offline_retract(tmp_path, tiny_fs, capsys):
    target = tiny_fs / "refuse.dat"
    target.write_text("#fields\tdomain\treason\nold.example\tallowlisted\n")
    before = target.read_bytes()
    serve = {"zeek": {"enabled": False}, "suricata": {"enabled": False}, "state_dir": str(tiny_fs / "state"),
             "verdict_log": "", "metrics": {"enabled": False}}
    config = tmp_path / "c.yaml"
    config.write_text(json.dumps({"serve": serve}))
    # The shipped lists are ~4 MB: they cannot fit in 256 KiB.
    code = dnsguard_main(["--config", str(config), "verdicts", "refuse-list", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and one_line(err) and "No space left on device" in err, err
    assert target.read_bytes() == before and leftovers(tiny_fs) == []

    settings = ServeSettings.from_dict(serve)
    from dnsguard.service.journal import Journal
    from dnsguard.service.model import NameVerdict

    j = Journal(settings.journal_path)
    j.open(time.time())
    j.append([NameVerdict("xfullfullfull.com", 0.99, "f", "dga", 3600, time.time())], time.time())
    j.close()
    journal_before = settings.journal_path.read_bytes()
    filler = fill(tiny_fs)
    # Many names in one go: the journal's last page has some slack, a long
    # retraction record does not fit in it.
    long_name = ".".join(["x" * 60] * 4) + ".com"
    code = dnsguard_main(["--config", str(config), "verdicts", "retract", long_name, "--by", "y" * 5000])
    err = capsys.readouterr().err
    if code == 0:  # it fitted in the slack after all: then it is whole
        j = Journal(settings.journal_path)
        j.open(time.time())
        assert j.stats.torn_bytes == 0 and [r.name for r in j.retracted(time.time())] == [long_name]
        j.close()
    else:
        assert code == 2 and one_line(err) and "No space left on device" in err, err
        assert settings.journal_path.read_bytes() == journal_before  # nothing half-written
    filler.unlink()
    assert dnsguard_main(["--config", str(config), "verdicts", "retract", "xfullfullfull.com"]) == 0
    assert "verdict retracted" in capsys.readouterr().out


def test_disk_full_under_the_running_service_delays_but_loses_no_verdict(tmp_path, tiny_fs):
    settings = ServeSettings.from_dict({
        "zeek": {"enabled": False}, "suricata": {"enabled": False}, "state_dir": str(tiny_fs / "state"),
        "verdict_log": "", "metrics": {"enabled": False},
    })
    names = dga_names(200, "full")

    async def go():
        async with running(Service(settings, RuleScorer())) as service:
            await wait_for(lambda: settings.journal_path.exists(), 10)
            filler = await asyncio.to_thread(fill, tiny_fs)
            service.queue.put_many(draws(names))
            await wait_for(lambda: service.stats.journal_errors >= 2, 15)
            assert service.stats.verdicts_out == 0  # nobody is told of a verdict not on disk
            filler.unlink()
            await wait_for(lambda: service.stats.verdicts_out == len(names), 15)
        from dnsguard.service.journal import Journal

        j = Journal(settings.journal_path)
        j.open(time.time())
        assert {v.name for v in j.live(time.time())} == set(names)
        assert j.stats.torn_bytes == 0  # the failed appends were cut back
        j.close()

    asyncio.run(go())


# ----------------------------------------------------------------------------- log rotation
ZEEK_HEADER = (
    "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers\tTTLs\n"
)


def zeek_log(path: Path, start: float, n: int, host: str) -> None:
    rows = [f"{start + i:.6f}\tC{i}\t{host}\t5353\t10.0.0.1\t53\tudp\tq{i}.example.com\tA\tNOERROR\t1.2.3.4\t300.0\n"
            for i in range(n)]
    path.write_text(ZEEK_HEADER + "".join(rows))


def rotate_while_read(path: Path, new_content, timeout: float = 120.0) -> threading.Thread:
    """Rotate ``path`` (rename to .1, start a new file) as soon as this
    process has it open and has read part of it - as Zeek's log rotation
    would, from outside the reader.  Watches /proc/self/fd and fdinfo."""
    done = threading.Event()

    def watch() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for fd in os.listdir("/proc/self/fd"):
                with contextlib.suppress(OSError):
                    if os.readlink(f"/proc/self/fd/{fd}") != str(path):
                        continue
                    info = Path(f"/proc/self/fdinfo/{fd}").read_text()
                    pos = int(info.split("pos:")[1].split()[0])
                    if 0 < pos < path.stat().st_size:
                        os.rename(path, path.with_name(path.name + ".1"))
                        new_content(path)
                        done.set()
                        return
            time.sleep(0.0005)

    thread = threading.Thread(target=watch, daemon=True)
    thread.done = done  # type: ignore[attr-defined]
    thread.start()
    return thread


@pytest.mark.parametrize("command", ["analyze", "report"])
def test_log_rotation_during_analyze(tmp_path, command, capsys):
    """Zeek rotates dns.log while dnsguard reads it: the run reads the file it
    opened to its end, the report is complete and written atomically."""
    log = tmp_path / "dns.log"
    rows = 200_000
    zeek_log(log, 1794000000.0, rows, "10.1.1.1")
    out = tmp_path / "report.json"
    out.write_text('{"old": true}')
    watcher = rotate_while_read(log, lambda p: zeek_log(p, 1794900000.0, 10, "10.9.9.9"))
    code = dnsguard_main([command, str(log), "--json", str(out)])
    watcher.join(5)
    captured = capsys.readouterr()
    assert watcher.done.is_set(), "the log was never caught half-read (the injection did not take)"
    assert code in (0, 1), captured.err
    assert "Traceback" not in captured.err
    doc = json.loads(out.read_text())  # complete JSON, neither the old file nor half a file
    assert doc != {"old": True}
    text = json.dumps(doc)
    assert "10.9.9.9" not in text  # the new file is not mixed into this run
    assert str(rows) in text  # every row of the file it opened was read
    assert leftovers(tmp_path) == []


def test_rotation_between_sniffing_and_reading(tmp_path, monkeypatch):
    """The race the watcher above can only sometimes hit: dns.log rotated
    right after its first bytes were sniffed.  The run reads the file it
    sniffed (one handle), never the new one."""
    import dnsguard.inputs as inputs
    from dnsguard.records import InputStats

    log = tmp_path / "dns.log"
    zeek_log(log, 1794000000.0, 5_000, "10.1.1.1")
    sniffed = inputs.head_of

    def sniff_then_rotate(fh, path, *args):
        head = sniffed(fh, path, *args)
        os.rename(log, log.with_name("dns.log.1"))
        zeek_log(log, 1794900000.0, 10, "10.9.9.9")
        return head

    monkeypatch.setattr(inputs, "head_of", sniff_then_rotate)
    hosts = {rec.client for rec in inputs.read_path(log, InputStats())}
    assert hosts == {"10.1.1.1"} and (tmp_path / "dns.log.1").exists()
