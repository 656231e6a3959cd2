"""The link to Suricata's unix command socket: verdict names become
``dataset-add dnsguard-verdict string <base64>``.

Suricata keeps the dataset in memory, so a restarted Suricata has lost
whatever arrived since its last state save: every (re)connection starts
with a replay of the journal's live name verdicts.  Adding a value already
present is harmless.  A NOK reply (e.g. the dataset is not declared) is
counted and logged but does not stop the link.

An idle link probes Suricata (``uptime``) every ``probe_interval`` so a
restart is noticed before the next verdict is due.

The set holds what the journal says is live, and nothing it says has
ended: every (re)connection first removes the names whose verdict lapsed or
was retracted (the journal's tombstones; a restarted Suricata may have
reloaded them from the set's ``state`` file), and, when ``state_file`` is
configured, asks Suricata to dump the set and removes every member the
journal does not hold live.  A retraction while connected is a
``dataset-remove`` at once.

The protocol itself is :class:`dnsguard.suricata.socket.SuricataSocket`'s
job (blocking; run here in a worker thread, one batch per hop).  That
client silently reconnects once when the connection breaks; the link
counts its connects so a reconnect inside a batch - a Suricata restart -
still triggers a full replay.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dnsguard.service.links import LinkState, reconnect_loop
from dnsguard.service.model import HostVerdict, NameVerdict, Retraction
from dnsguard.service.outbox import Outbox
from dnsguard.suricata.socket import CommandFailed, SuricataSocket, read_set_file

log = logging.getLogger("dnsguard.serve")

Verdict = NameVerdict | HostVerdict


@dataclass(frozen=True)
class SuricataSettings:
    socket: str = "/var/run/suricata/suricata-command.socket"
    dataset: str = "dnsguard-verdict"
    timeout: float = 10.0
    probe_interval: float = 2.0
    """Seconds of silence after which the link checks Suricata is still there
    (``uptime``): a restart must be noticed even when no verdict is due."""
    backoff_base: float = 0.25
    backoff_cap: float = 30.0
    state_file: str = ""
    """The set's ``state`` file as this service sees it (e.g.
    ``/var/lib/suricata/data/dnsguard-verdict.lst``).  When set, every
    connection reconciles the set exactly: ``dataset-dump``, read the file,
    remove what the journal does not hold live."""


def absent(message: object) -> bool:
    """Suricata's NOK for removing a value the set does not hold."""
    text = str(message).lower()
    return "not found" in text or "does not exist" in text or "failed to remove" in text


@dataclass
class CountingSocket(SuricataSocket):
    """SuricataSocket that counts its (re)connects."""

    connects: int = 0

    def connect(self) -> None:
        super().connect()
        self.connects += 1


RETIRE_EVERY = 5.0
"""Seconds between checks for lapsed verdicts while verdicts keep coming (an
idle link checks at every probe)."""


class SuricataLink:
    def __init__(
        self,
        settings: SuricataSettings,
        live: Callable[[float], list[Verdict]],
        outbox_size: int = 10_000,
        clock: Callable[[], float] = time.time,
        gone: Callable[[float], list[str]] | None = None,
    ) -> None:
        self.settings = settings
        self.live = live
        self.gone = gone or (lambda now: [])
        self.clock = clock
        self.outbox: Outbox[NameVerdict | Retraction] = Outbox(outbox_size)
        self.state = LinkState("suricata")
        self.pushed: dict[str, float] = {}
        """Name -> when its verdict lapses, for names this session added."""
        self.retired = 0
        """Names taken out of the set because their verdict lapsed."""
        self.withdrawn = 0
        """Names taken out because they were retracted, or found at (re)connect
        although their verdict had ended."""
        self._last_retire = 0.0
        self._reconciled_at = -1
        """The client's connect count at the last clean-up of the set."""

    def offer(self, verdicts: list[Verdict | Retraction]) -> None:
        self.outbox.offer([v for v in verdicts if isinstance(v, NameVerdict | Retraction)])

    async def run(self, stop: asyncio.Event) -> None:
        s = self.settings
        await reconnect_loop(self.state, lambda: self._session(stop), stop, s.backoff_base, s.backoff_cap)

    async def _session(self, stop: asyncio.Event) -> None:
        client = CountingSocket(Path(self.settings.socket), self.settings.timeout)
        await asyncio.to_thread(client.connect)
        self.state.connected = True
        self.state.connects += 1
        self._reconciled_at = -1
        self.outbox.request_resync()
        log.info("suricata link up (%s)", self.settings.socket)
        work = asyncio.create_task(self._write(client))
        stopper = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait({work, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not work.done():
                work.cancel()
            await asyncio.gather(work, stopper, return_exceptions=True)
            client.close()
        if work in done and work.exception() is not None:
            raise work.exception()  # type: ignore[misc]

    async def _write(self, client: CountingSocket) -> None:
        while True:
            if self.outbox.resync:
                self.outbox.start_resync()
                # A (re)started Suricata has only what the replay gives it.
                self.pushed.clear()
                now = self.clock()
                replay = [v for v in self.live(now) if isinstance(v, NameVerdict)]
                if client.connects != self._reconciled_at:
                    # A new connection (Suricata may have restarted and reloaded its
                    # state file); a resync after a full outbox needs no clean-up.
                    self._reconciled_at = client.connects
                    await self._reconcile(client, {v.name for v in replay}, now)
                await self._send(client, replay)
                self.state.replayed += len(replay)
                continue
            try:
                batch = await asyncio.wait_for(self.outbox.take(), self.settings.probe_interval)
            except TimeoutError:
                await self._probe(client)
                await self._retire(client)
                continue
            if batch:
                await self._send(client, batch)
                self.state.sent += sum(isinstance(v, NameVerdict) for v in batch)
            if self.clock() - self._last_retire >= RETIRE_EVERY:
                await self._retire(client)

    async def _reconcile(self, client: CountingSocket, live: set[str], now: float) -> None:
        """Remove from the set what the journal says has ended (before the replay)."""
        stale = [n for n in self.gone(now) if n not in live]
        if self.settings.state_file:
            try:
                await asyncio.to_thread(client.dataset_dump)
                held = await asyncio.to_thread(read_set_file, Path(self.settings.state_file))
            except (OSError, ValueError, CommandFailed) as exc:
                self.state.errors += 1
                self.state.last_error = f"state file {self.settings.state_file}: {exc}"[:300]
                log.warning("suricata link: %s", self.state.last_error)
            else:
                stale = list(dict.fromkeys([*stale, *sorted(held - live)]))
        if stale:
            self.withdrawn += await asyncio.to_thread(self._remove_all, client, stale)

    async def _retire(self, client: CountingSocket) -> None:
        """Take names whose verdict lapsed out of Suricata's set: a verdict
        holds for its ``expire`` seconds in Suricata as in Zeek, not forever."""
        now = self._last_retire = self.clock()
        lapsed = [name for name, until in self.pushed.items() if until <= now]
        if not lapsed:
            return
        for name in lapsed:
            del self.pushed[name]
        self.retired += await asyncio.to_thread(self._remove_all, client, lapsed)

    def _remove_all(self, client: CountingSocket, names: list[str]) -> int:
        """Runs in a worker thread: one dataset-remove per name; returns how
        many were in the set.  A name already absent is fine, other NOKs counted."""
        removed = 0
        for name in names:
            try:
                client.dataset_remove(self.settings.dataset, "string", name)
                removed += 1
            except CommandFailed as exc:
                if absent(exc.message):
                    continue
                self.state.errors += 1
                self.state.last_error = f"dataset-remove {name}: {exc.message}"[:300]
                log.warning("suricata link: %s", self.state.last_error)
        return removed

    async def _probe(self, client: CountingSocket) -> None:
        before = client.connects
        await asyncio.to_thread(client.uptime)
        if client.connects != before:
            self.state.connects += client.connects - before
            self.outbox.request_resync()

    async def _send(self, client: CountingSocket, batch: list[NameVerdict | Retraction]) -> None:
        # On failure nothing is put back: the next session starts with a full replay
        # (and the journal's tombstones cover retractions).
        before = client.connects
        adds = [v for v in batch if isinstance(v, NameVerdict)]
        drops = [v.name for v in batch if isinstance(v, Retraction)]
        if adds:
            await asyncio.to_thread(self._add_all, client, adds)
        if drops:
            for name in drops:
                self.pushed.pop(name, None)
            self.withdrawn += await asyncio.to_thread(self._remove_all, client, drops)
        if client.connects != before:
            self.state.connects += client.connects - before
            self.outbox.request_resync()

    def _add_all(self, client: CountingSocket, batch: list[NameVerdict]) -> None:
        """Runs in a worker thread: one dataset-add per name, NOK counted."""
        for v in batch:
            self.pushed[v.name] = max(self.pushed.get(v.name, 0.0), v.expires_at)
            try:
                client.dataset_add(self.settings.dataset, "string", v.name)
            except CommandFailed as exc:
                message = str(exc.message)
                if "already" in message:
                    continue
                self.state.errors += 1
                self.state.last_error = f"dataset-add {v.name}: {message}"[:300]
                log.warning("suricata link: %s", self.state.last_error)
