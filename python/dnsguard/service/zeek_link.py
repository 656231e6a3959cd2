"""The link to Zeek over Broker's WebSocket JSON API (v1).

One WebSocket carries both directions: the service subscribes to the
candidate topic (``DNSGuard::candidate``, ``DNSGuard::host_tag`` from Zeek)
and publishes ``DNSGuard::verdict`` / ``DNSGuard::host_verdict`` on the
verdict topic (docs/interfaces.md).  Every (re)connection starts with the
handshake (subscriptions, then Broker's ack) and a replay of the journal's
live verdicts, because a restarted Zeek has forgotten them, followed by
``DNSGuard::retract`` for every retraction in force (a Zeek that stayed up
while the link was down still holds the retracted name's Intel item).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.client import connect

from dnsguard import __version__
from dnsguard.service import broker_json as bj
from dnsguard.service.links import LinkState, reconnect_loop
from dnsguard.service.model import (
    Candidate,
    Drained,
    HostTag,
    HostVerdict,
    NameVerdict,
    Retraction,
    TraceDone,
)
from dnsguard.service.outbox import Outbox

log = logging.getLogger("dnsguard.serve")

Verdict = NameVerdict | HostVerdict
Outgoing = NameVerdict | HostVerdict | Drained | Retraction


@dataclass(frozen=True)
class ZeekSettings:
    url: str = "ws://127.0.0.1:25353/v1/messages/json"
    candidate_topic: str = "dnsguard/candidates"
    verdict_topic: str = "dnsguard/verdicts"
    ack_timeout: float = 10.0
    max_message: int = 1 << 20
    """Bytes; a larger frame from the sensor closes the connection."""
    backoff_base: float = 0.25
    backoff_cap: float = 30.0
    tls_ca: str = ""
    """For ``wss://``: CA file the sensor's certificate must chain to.  Empty:
    accept Zeek 7.0's default Broker TLS, anonymous ciphers without a
    certificate (encrypted, but the sensor is not authenticated)."""
    tls_cert: str = ""
    """For ``wss://``: this client's certificate (PEM, chain allowed).  A Zeek
    7.0 whose Broker has ``ssl_cafile``/``ssl_certificate`` set accepts
    WebSocket clients only with a certificate from that CA: that is how
    publishing to the DNSGuard topics is restricted (docs/zeek.md)."""
    tls_key: str = ""
    """The private key of ``tls_cert`` (empty: in the same file)."""


def tls_context(url: str, ca: str = "", cert: str = "", key: str = "") -> ssl.SSLContext | None:
    """The TLS settings for *url*: None for ``ws://``.  With *cert* (and
    *key*) the client presents a certificate (mutual TLS).

    Broker on Zeek 7.0/7.1 serves ``wss://`` with anonymous (aNULL) ciphers
    over TLS 1.2 unless certificates are configured; OpenSSL 3 only offers
    those at security level 0, so that is what an empty *ca* allows.
    """
    if not url.startswith("wss://"):
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # Broker's certificates name no host; the CA is what is checked.
    ctx.check_hostname = False
    if cert:
        ctx.load_cert_chain(cert, key or None)
    if ca:
        ctx.load_verify_locations(ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx.verify_mode = ssl.CERT_NONE
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("aNULL:@SECLEVEL=0")
    return ctx


def verdict_event(v: Outgoing, now: float) -> dict[str, Any]:
    """The Broker value of the event announcing ``v`` (expire: seconds left)."""
    if isinstance(v, Drained):
        return bj.encode_event("DNSGuard::scorer_drained", bj.Count(v.candidates))
    if isinstance(v, Retraction):
        return bj.encode_event("DNSGuard::retract", v.name)
    if isinstance(v, NameVerdict):
        left = max(1, int(v.expires_at - now))
        return bj.encode_event("DNSGuard::verdict", v.name, float(v.score), v.family, v.threat, bj.Count(left))
    return bj.encode_event(
        "DNSGuard::host_verdict", bj.Address(v.orig_h), v.family, v.threat, float(v.score), v.evidence
    )


def hello_event() -> dict[str, Any]:
    """``DNSGuard::scorer_hello``: sent once subscribed, so Zeek releases what
    it held for the scorer at once (and an offline trace reads on)."""
    return bj.encode_event("DNSGuard::scorer_hello", __version__)


def input_of(event: bj.Event) -> Candidate | HostTag | TraceDone | None:
    """Zeek's event as service input; None when name or argument types are wrong."""
    a = event.args
    if event.name == "DNSGuard::trace_done":
        if len(a) == 1 and isinstance(a[0], bj.Count):
            return TraceDone(a[0].value)
        return None
    if event.name == "DNSGuard::candidate":
        if (
            len(a) == 6
            and isinstance(a[0], bj.Timestamp)
            and isinstance(a[1], str)
            and isinstance(a[2], bj.Address)
            and isinstance(a[3], str)
            and isinstance(a[4], bj.Count)
            and isinstance(a[5], bj.Count)
        ):
            return Candidate(a[0].epoch, a[2].value, a[3], a[4].value, a[5].value, a[1], "zeek", time.monotonic())
        return None
    if (
        event.name == "DNSGuard::host_tag"
        and len(a) == 3
        and isinstance(a[0], bj.Address)
        and isinstance(a[1], str)
        and isinstance(a[2], str)
    ):
        return HostTag(a[0].value, a[1], a[2])
    return None


CANDIDATE_TYPES = ("timestamp", "string", "address", "string", "count", "count")


def _address(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        socket.inet_pton(socket.AF_INET6 if ":" in text else socket.AF_INET, text)
    except (OSError, ValueError):
        return None
    return text


def fast_candidate(msg: dict[str, Any]) -> Candidate | None:
    """``DNSGuard::candidate`` without the generic decoder (the hot path).

    None when the message is anything else or any value is off; the
    generic path then decides (and counts) what it is.
    """
    data = bj.event_data_if(msg, "DNSGuard::candidate", CANDIDATE_TYPES)
    if data is None:
        return None
    ts, uid, addr, query, qtype, rcode = data
    host = _address(addr)
    if (
        host is None
        or not isinstance(uid, str)
        or not isinstance(query, str)
        or type(qtype) is not int
        or type(rcode) is not int
        or qtype < 0
        or rcode < 0
        or not isinstance(ts, str)
    ):
        return None
    try:
        moment = datetime.fromisoformat(ts)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return Candidate(moment.timestamp(), host, query, qtype, rcode, uid, "zeek", time.monotonic())


@dataclass
class ZeekStats:
    events: int = 0
    bad_messages: int = 0
    ignored_events: int = 0


class ZeekLink:
    def __init__(
        self,
        settings: ZeekSettings,
        on_input: Callable[[Candidate | HostTag | TraceDone], None],
        live: Callable[[float], list[Verdict]],
        outbox_size: int = 10_000,
        clock: Callable[[], float] = time.time,
        retracted: Callable[[float], list[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.on_input = on_input
        self.live = live
        self.retracted = retracted or (lambda now: [])
        self.clock = clock
        self.outbox: Outbox[Outgoing] = Outbox(outbox_size, keep_on_resync=lambda x: isinstance(x, Drained))
        self.state = LinkState("zeek")
        self.stats = ZeekStats()

    def offer(self, verdicts: list[Outgoing]) -> None:
        self.outbox.offer(verdicts)

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        await reconnect_loop(self.state, lambda: self._session(stop), stop, s.backoff_base, s.backoff_cap)

    async def _session(self, stop: asyncio.Event) -> None:
        s = self.settings
        # No permessage-deflate: Broker does not offer it, and on loopback it
        # only costs CPU on both ends.
        async with connect(
            s.url, max_size=s.max_message, open_timeout=s.ack_timeout, ping_interval=20, compression=None,
            ssl=tls_context(s.url, s.tls_ca, s.tls_cert, s.tls_key),
        ) as ws:
            await ws.send(json.dumps([s.candidate_topic]))
            ack = json.loads(await asyncio.wait_for(ws.recv(), s.ack_timeout))
            if not isinstance(ack, dict) or ack.get("type") != "ack":
                raise ConnectionError(f"expected Broker ack, got {str(ack)[:200]}")
            await ws.send(json.dumps(bj.data_message(s.verdict_topic, hello_event())))
            self.state.connected = True
            self.state.connects += 1
            self.outbox.request_resync()
            log.info("zeek link up (%s, broker %s)", s.url, ack.get("version"))
            reader = asyncio.create_task(self._read(ws))
            writer = asyncio.create_task(self._write(ws))
            stopper = asyncio.create_task(stop.wait())
            try:
                done, _ = await asyncio.wait({reader, writer, stopper}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for t in (reader, writer, stopper):
                    t.cancel()
                await asyncio.gather(reader, writer, stopper, return_exceptions=True)
            for t in done:
                if t is not stopper and t.exception() is not None:
                    raise t.exception()  # type: ignore[misc]
            if stopper not in done:
                raise ConnectionError("connection closed")

    async def _read(self, ws: Any) -> None:
        async for raw in ws:
            self.handle_message(raw)

    def handle_message(self, raw: str | bytes) -> None:
        """One frame from Broker: data-message, error, or junk (counted)."""
        try:
            msg = json.loads(raw)
        except (ValueError, RecursionError):
            # RecursionError: JSON nested deeper than Python's parser goes.
            # One bad frame is counted; it must not end the session.
            self.stats.bad_messages += 1
            return
        if not isinstance(msg, dict):
            self.stats.bad_messages += 1
            return
        kind = msg.get("type")
        if kind == "error":
            self.state.errors += 1
            self.state.last_error = f"broker: {msg.get('code')}: {str(msg.get('context'))[:200]}"
            log.warning("zeek link %s", self.state.last_error)
            return
        if kind != "data-message":
            self.stats.bad_messages += 1
            return
        fast = fast_candidate(msg)
        if fast is not None:
            self.stats.events += 1
            self.state.received += 1
            self.on_input(fast)
            return
        try:
            event = bj.decode_event(msg)
        except bj.BrokerDecodeError:
            self.stats.bad_messages += 1
            return
        item = input_of(event)
        if item is None:
            self.stats.ignored_events += 1
            return
        self.stats.events += 1
        self.state.received += 1
        self.on_input(item)

    async def _write(self, ws: Any) -> None:
        topic = self.settings.verdict_topic
        while True:
            if self.outbox.resync:
                self.outbox.start_resync()
                now = self.clock()
                replay: list[Outgoing] = [*self.live(now), *(Retraction(n) for n in self.retracted(now))]
                for i in range(0, len(replay), 256):
                    await self._send(ws, topic, replay[i : i + 256])
                self.state.replayed += len(replay)
            batch = await self.outbox.take()
            # On failure nothing is put back: the next session starts with a full replay.
            await self._send(ws, topic, batch)
            self.state.sent += sum(isinstance(v, NameVerdict | HostVerdict) for v in batch)

    async def _send(self, ws: Any, topic: str, verdicts: list[Outgoing]) -> None:
        now = self.clock()
        for v in verdicts:
            await ws.send(json.dumps(bj.data_message(topic, verdict_event(v, now))))
