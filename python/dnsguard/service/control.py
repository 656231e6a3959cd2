"""The service's control socket: ``dnsguard verdicts list | retract`` talk to
a running ``dnsguard serve`` through ``<state_dir>/control.sock``.

One JSON object per line each way.  Requests::

    {"command": "list"}
    {"command": "retract", "name": "bad.example", "host": "", "for": 86400, "by": "alice"}
    {"command": "push", "names": ["bad.example"], "for": 3600, "by": "alice", "threat": "c2"}

``push`` is ``dnsguard suricata push`` into the verdict set: the names
become journaled verdicts (source ``manual:<by>``) that lapse after
``for`` seconds like the service's own (:func:`journal_push`).

Replies are ``{"ok": true, ...}`` or ``{"ok": false, "error": "one line"}``.
The socket is owner-only (0600, narrowed before it listens, so it is never
open to others even for a moment: dnsguard.service.unixsock) and a client whose user (SO_PEERCRED) is
not root or the service's own user is closed unanswered and counted: a
retraction removes detection, so it is as sensitive as a verdict.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import socket as _socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnsguard.service.eve_socket import peer_uid, trusted_uids
from dnsguard.service.model import THREATS, NameVerdict
from dnsguard.service.unixsock import bind_private

MAX_REQUEST = 64 * 1024
log = logging.getLogger("dnsguard.serve")


@dataclass
class ControlStats:
    requests: int = 0
    refused: int = 0
    bad: int = 0


async def serve_control(
    path: Path,
    handle: Callable[[dict[str, Any]], dict[str, Any]],
    stop: asyncio.Event,
    stats: ControlStats,
) -> None:
    trusted = trusted_uids()
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if path.is_socket():
            path.unlink()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            if peer_uid(writer.get_extra_info("socket")) not in trusted:
                stats.refused += 1
                return
            try:
                line = await asyncio.wait_for(reader.readline(), 10)
            except (TimeoutError, ValueError, ConnectionError):
                stats.bad += 1
                return
            reply = answer(line, handle, stats)
            writer.write(json.dumps(reply).encode() + b"\n")
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        finally:
            writer.close()

    try:
        server = await asyncio.start_unix_server(client, sock=bind_private(path, 0o600), limit=MAX_REQUEST)
    except OSError as exc:
        # A path too long for a unix socket, a read-only state directory: the
        # service runs on; `dnsguard verdicts` then says no service answers.
        log.warning("control socket %s: %s; dnsguard verdicts cannot reach this service", path,
                    exc.strerror or exc)
        await stop.wait()
        return
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def answer(line: bytes, handle: Callable[[dict[str, Any]], dict[str, Any]], stats: ControlStats) -> dict[str, Any]:
    try:
        request = json.loads(line)
    except (ValueError, RecursionError):
        stats.bad += 1
        return {"ok": False, "error": "request is not JSON"}
    if not isinstance(request, dict):
        stats.bad += 1
        return {"ok": False, "error": "request is not a JSON object"}
    stats.requests += 1
    try:
        return handle(request)
    except (ValueError, TypeError, KeyError) as exc:
        return {"ok": False, "error": str(exc)[:300]}


MANUAL_FAMILY = "manual"
MAX_SPAN = 366 * 86_400


def journal_push(journal: Any, names: list[str], seconds: float, by: str, threat: str,
                 now: float) -> tuple[dict[str, Any], list[NameVerdict]]:
    """Journal hand-pushed names as verdicts lasting ``seconds`` (fsync'd).

    All or nothing: a bad name, a bad duration or a name whose retraction is
    in force refuses the whole batch before anything is written.  A name
    whose live verdict already lasts as long or longer keeps it (a push never
    shortens a verdict).  Returns the reply and the verdicts written."""
    from dnsguard.names import Name, normalize

    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 1 <= seconds <= MAX_SPAN:
        raise ValueError("'for' must be 1 s to 366 days")
    if threat not in THREATS:
        raise ValueError(f"threat must be one of {', '.join(THREATS)}")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError("push needs a list of names")
    parsed = []
    for raw in names:
        n = normalize(raw)
        if not isinstance(n, Name):
            raise ValueError(f"not a usable DNS name: {raw!r} ({getattr(n, 'reason', 'rejected')})")
        parsed.append(n)
    held = [f"{n.fqdn} (until {_utc(r.until)}, by {r.by or '?'})" for n in parsed
            for r in journal.retracted(now) if r.key == "n:" + n.fqdn]
    if held:
        raise ValueError("retracted, no verdict until the retraction ends (dnsguard verdicts list): "
                         + "; ".join(held))
    live = {v.name: v for v in journal.live(now) if isinstance(v, NameVerdict)}
    expire = max(1, math.ceil(seconds))
    source = f"manual:{by}" if by else "manual"
    out, new = [], []
    for n in dict((p.fqdn, p) for p in parsed).values():
        v = NameVerdict(n.fqdn, 1.0, MANUAL_FAMILY, threat, expire, now, n.registered, source,
                        ("pushed by hand",))
        old = live.get(n.fqdn)
        if old is not None and old.expires_at >= v.expires_at:
            out.append({"name": n.fqdn, "expires_at": old.expires_at, "source": old.source, "kept": True})
            continue
        new.append(v)
        out.append({"name": n.fqdn, "expires_at": v.expires_at, "source": source, "kept": False})
    fresh = journal.append(new, now) if new else []
    written = {v.name for v in fresh}
    for item in out:
        old = live.get(item["name"])
        if not item["kept"] and item["name"] not in written and old is not None:
            # The journal's duplicate rule: not extending a live verdict by more than 10 %.
            item.update(expires_at=old.expires_at, source=old.source, kept=True)
    return {"ok": True, "pushed": out}, fresh


def _utc(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


class NoService(ConnectionError):
    """No service answers on the control socket."""


def request(path: Path, obj: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
    """Send one request to a running service (blocking); :class:`NoService` if none listens."""
    path = Path(path)
    if not path.is_socket():
        raise NoService(f"no control socket at {path}")
    sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise NoService(f"no service listening on {path}: {exc.strerror}") from None
        sock.sendall(json.dumps(obj).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = sock.recv(1 << 16)
            if not chunk:
                break
            data += chunk
    finally:
        sock.close()
    if not data:
        raise ConnectionError(f"the service at {path} closed the connection without answering "
                              "(not root or the service's user?)")
    reply = json.loads(data)
    if not isinstance(reply, dict):
        raise ConnectionError(f"unexpected reply from {path}")
    return reply
