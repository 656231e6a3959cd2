"""NXDOMAIN bursts: the behaviour that gives away DGA malware.

A DGA bot tries many generated names before it finds the one its operator
registered, so it collects NXDOMAIN answers in a burst.  QSnatch's 3-6
letter names look like real short domains to any lexical model; the burst
is what betrays it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Burst:
    host: str
    start: float
    end: float
    count: int
    unique_names: int
    tlds: int
    sample: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set, repr=False)
    """Distinct names while bursting, bounded by :attr:`NxdomainBurstDetector.MAX_NAMES`."""


@dataclass
class _HostWindow:
    events: deque[tuple[float, str]] = field(default_factory=deque)
    burst: Burst | None = None


class NxdomainBurstDetector:
    """Sliding window of NXDOMAIN answers per host.

    ``observe`` returns the host's burst the first time the window crosses
    both thresholds; the same burst object keeps growing while the host
    keeps bursting, and ``bursts()`` lists them all at the end.
    """

    SAMPLE = 20
    MAX_NAMES = 10_000

    def __init__(self, window: float, threshold: int, unique_names: int, max_window: int = 5000):
        self.window = window
        self.threshold = threshold
        self.unique_names = unique_names
        self.max_window = max_window
        self._hosts: dict[str, _HostWindow] = {}
        self._done: list[Burst] = []

    def observe(self, host: str, ts: float, fqdn: str) -> Burst | None:
        state = self._hosts.setdefault(host, _HostWindow())
        events = state.events
        events.append((ts, fqdn))
        while events and (ts - events[0][0] > self.window or len(events) > self.max_window):
            events.popleft()
        burst = state.burst
        if burst is not None:
            if ts - burst.end <= self.window:
                burst.end = ts
                burst.count += 1
                if fqdn not in burst.names and len(burst.names) < self.MAX_NAMES:
                    burst.names.add(fqdn)
                    burst.unique_names = len(burst.names)
                    burst.tlds = len({n.rsplit(".", 1)[-1] for n in burst.names})
                    if len(burst.sample) < self.SAMPLE:
                        burst.sample.append(fqdn)
                return None
            self._done.append(burst)
            state.burst = None
        if len(events) < self.threshold:
            return None
        names = {name for _, name in events}
        if len(names) < self.unique_names:
            return None
        tlds = {name.rsplit(".", 1)[-1] for name in names}
        burst = Burst(host, events[0][0], ts, len(events), len(names), len(tlds),
                      sorted(names)[: self.SAMPLE], set(names))
        state.burst = burst
        return burst

    def bursts(self) -> list[Burst]:
        open_ = [s.burst for s in self._hosts.values() if s.burst is not None]
        return self._done + open_
