"""The asyncio service: inputs -> bounded queue -> decider -> journal -> sensors.

Data flow::

    Zeek (WebSocket) ─┐                                      ┌─> Zeek   (DNSGuard::verdict)
    eve.json follow  ─┼─> DropQueue ─> Decider ─> Journal ─┼─> Suricata (dataset-add)
    EVE unix socket  ─┘   (bounded)    (cache,    (fsync)   └─> SIEM JSON lines
                                       hosts)

Signals: SIGTERM/SIGINT drain - inputs stop, everything already queued is
decided and journaled, the links get ``drain_timeout`` seconds to deliver,
then the process exits 0 (anything undelivered is replayed from the journal
next start).  SIGHUP reloads the configuration's thresholds, the feeds and
the DGA model without dropping a connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dnsguard.feeds.allowlist import Allowlist
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.names import Name, normalize
from dnsguard.records import InputStats
from dnsguard.service.control import ControlStats, serve_control
from dnsguard.service.decide import Decider
from dnsguard.service.eve_alerts import AlertHit, AlertJudge
from dnsguard.service.eve_follow import EveFollower, follow
from dnsguard.service.eve_input import eve_items
from dnsguard.service.eve_socket import SocketStats, serve_eve_socket
from dnsguard.service.journal import Journal, key_of
from dnsguard.service.metrics import Histogram, Sample, serve_metrics
from dnsguard.service.model import (
    Candidate,
    Drained,
    HostTag,
    HostVerdict,
    NameVerdict,
    Retraction,
    TraceDone,
)
from dnsguard.service.queues import DropQueue
from dnsguard.service.scoring import DgaScorer
from dnsguard.service.settings import ServeSettings
from dnsguard.service.siem_log import SiemLog
from dnsguard.service.suricata_link import SuricataLink
from dnsguard.service.zeek_link import ZeekLink

log = logging.getLogger("dnsguard.serve")

Reloaded = tuple  # (settings, scorer, indicators) or (settings, scorer, indicators, guard)


@dataclass
class ServiceStats:
    batches: int = 0
    verdicts_out: int = 0
    host_verdicts_out: int = 0
    reloads: int = 0
    reload_errors: int = 0
    eve_candidates: int = 0
    eve_alerts: int = 0
    journal_errors: int = 0
    max_batch_seconds: float = 0.0
    started: float = field(default_factory=time.time)


class Service:
    def __init__(
        self,
        settings: ServeSettings,
        scorer: DgaScorer,
        indicators: IndicatorIndex | None = None,
        reload: Callable[[], Reloaded] | None = None,
        clock: Callable[[], float] = time.time,
        guard: Allowlist | None = None,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.reload_fn = reload
        self.stats = ServiceStats()
        self.decider = Decider(scorer, settings.decide, indicators or IndicatorIndex(), guard=guard)
        self.alerts = AlertJudge(self.decider)
        self.queue: DropQueue[Candidate | HostTag | TraceDone | AlertHit] = DropQueue(settings.queue_size)
        self.journal = Journal(settings.journal_path, settings.host_verdict_ttl, settings.journal_max_live)
        self.siem = SiemLog(settings.verdict_log) if settings.verdict_log else None
        self.zeek = (
            ZeekLink(settings.zeek, self.queue.put, self.journal.live, settings.outbox_size, clock,
                     retracted=self._retracted_names)
            if settings.zeek
            else None
        )
        self.suricata = (
            SuricataLink(settings.suricata, self.journal.live, settings.outbox_size, clock, gone=self.journal.gone)
            if settings.suricata
            else None
        )
        self.control_stats = ControlStats()
        self._journal_failing = False
        self.followers = [EveFollower(p, settings.eve_from_end, settings.max_line) for p in settings.eve_files]
        self.eve_socket_stats = SocketStats()
        self.eve_stats = InputStats()
        self.draining = False
        self.metrics_port: int | None = None
        self.latency = Histogram(
            "dnsguard_decision_latency_seconds",
            "Oldest candidate of a batch: arrival to verdicts handed to the sensor links",
        )
        self._input_stop = asyncio.Event()
        self._link_stop = asyncio.Event()
        self._stop_requested = asyncio.Event()
        self._reload_requested = asyncio.Event()

    # -- inputs ---------------------------------------------------------------
    def ingest_eve(self, lines: list[str]) -> None:
        items = eve_items(lines, self.eve_stats)
        hits = sum(isinstance(x, AlertHit) for x in items)
        self.stats.eve_alerts += hits
        self.stats.eve_candidates += len(items) - hits
        self.queue.put_many(items)

    # -- the core step ----------------------------------------------------------
    def process(self, batch: list[Candidate | HostTag | TraceDone]) -> list[NameVerdict | HostVerdict]:
        """Decide one batch, journal the news (fsync'd), hand it to every sink."""
        fresh = self.decide_and_journal(batch, sync=True)
        self.deliver(fresh)
        self.answer_trace_done(batch)
        return fresh

    def answer_trace_done(self, batch: list[Candidate | HostTag | TraceDone]) -> None:
        """Zeek read an offline trace to its end: once the batch's verdicts are
        queued for it, say so (the link sends in order, verdicts first)."""
        if self.zeek is None:
            return
        done = [Drained(x.candidates) for x in batch if isinstance(x, TraceDone)]
        if done:
            self.zeek.offer(done)

    def decide_batch(self, batch: list[Candidate | HostTag | TraceDone]) -> tuple[list[NameVerdict | HostVerdict], float]:
        """The decisions of one batch (not yet journaled) and the time they were made."""
        started = time.perf_counter()
        now = self.clock()
        cands: list[Candidate] = []
        hits: list[AlertHit] = []
        for item in batch:
            if isinstance(item, HostTag):
                self.decider.hosts.tag(item)
            elif isinstance(item, Candidate):
                cands.append(item)
            elif isinstance(item, AlertHit):
                hits.append(item)
        outcome = self.decider.decide(cands, now)
        if hits:
            # After the dns records: a name already decided from its record is not counted again.
            more = self.alerts.decide(hits, now)
            outcome.names += more.names
            outcome.hosts += more.hosts
        self.stats.batches += 1
        self.stats.max_batch_seconds = max(self.stats.max_batch_seconds, time.perf_counter() - started)
        return [*outcome.names, *outcome.hosts], now

    def decide_and_journal(self, batch: list[Candidate | HostTag | TraceDone], sync: bool) -> list[NameVerdict | HostVerdict]:
        verdicts, now = self.decide_batch(batch)
        return self.journal.append(verdicts, now, sync=sync) if verdicts else []

    async def _journal(self, verdicts: list[NameVerdict | HostVerdict], now: float) -> list[NameVerdict | HostVerdict]:
        """Journal and fsync, retrying while the disk is full: a verdict is
        told to nobody before it is on disk, and none is dropped because a
        write failed (a failed append is cut back, so retrying is safe)."""
        waited = 0.0
        fresh: list[NameVerdict | HostVerdict] | None = None
        while True:
            try:
                if fresh is None:
                    fresh = self.journal.append(verdicts, now, sync=False)
                # The fsync runs in a thread: the loop keeps receiving meanwhile.
                if fresh:
                    await asyncio.to_thread(self.journal.sync)
                if self._journal_failing:
                    self._journal_failing = False
                    log.warning("journal %s writable again", self.settings.journal_path)
                return fresh
            except OSError as exc:
                self.stats.journal_errors += 1
                if not self._journal_failing:
                    self._journal_failing = True
                    log.error("journal %s: %s; verdicts wait until it can be written (none is sent before)",
                              self.settings.journal_path, exc.strerror or exc)
                if self._stop_requested.is_set() and waited >= self.settings.drain_timeout:
                    log.error("exiting with %d verdicts not journaled (%s)", len(verdicts), exc.strerror or exc)
                    return []
                await asyncio.sleep(0.5)
                waited += 0.5

    def deliver(self, fresh: list[NameVerdict | HostVerdict]) -> None:
        """Only for journaled (and synced) verdicts."""
        if not fresh:
            return
        for sink in (self.zeek, self.suricata):
            if sink is not None:
                sink.offer(fresh)
        if self.siem is not None:
            self.siem.write(fresh)
        self.stats.verdicts_out += sum(isinstance(v, NameVerdict) for v in fresh)
        self.stats.host_verdicts_out += sum(isinstance(v, HostVerdict) for v in fresh)

    async def _worker(self) -> None:
        """Decide in batches: after the first item, linger a moment so a burst
        becomes one batch (one scorer call, one fsync) instead of many."""
        size, linger = self.settings.batch_size, self.settings.linger
        while not (self._input_stop.is_set() and not len(self.queue)):
            batch = await self.queue.get_batch(size, timeout=0.5)
            if not batch:
                continue
            if len(batch) < size and linger > 0 and not self._input_stop.is_set():
                await asyncio.sleep(linger)
                batch += self.queue.take_nowait(size - len(batch))
            verdicts, now = self.decide_batch(batch)
            fresh = await self._journal(verdicts, now) if verdicts else []
            if fresh:
                self.deliver(fresh)
            self.answer_trace_done(batch)
            oldest = min((c.received for c in batch if isinstance(c, Candidate) and c.received), default=0.0)
            if oldest:
                self.latency.observe(time.monotonic() - oldest)
            await asyncio.sleep(0)

    # -- retraction ---------------------------------------------------------------
    def _retracted_names(self, now: float) -> list[str]:
        return [r.name for r in self.journal.retracted(now) if r.key.startswith("n:")]

    def retract(self, name: str = "", host: str = "", seconds: float | None = None, by: str = "") -> dict:
        """Take back the verdict on a name and/or a host: journaled (fsync'd)
        first, then Zeek is sent ``DNSGuard::retract`` and Suricata
        ``dataset-remove``.  No new verdict on it for ``seconds`` (default:
        ``verdict_ttl``)."""
        now = self.clock()
        keys = []
        if name:
            parsed = normalize(name)
            if not isinstance(parsed, Name):
                raise ValueError(f"not a usable DNS name: {name!r} ({getattr(parsed, 'reason', 'rejected')})")
            keys.append("n:" + parsed.fqdn)
        if host:
            import ipaddress

            try:
                keys.append("h:" + str(ipaddress.ip_address(host)))
            except ValueError:
                raise ValueError(f"not an IP address: {host!r}") from None
        if not keys:
            raise ValueError("retract needs a name or a host")
        span = float(self.settings.decide.verdict_ttl if seconds is None else seconds)
        if not 0 < span <= 366 * 86_400:
            raise ValueError("the retraction must hold for 1 s to 366 days")
        out = []
        for key in keys:
            old = self.journal.retract(key, now, now + span, by)
            out.append({"key": key, "had_verdict": old is not None})
            if key.startswith("n:"):
                retraction = Retraction(key[2:], now)
                for sink in (self.zeek, self.suricata):
                    if sink is not None:
                        sink.offer([retraction])
        self.decider.forget()
        log.info("retracted %s (by %s)", ", ".join(keys), by or "?")
        return {"ok": True, "retracted": out, "until": now + span}

    def list_verdicts(self) -> dict:
        now = self.clock()
        live = [
            {"key": key_of(v), "family": v.family, "threat": v.threat, "score": v.score,
             "created": v.created, "expires_at": self.journal.expires_at(v),
             "source": getattr(v, "source", "host")}
            for v in self.journal.live(now)
        ]
        retracted = [{"key": r.key, "at": r.at, "until": r.until, "by": r.by} for r in self.journal.retracted(now)]
        return {"ok": True, "live": live, "retracted": retracted}

    def control(self, request: dict) -> dict:
        command = request.get("command")
        if command == "list":
            return self.list_verdicts()
        if command == "retract":
            seconds = request.get("for")
            if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)):
                raise ValueError("'for' must be a number of seconds")
            return self.retract(str(request.get("name") or ""), str(request.get("host") or ""), seconds,
                                str(request.get("by") or ""))
        if command == "push":
            # dnsguard suricata push: journaled (fsync'd), then to every sensor like any verdict.
            from dnsguard.service.control import journal_push

            seconds = request.get("for")
            reply, fresh = journal_push(self.journal, request.get("names"),
                                        self.settings.decide.verdict_ttl if seconds is None else seconds,
                                        str(request.get("by") or ""), str(request.get("threat") or "c2"),
                                        self.clock())
            self.deliver(fresh)
            log.info("pushed by hand: %s (by %s)", ", ".join(v.name for v in fresh) or "nothing new",
                     request.get("by") or "?")
            return reply
        return {"ok": False, "error": f"unknown command {str(command)[:40]!r}"}

    def _drop_refused_live(self) -> None:
        """Live verdicts the guard now refuses (journaled before an allowlist
        refresh or an upgrade) are retracted at start-up, not replayed."""
        now = self.clock()
        for v in self.journal.live(now):
            if isinstance(v, NameVerdict) and self.decider.refusal(v.name, v.registered) is not None:
                self.journal.retract(key_of(v), now, v.expires_at, "guard")
                log.warning("journal: verdict on %s dropped: %s", v.name, self.decider.refusal(v.name, v.registered))

    # -- control ----------------------------------------------------------------
    def request_stop(self) -> None:
        self._stop_requested.set()

    def request_reload(self) -> None:
        self._reload_requested.set()

    async def _reloader(self) -> None:
        while True:
            await self._reload_requested.wait()
            self._reload_requested.clear()
            if self.reload_fn is None:
                continue
            try:
                settings, scorer, indicators, *more = await asyncio.to_thread(self.reload_fn)
            except Exception as exc:  # noqa: BLE001 - a bad reload keeps the old state
                self.stats.reload_errors += 1
                log.error("reload failed, keeping the running configuration: %s", exc)
                continue
            self.decider.settings = settings.decide
            self.decider.hosts.settings = settings.decide.hosts
            self.decider.reload(scorer, indicators, more[0] if more else None)
            self.stats.reloads += 1
            log.info("reloaded: %d indicators", len(self.decider.indicators))

    def _pending_delivery(self) -> int:
        """Verdicts still queued for a *connected* sensor (waiting for a
        disconnected one is pointless: the journal replays them next time)."""
        return sum(
            len(s.outbox) + int(s.outbox.resync)
            for s in (self.zeek, self.suricata)
            if s is not None and s.state.connected
        )

    async def run(self, install_signals: bool = True) -> int:
        loop = asyncio.get_running_loop()
        self.journal.open(self.clock())
        self._drop_refused_live()
        if install_signals:
            loop.add_signal_handler(signal.SIGTERM, self.request_stop)
            loop.add_signal_handler(signal.SIGINT, self.request_stop)
            loop.add_signal_handler(signal.SIGHUP, self.request_reload)
        s = self.settings
        link_tasks = [asyncio.create_task(x.run(self._link_stop)) for x in (self.zeek, self.suricata) if x]
        input_tasks = [
            asyncio.create_task(follow(f, self.ingest_eve, self._input_stop, s.eve_poll)) for f in self.followers
        ]
        if s.eve_socket is not None:
            input_tasks.append(
                asyncio.create_task(
                    serve_eve_socket(s.eve_socket, self.ingest_eve, self._input_stop, self.eve_socket_stats, s.max_line,
                                     s.eve_socket_uids)
                )
            )
        worker = asyncio.create_task(self._worker())
        side = [asyncio.create_task(self._reloader()),
                asyncio.create_task(serve_control(s.control_socket, self.control, self._link_stop,
                                                  self.control_stats))]
        if s.metrics is not None:
            side.append(
                asyncio.create_task(
                    serve_metrics(
                        s.metrics[0], s.metrics[1], self.collect, self.health, self._link_stop,
                        bound=lambda p: setattr(self, "metrics_port", p),
                    )
                )
            )
        log.info("dnsguard serve running (journal %s, %d live verdicts)", s.journal_path, len(self.journal))
        try:
            stop_wait = asyncio.create_task(self._stop_requested.wait())
            await asyncio.wait({stop_wait, worker}, return_when=asyncio.FIRST_COMPLETED)
            if worker.done() and worker.exception() is not None:
                raise worker.exception()  # type: ignore[misc]
            # Drain: no new input, finish the queue, give links time to deliver.
            self.draining = True
            self._input_stop.set()
            self.queue.wake()
            await asyncio.gather(*input_tasks, return_exceptions=True)
            await worker
            deadline = loop.time() + s.drain_timeout
            while self._pending_delivery() and loop.time() < deadline:
                await asyncio.sleep(0.05)
            return 0
        finally:
            self._input_stop.set()
            self._link_stop.set()
            await asyncio.gather(*link_tasks, *input_tasks, return_exceptions=True)
            for t in side:
                t.cancel()
            await asyncio.gather(*side, return_exceptions=True)
            if not worker.done():
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
            self.journal.close()
            if self.siem is not None:
                self.siem.close()
            if install_signals:
                for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                    loop.remove_signal_handler(sig)
            log.info("dnsguard serve stopped")

    # -- observability -------------------------------------------------------------
    def health(self) -> tuple[bool, dict]:
        links = {x.state.name: x.state.connected for x in (self.zeek, self.suricata) if x}
        return not self.draining, {
            "status": "draining" if self.draining else "ok",
            "links": links,
            "queue": len(self.queue),
            "live_verdicts": len(self.journal),
        }

    def collect(self) -> list[Sample]:
        d, q, c = self.decider.stats, self.queue, self.decider.cache.stats
        out = [
            Sample("dnsguard_queue_depth", len(q), "Candidates waiting to be decided", labels={"queue": "input"}),
            Sample("dnsguard_queue_capacity", q.maxsize, "Queue limit", labels={"queue": "input"}),
            Sample("dnsguard_dropped_total", q.dropped, "Items dropped because a queue was full", "counter",
                   {"queue": "input"}),
            Sample("dnsguard_candidates_total", d.candidates, "Candidates decided", "counter"),
            Sample("dnsguard_rejected_names_total", d.rejected, "Names that are not usable DNS names", "counter"),
            Sample("dnsguard_scored_names_total", d.scored, "Names sent to the DGA model", "counter"),
            Sample("dnsguard_feed_hits_total", d.feed_hits, "Names matched by a feed", "counter"),
            Sample("dnsguard_refused_verdicts_total", d.refused + self.journal.stats.suppressed,
                   "Verdicts not made: allowlisted or never-listed name, or retracted", "counter"),
            Sample("dnsguard_retractions_total", self.journal.stats.retracted, "Verdicts retracted", "counter"),
            Sample("dnsguard_control_refused_total", self.control_stats.refused,
                   "Control socket clients refused (not root or the service's user)", "counter"),
            Sample("dnsguard_verdicts_total", self.stats.verdicts_out, "New verdicts", "counter", {"kind": "name"}),
            Sample("dnsguard_verdicts_total", self.stats.host_verdicts_out, "New verdicts", "counter",
                   {"kind": "host"}),
            Sample("dnsguard_cache_entries", len(self.decider.cache), "Names in the decision cache"),
            Sample("dnsguard_cache_hits_total", c.hits, "Decision cache hits", "counter"),
            Sample("dnsguard_cache_evictions_total", c.evictions, "Decision cache evictions (full)", "counter"),
            Sample("dnsguard_hosts_tracked", len(self.decider.hosts), "Hosts with recent DGA-like NXDOMAINs"),
            Sample("dnsguard_hosts_evicted_total", self.decider.hosts.stats.evicted_hosts,
                   "Hosts forgotten because the host table was full", "counter"),
            Sample("dnsguard_journal_live", len(self.journal), "Unexpired verdicts in the journal"),
            Sample("dnsguard_journal_appended_total", self.journal.stats.appended, "Verdicts journaled", "counter"),
            Sample("dnsguard_journal_compactions_total", self.journal.stats.compactions, "Journal rewrites",
                   "counter"),
            Sample("dnsguard_journal_errors_total", self.stats.journal_errors,
                   "Failed journal writes (disk full?); the verdicts wait and are retried", "counter"),
            Sample("dnsguard_eve_lines_total",
                   sum(f.stats.lines for f in self.followers) + self.eve_socket_stats.lines,
                   "EVE lines read (files and socket)", "counter"),
            Sample("dnsguard_eve_lines_skipped_total", sum(self.eve_stats.skipped.values()),
                   "EVE lines that could not be used", "counter"),
            Sample("dnsguard_eve_overlong_lines_total",
                   sum(f.stats.overlong for f in self.followers) + self.eve_socket_stats.overlong,
                   "EVE lines over the length limit", "counter"),
            Sample("dnsguard_eve_socket_refused_total", self.eve_socket_stats.refused,
                   "EVE socket clients refused (not root, the service's user or eve.socket_users)", "counter"),
            Sample("dnsguard_eve_rotations_total", sum(f.stats.rotations for f in self.followers),
                   "eve.json rotations followed", "counter"),
            Sample("dnsguard_eve_truncations_total", sum(f.stats.truncations for f in self.followers),
                   "eve.json truncations followed", "counter"),
            Sample("dnsguard_verdict_log_errors_total", self.siem.errors if self.siem else 0,
                   "Failed writes to the SIEM verdict log", "counter"),
            Sample("dnsguard_reloads_total", self.stats.reloads, "Successful reloads", "counter"),
            Sample("dnsguard_reload_errors_total", self.stats.reload_errors, "Failed reloads", "counter"),
            Sample("dnsguard_batch_seconds_max", self.stats.max_batch_seconds, "Longest decide step"),
            Sample("dnsguard_draining", int(self.draining), "1 while shutting down"),
            *self.latency.samples(),
        ]
        for link in (self.zeek, self.suricata):
            if link is None:
                continue
            st, lab = link.state, {"sensor": link.state.name}
            out += [
                Sample("dnsguard_link_up", int(st.connected), "Sensor link connected", labels=lab),
                Sample("dnsguard_link_connects_total", st.connects, "Successful connects", "counter", lab),
                Sample("dnsguard_link_failures_total", st.failures, "Sessions that failed", "counter", lab),
                Sample("dnsguard_link_sent_total", st.sent, "Verdicts sent", "counter", lab),
                Sample("dnsguard_link_replayed_total", st.replayed, "Verdicts replayed from the journal",
                       "counter", lab),
                Sample("dnsguard_link_errors_total", st.errors, "Error replies from the sensor", "counter", lab),
                Sample("dnsguard_queue_depth", len(link.outbox), labels={"queue": st.name}),
                Sample("dnsguard_queue_capacity", link.outbox.maxsize, labels={"queue": st.name}),
                Sample("dnsguard_dropped_total", link.outbox.dropped, kind="counter", labels={"queue": st.name}),
            ]
        if self.zeek is not None:
            out.append(Sample("dnsguard_zeek_bad_messages_total", self.zeek.stats.bad_messages,
                              "Frames from Zeek that were not usable events", "counter"))
        return out
