"""Write a file so readers see the old or the new content, never half.

Sensors (Zeek's Intel reader, Suricata reloading datasets) and the service
read our outputs while we rewrite them; a torn file silently drops
indicators.  Temp file in the same directory, fsync, ``os.replace``, then
fsync the directory so the rename survives a crash.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(
    path: str | Path, data: bytes | Iterable[bytes], mode: int = 0o644, create_parents: bool = True
) -> None:
    """Replace ``path`` with ``data`` (bytes or an iterable of chunks).

    State directories are created as needed; a file the user named
    (``create_parents=False``) must go into a directory that exists, so a
    mistyped path is an error rather than a new directory tree.
    """
    target = Path(path)
    if create_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, bytes | bytearray | memoryview):
                out.write(data)
            else:
                for chunk in data:
                    out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
