"""Real Suricata 7 in unix-socket mode, end to end, with a Suricata crash.

Suricata runs pcaps synthesised by dnsguard.pcapgen and writes eve.json;
the service follows that file, decides, and pushes the verdict with
``dataset-add`` over the command socket; the same query in the next pcap
must raise the pack's verdict rule (sid 9070500).  Then Suricata is killed
(its in-memory dataset is lost) and restarted: the service must reconnect
and replay, so the query alerts again.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

from dnsguard.paths import suricata_rules_dir
from dnsguard.pcapgen import Exchange, write_pcap
from dnsguard.service.app import Service
from dnsguard.service.settings import ServeSettings
from dnsguard.suricata import sandbox
from dnsguard.suricata.socket import SuricataSocket

from .conftest import running, wait_for

DGA = "xqzkvbwpmlrt.com"
VERDICT_SID = 9070500


def eve_alerts(eve: Path, sid: int) -> list[dict]:
    out = []
    if not eve.exists():
        return out
    for line in eve.read_text(errors="replace").splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("event_type") == "alert" and obj["alert"]["signature_id"] == sid:
            out.append(obj)
    return out


def pcap(path: Path, client: str, names: list[str], ts: float) -> Path:
    write_pcap(str(path), [
        Exchange(ts=ts + i, client=client, qname=n, rcode="NXDOMAIN", txid=100 + i) for i, n in enumerate(names)
    ])
    return path


async def run_pcap(box: sandbox.Sandbox, path: Path) -> None:
    """Hand Suricata a pcap and wait until it has been processed."""

    def go() -> None:
        with SuricataSocket(box.socket, timeout=30) as s:
            s.pcap_file(path, box.logs)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if s.pcap_file_number() == 0 and s.pcap_current() in ("None", None):
                    return
                time.sleep(0.05)
            raise AssertionError("Suricata did not finish the pcap")

    await asyncio.to_thread(go)
    await asyncio.sleep(0.3)  # eve.json is flushed on pcap end


def in_dataset(box: sandbox.Sandbox, name: str) -> bool:
    with SuricataSocket(box.socket, timeout=10) as s:
        return s.dataset_lookup("dnsguard-verdict", "string", name)


def socket_mode_box(tmp_path: Path) -> sandbox.Sandbox:
    """A sandbox whose Suricata listens on its command socket and logs DNS
    events as well as alerts (the service reads the DNS events)."""
    box = sandbox.create(tmp_path / "suricata", suricata_rules_dir(), socket=True)
    config = box.config.read_text()
    assert "        - alert:\n" in config
    box.config.write_text(config.replace("        - alert:\n", "        - dns\n        - alert:\n", 1))
    return box


def service_settings(box: sandbox.Sandbox, tmp_path: Path, **extra) -> ServeSettings:
    return ServeSettings.from_dict({
        "zeek": {"enabled": False},
        "suricata": {"socket": str(box.socket), "probe_interval": 0.2},
        "eve": {"files": [str(box.eve)], "from_end": False, "poll_interval": 0.05},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": "",
        "metrics": {"enabled": False},
        "backoff": {"base": 0.1, "cap": 0.5},
        **extra,
    })


def stop(proc) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except Exception:
            proc.kill()


def test_verdict_reaches_suricata_and_survives_a_crash(tmp_path, scorer):
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    eve = box.eve
    settings = service_settings(box, tmp_path)

    async def go() -> None:
        nonlocal proc
        async with running(Service(settings, scorer)) as service:
            await wait_for(lambda: service.suricata.state.connected, 30)
            # 1. The first query: no verdict yet, so no alert; the service learns it from eve.json.
            await run_pcap(box, pcap(tmp_path / "1.pcap", "10.1.1.5", ["www.example.com", DGA], 1764237600))
            assert eve_alerts(eve, VERDICT_SID) == []
            await wait_for(lambda: service.suricata.state.sent >= 1, 30)
            assert service.stats.verdicts_out == 1
            assert await asyncio.to_thread(in_dataset, box, DGA)
            # 2. The next query for the name alerts.
            await run_pcap(box, pcap(tmp_path / "2.pcap", "10.1.1.8", [DGA], 1764237700))
            alerts = eve_alerts(eve, VERDICT_SID)
            assert len(alerts) == 1 and alerts[0]["src_ip"] == "10.1.1.8"
            # 3. Suricata crashes: its dataset is gone.  The service reconnects and replays.
            connects, replayed = service.suricata.state.connects, service.suricata.state.replayed
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            proc = await asyncio.to_thread(sandbox.start_socket_mode, box)
            await wait_for(lambda: service.suricata.state.connects > connects, 30)
            await wait_for(lambda: service.suricata.state.replayed > replayed, 30)
            assert await asyncio.to_thread(in_dataset, box, DGA)
            before = len(eve_alerts(eve, VERDICT_SID))
            await run_pcap(box, pcap(tmp_path / "3.pcap", "10.1.1.9", [DGA], 1764237800))
            await wait_for(lambda: len(eve_alerts(eve, VERDICT_SID)) > before, 10)
            assert service.suricata.state.errors == 0

    try:
        asyncio.run(go())
    finally:
        stop(proc)


def test_eve_over_unix_socket_from_real_suricata(tmp_path, scorer):
    """Suricata's ``filetype: unix_stream`` EVE output into the service's socket."""
    sock = tmp_path / "eve.sock"
    box = sandbox.create(tmp_path / "suricata", suricata_rules_dir())
    config = box.config.read_text()
    extra = (
        "  - eve-log:\n"
        "      enabled: yes\n"
        "      filetype: unix_stream\n"
        f"      filename: {sock}\n"
        "      types:\n"
        "        - dns\n"
    )
    assert "stats:\n" in config
    box.config.write_text(config.replace("stats:\n", extra + "stats:\n", 1))
    settings = ServeSettings.from_dict({
        "zeek": {"enabled": False},
        "suricata": {"enabled": False},
        "eve": {"socket": str(sock)},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": "",
        "metrics": {"enabled": False},
    })
    names = ["www.example.com", DGA, "xsocketdganame.net"]
    path = pcap(tmp_path / "s.pcap", "10.1.1.5", names, 1764237600)

    async def go() -> None:
        async with running(Service(settings, scorer)) as service:
            await wait_for(sock.exists, 10)
            await asyncio.to_thread(sandbox.run_pcap, box, path)
            await wait_for(lambda: service.stats.verdicts_out == 2, 30)
            assert service.eve_socket_stats.clients >= 1
            assert {v.name for v in service.journal.live(time.time())} == {DGA, "xsocketdganame.net"}

    asyncio.run(go())


def test_a_lapsed_verdict_leaves_suricatas_set(tmp_path, scorer):
    """A verdict holds for its expire seconds in Suricata as in Zeek: once it
    lapses the service takes the name out of the set (before, it alerted
    forever)."""
    box = socket_mode_box(tmp_path)
    proc = sandbox.start_socket_mode(box)
    settings = service_settings(box, tmp_path, verdict_ttl=3)

    async def go() -> None:
        async with running(Service(settings, scorer)) as service:
            await wait_for(lambda: service.suricata.state.connected, 30)
            await run_pcap(box, pcap(tmp_path / "1.pcap", "10.1.1.5", [DGA], 1764237600))
            await wait_for(lambda: service.suricata.state.sent >= 1, 30)
            assert await asyncio.to_thread(in_dataset, box, DGA)
            await wait_for(lambda: service.suricata.retired == 1, 15)
            assert not await asyncio.to_thread(in_dataset, box, DGA)
            assert service.suricata.state.errors == 0

    try:
        asyncio.run(go())
    finally:
        stop(proc)
