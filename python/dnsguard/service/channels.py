"""Tunnels and DNS C2 in the service: the detections ``analyze`` runs.

A Suricata sensor gives the service every query (EVE dns records); a Zeek
sensor the candidates its package sends.  Without this module the service
only learned of a tunnel from a sensor's alert, and named the tool only
where a Suricata rule could (19 of the 28 Domainator recordings).  It runs
the same ``dns_channel`` and ``c2_rotation`` definitions as ``dnsguard
analyze`` (:mod:`dnsguard.detect.channel`, thresholds from
``detections.yaml`` through :class:`~dnsguard.config.AnalysisSettings`)
and names the tool from the host's channel profile as analyze does
(:func:`dnsguard.detect.tools.identify`).

``c2_beacon`` and ``data_answers`` need the answers, which EVE records
carry and Zeek's candidate events do not: on the Zeek path those two are
Zeek's own notices.

The finding is streamed: a host is reported when its channel or rotation
finding opens, and again each time its profile's distinct data-carrying
names double, because the profile that names the tool grows with the
traffic; the journal keeps the stronger verdict
(:func:`dnsguard.service.hostevidence.combine`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dnsguard.config import AnalysisSettings
from dnsguard.detect.answers import answer_data, is_address
from dnsguard.detect.channel import (
    BeaconDetector,
    ChannelDetector,
    ChannelName,
    RotationDetector,
    channel_name,
    rotation_counts,
)
from dnsguard.detect.qtypes import DEFAULT_DATA_QTYPES, qtype_label
from dnsguard.detect.tools import UNKNOWN_TOOL, ChannelProfile, identify
from dnsguard.service.model import Candidate, HostVerdict

TOOL_SCORE = {"high": 0.9, "medium": 0.6}
"""A host verdict's score from the tool call's confidence."""
UNNAMED_SCORE = 0.6
"""A channel whose tool is not recognised: a tunnel all the same."""
MAX_NAME_CACHE = 50_000
"""Names whose channel view is remembered (repeats are mostly popular names)."""
MAX_PROFILE_NAMES = 20_000
MAX_HOSTS = 100_000
MAX_ANSWERS = 1_000
MIN_DATA_ANSWERS = 4
"""detections.yaml ``data_answers``: distinct data-carrying answers that make a finding."""


@dataclass(frozen=True)
class ChannelSettings:
    channel_window: float
    channel_min_names: int
    channel_min_per_domain: int
    rotation_window: float
    rotation_min_domains: int
    beacon_window: float
    beacon_min_rounds: int
    beacon_round_gap: float

    @classmethod
    def from_section(cls, analysis: dict[str, Any]) -> ChannelSettings:
        """From the config's ``analysis:`` section, each key defaulting to
        :class:`~dnsguard.config.AnalysisSettings`' (checked against
        detections.yaml by tests/test_detection_definitions.py)."""
        def get(key: str, kind: type) -> Any:
            return kind(analysis.get(key, getattr(AnalysisSettings, key)))

        return cls(get("channel_window", float), get("channel_min_names", int), get("channel_min_per_domain", int),
                   get("rotation_window", float), get("rotation_min_domains", int), get("beacon_window", float),
                   get("beacon_min_rounds", int), get("beacon_round_gap", float))


@dataclass
class _Profiled:
    profile: ChannelProfile
    names: set[str]
    reported: int = 0
    """Distinct names in the profile when the host was last reported."""
    answers: set[str] | None = None
    beacons: set[str] | None = None
    last: float = 0.0
    """Sensor time of the host's latest name here."""


class ChannelWatch:
    """Per-host channel and rotation detection over the service's candidates."""

    def __init__(self, settings: ChannelSettings, is_popular: Callable[[str], bool],
                 max_names: int = MAX_NAME_CACHE, max_hosts: int = MAX_HOSTS):
        s = settings
        self.max_names = max_names
        self.max_hosts = max_hosts
        self.idle = max(s.channel_window, s.rotation_window, s.beacon_window)
        """Sensor seconds after which a silent host's state is forgotten."""
        self._pruned = float("-inf")
        self.channel = ChannelDetector(s.channel_window, s.channel_min_names, s.channel_min_per_domain)
        self.rotation = RotationDetector(s.rotation_window, s.rotation_min_domains)
        self.beacon = BeaconDetector(s.beacon_window, s.beacon_min_rounds, s.beacon_round_gap)
        self.is_popular = is_popular
        self._names: dict[str, ChannelName | None] = {}
        self._hosts: OrderedDict[str, _Profiled] = OrderedDict()
        self.findings = 0

    def _name(self, query: str | bytes, registered: str | None, subdomain: bool) -> ChannelName | None:
        if registered is not None and not subdomain:
            return None  # a valid name with no subdomain carries nothing
        key = query if isinstance(query, str) else None
        if key is not None and key in self._names:
            return self._names[key]
        # registered None: a raw name that is no host name (dns2tcp's base64, iodine's 8-bit) - evidence here.
        name = channel_name(query, registered, self.is_popular, self.rotation, self.beacon)
        if key is not None:
            if len(self._names) >= self.max_names:
                self._names.clear()
            self._names[key] = name
        return name

    def _host(self, host: str, ts: float) -> _Profiled:
        state = self._hosts.get(host)
        if state is None:
            if len(self._hosts) >= self.max_hosts:
                self._hosts.popitem(last=False)
            state = self._hosts[host] = _Profiled(ChannelProfile(), set())
        self._hosts.move_to_end(host)
        state.last = max(state.last, ts)
        return state

    def prune(self, now: float) -> None:
        """Forget what a window of silence has made stale (hosts' profiles
        included: a host that tunnels again later is a new episode)."""
        self.channel.prune(now)
        self.rotation.prune(now)
        self.beacon.prune(now)
        for host in [h for h, st in self._hosts.items() if now - st.last > self.idle]:
            del self._hosts[host]
        self._pruned = now

    def observe(self, cand: Candidate, now: float, registered: str | None, subdomain: bool,
                device: str = "") -> HostVerdict | None:
        """One candidate, with what the caller's normalisation found
        (``registered`` None: not a valid host name); a host verdict when
        this host's finding opens or its profile has doubled since it was
        last reported."""
        if cand.ts - self._pruned > self.idle:
            self.prune(cand.ts)
        name = self._name(cand.query, registered, subdomain)
        if name is None or name.reversed_ip:
            return None
        host = cand.orig_h
        opened = None
        data = name.encoding is not None or (not name.service and DEFAULT_DATA_QTYPES.carries_data(cand.qtype))
        state = None
        if data:
            state = self._host(host, cand.ts)
            if name.text not in state.names and len(state.names) < MAX_PROFILE_NAMES:
                state.names.add(name.text)
                state.profile.add(name.labels, name.encoding, qtype_label(cand.qtype))
            found = self.channel.observe(host, cand.ts, name, qtype_label(cand.qtype))
            if found is not None:
                opened = found.describe()
        # Zeek's candidates carry no answers: whether one came back is not known
        if name.rotates and rotation_counts(cand.qtype, cand.rcode == 0, bool(cand.answers)
                                            if cand.answers or cand.source != "zeek" else None):
            rotated = self.rotation.observe(host, cand.ts, name)
            if rotated is not None:
                state = state or self._host(host, cand.ts)
                state.profile.note_rotation(rotated.labels)
                opened = rotated.describe()
        random = name.random
        if random:
            self.beacon.observe(host, cand.ts, name, any(map(is_address, cand.answers)))
            if self.beacon.is_beacon(host, name.text):
                state = state or self._host(host, cand.ts)
                polled = state.beacons = state.beacons or set()
                if name.text not in polled:
                    polled.add(name.text)
                    state.profile.beacons = len(polled)
                    opened = f"c2_beacon: {name.text} polled in {self.beacon.min_rounds}+ rounds, never answered"
        if cand.answers and (data or random) and not name.service:
            state = state or self._host(host, cand.ts)
            seen = state.answers = state.answers or set()
            before = sum(state.profile.data_answers.values())
            for answer in cand.answers:
                kind = answer_data(answer)
                if kind is not None and answer not in seen and len(seen) < MAX_ANSWERS:
                    seen.add(answer)
                    state.profile.data_answers[kind] += 1
            after = sum(state.profile.data_answers.values())
            if before < MIN_DATA_ANSWERS <= after:
                opened = f"data_answers: {after} distinct answers carry data"
        if state is None:
            return None
        if opened is None:
            # Open already: report again once the profile has doubled (the tool call firms up).
            if not state.reported or len(state.names) < 2 * state.reported:
                return None
            opened = f"channel grew to {len(state.names)} distinct data-carrying names"
        state.reported = max(1, len(state.names))
        self.findings += 1
        return self._verdict(host, state, opened, now, device)

    def _verdict(self, host: str, state: _Profiled, what: str, now: float, device: str) -> HostVerdict:
        call = identify(state.profile)
        named = call.family != UNKNOWN_TOOL
        family = call.family if named else "unknown"
        score = TOOL_SCORE.get(call.confidence, UNNAMED_SCORE) if named else UNNAMED_SCORE
        evidence = (f"dnsguard {what}; tool: {call.describe()}" + (f"; device {device}" if device else ""))
        sample = tuple(sorted(state.names))[:5]
        return HostVerdict(host, family, "c2", score, evidence, now, device, sample)
