"""Host aggregation: one DGA-looking NXDOMAIN is noise, a burst is a bot.

A DGA-infected machine asks for many generated names and most do not
exist.  A host whose *distinct* DGA-scored NXDOMAIN names within a sliding
window reach a threshold becomes a :class:`HostVerdict`; its family is the
majority vote of the per-name attributions, and its device type comes from
Zeek's ``DNSGuard::host_tag`` events (a QNAP NAS that beacons looks like
QSnatch, not like a laptop).

Memory is bounded twice: at most ``max_hosts`` hosts (least recently seen
dropped first, counted) and ``max_names`` remembered names per host.
"""

from __future__ import annotations

from collections import Counter, OrderedDict, deque
from dataclasses import dataclass, field

from dnsguard.service.model import HostTag, HostVerdict


@dataclass(frozen=True)
class HostSettings:
    window: float = 600.0
    """Seconds of history that count towards the threshold."""
    min_names: int = 5
    """Distinct DGA NXDOMAIN names within ``window`` that make a verdict."""
    cooldown: float = 3600.0
    """Seconds before the same host is reported again."""
    family_share: float = 0.5
    """A family must win this share of the attributed votes, or ``unknown``."""
    max_hosts: int = 100_000
    max_names: int = 64
    max_tags: int = 100_000


@dataclass
class _Host:
    seen: deque[tuple[float, str, float, str]] = field(default_factory=deque)
    names: dict[str, int] = field(default_factory=dict)
    """Name -> how many entries of ``seen`` carry it (distinct count = len)."""
    reported: float = float("-inf")


@dataclass
class HostStats:
    evicted_hosts: int = 0
    dropped_names: int = 0
    verdicts: int = 0


def vote(families: list[str], share: float) -> tuple[str, float]:
    """Majority family among attributed names and its share of the votes."""
    named = [f for f in families if f and f != "unknown"]
    if not named:
        return "unknown", 0.0
    family, n = Counter(named).most_common(1)[0]
    fraction = n / len(named)
    return (family, fraction) if fraction >= share else ("unknown", fraction)


@dataclass
class HostAggregator:
    settings: HostSettings = field(default_factory=HostSettings)
    _hosts: OrderedDict[str, _Host] = field(default_factory=OrderedDict)
    _tags: OrderedDict[str, HostTag] = field(default_factory=OrderedDict)
    stats: HostStats = field(default_factory=HostStats)

    def __len__(self) -> int:
        return len(self._hosts)

    def tag(self, tag: HostTag) -> None:
        self._tags[tag.orig_h] = tag
        self._tags.move_to_end(tag.orig_h)
        while len(self._tags) > self.settings.max_tags:
            self._tags.popitem(last=False)

    def device(self, orig_h: str) -> str:
        tag = self._tags.get(orig_h)
        return tag.device if tag else ""

    def observe(self, orig_h: str, ts: float, name: str, score: float, family: str) -> HostVerdict | None:
        """Record one DGA-scored NXDOMAIN; a verdict when the host crosses the line."""
        s = self.settings
        host = self._hosts.get(orig_h)
        if host is None:
            host = self._hosts[orig_h] = _Host()
            while len(self._hosts) > s.max_hosts:
                self._hosts.popitem(last=False)
                self.stats.evicted_hosts += 1
        else:
            self._hosts.move_to_end(orig_h)
        self._expire(host, ts - s.window)
        if name not in host.names and len(host.names) >= s.max_names:
            self.stats.dropped_names += 1
        else:
            host.seen.append((ts, name, score, family))
            host.names[name] = host.names.get(name, 0) + 1
        if len(host.names) < s.min_names or ts - host.reported < s.cooldown:
            return None
        host.reported = ts
        self.stats.verdicts += 1
        return self._verdict(orig_h, host, ts)

    def _expire(self, host: _Host, cutoff: float) -> None:
        while host.seen and host.seen[0][0] < cutoff:
            _, old, _, _ = host.seen.popleft()
            left = host.names[old] - 1
            if left:
                host.names[old] = left
            else:
                del host.names[old]

    def _verdict(self, orig_h: str, host: _Host, ts: float) -> HostVerdict:
        latest: dict[str, tuple[float, str]] = {}
        for _, name, score, family in host.seen:
            latest[name] = (score, family)
        family, share = vote([f for _, f in latest.values()], self.settings.family_share)
        score = sum(sc for sc, _ in latest.values()) / len(latest)
        device = self.device(orig_h)
        names = tuple(sorted(latest))
        evidence = (
            f"{len(names)} DGA-like NXDOMAIN names in {self.settings.window:g}s"
            f"; family vote {family} ({share:.0%})"
            + (f"; device {device}" if device else "")
            + f"; e.g. {', '.join(names[:5])}"
        )
        return HostVerdict(orig_h, family, "dga", round(score, 4), evidence, ts, device, names)
