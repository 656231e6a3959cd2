"""Verdict journal: every verdict on disk before any sensor hears of it.

Sensors come and go (Suricata restarts and forgets its in-memory dataset,
Zeek reconnects and its tables are empty), so delivery is "replay what is
still live" rather than "send once": whenever a sensor link (re)connects it
is sent :meth:`Journal.live`, the unexpired verdicts, and only then the
new ones.  A verdict therefore survives a sensor outage, a full send queue
and a restart of this service.

Format: a stream of msgpack maps, appended and fsync'd once per batch
(group commit).  A torn record at the end (crash mid-write) is cut off on
open.  When superseded and expired records outweigh the live ones the file
is rewritten (compacted) through a temporary file and an atomic rename.

Besides verdicts the journal holds two kinds of record that make the
verdicts' *end* as durable as their start:

* a retraction (``dnsguard verdicts retract``): the verdict leaves the live
  set, is never replayed, and a new verdict for the same key is refused
  until the retraction's ``until``;
* a tombstone: a name whose verdict lapsed or was retracted, kept
  ``gone_ttl`` seconds so that a sensor which reloaded it from its own
  state (Suricata's ``state`` file after a restart) is told to drop it.

Only one process writes a journal: :meth:`Journal.open` takes an exclusive
``flock`` on ``verdicts.lock`` next to it (a second service, or the
offline ``dnsguard verdicts retract``, gets :class:`JournalBusy`).
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import msgpack

from dnsguard.atomic import write_atomic
from dnsguard.service.hostevidence import combine
from dnsguard.service.model import HostVerdict, NameVerdict

Verdict = NameVerdict | HostVerdict
JOURNAL_VERSION = 1
EXPIRE_EVERY = 60.0
"""Seconds between sweeps of expired verdicts (a sweep walks the whole live set)."""


class JournalBusy(RuntimeError):
    """Another process (a running ``dnsguard serve``) holds the journal."""


GONE_TTL = 7 * 86_400.0
"""Seconds a lapsed or retracted name is remembered for sensor clean-up."""


def key_of(v: Verdict) -> str:
    return ("n:" + v.name) if isinstance(v, NameVerdict) else ("h:" + v.orig_h)


_FIELDS = {cls: tuple(f.name for f in fields(cls)) for cls in (NameVerdict, HostVerdict)}


def to_record(v: Verdict) -> dict[str, Any]:
    # Not dataclasses.asdict: it deep-copies, and compaction packs 100,000 of these.
    rec: dict[str, Any] = {name: getattr(v, name) for name in _FIELDS[type(v)]}
    rec["_k"] = "n" if isinstance(v, NameVerdict) else "h"
    return rec


@dataclass(frozen=True, slots=True)
class Retracted:
    """A retraction in force: ``key`` (``n:<name>`` / ``h:<address>``) gets no
    verdict until ``until``."""

    key: str
    at: float
    until: float
    by: str = ""

    @property
    def name(self) -> str:
        return self.key[2:]


_NUMBERS = ("score", "expire", "created")
_STRINGS = ("name", "family", "threat", "registered", "source", "orig_h", "evidence", "device")


def from_record(rec: dict[str, Any]) -> Verdict | None:
    """None for records this version does not understand or that are damaged
    (wrong types, impossible numbers): skipped and counted, never fatal."""
    try:
        kind = rec.pop("_k")
        for seq in ("reasons", "names"):
            if seq in rec:
                if not isinstance(rec[seq], list | tuple) or not all(isinstance(x, str) for x in rec[seq]):
                    return None
                rec[seq] = tuple(rec[seq])
        for key in _NUMBERS:
            value = rec.get(key)
            if key in rec and (isinstance(value, bool) or not isinstance(value, int | float)
                               or not math.isfinite(value) or abs(value) > 1e13):
                return None
        if any(key in rec and not isinstance(rec[key], str) for key in _STRINGS):
            return None
        return NameVerdict(**rec) if kind == "n" else HostVerdict(**rec) if kind == "h" else None
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class JournalStats:
    appended: int = 0
    duplicates: int = 0
    compactions: int = 0
    torn_bytes: int = 0
    unreadable: int = 0
    evicted: int = 0
    retracted: int = 0
    suppressed: int = 0
    """Verdicts refused because their key was retracted."""
    write_errors: int = 0
    """Appends that failed (disk full): cut back, retried by the service."""
    compact_errors: int = 0


@dataclass
class Journal:
    path: Path
    host_ttl: float = 86_400.0
    """Host verdicts have no expiry of their own; they are replayed this long."""
    max_live: int = 200_000
    """Cap on live verdicts kept (and replayed); the oldest go first."""
    stats: JournalStats = field(default_factory=JournalStats)
    gone_ttl: float = GONE_TTL

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        # Ordered by (re)insertion: the front holds the oldest, evicted first in O(1).
        self._live: OrderedDict[str, Verdict] = OrderedDict()
        self._retracted: dict[str, Retracted] = {}
        self._gone: OrderedDict[str, float] = OrderedDict()
        """Name -> when its verdict lapsed or was retracted (oldest first)."""
        self._records = 0
        self._last_expire = float("-inf")
        self._fh = None
        self._lock_fd: int | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    def _lock(self) -> None:
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalBusy(f"{self.path} is in use by another process (a running dnsguard serve?)") from None
        self._lock_fd = fd

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def expires_at(self, v: Verdict) -> float:
        return v.expires_at if isinstance(v, NameVerdict) else v.created + self.host_ttl

    def open(self, now: float) -> None:
        """Load what is on disk, cut a torn tail, compact, open for appending."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock()
        try:
            self._open(now)
        except BaseException:
            self._unlock()
            raise

    def _open(self, now: float) -> None:
        good = 0
        if self.path.exists():
            data = self.path.read_bytes()
            unpacker = msgpack.Unpacker(raw=False, strict_map_key=False)
            unpacker.feed(data)
            try:
                for rec in unpacker:
                    good = unpacker.tell()
                    if isinstance(rec, dict) and rec.get("_k") in ("r", "g"):
                        self._load_end(rec)
                        self._records += 1
                        continue
                    v = from_record(rec) if isinstance(rec, dict) else None
                    if v is None:
                        self.stats.unreadable += 1
                        continue
                    self._live[key_of(v)] = v
                    self._records += 1
            except Exception:  # noqa: BLE001 - msgpack raises ValueError, TypeError (a list as map key), ...
                # Damaged from here on: what was read stands, the rest is cut
                # (kept aside in <journal>.torn, not lost).
                pass
            self.stats.torn_bytes = len(data) - good
            if self.stats.torn_bytes:
                try:
                    write_atomic(self.path.with_name(self.path.name + ".torn"), data[good:], mode=0o600)
                except OSError:
                    self.stats.write_errors += 1
        self._expire(now)
        try:
            self.compact(now)
        except OSError:
            # No room to rewrite it (disk full): append to the file as it is,
            # with a torn tail cut off so the next record starts clean.
            self.stats.compact_errors += 1
            with open(self.path, "ab", buffering=0) as fh:
                os.ftruncate(fh.fileno(), good)
            self._fh = open(self.path, "ab", buffering=0)  # noqa: SIM115 - held open for appends

    def _load_end(self, rec: dict[str, Any]) -> None:
        """A retraction (``r``) or tombstone (``g``) record read back."""
        try:
            if rec["_k"] == "g":
                name, at = rec["name"], float(rec["at"])
                if not isinstance(name, str) or not math.isfinite(at):
                    raise ValueError("damaged tombstone")
                self._gone[name] = at
                self._gone.move_to_end(name)
                return
            r = Retracted(rec["key"], float(rec["at"]), float(rec["until"]), str(rec.get("by", "")))
            if not isinstance(r.key, str) or not r.key.startswith(("n:", "h:")) \
                    or not math.isfinite(r.at) or not math.isfinite(r.until):
                raise ValueError("damaged retraction")
        except (KeyError, TypeError, ValueError):
            self.stats.unreadable += 1
            return
        self._retracted[r.key] = r
        old = self._live.pop(r.key, None)
        if r.key.startswith("n:") and old is not None:
            self._mark_gone(r.name, r.at)

    def close(self) -> None:
        if self._fh is not None:
            try:
                os.fsync(self._fh.fileno())
            finally:
                self._fh.close()
                self._fh = None
                self._unlock()
        self._unlock()

    def __len__(self) -> int:
        return len(self._live)

    def live(self, now: float) -> list[Verdict]:
        """Unexpired verdicts, oldest first: what a (re)connecting sensor is sent."""
        self._expire(now)
        return sorted(self._live.values(), key=lambda v: v.created)

    def sync(self) -> None:
        """fsync what :meth:`append` wrote with ``sync=False`` (may run in a thread)."""
        if self._fh is not None:
            os.fsync(self._fh.fileno())

    def append(self, verdicts: Iterable[Verdict], now: float, sync: bool = True) -> list[Verdict]:
        """Persist (one fsync) and return the verdicts that are news.

        With ``sync=False`` the records are written and flushed but the caller
        must call :meth:`sync` before telling anyone about them (the service
        does that in a worker thread so the event loop keeps receiving).

        A verdict identical in substance to a live one (same name, family,
        threat, not extending the expiry by more than 10 %) is a duplicate
        and returned to nobody.  A host verdict is first combined with the
        host's live one (:func:`~dnsguard.service.hostevidence.combine`):
        the stronger keeps its family.
        """
        batch: dict[str, Verdict] = {}
        for v in verdicts:
            key = key_of(v)
            held = self._retracted.get(key)
            if held is not None and held.until > now:
                self.stats.suppressed += 1
                continue
            prior = batch.get(key)
            if prior is not None:
                # The same key twice in one batch: one verdict (a host's findings combined).
                self.stats.duplicates += 1
                if isinstance(v, HostVerdict):
                    v = combine(prior, v)  # type: ignore[arg-type]
            batch[key] = v
        fresh: list[Verdict] = []
        for key, v in batch.items():
            old = self._live.get(key)
            news = False
            if isinstance(v, HostVerdict):
                # One live verdict per host: a weaker finding must not overwrite a stronger one,
                # but a different finding is news even when the family stays.
                kept = combine(old, v, old is not None and self.expires_at(old) > now)  # type: ignore[arg-type]
                news = kept is not v and old is not None and kept.evidence != old.evidence
                v = kept
            if old is not None and not news and self._same(old, v, now):
                self.stats.duplicates += 1
                continue
            fresh.append(v)
        if not fresh:
            return fresh
        packer = msgpack.Packer(use_bin_type=True)
        self._write_all(b"".join(packer.pack(to_record(v)) for v in fresh))
        if sync:
            os.fsync(self._fh.fileno())
        for v in fresh:
            key = key_of(v)
            self._live[key] = v
            self._live.move_to_end(key)
            self._retracted.pop(key, None)
            if isinstance(v, NameVerdict):
                self._gone.pop(v.name, None)
        self._records += len(fresh)
        self.stats.appended += len(fresh)
        while len(self._live) > self.max_live:
            self._live.popitem(last=False)
            self.stats.evicted += 1
        if now - self._last_expire >= EXPIRE_EVERY:
            self._expire(now)
        if self._records > 2 * (len(self._live) + len(self._gone) + len(self._retracted)) + 1_000:
            try:
                self.compact(now)
            except OSError:
                # The records are written; a compaction that did not fit waits for the next one.
                self.stats.compact_errors += 1
        return fresh

    def _write_all(self, data: bytes) -> None:
        """Append ``data`` whole or not at all: a write that fails half-way
        (disk full) is cut back, so no torn record is left behind and the
        caller may simply try again (:class:`OSError` propagates)."""
        assert self._fh is not None, "journal not open"
        fd = self._fh.fileno()
        start = os.lseek(fd, 0, os.SEEK_END)
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(fd, view):]
        except OSError:
            self.stats.write_errors += 1
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise

    def _same(self, old: Verdict, new: Verdict, now: float) -> bool:
        if self.expires_at(old) <= now or old.family != new.family or old.threat != new.threat:
            return False
        remaining = self.expires_at(old) - now
        return self.expires_at(new) - now <= remaining * 1.1 + 1

    def _expire(self, now: float) -> None:
        self._last_expire = now
        dead = [k for k, v in self._live.items() if self.expires_at(v) <= now]
        for k in dead:
            v = self._live.pop(k)
            if isinstance(v, NameVerdict):
                self._mark_gone(v.name, v.expires_at)
        for k in [k for k, r in self._retracted.items() if r.until <= now]:
            del self._retracted[k]
        while self._gone and next(iter(self._gone.values())) <= now - self.gone_ttl:
            self._gone.popitem(last=False)

    def _mark_gone(self, name: str, at: float) -> None:
        self._gone[name] = at
        self._gone.move_to_end(name)
        while len(self._gone) > self.max_live:
            self._gone.popitem(last=False)

    # -- ends of verdicts ---------------------------------------------------------
    def retract(self, key: str, now: float, until: float, by: str = "") -> Verdict | None:
        """Take back the verdict on ``key`` (``n:<name>`` or ``h:<address>``),
        durably (fsync'd) before anyone is told; returns the live verdict it
        ended, if there was one.  Until ``until`` a new verdict for the key is
        refused (a retracted false positive does not come straight back)."""
        r = Retracted(key, now, until, by)
        rec = {"_k": "r", "key": r.key, "at": r.at, "until": r.until, "by": r.by}
        self._write_all(msgpack.packb(rec, use_bin_type=True))
        os.fsync(self._fh.fileno())
        self._records += 1
        self.stats.retracted += 1
        self._retracted[key] = r
        old = self._live.pop(key, None)
        if key.startswith("n:"):
            self._mark_gone(key[2:], now)
        return old

    def retracted(self, now: float) -> list[Retracted]:
        """Retractions in force, oldest first."""
        self._expire(now)
        return sorted(self._retracted.values(), key=lambda r: r.at)

    def is_retracted(self, key: str, now: float) -> bool:
        r = self._retracted.get(key)
        return r is not None and r.until > now

    def gone(self, now: float) -> list[str]:
        """Names whose verdict lapsed or was retracted within ``gone_ttl``:
        what a sensor that may have kept them (Suricata's state file) must drop."""
        self._expire(now)
        return list(self._gone)

    def compact(self, now: float) -> None:
        """Rewrite the file with the live verdicts only (atomic rename)."""
        self._expire(now)
        packer = msgpack.Packer(use_bin_type=True)
        ends = [{"_k": "r", "key": r.key, "at": r.at, "until": r.until, "by": r.by}
                for r in self._retracted.values()]
        ends += [{"_k": "g", "name": name, "at": at} for name, at in self._gone.items()]
        write_atomic(self.path, b"".join([*(packer.pack(to_record(v)) for v in self._live.values()),
                                          *(packer.pack(e) for e in ends)]), mode=0o600)
        # Only once the new file is in place is the old one let go: a
        # compaction that fails (disk full) leaves the journal as it was.
        if self._fh is not None:
            self._fh.close()
        self._records = len(self._live) + len(ends)
        self.stats.compactions += 1
        self._fh = open(self.path, "ab", buffering=0)  # noqa: SIM115 - held open for appends
