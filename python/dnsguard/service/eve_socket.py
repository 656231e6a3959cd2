"""EVE over a unix stream socket (Suricata ``filetype: unix_stream``).

Suricata connects to a socket the *service* listens on and writes one JSON
record per line; nothing touches the disk.  A line longer than the limit
is skipped up to its newline (counted); a client that disconnects (a
Suricata restart) simply reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dnsguard.service.lines import LineSplitter


@dataclass
class SocketStats:
    clients: int = 0
    lines: int = 0
    overlong: int = 0


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
) -> None:
    """Listen on ``path`` until ``stop``; every complete line goes to ``sink``."""
    path = Path(path)
    with contextlib.suppress(FileNotFoundError):
        if path.is_socket():
            path.unlink()
    tasks: set[asyncio.Task] = set()

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
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

    server = await asyncio.start_unix_server(client, path)
    os.chmod(path, 0o660)
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
