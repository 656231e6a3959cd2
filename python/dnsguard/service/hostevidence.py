"""Which host verdict stands, and evidence counted once per window.

The journal keeps one live verdict per host: the newest.  Without a rule,
a weak later finding would overwrite a strong earlier one - a tunnel host
named ``dnscat2`` from a Major Suricata alert became ``dga``/``unknown``
when the same host later had an NXDOMAIN burst, and the analyst lost the
family.  :func:`combine` decides instead: the stronger verdict keeps its
family, threat and score, the weaker one is kept as one line of context,
and the newest evidence renews the lifetime (the host is still active).

:class:`OncePerWindow` is the little memory that makes a listed name (or a
rule) count once per host per window whether it arrives as a dns record or
as an alert: Suricata alerts on every query of a listed name, a beacon asks
every minute.  :class:`NxAnswers` keeps each host's recent NXDOMAIN answers,
which a Suricata NXDOMAIN alert is checked against
(:mod:`dnsguard.detect.nxalerts`).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field, replace

from dnsguard.detect.nxalerts import WINDOW_SLACK, explained_by_popular
from dnsguard.service.model import HostVerdict

THREAT_RANK = {"c2": 4, "iab": 3, "botnet": 2, "phishing": 1, "dga": 0}
"""How bad the kind of finding is for the host's owner: talking to a C2
(a tunnel, a listed C2) outranks a listed IAB or botnet name, which
outranks a DGA burst whose names never resolved."""
UNNAMED = frozenset({"", "unknown"})
MAX_NAMES = 32
MAX_ALSO = 240
"""Characters of the weaker verdict's evidence kept in the stronger one."""
ALSO = " | also "


def strength(v: HostVerdict) -> tuple[int, int, float]:
    """Order of precedence: threat, then a named family, then the score."""
    return THREAT_RANK.get(v.threat, 0), int(v.family not in UNNAMED), v.score


def combine(old: HostVerdict | None, new: HostVerdict, old_live: bool = True) -> HostVerdict:
    """The verdict to record for ``new``'s host, given the live ``old`` one.

    Same family and threat: ``new`` (the journal treats it as a renewal).
    Otherwise the stronger of the two, with the weaker summarised after
    ``" | also "``, the union of their names, and ``new``'s time."""
    if old is None or not old_live or old.orig_h != new.orig_h:
        return new
    if old.family == new.family and old.threat == new.threat:
        return new
    strong, weak = (new, old) if strength(new) >= strength(old) else (old, new)
    stem = strong.evidence.split(ALSO, 1)[0]
    note = f"{weak.threat} {weak.family or 'unknown'} ({weak.score:.2f}): {weak.evidence.split(ALSO, 1)[0]}"
    if len(note) > MAX_ALSO:
        note = note[: MAX_ALSO - 1] + "…"
    names = tuple(dict.fromkeys((*strong.names, *weak.names)))[:MAX_NAMES]
    return replace(strong, evidence=stem + ALSO + note, created=new.created,
                   device=new.device or old.device, names=names)


@dataclass
class OncePerWindow:
    """``first(key, ts)`` is True once per ``window`` seconds of sensor time."""

    window: float
    max_keys: int = 100_000
    _last: OrderedDict[tuple[str, str], float] = field(default_factory=OrderedDict)

    def first(self, key: tuple[str, str], ts: float) -> bool:
        last = self._last.get(key)
        if last is not None and abs(ts - last) < self.window:
            return False
        self._last[key] = ts
        self._last.move_to_end(key)
        while len(self._last) > self.max_keys:
            self._last.popitem(last=False)
        return True


@dataclass
class NxAnswers:
    """Each host's NXDOMAIN answers of the last ``horizon`` seconds of sensor
    time, as (time, below a popular domain).

    Bounded: ``max_hosts`` hosts (least recently seen dropped first) and
    ``max_per_host`` answers within the horizon; a host past that is
    marked and its alerts count as the sensor said, since its window can no
    longer be counted whole."""

    horizon: float
    max_hosts: int = 100_000
    max_per_host: int = 4_096
    _hosts: OrderedDict[str, deque[tuple[float, bool]]] = field(default_factory=OrderedDict)
    _overflowed: set[str] = field(default_factory=set)

    def observe(self, host: str, ts: float, popular: bool) -> None:
        answers = self._hosts.get(host)
        if answers is None:
            answers = self._hosts[host] = deque()
            while len(self._hosts) > self.max_hosts:
                gone, _ = self._hosts.popitem(last=False)
                self._overflowed.discard(gone)
        else:
            self._hosts.move_to_end(host)
        answers.append((ts, popular))
        while answers and answers[0][0] < ts - self.horizon:
            answers.popleft()
        if len(answers) > self.max_per_host:
            answers.popleft()
            self._overflowed.add(host)

    def explains(self, host: str, ts: float, count: int, seconds: float) -> bool:
        """Whether the host's answers in the rule's window (``count`` within
        ``seconds`` up to ``ts``) reach the count only with popular names.
        One answer is allowed for that the service may not have read yet."""
        answers = self._hosts.get(host)
        if not answers or host in self._overflowed:
            return False
        lo, hi = ts - seconds - WINDOW_SLACK, ts + WINDOW_SLACK
        unpopular = popular = 0
        for t, below_popular in answers:
            if lo <= t <= hi:
                if below_popular:
                    popular += 1
                else:
                    unpopular += 1
        return explained_by_popular(unpopular, popular, count, unseen=1)
