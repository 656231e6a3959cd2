"""Reconnect delays: exponential, capped, jittered.

Several services restarting a sensor at once must not reconnect in
lock-step, and a sensor that is down for an hour must not be hammered.
"Equal jitter": half the exponential delay is fixed, half random.
"""

from __future__ import annotations

import random


def backoff_delay(attempt: int, base: float = 0.25, cap: float = 30.0, rng: random.Random | None = None) -> float:
    """Seconds to wait before reconnect ``attempt`` (0 = first retry)."""
    ceiling = min(cap, base * (2 ** min(attempt, 32)))
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)
