"""The service's control socket: ``dnsguard verdicts list | retract`` talk to
a running ``dnsguard serve`` through ``<state_dir>/control.sock``.

One JSON object per line each way.  Requests::

    {"command": "list"}
    {"command": "retract", "name": "bad.example", "host": "", "for": 86400, "by": "alice"}

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
import socket as _socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnsguard.service.eve_socket import peer_uid, trusted_uids
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
