"""The link to Suricata's unix command socket: verdict names become
``dataset-add dnsguard-verdict string <base64>``.

Suricata keeps the dataset in memory, so a restarted Suricata has lost it:
every (re)connection starts with a replay of the journal's live name
verdicts.  Adding a value already present is harmless ("data already in
set").  A NOK reply (e.g. the dataset is not declared) is counted and
logged but does not stop the link: the next verdict is tried anyway.

The socket protocol (docs.suricata.io, "Interacting via Unix Socket"):
the client sends ``{"version": "0.2"}``, Suricata answers
``{"return": "OK"}``; then one JSON command per line, one JSON reply per
line.  Commands are sent one at a time (Suricata parses one message per
read).  This module carries its own small client, :class:`CommandChannel`,
limited to what the service needs.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dnsguard.service.links import LinkState, reconnect_loop
from dnsguard.service.model import HostVerdict, NameVerdict
from dnsguard.service.outbox import Outbox

log = logging.getLogger("dnsguard.serve")

Verdict = NameVerdict | HostVerdict
PROTOCOL_VERSION = "0.2"


@dataclass(frozen=True)
class SuricataSettings:
    socket: str = "/var/run/suricata/suricata-command.socket"
    dataset: str = "dnsguard-verdict"
    timeout: float = 10.0
    backoff_base: float = 0.25
    backoff_cap: float = 30.0


def dataset_add(dataset: str, name: str) -> dict[str, Any]:
    """The dataset-add command for one name (string datasets take base64)."""
    value = base64.b64encode(name.encode("utf-8")).decode("ascii")
    return {"command": "dataset-add", "arguments": {"setname": dataset, "settype": "string", "datavalue": value}}


class CommandError(Exception):
    """Suricata answered NOK."""


class CommandChannel:
    """One connection to Suricata's command socket (minimal client)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, timeout: float) -> None:
        self.reader, self.writer, self.timeout = reader, writer, timeout

    @classmethod
    async def open(cls, path: str, timeout: float) -> CommandChannel:
        reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(path, limit=1 << 20), timeout)
        channel = cls(reader, writer, timeout)
        reply = await channel._exchange({"version": PROTOCOL_VERSION}, newline=False)
        if reply.get("return") != "OK":
            writer.close()
            raise ConnectionError(f"suricata refused protocol {PROTOCOL_VERSION}: {reply}")
        return channel

    async def _exchange(self, message: dict[str, Any], newline: bool = True) -> dict[str, Any]:
        self.writer.write(json.dumps(message).encode() + (b"\n" if newline else b""))
        await self.writer.drain()
        line = await asyncio.wait_for(self.reader.readline(), self.timeout)
        if not line:
            raise ConnectionError("suricata closed the command socket")
        reply = json.loads(line)
        if not isinstance(reply, dict):
            raise ConnectionError(f"unexpected reply {line[:200]!r}")
        return reply

    async def command(self, message: dict[str, Any]) -> str:
        reply = await self._exchange(message)
        if reply.get("return") != "OK":
            raise CommandError(str(reply.get("message")))
        return str(reply.get("message", ""))

    def close(self) -> None:
        self.writer.close()


class SuricataLink:
    def __init__(
        self,
        settings: SuricataSettings,
        live: Callable[[float], list[Verdict]],
        outbox_size: int = 10_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.live = live
        self.clock = clock
        self.outbox: Outbox[Verdict] = Outbox(outbox_size)
        self.state = LinkState("suricata")

    def offer(self, verdicts: list[Verdict]) -> None:
        self.outbox.offer([v for v in verdicts if isinstance(v, NameVerdict)])

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        await reconnect_loop(self.state, lambda: self._session(stop), stop, s.backoff_base, s.backoff_cap)

    async def _session(self, stop: asyncio.Event) -> None:
        channel = await CommandChannel.open(self.settings.socket, self.settings.timeout)
        self.state.connected = True
        self.state.connects += 1
        self.outbox.request_resync()
        log.info("suricata link up (%s)", self.settings.socket)
        work = asyncio.create_task(self._write(channel))
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (work, stopper):
                t.cancel()
            await asyncio.gather(work, stopper, return_exceptions=True)
            channel.close()
        if work in done and work.exception() is not None:
            raise work.exception()  # type: ignore[misc]

    async def _write(self, channel: CommandChannel) -> None:
        while True:
            if self.outbox.resync:
                self.outbox.start_resync()
                replay = [v for v in self.live(self.clock()) if isinstance(v, NameVerdict)]
                for v in replay:
                    await self._add(channel, v)
                self.state.replayed += len(replay)
            batch = await self.outbox.take()
            for i, v in enumerate(batch):
                try:
                    await self._add(channel, v)
                except Exception:
                    self.outbox.push_back(batch[i:])
                    raise
                self.state.sent += 1

    async def _add(self, channel: CommandChannel, v: NameVerdict) -> None:
        try:
            await channel.command(dataset_add(self.settings.dataset, v.name))
        except CommandError as exc:
            self.state.errors += 1
            self.state.last_error = f"dataset-add {v.name}: {exc}"[:300]
            log.warning("suricata link: %s", self.state.last_error)
