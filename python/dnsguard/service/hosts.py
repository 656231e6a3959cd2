"""Host aggregation: one DGA-looking NXDOMAIN is noise, a burst is a bot.

A DGA-infected machine asks for many generated names and most do not
exist.  A host whose *distinct* DGA-scored NXDOMAIN names within a sliding
window reach a threshold becomes a :class:`HostVerdict`.  Its family is
the argmax of the names' family log-probabilities summed over the host's
names (:class:`~dnsguard.hostfamily.LogSumRule`, the rule ``analyze`` uses too), ``unknown`` when the best family beats the
runner-up by too little per name, which turns part of the hosts of families
the model never saw (a third, measured) into ``unknown`` instead of their
nearest seen family (docs/service.md).  Names scored without
a distribution (a scorer that only reports a family, feed hits) fall back
to the majority vote of the reported families (:func:`vote`).  The device
type comes from Zeek's ``DNSGuard::host_tag`` events (a QNAP NAS that
beacons looks like QSnatch, not like a laptop).

Memory is bounded twice: at most ``max_hosts`` hosts (least recently seen
dropped first, counted) and ``max_names`` remembered names per host.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from dnsguard.feeds.families import display_family
from dnsguard.hostfamily import (
    CLOSEST,
    FAMILY_MARGIN,
    LOG_FLOOR,
    LogSumRule,
    shape_checked,
    vote,
)
from dnsguard.service.model import HostTag, HostVerdict

if TYPE_CHECKING:
    from dnsguard.dga.shapes import FamilyShapes

Distribution = tuple[tuple[str, ...], np.ndarray]
"""(the model's family list, one name's log-probability per family)."""

__all__ = ["FAMILY_MARGIN", "LOG_FLOOR", "Distribution", "HostAggregator", "HostSettings", "HostStats",
           "LogSumRule", "vote"]


@dataclass(frozen=True)
class HostSettings:
    window: float = 600.0
    """Seconds of history that count towards the threshold."""
    min_names: int = 5
    """Distinct DGA NXDOMAIN names within ``window`` that make a verdict."""
    cooldown: float = 3600.0
    """Seconds before the same host is reported again."""
    family_share: float = 0.5
    """Vote fallback: a family must win this share of the attributed votes, or ``unknown``."""
    family_margin: float = FAMILY_MARGIN
    """Log-sum rule: the best family's summed log-probability must beat the
    runner-up's by this much per name (nats), or ``unknown``."""
    max_hosts: int = 100_000
    max_names: int = 64
    max_tags: int = 100_000


@dataclass
class _Host:
    seen: deque[tuple[float, str, float, str, Distribution | None]] = field(default_factory=deque)
    names: dict[str, int] = field(default_factory=dict)
    """Name -> how many entries of ``seen`` carry it (distinct count = len)."""
    reported: float = float("-inf")


@dataclass
class HostStats:
    evicted_hosts: int = 0
    dropped_names: int = 0
    verdicts: int = 0


@dataclass
class HostAggregator:
    settings: HostSettings = field(default_factory=HostSettings)
    _hosts: OrderedDict[str, _Host] = field(default_factory=OrderedDict)
    _tags: OrderedDict[str, HostTag] = field(default_factory=OrderedDict)
    stats: HostStats = field(default_factory=HostStats)
    shapes: FamilyShapes | None = None
    """The scorer's family recipes: the log-sum rule names a family only for hosts
    whose names fit it (:func:`~dnsguard.hostfamily.check_shapes`)."""

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

    def observe(
        self, orig_h: str, ts: float, name: str, score: float, family: str,
        dist: Distribution | None = None,
    ) -> HostVerdict | None:
        """Record one DGA-scored NXDOMAIN; a verdict when the host crosses the line.

        ``dist`` is the name's family distribution (the model's family list
        and the name's log-probabilities), when the scorer gives one."""
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
            host.seen.append((ts, name, score, family, dist))
            host.names[name] = host.names.get(name, 0) + 1
        if len(host.names) < s.min_names or ts - host.reported < s.cooldown:
            return None
        host.reported = ts
        self.stats.verdicts += 1
        return self._verdict(orig_h, host, ts)

    def drawing_dga(self, orig_h: str, ts: float) -> bool:
        """Whether the host drew a DGA-like NXDOMAIN name within the window, or
        was reported within the cooldown (read-only: no host is created)."""
        host = self._hosts.get(orig_h)
        if host is None:
            return False
        if ts - host.reported < self.settings.cooldown:
            return True
        cutoff = ts - self.settings.window
        return any(entry[0] >= cutoff for entry in reversed(host.seen))

    def _expire(self, host: _Host, cutoff: float) -> None:
        while host.seen and host.seen[0][0] < cutoff:
            old = host.seen.popleft()[1]
            left = host.names[old] - 1
            if left:
                host.names[old] = left
            else:
                del host.names[old]

    def _verdict(self, orig_h: str, host: _Host, ts: float) -> HostVerdict:
        latest: dict[str, tuple[float, str, Distribution | None]] = {}
        for _, name, score, family, dist in host.seen:
            latest[name] = (score, family, dist)
        family, how = self.family(list(latest.values()), list(latest))
        score = sum(v[0] for v in latest.values()) / len(latest)
        device = self.device(orig_h)
        names = tuple(sorted(latest))
        evidence = (
            f"{len(names)} DGA-like NXDOMAIN names in {self.settings.window:g}s"
            f"; {how}"
            + (f"; device {device}" if device else "")
            + f"; e.g. {', '.join(names[:5])}"
        )
        return HostVerdict(orig_h, family, "dga", round(score, 4), evidence, ts, device, names)

    def family(self, entries: list[tuple[float, str, Distribution | None]],
               names: list[str] | None = None) -> tuple[str, str]:
        """The host's family and how it was decided (for the evidence text).

        Log-sum over the names whose distribution comes from the same model
        (family list) as the newest name's, when those are at least half of
        the names, with the shape check over those names (``names``: the
        entries' names, in order); otherwise the vote over the reported
        families."""
        s = self.settings
        dists = [(i, d) for i, (_, _, d) in enumerate(entries) if d is not None]
        if dists:
            families = dists[-1][1][0]
            same = [(i, row) for i, (fams, row) in dists if fams is families or fams == families]
            rows = [row for _, row in same]
            if 2 * len(rows) >= len(entries):
                shown = [display_family(f) for f in families]  # the verdict's spelling (Pykspa, QSnatch)
                call = LogSumRule(s.family_margin).call(shown, rows)
                if names is not None:
                    summed = [names[i] for i, row in same if not np.isnan(row).any()]
                    call = shape_checked(call, self.shapes, families, summed)
                runner = f", runner-up {call.runner_up}" if call.runner_up else ""
                fit = ("" if call.shape_support is None else
                       f"; {call.shape_support:.0%} of the names fit {call.best}'s known shapes")
                closest = f"{CLOSEST}; " if call.named else ""
                return call.family, (f"family log-sum {call.family} ({closest}margin {call.margin:.2f} nats/name "
                                     f"over {call.names} names{runner}){fit}")
        family, share = vote([f for _, f, _ in entries], s.family_share)
        return family, f"family vote {family} ({share:.0%})"
