"""Pause Python's cyclic garbage collector around bulk object building.

A million-indicator update builds millions of small, acyclic objects
(records, indicators, tuples).  With automatic collection on, each time
enough survive CPython walks every tracked object again, which cost seconds
per stage in ``bench/feeds_bench.py`` and finds nothing to free: these
objects are released by reference counting.  Inside :func:`gc_paused`
automatic collection is off; it comes back (if it was on) when the
outermost pause ends, whatever thread it was paused from, and any cycle
made meanwhile is collected then as usual.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Re-entrant and thread-safe: nested or concurrent pauses share one."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
