"""EVE over a unix stream socket (Suricata ``filetype: unix_stream``).

Suricata connects to a socket the *service* listens on and writes one JSON
record per line; nothing touches the disk.  A line longer than the limit
is skipped up to its newline (counted); a client that disconnects (a
Suricata restart) simply reconnects.

What arrives here becomes host verdicts, so only trusted writers may
connect: the socket is created owner-only (0600) by default, group-writable
(0660, so Suricata's user can get in through the group) only when
``allowed_uids`` names other users, and a client whose user (the kernel's
SO_PEERCRED) is not root, the service's own user or one of ``allowed_uids``
is closed before a line is read (counted as ``refused``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dnsguard.service.lines import LineSplitter
from dnsguard.service.unixsock import bind_private


@dataclass
class SocketStats:
    clients: int = 0
    lines: int = 0
    overlong: int = 0
    refused: int = 0


def peer_uid(sock: socket.socket | None) -> int | None:
    """The user id of the process at the other end of a unix socket (Linux)."""
    if sock is None or not hasattr(socket, "SO_PEERCRED"):
        return None
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    except OSError:
        return None
    return struct.unpack("3i", creds)[1]


def trusted_uids(extra: tuple[int, ...] = ()) -> frozenset[int]:
    """root, this process's user, and the configured ones."""
    return frozenset({0, os.geteuid(), *extra})


async def _read_client(
    reader: asyncio.StreamReader, sink: Callable[[list[str]], None], stats: SocketStats, max_line: int
) -> None:
    splitter = LineSplitter(max_line)
    while True:
        data = await reader.read(1 << 16)
        if not data:
            break
        lines = splitter.feed(data)
        stats.overlong += splitter.overlong
        splitter.overlong = 0
        if lines:
            stats.lines += len(lines)
            sink(lines)


async def serve_eve_socket(
    path: Path,
    sink: Callable[[list[str]], None],
    stop: asyncio.Event,
    stats: SocketStats,
    max_line: int = 1 << 20,
    allowed_uids: tuple[int, ...] = (),
) -> None:
    """Listen on ``path`` until ``stop``; every complete line from a trusted
    writer goes to ``sink``."""
    trusted = trusted_uids(allowed_uids)
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if path.is_socket():
            path.unlink()
    tasks: set[asyncio.Task] = set()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if peer_uid(writer.get_extra_info("socket")) not in trusted:
            stats.refused += 1
            writer.close()
            return
        stats.clients += 1
        task = asyncio.current_task()
        if task is not None:
            tasks.add(task)
        try:
            await _read_client(reader, sink, stats, max_line)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()
            if task is not None:
                tasks.discard(task)

    # Owner-only (or owner and group when other users are allowed) before it
    # listens: see dnsguard.service.unixsock.
    server = await asyncio.start_unix_server(client, sock=bind_private(path, 0o660 if allowed_uids else 0o600))
    try:
        await stop.wait()
    finally:
        server.close()
        for t in list(tasks):
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.wait_closed()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
