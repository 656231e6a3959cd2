"""What every sensor link shares: state for the metrics, and the reconnect loop.

A link's *session* connects, replays the journal, then streams; when it
fails for any reason the loop waits a jittered backoff and starts a new
session, until the service stops.  One bad sensor never stops the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from dnsguard.service.backoff import backoff_delay

log = logging.getLogger("dnsguard.serve")


@dataclass
class LinkState:
    name: str
    connected: bool = False
    connects: int = 0
    failures: int = 0
    sent: int = 0
    replayed: int = 0
    received: int = 0
    errors: int = 0
    """Error replies from the sensor (Broker error messages, Suricata NOK)."""
    last_error: str = ""


async def reconnect_loop(
    state: LinkState,
    session: Callable[[], Awaitable[None]],
    stop: asyncio.Event,
    base: float = 0.25,
    cap: float = 30.0,
) -> None:
    attempt = 0
    while not stop.is_set():
        connects_before = state.connects
        try:
            await session()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure means "reconnect"
            state.failures += 1
            state.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("%s link: %s", state.name, state.last_error)
        finally:
            state.connected = False
        if stop.is_set():
            break
        attempt = 0 if state.connects > connects_before else attempt + 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), backoff_delay(attempt, base, cap))
