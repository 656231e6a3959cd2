"""Unix sockets that no other user can connect to, without touching the umask.

The umask is process-wide: changing it around ``bind`` also changes the mode
of every file another thread creates meanwhile (a report, a journal, a test's
files), which turned into flaky "Permission denied" far from here.  Instead
the socket is bound, narrowed with chmod, and only then listens: connecting
to a bound socket that does not listen yet is refused, so there is no window
in which the wider mode could be used.
"""

from __future__ import annotations

import contextlib
import os
import socket
import stat
from pathlib import Path


def bind_private(path: Path, mode: int) -> socket.socket:
    """A bound, not yet listening AF_UNIX stream socket at ``path`` with ``mode``.

    A stale socket file left by a crashed run is replaced; any other file at
    ``path`` is an error (never delete what is not ours)."""
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        os.chmod(path, mode)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock
