"""A minimal Broker WebSocket hub (JSON API v1) for tests and benchmarks.

It plays Zeek's side of the protocol as documented in Broker's "Web
Socket" chapter: the first client message must be a JSON array of topic
strings (else an error and close), the reply is ``{"type": "ack",
"endpoint": <uuid>, "version": ...}``; afterwards every text frame must be
a ``data-message`` whose value decodes as Broker data, or the client gets
``{"type": "error", "code": "deserialization_failed", ...}``.  Valid
messages are recorded and forwarded to every *other* client subscribed to
a matching topic prefix.

Like Zeek, it can insist on argument types (:attr:`signatures`): an event
whose arguments do not match is dropped (and counted) - that is how a
``count`` sent as ``integer`` gets lost against a real Zeek.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from dnsguard.service import broker_json as bj

PATH = "/v1/messages/json"

ZEEK_SIGNATURES: dict[str, tuple[type, ...]] = {
    "DNSGuard::verdict": (str, float, str, str, bj.Count),
    "DNSGuard::host_verdict": (bj.Address, str, str, float, str),
    "DNSGuard::candidate": (bj.Timestamp, str, bj.Address, str, bj.Count, bj.Count),
    "DNSGuard::host_tag": (bj.Address, str, str),
    "DNSGuard::scorer_hello": (str,),
    "DNSGuard::trace_done": (bj.Count,),
    "DNSGuard::scorer_drained": (bj.Count,),
}
"""docs/interfaces.md, as Python types of decoded arguments."""


@dataclass
class Received:
    topic: str
    event: bj.Event | None
    raw: dict[str, Any]


@dataclass
class BrokerHub:
    host: str = "127.0.0.1"
    port: int = 0
    signatures: dict[str, tuple[type, ...]] = field(default_factory=lambda: dict(ZEEK_SIGNATURES))
    version: str = "2.8.0-test"
    received: list[Received] = field(default_factory=list)
    type_mismatches: int = 0
    errors_sent: int = 0
    on_event: Callable[[Received], None] | None = None

    def __post_init__(self) -> None:
        self.endpoint = str(uuid.uuid4())
        self._clients: dict[ServerConnection, tuple[str, ...]] = {}
        self._server: Any = None
        self._changed = asyncio.Condition()

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}{PATH}"

    @property
    def clients(self) -> int:
        return len(self._clients)

    async def start(self) -> None:
        # Broker's WebSocket server offers no compression extension.
        self._server = await serve(self._handle, self.host, self.port, max_size=1 << 20, compression=None)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close the listener and every connection (a Zeek going away)."""
        if self._server is not None:
            self._server.close()
            for ws in list(self._clients):
                await ws.close()
            await self._server.wait_closed()
            self._server = None

    async def drop_clients(self) -> None:
        for ws in list(self._clients):
            await ws.close()

    async def _error(self, ws: ServerConnection, code: str, context: str) -> None:
        self.errors_sent += 1
        await ws.send(json.dumps({"type": "error", "code": code, "context": context}))

    def _typed_ok(self, event: bj.Event) -> bool:
        want = self.signatures.get(event.name)
        if want is None:
            return True
        if len(event.args) != len(want):
            return False
        return all(type(a) is t for a, t in zip(event.args, want, strict=True))

    async def _handle(self, ws: ServerConnection) -> None:
        if ws.request is None or ws.request.path != PATH:
            await ws.close(1008, "unknown path")
            return
        try:
            first = json.loads(await ws.recv())
        except (ValueError, TypeError):
            first = None
        if not isinstance(first, list) or not all(isinstance(t, str) for t in first):
            await self._error(ws, "deserialization_failed", "expected a JSON array of topic strings")
            await ws.close()
            return
        self._clients[ws] = tuple(first)
        await ws.send(json.dumps({"type": "ack", "endpoint": self.endpoint, "version": self.version}))
        async with self._changed:
            self._changed.notify_all()
        try:
            async for frame in ws:
                await self._message(ws, frame)
        except Exception:  # noqa: BLE001, S110 - a client going away is normal
            pass
        finally:
            self._clients.pop(ws, None)
            async with self._changed:
                self._changed.notify_all()

    async def _message(self, ws: ServerConnection, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            await self._error(ws, "deserialization_failed", "binary frames are not supported")
            return
        try:
            msg = json.loads(frame)
        except ValueError as exc:
            await self._error(ws, "deserialization_failed", f"malformed JSON: {exc}")
            return
        if not isinstance(msg, dict) or msg.get("type") != "data-message" or not isinstance(msg.get("topic"), str):
            await self._error(ws, "deserialization_failed", "expected a data-message with a topic")
            return
        body = {"@data-type": msg.get("@data-type"), "data": msg.get("data")}
        try:
            bj.decode(body)
        except bj.BrokerDecodeError as exc:
            await self._error(ws, "deserialization_failed", str(exc))
            return
        try:
            event = bj.decode_event(body)
        except bj.BrokerDecodeError:
            event = None
        if event is not None and not self._typed_ok(event):
            self.type_mismatches += 1  # Zeek logs a type clash and drops the event
            return
        rec = Received(msg["topic"], event, msg)
        self.received.append(rec)
        if self.on_event is not None:
            self.on_event(rec)
        for other, topics in list(self._clients.items()):
            if other is not ws and any(msg["topic"].startswith(t) for t in topics):
                await other.send(frame)

    @staticmethod
    def event_frame(topic: str, name: str, *args: Any, metadata: Any = None) -> str:
        """The text frame Zeek sends for an event (with a metadata element)."""
        inner: list[Any] = [name, list(args)]
        if metadata is not None:
            inner.append(metadata)
        value = bj.encode([bj.Count(1), bj.Count(1), inner])
        return json.dumps(bj.data_message(topic, value))

    async def publish(self, topic: str, name: str, *args: Any, metadata: Any = None) -> int:
        """Send an event as Zeek would (with a metadata element) to subscribers."""
        return await self.publish_frame(topic, self.event_frame(topic, name, *args, metadata=metadata))

    async def publish_frame(self, topic: str, frame: str) -> int:
        """Send a prepared frame to every client subscribed to ``topic``."""
        n = 0
        for ws, topics in list(self._clients.items()):
            if any(topic.startswith(t) for t in topics):
                await ws.send(frame)
                n += 1
        return n

    async def send_raw(self, frame: str) -> None:
        """Send anything to every client (to test how clients cope with junk)."""
        for ws in list(self._clients):
            await ws.send(frame)

    async def wait_clients(self, n: int, timeout: float = 10.0) -> None:
        async def ready() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self._clients) >= n)

        await asyncio.wait_for(ready(), timeout)
