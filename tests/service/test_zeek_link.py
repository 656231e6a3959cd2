"""The Zeek link against a Broker WebSocket v1 hub on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

from dnsguard.service import broker_json as bj
from dnsguard.service.app import Service
from dnsguard.service.broker_server import BrokerHub
from dnsguard.service.settings import ServeSettings
from dnsguard.service.zeek_link import ZeekLink, ZeekSettings
from websockets.asyncio.client import connect

from .conftest import wait_for

TOPIC = "dnsguard/candidates"
META = [[bj.Count(1), bj.Timestamp(1764237600.0)]]


def settings_for(tmp_path, url: str, **serve) -> ServeSettings:
    section = {
        "zeek": {"url": url},
        "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": str(tmp_path / "verdicts.json"),
        "metrics": {"port": 0},
        "backoff": {"base": 0.05, "cap": 0.2},
        "hosts": {"min_names": 3},
        **serve,
    }
    return ServeSettings.from_dict(section)


async def candidate(hub: BrokerHub, name: str, host: str = "10.1.1.5", rcode: int = 3, ts: float = 1764237600.0):
    return await hub.publish(
        TOPIC, "DNSGuard::candidate", bj.Timestamp(ts), "Cuid1", bj.Address(host), name,
        bj.Count(1), bj.Count(rcode), metadata=META,
    )


def verdicts(hub: BrokerHub, kind: str = "DNSGuard::verdict"):
    return [r.event for r in hub.received if r.event and r.event.name == kind]


def test_hub_speaks_the_documented_protocol():
    async def go():
        hub = BrokerHub()
        await hub.start()
        try:
            async with connect(hub.url) as ws:
                await ws.send('{"not": "an array"}')
                err = json.loads(await ws.recv())
                assert err["type"] == "error" and err["code"] == "deserialization_failed"
            async with connect(hub.url) as ws:
                await ws.send("[]")
                ack = json.loads(await ws.recv())
                assert ack["type"] == "ack" and ack["endpoint"] == hub.endpoint and "version" in ack
                await ws.send("How is it going?")
                err = json.loads(await ws.recv())
                assert err["type"] == "error" and "malformed JSON" in err["context"]
                bad = bj.data_message("dnsguard/verdicts", {"@data-type": "count", "data": -5})
                await ws.send(json.dumps(bad))
                assert json.loads(await ws.recv())["type"] == "error"
                # expire as integer instead of count: Zeek drops it silently
                wrong = bj.encode_event("DNSGuard::verdict", "a.com", 0.9, "f", "dga", 3600)
                await ws.send(json.dumps(bj.data_message("dnsguard/verdicts", wrong)))
                await wait_for(lambda: hub.type_mismatches == 1, 5)
                assert verdicts(hub) == []
        finally:
            await hub.stop()

    asyncio.run(go())


def test_candidates_in_verdicts_out_and_replay_after_drop(tmp_path, scorer):
    async def go():
        hub = BrokerHub()
        await hub.start()
        settings = settings_for(tmp_path, hub.url)
        eve = tmp_path / "eve.json"
        eve.write_text("")
        settings = replace(settings, eve_files=(eve,), eve_from_end=False, eve_poll=0.02)
        service = Service(settings, scorer)
        task = asyncio.create_task(service.run(install_signals=False))
        await hub.wait_clients(1)
        await wait_for(lambda: service.zeek.state.connected)

        await candidate(hub, "www.google.com", rcode=0)
        await candidate(hub, "xqzkvbwpmlrt.com")
        await wait_for(lambda: len(verdicts(hub)) == 1)
        ev = verdicts(hub)[0]
        assert ev.name == "DNSGuard::verdict"
        name, score, family, threat, expire = ev.args
        assert (name, family, threat) == ("xqzkvbwpmlrt.com", "testfam", "dga")
        assert isinstance(score, float) and score == 0.99
        assert isinstance(expire, bj.Count) and 86_000 < expire.value <= 86_400
        first = hub.received[0].event
        assert first.name == "DNSGuard::scorer_hello" and isinstance(first.args[0], str)
        raw = next(r.raw for r in hub.received if r.event and r.event.name == "DNSGuard::verdict")
        raw_args = raw["data"][2]["data"][1]["data"]
        assert raw_args[4]["@data-type"] == "count"

        # Two more DGA NXDOMAINs from the same host: a host verdict (device from host_tag).
        await hub.publish(TOPIC, "DNSGuard::host_tag", bj.Address("10.1.1.5"), "nas-qnap", "myqnapcloud.com",
                          metadata=META)
        await candidate(hub, "xbvcnmlkjhgf.net")
        await candidate(hub, "xpoiuytrewqa.org")
        await wait_for(lambda: len(verdicts(hub, "DNSGuard::host_verdict")) == 1)
        hv = verdicts(hub, "DNSGuard::host_verdict")[0]
        assert hv.args[0] == bj.Address("10.1.1.5") and hv.args[1] == "testfam" and hv.args[2] == "dga"
        assert "nas-qnap" in hv.args[4]
        assert hub.type_mismatches == 0

        # Junk from the sensor side is counted, never fatal.
        await hub.send_raw("{broken")
        await hub.send_raw(json.dumps({"type": "error", "code": "x", "context": "y"}))
        await hub.send_raw(json.dumps(bj.data_message(TOPIC, bj.encode_event("DNSGuard::candidate", 1, 2))))
        await wait_for(lambda: service.zeek.stats.bad_messages >= 1 and service.zeek.state.errors >= 1
                       and service.zeek.stats.ignored_events >= 1)

        # Zeek goes away; a verdict arrives meanwhile through eve.json ...
        await hub.stop()
        await wait_for(lambda: not service.zeek.state.connected)
        hub.received.clear()
        with eve.open("a") as fh:
            fh.write(json.dumps({
                "timestamp": "2026-11-27T10:00:00.000000+0000", "flow_id": 9, "event_type": "dns",
                "src_ip": "10.1.1.7", "src_port": 4000, "dest_ip": "10.0.0.53", "dest_port": 53,
                "dns": {"version": 2, "type": "answer", "id": 1, "rrname": "xmnbvcxzlkjh.com",
                        "rrtype": "A", "rcode": "NXDOMAIN"},
            }) + "\n")
        await wait_for(lambda: service.stats.verdicts_out == 4)
        # ... and Zeek comes back: every live verdict is replayed, the new one included.
        hub2 = BrokerHub(port=hub.port)
        await hub2.start()
        await wait_for(lambda: len(verdicts(hub2)) == 4)
        assert {e.args[0] for e in verdicts(hub2)} == {
            "xqzkvbwpmlrt.com", "xbvcnmlkjhgf.net", "xpoiuytrewqa.org", "xmnbvcxzlkjh.com"}
        assert len(verdicts(hub2, "DNSGuard::host_verdict")) == 1
        assert service.zeek.state.connects == 2

        # A dropped WebSocket (not a Zeek restart) also ends in a full replay.
        await hub2.drop_clients()
        await wait_for(lambda: len(verdicts(hub2)) == 8)

        service.request_stop()
        assert await asyncio.wait_for(task, 15) == 0
        await hub2.stop()
        lines = (tmp_path / "verdicts.json").read_text().splitlines()
        docs = [json.loads(x) for x in lines]
        assert len(docs) == 5  # 4 names + 1 host, each logged once
        first = docs[0]
        assert first["dns"]["question"]["name"] == "xqzkvbwpmlrt.com"
        assert first["source"]["ip"] == "10.1.1.5" and first["event"]["kind"] == "alert"
        assert first["threat"]["software"]["name"] == "testfam" and first["dnsguard"]["score"] == 0.99

    asyncio.run(go())


def test_verdicts_survive_a_service_restart_and_a_full_outbox(tmp_path, scorer):
    """Zeek is down the whole time service #1 runs; its outbox (2 slots) overflows.
    Service #2 starts on the same journal, Zeek comes up: all ten verdicts arrive."""
    from .conftest import free_port

    port = free_port()
    url = f"ws://127.0.0.1:{port}/v1/messages/json"
    sock = tmp_path / "eve.sock"
    base = settings_for(tmp_path, url, outbox_size=2, eve={"socket": str(sock)})
    names = [f"xrestart{i:02d}qwerty.com" for i in range(10)]

    async def first() -> None:
        service = Service(base, scorer)
        task = asyncio.create_task(service.run(install_signals=False))
        await wait_for(sock.exists)
        _, writer = await asyncio.open_unix_connection(str(sock))
        writer.write("".join(json.dumps({
            "timestamp": "2026-11-27T10:00:00.000000+0000", "flow_id": i, "event_type": "dns",
            # NXDOMAIN draws from a host each: ten name verdicts, no host verdict
            "src_ip": f"10.1.2.{i + 1}", "src_port": 4000 + i, "dest_ip": "10.0.0.53", "dest_port": 53,
            "dns": {"version": 2, "type": "answer", "id": i, "rrname": n, "rrtype": "A", "rcode": "NXDOMAIN"},
        }) + "\n" for i, n in enumerate(names)).encode())
        await writer.drain()
        writer.close()
        await wait_for(lambda: service.stats.verdicts_out == 10)
        assert service.zeek.outbox.dropped == 8 and service.zeek.state.connects == 0
        service.request_stop()
        assert await asyncio.wait_for(task, 30) == 0

    async def second() -> None:
        service = Service(base, scorer)
        task = asyncio.create_task(service.run(install_signals=False))
        hub = BrokerHub(port=port)
        await hub.start()
        try:
            await wait_for(lambda: len(verdicts(hub)) >= 10, 15)
            assert sorted(e.args[0] for e in verdicts(hub)) == names
            assert service.stats.verdicts_out == 0  # nothing new: all of it came from the journal
        finally:
            service.request_stop()
            assert await asyncio.wait_for(task, 30) == 0
            await hub.stop()

    asyncio.run(first())
    asyncio.run(second())


def test_trace_done_is_answered_after_the_verdicts_it_follows(tmp_path, scorer):
    """An offline Zeek waits for scorer_drained: it must come after the
    verdicts of every candidate sent before trace_done, never before."""

    async def go():
        hub = BrokerHub()
        await hub.start()
        service = Service(settings_for(tmp_path, hub.url), scorer)
        task = asyncio.create_task(service.run(install_signals=False))
        try:
            await hub.wait_clients(1)
            await wait_for(lambda: service.zeek.state.connected)
            await wait_for(lambda: verdicts(hub, "DNSGuard::scorer_hello") != [])
            for name in ("xqzkvbwpmlrt.com", "xbvcnmlkjhgf.net", "xpoiuytrewqa.org"):
                await candidate(hub, name)
            await hub.publish(TOPIC, "DNSGuard::trace_done", bj.Count(3), metadata=META)
            await wait_for(lambda: verdicts(hub, "DNSGuard::scorer_drained") != [])
            names = [r.event.name for r in hub.received if r.event]
            drained_at = names.index("DNSGuard::scorer_drained")
            assert names[:drained_at].count("DNSGuard::verdict") == 3
            assert "DNSGuard::host_verdict" in names[:drained_at]
            assert verdicts(hub, "DNSGuard::scorer_drained")[0].args == (bj.Count(3),)
            assert hub.type_mismatches == 0
        finally:
            service.request_stop()
            assert await asyncio.wait_for(task, 15) == 0
            await hub.stop()

    asyncio.run(go())


def test_a_deeply_nested_frame_is_one_bad_message_not_a_reconnect():
    """json.loads raises RecursionError (not ValueError) on deep nesting;
    before, it escaped the reader and the link reconnected in a loop."""
    link = ZeekLink(ZeekSettings(), lambda item: None, lambda now: [])
    deep = '{"type": "data-message", "topic": "t", "data": ' + "[" * 100_000 + "]" * 100_000 + "}"
    link.handle_message(deep)
    link.handle_message("[" * 100_000)
    assert link.stats.bad_messages == 2
