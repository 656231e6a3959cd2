"""Shared helpers for the service tests.

``RuleScorer`` is a real, deterministic scorer with the interface the
service needs (``score_batch``): a name whose registered label starts with
``x`` and has at least 10 characters is DGA-like (0.99, family ``testfam``);
everything else scores 0.01.  The service's logic is tested against it;
the shipped model is the DGA engineer's to test.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from dataclasses import dataclass

import pytest
from dnsguard.names import Rejected, normalize


@dataclass(frozen=True)
class RuleVerdict:
    name: str
    score: float
    family: str
    family_probability: float
    reasons: tuple[str, ...]


class RuleScorer:
    def __init__(self) -> None:
        self.calls = 0
        self.names = 0

    def score_batch(self, names: list[str]) -> list[RuleVerdict]:
        self.calls += 1
        self.names += len(names)
        out = []
        for raw in names:
            n = normalize(raw)
            label = "" if isinstance(n, Rejected) else n.label
            if label.startswith("x") and len(label) >= 10:
                out.append(RuleVerdict(raw, 0.99, "testfam", 0.9, ("rule:x-prefix",)))
            else:
                out.append(RuleVerdict(raw, 0.01, "unknown", 0.0, ()))
        return out


@pytest.fixture
def scorer() -> RuleScorer:
    return RuleScorer()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02) -> None:
    """Poll ``predicate`` until true; fail the test with a clear message on timeout."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(service, timeout: float = 30.0):
    """``service`` running in this event loop for the body of the ``async with``;
    stopped after it, however the body ends, and required to exit with 0."""
    task = asyncio.create_task(service.run(install_signals=False))
    try:
        yield service
    finally:
        service.request_stop()
        assert await asyncio.wait_for(task, timeout) == 0
