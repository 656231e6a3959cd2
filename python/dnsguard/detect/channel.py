"""DNS tunnels and DNS C2 by what they do, not by one long label.

Three detections of ``data/detections.yaml``, each per internal host:

* :class:`ChannelDetector` (``dns_channel``): many distinct data-carrying
  names (an encoded label, or a data query type) to domains that are not
  popular, within a window, counted across all the host's domains, a
  domain counting once it has ``min_per_domain`` of them.  A tunnel never
  asks the same thing twice and may spread itself over several domains
  (RogueRobin: 7-8), so neither a label length nor a per-domain count
  catches it.
* :class:`RotationDetector` (``c2_rotation``): one leftmost label asked
  below several such domains within a window: a C2 client walking its
  domain list with one message.
* :class:`BeaconDetector` (``c2_beacon``): one random-looking name asked
  in separate rounds, never answered with an address: a client polling a
  rendezvous name (Saitama).

The caller decides what is "not popular" and gives each name's facts once
(:class:`ChannelName`); the detectors keep bounded per-host state and
return findings at the end.  No I/O, no clock.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from dnsguard.detect.encoding import name_encoding
from dnsguard.names import split_raw

IGNORED_SUFFIXES = ("in-addr.arpa", "ip6.arpa", "home.arpa", "local", "localdomain", "lan", "internal",
                    "localhost", "invalid", "test")
"""detections.yaml ``ignored_suffixes``: never counted by the channel detections."""

COMMON_LABELS = frozenset({
    "account", "accounts", "admin", "ads", "analytics", "api", "apis", "app", "apps", "assets", "auth",
    "autoconfig", "autodiscover", "beta", "blog", "cdn", "chat", "click", "cloud", "cname", "config",
    "connect", "content", "cpanel", "crl", "data", "dev", "dialin", "dns", "docs", "download", "downloads",
    "edge", "email", "enterpriseenrollment", "enterpriseregistration", "events", "exchange", "extranet",
    "files", "ftp", "gateway", "help", "home", "host", "id", "image", "images", "imap", "img", "info",
    "intranet", "isatap", "link", "links", "local", "login", "lyncdiscover", "mail", "media", "meet",
    "metrics", "mobile", "mta-sts", "mx", "mx1", "mx2", "news", "notify", "ns1", "ns2", "ns3", "ntp", "ocsp",
    "origin", "owa", "pixel", "pki", "pop", "pop3", "portal", "proxy", "public", "push", "relay", "remote",
    "search", "secure", "server", "service", "services", "settings", "shop", "sip", "sipexternal",
    "sipinternal", "smtp", "smtp-relay", "sso", "stage", "staging", "static", "stats", "status", "store",
    "support", "telemetry", "test", "time", "track", "tracking", "update", "updates", "video", "vpn",
    "webdisk", "webmail", "whm", "wpad", "www", "www1", "www2",
})
"""Leftmost labels many unrelated domains share (detections.yaml ``c2_rotation.common_labels``)."""

_RANDOMISH = re.compile(r"[a-z0-9]+\Z")


ADDRESS_QTYPES = frozenset({1, 28, 65})
"""A, AAAA and HTTPS: the query types whose answers are addresses."""


def rotation_counts(qtype: int | None, noerror: bool, answered: bool | None) -> bool:
    """Whether a query counts for ``c2_rotation`` (detections.yaml): only names
    that got no address back.  A C2 client moves to its next domain because
    the last one did not answer; a host that browses ``prod.<company>``
    names below many companies' domains gets addresses.  An empty NOERROR
    answer to AAAA or HTTPS is how IPv4-only services answer, so it does not
    count either (Zeek's ``channel_reply`` applies the same rule).
    ``answered`` None: the answers are not known (Zeek's candidates carry
    none); a NOERROR answer to an address query is then taken as answered."""
    if qtype in ADDRESS_QTYPES:
        if answered or (answered is None and noerror):
            return False
        if qtype != 1 and noerror:
            return False
    return True


@dataclass(frozen=True, slots=True)
class ChannelName:
    """What the channel detections need to know about one name, computed once
    per distinct name by the caller."""

    text: str
    """The name, lower-cased, raw bytes kept."""
    registered: str
    labels: tuple[str, ...]
    """Raw labels left of the registered domain (never empty)."""
    encoding: str | None
    """:func:`dnsguard.detect.encoding.name_encoding` of ``labels``."""
    service: bool = False
    """A label starts with ``_`` (``_dmarc``, ``s1._domainkey``, ``_ldap._tcp``)."""
    reversed_ip: bool = False
    """The name starts with a reversed IPv4 address (DNS block lists)."""
    rotates: bool = True
    """Whether :meth:`RotationDetector.eligible` (set by a caller that asks
    once per name and skips the detector for the others)."""
    random: bool = True
    """Whether :meth:`BeaconDetector.eligible` (idem)."""

    @property
    def leftmost(self) -> str:
        return self.labels[0]


def reversed_ipv4(labels: tuple[str, ...]) -> bool:
    """True when the first four labels are IPv4 octets (``4.3.2.1.zen.spamhaus.org``)."""
    return len(labels) >= 4 and all(x.isdigit() and len(x) <= 3 and int(x) < 256 for x in labels[:4])


# --------------------------------------------------------------------------- dns_channel


@dataclass
class ChannelFinding:
    host: str
    start: float
    end: float
    names: int
    """Distinct data-carrying names while the channel was open."""
    domains: Counter[str]
    """Registered domain -> distinct data-carrying names."""
    encodings: Counter[str]
    qtypes: Counter[str]
    sample: list[str] = field(default_factory=list)

    def describe(self) -> str:
        doms = ", ".join(f"{d} ({n})" for d, n in self.domains.most_common(4))
        more = f" and {len(self.domains) - 4} more" if len(self.domains) > 4 else ""
        enc = ", ".join(f"{e} {n}" for e, n in self.encodings.most_common()) or "none"
        qt = ", ".join(f"{q} {n}" for q, n in self.qtypes.most_common(5))
        return (f"{self.names} distinct data-carrying names to {len(self.domains)} domain(s) in "
                f"{self.end - self.start:.0f} s: {doms}{more}; encoded labels: {enc}; query types: {qt}")


@dataclass
class _ChannelHost:
    recent: deque[tuple[float, str, str, str, str]] = field(default_factory=deque)
    """(ts, name, registered domain, encoding, query type) of distinct names in the window."""
    in_window: set[str] = field(default_factory=set)
    per_domain: Counter[str] = field(default_factory=Counter)
    open: ChannelFinding | None = None
    seen: set[str] = field(default_factory=set)
    """Names counted into the open finding (distinct per episode)."""


class ChannelDetector:
    """``dns_channel``: distinct data-carrying names per host in a sliding window.

    A finding opens when the window holds ``min_names`` names of domains
    that have ``min_per_domain`` each, and stays open (collecting names)
    until the host sends none for ``window`` seconds."""

    MAX_HOSTS = 100_000
    MAX_SEEN = 20_000
    MAX_RECENT = 20_000
    """Names one host's window holds (names spread over domains that never
    reach ``min_per_domain`` must not grow it without limit)."""
    SAMPLE = 5

    def __init__(self, window: float, min_names: int, min_per_domain: int):
        self.window = window
        self.min_names = min_names
        self.min_per_domain = min_per_domain
        self._hosts: dict[str, _ChannelHost] = {}
        self._done: list[ChannelFinding] = []

    def observe(self, host: str, ts: float, name: ChannelName, qtype: str) -> ChannelFinding | None:
        """One data-carrying name (asked with ``qtype``, as the sensor spells it).
        Returns the host's finding when it opens."""
        state = self._hosts.get(host)
        if state is None:
            if len(self._hosts) >= self.MAX_HOSTS:
                return None
            state = self._hosts[host] = _ChannelHost()
        text = name.text
        opened = state.open
        if opened is not None:
            if ts - opened.end <= self.window:
                opened.end = max(opened.end, ts)
                if text not in state.seen and len(state.seen) < self.MAX_SEEN:
                    state.seen.add(text)
                    _count(opened, text, name.registered, name.encoding or "", qtype)
                return None
            self._done.append(opened)
            state.open = None
            state.seen = set()
        recent, inside, per_domain = state.recent, state.in_window, state.per_domain
        if text in inside:
            return None
        recent.append((ts, text, name.registered, name.encoding or "", qtype))
        inside.add(text)
        per_domain[name.registered] += 1
        while recent and (ts - recent[0][0] > self.window or len(recent) > self.MAX_RECENT):
            old = recent.popleft()
            inside.discard(old[1])
            per_domain[old[2]] -= 1
            if not per_domain[old[2]]:
                del per_domain[old[2]]
        counted = sum(n for n in per_domain.values() if n >= self.min_per_domain)
        if counted < self.min_names:
            return None
        finding = ChannelFinding(host, recent[0][0], ts, 0, Counter(), Counter(), Counter())
        for _, t, dom, enc, qt in recent:
            if per_domain[dom] >= self.min_per_domain:
                state.seen.add(t)
                _count(finding, t, dom, enc, qt)
        recent.clear()
        inside.clear()
        per_domain.clear()
        state.open = finding
        return finding

    def findings(self) -> list[ChannelFinding]:
        return self._done + [s.open for s in self._hosts.values() if s.open is not None]

    def prune(self, now: float) -> None:
        """Forget hosts silent for a window and closed findings: a caller
        that runs for weeks (the service) reads findings as they open."""
        stale = [h for h, st in self._hosts.items()
                 if (st.open is None or now - st.open.end > self.window)
                 and (not st.recent or now - st.recent[-1][0] > self.window)]
        for h in stale:
            del self._hosts[h]
        self._done.clear()


def _count(finding: ChannelFinding, text: str, registered: str, encoding: str, qtype: str) -> None:
    finding.names += 1
    finding.domains[registered] += 1
    if encoding:
        finding.encodings[encoding] += 1
    if qtype:
        finding.qtypes[qtype] += 1
    if len(finding.sample) < ChannelDetector.SAMPLE:
        finding.sample.append(text)


# --------------------------------------------------------------------------- c2_rotation


@dataclass
class RotationFinding:
    host: str
    start: float
    end: float
    labels: dict[str, list[str]]
    """Leftmost label -> the registered domains it was asked below (in order)."""

    @property
    def domains(self) -> int:
        return len({d for ds in self.labels.values() for d in ds})

    def describe(self) -> str:
        parts = [f"{label!r} below {len(ds)} domains ({', '.join(ds[:6])}{', ...' if len(ds) > 6 else ''})"
                 for label, ds in sorted(self.labels.items(), key=lambda kv: -len(kv[1]))[:3]]
        more = f"; {len(self.labels) - 3} more labels" if len(self.labels) > 3 else ""
        return (f"one label asked below several unpopular domains in turn: {'; '.join(parts)}{more} "
                f"({self.end - self.start:.0f} s)")


def _owner(registered: str) -> str:
    """The name a registered domain's owner chose (``ultradns`` for
    ``ultradns.net``): one owner under several TLDs counts once."""
    return registered.split(".", 1)[0]


class RotationDetector:
    """``c2_rotation``: the same leftmost label below ``min_domains`` registered
    domains of different names (the label left of the public suffix) within
    ``window`` seconds, per host.  A resolver asking ``pdns154.ultradns.net``,
    ``.com``, ``.org`` and ``.biz`` (one DNS provider's name servers, in
    Zeek's ``dns-edns-ecs`` trace) is one owner, not a rotation;
    RogueRobin's lists are 7-12 different names."""

    MAX_LABELS = 20_000
    MAX_DOMAINS = 64

    def __init__(self, window: float, min_domains: int, min_label_length: int = 4):
        self.window = window
        self.min_domains = min_domains
        self.min_label_length = min_label_length
        self._labels: dict[tuple[str, str], deque[tuple[float, str]]] = {}
        self._found: dict[str, RotationFinding] = {}

    def eligible(self, name: ChannelName) -> bool:
        label = name.leftmost
        return (len(label) >= self.min_label_length and not name.service and not name.reversed_ip
                and not label.startswith("_") and label not in COMMON_LABELS)

    def observe(self, host: str, ts: float, name: ChannelName) -> RotationFinding | None:
        if not self.eligible(name):
            return None
        key = (host, name.leftmost)
        asks = self._labels.get(key)
        if asks is None:
            if len(self._labels) >= self.MAX_LABELS:
                self._forget(ts)
                if len(self._labels) >= self.MAX_LABELS:
                    return None
            asks = self._labels[key] = deque()
        if any(d == name.registered for _, d in asks):
            return None
        asks.append((ts, name.registered))
        while asks and ts - asks[0][0] > self.window:
            asks.popleft()
        if len(asks) > self.MAX_DOMAINS:
            asks.popleft()
        found = self._found.get(host)
        known = found is not None and name.leftmost in found.labels
        if known:
            found.labels[name.leftmost].append(name.registered)
            found.end = max(found.end, ts)
            return None
        if len({_owner(d) for _, d in asks}) < self.min_domains:
            return None
        domains = [d for _, d in asks]
        if found is None:
            found = self._found[host] = RotationFinding(host, asks[0][0], ts, {})
            new = found
        else:
            new = None
        found.labels[name.leftmost] = domains
        found.start, found.end = min(found.start, asks[0][0]), max(found.end, ts)
        return new

    def _forget(self, now: float) -> None:
        """Drop labels last asked more than a window ago (a day of logs has
        far more (host, label) pairs than the cap; only recent ones matter)."""
        stale = [k for k, asks in self._labels.items() if not asks or now - asks[-1][0] > self.window]
        for k in stale:
            del self._labels[k]

    def findings(self) -> list[RotationFinding]:
        return list(self._found.values())

    def prune(self, now: float) -> None:
        """Forget labels and findings older than a window (see :meth:`ChannelDetector.prune`)."""
        self._forget(now)
        for host in [h for h, f in self._found.items() if now - f.end > self.window]:
            del self._found[host]


# --------------------------------------------------------------------------- c2_beacon


@dataclass
class BeaconFinding:
    host: str
    name: str
    rounds: int
    first: float
    last: float
    intervals: list[float]

    def describe(self) -> str:
        gaps = sorted(self.intervals)
        median = gaps[len(gaps) // 2] if gaps else 0.0
        return (f"{self.name} asked in {self.rounds} separate rounds over {self.last - self.first:.0f} s "
                f"(median {median:.0f} s apart), never answered with an address")


@dataclass
class _Polled:
    rounds: list[float] = field(default_factory=list)
    last: float = 0.0
    answered: bool = False


class BeaconDetector:
    """``c2_beacon``: one random-looking name asked in ``min_rounds`` rounds
    (asks within ``round_gap`` seconds are one round) within ``window``
    seconds and never answered with an address."""

    MAX_NAMES = 50_000
    MAX_ROUNDS = 1_000

    def __init__(self, window: float, min_rounds: int, round_gap: float, min_label_length: int = 8):
        self.window = window
        self.min_rounds = min_rounds
        self.round_gap = round_gap
        self.min_label_length = min_label_length
        self._names: dict[tuple[str, str], _Polled] = {}

    def eligible(self, name: ChannelName) -> bool:
        """A leftmost label that looks random: 8+ letters and digits, 2+ of each."""
        label = name.leftmost
        if len(label) < self.min_label_length or name.service or not _RANDOMISH.match(label):
            return False
        digits = sum(ch.isdigit() for ch in label)
        return digits >= 2 and len(label) - digits >= 2

    def observe(self, host: str, ts: float, name: ChannelName, answered_address: bool) -> None:
        if not self.eligible(name):
            return
        key = (host, name.text)
        polled = self._names.get(key)
        if polled is None:
            if len(self._names) >= self.MAX_NAMES:
                self._forget(ts)
                if len(self._names) >= self.MAX_NAMES:
                    return
            polled = self._names[key] = _Polled(last=ts)
            polled.rounds.append(ts)
        elif ts - polled.last > self.round_gap and len(polled.rounds) < self.MAX_ROUNDS:
            polled.rounds.append(ts)
        polled.last = max(polled.last, ts)
        polled.answered = polled.answered or answered_address

    def _forget(self, now: float) -> None:
        """Drop names that can no longer be a beacon: answered, or too few
        rounds and silent for a window (the findings come from the rest)."""
        stale = [k for k, p in self._names.items()
                 if p.answered or (len(p.rounds) < self.min_rounds and now - p.last > self.window)]
        for k in stale:
            del self._names[k]

    def prune(self, now: float) -> None:
        """Forget names silent for a window (see :meth:`ChannelDetector.prune`)."""
        self._forget(now)
        for key in [k for k, p in self._names.items() if now - p.last > self.window]:
            del self._names[key]

    def _best(self, polled: _Polled) -> int:
        """Most rounds within one window (0 once an address answered it)."""
        if polled.answered or len(polled.rounds) < self.min_rounds:
            return 0
        rounds = sorted(polled.rounds)
        best = 0
        j = 0
        for i in range(len(rounds)):
            while rounds[i] - rounds[j] > self.window:
                j += 1
            best = max(best, i - j + 1)
        return best

    def is_beacon(self, host: str, text: str) -> bool:
        """Whether ``host``'s polling of ``text`` is a finding now (for a
        caller that streams, as the service does)."""
        polled = self._names.get((host, text))
        return polled is not None and self._best(polled) >= self.min_rounds

    def findings(self) -> list[BeaconFinding]:
        out = []
        for (host, name), polled in self._names.items():
            if self._best(polled) >= self.min_rounds:
                rounds = sorted(polled.rounds)
                gaps = [b - a for a, b in zip(rounds, rounds[1:], strict=False)]
                out.append(BeaconFinding(host, name, len(rounds), rounds[0], polled.last, gaps))
        return out


def channel_name(query: str | bytes, registered: str | None, is_popular: Callable[[str], bool],
                 rotation: RotationDetector, beacon: BeaconDetector) -> ChannelName | None:
    """The channel detections' view of a query: its raw labels (bytes no
    host name has kept), or None when they do not look at it (no subdomain,
    an ignored suffix, a popular registered domain).  ``registered`` is the
    normalised name's registered domain when it has one (a raw split that
    disagrees is not used).  Shared by ``dnsguard analyze`` and the service."""
    raw = split_raw(query)
    if raw is None or (registered is not None and raw.registered != registered):
        return None
    reg = raw.registered
    if any(reg == s or reg.endswith("." + s) for s in IGNORED_SUFFIXES) or is_popular(reg):
        return None
    labels = raw.labels
    name = ChannelName(raw.text, reg, labels, name_encoding(labels),
                       service=any(x.startswith("_") for x in labels) or reg.startswith("_"),
                       reversed_ip=reversed_ipv4(labels))
    # Which per-row detections the name can take part in, decided once.
    return replace(name, rotates=rotation.eligible(name), random=beacon.eligible(name))


__all__ = ["COMMON_LABELS", "IGNORED_SUFFIXES", "BeaconDetector", "BeaconFinding", "ChannelDetector",
           "ChannelFinding", "ChannelName", "RotationDetector", "RotationFinding", "channel_name", "reversed_ipv4"]
