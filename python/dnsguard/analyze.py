"""From DNS records to per-host verdicts.

The analyst's question is "which machines are compromised, by what, how
sure are we, what next", so everything here is keyed by internal host:
detections feed evidence into a host's state, and :meth:`Analyzer.finish`
turns the states into :class:`HostReport` rows with a verdict, families,
confidence, a recommended next step per finding and a timeline.

Memory is bounded whatever the input size: per-name facts (normalisation,
feed match, device fingerprint) are cached in a bounded dict, lexical DGA
scores are computed in batches as names arrive (no per-host name lists
kept until the end), and every per-host collection has a cap.  The
known-DGA forecast is computed for each new day the input reaches (the
capture's own dates, whatever today is; at most :data:`MAX_FORECAST_DAYS`).

A host's family comes from one rule shared with ``dnsguard serve``
(:mod:`dnsguard.hostfamily`): known-DGA forecast matches (exact generated
names) name it when there are any; otherwise the log-sum of the family
distributions of the host's DGA-like names, which abstains when the best
family does not beat the runner-up by the margin per name.  Computed once
per host at :meth:`Analyzer.finish`, never per line.
"""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from dnsguard.config import AnalysisSettings
from dnsguard.detect.answers import DataAnswersDetector, is_address
from dnsguard.detect.channel import (
    BeaconDetector,
    ChannelDetector,
    ChannelName,
    RotationDetector,
    channel_name,
    rotation_counts,
)
from dnsguard.detect.devices import DeviceTagger
from dnsguard.detect.fastflux import FastFluxDetector, FluxSettings
from dnsguard.detect.nxalerts import WINDOW_SLACK, explained_by_popular
from dnsguard.detect.nxdomain import NxdomainBurstDetector
from dnsguard.detect.qtypes import DEFAULT_DATA_QTYPES, qtype_label, qtype_number
from dnsguard.detect.tools import UNKNOWN_TOOL, ChannelProfile, ToolCall, identify
from dnsguard.detect.tunnel import TunnelDetector
from dnsguard.feeds.families import canonical_family, display_family, is_iab
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.hostfamily import (
    FAMILY_MARGIN,
    LOG_FLOOR,
    FamilyCall,
    family_from_totals,
    shape_checked,
)
from dnsguard.inputs.addresses import IpCache
from dnsguard.inputs.zeek import DnsJsonRows, DnsRows, unescape
from dnsguard.names import Rejected, normalize, parents
from dnsguard.records import DnsRecord, InputStats, SensorAlert, plausible_ts

if TYPE_CHECKING:
    from dnsguard.dga.shapes import FamilyShapes

MITRE = {
    "feed": ("T1071.004",),
    "forecast": ("T1568.002",),
    "dga": ("T1568.002",),
    "nxdomain-burst": ("T1568.002",),
    "tunnel": ("T1048.003", "T1071.004"),
    "fast-flux": ("T1568.001",),
    "host-verdict": ("T1071.004",),
    "sensor-alert": ("T1071.004",),
    "sensor-major": ("T1071.004",),
    "dns-channel": ("T1071.004", "T1048.003"),
    "c2-rotation": ("T1071.004", "T1008"),
    "c2-beacon": ("T1071.004",),
    "data-answers": ("T1071.004",),
}
CHANNEL_KINDS = ("dns-channel", "c2-rotation", "c2-beacon")
"""analyze's tunnel / DNS-C2 detections (detections.yaml dns_channel, c2_rotation, c2_beacon)."""
STRONG_KINDS = ("feed", "forecast", "tunnel", "host-verdict", "sensor-major") + CHANNEL_KINDS
"""One of these alone makes a host compromised."""
MAJOR_SEVERITIES = frozenset({"major", "critical"})
"""A Suricata alert whose ``signature_severity`` metadata is one of these (the
pack's listed-domain, DGA-shape, repeated-NXDOMAIN, tunnel and C2 rules
are Major) makes a host compromised on its own,
as does metadata ``dnsguard_verdict: compromised``."""
MAX_PROFILE_NAMES = 20_000
"""Distinct data-carrying names per host fed to tool identification."""
REPEATED_BURSTS = 3
VERDICT_ORDER = {"compromised": 0, "suspicious": 1, "clean": 2}
MAX_EVIDENCE_PER_KIND = 100
MAX_DISTINCT_EVIDENCE = 5_000
MAX_FLAGGED_NAMES = 500
MAX_NAME_CACHE = 200_000
SCORE_BATCH = 4_096
MAX_PENDING = 65_536
"""Records waiting for their name's score; a few names repeated many times
must not grow this without limit before a batch fills."""
MAX_SCORE_CACHE = 500_000
MAX_CIDS = 100_000
MAX_ADDRESSES_PER_NAME = 16
MAX_RESOLVED_NAMES = 50_000
"""Names whose resolved addresses are kept (names that are not quiet only)."""
"""uid -> Community ID entries kept for findings that carry only a uid (cleared when full)."""
TIMELINE_BUCKET = 300
MAX_TIMELINE_BUCKETS = 20_000
MAX_RAW_HOSTS = 100_000
MAX_FORECAST_DAYS = 40
"""Days of known-DGA names computed for one input (about 0.9 CPU-s each):
a month of sensor logs with a day either side.  Later days are not matched,
with a note; ``--since/--until`` chooses the days."""
FAMILY_BATCH = 4_096
"""Names per family-distribution call at the end of a run."""
BURST_FAMILY_MARGIN = 2.0
"""Margin (nats per name) the host-family rule needs when it also sums the
host's NXDOMAIN-burst names, for hosts its DGA-like names leave unnamed.
Why: the attributor knows families the detector scores low (QSnatch's
and Suppobox's names score near 0 as generated, yet nearly every one of
them gets its own family), and a burst's names are the bot's draws; but
the draws of a family the model never saw lean to some broad known one
(Nymaim, Necurs, Pykspa) by 0.8-2 nats per name.  Measured on generated
hosts of known families and on bench/dga_unseen_hosts.py (docs/triage.md)."""
FAMILY_NXDOMAIN_ONLY = False
"""Whether the host family rule counts only DGA-like names that got NXDOMAIN
(the service's input) or every DGA-like name of the host (see docs/triage.md)."""
NOTICE_KINDS = {
    "DNSGuard::Intel_Domain": "feed",
    "DNSGuard::NXDOMAIN_Burst": "nxdomain-burst",
    "DNSGuard::Tunnel_Subdomains": "tunnel",
    "DNSGuard::TXT_Volume": "tunnel",
    "DNSGuard::Tunnel_Long_Label": "sensor-alert",
    "DNSGuard::Fast_Flux": "fast-flux",
    "DNSGuard::Scorer_Verdict": "sensor-alert",
    "DNSGuard::Host_Verdict": "host-verdict",
    "DNSGuard::DNS_Channel": "dns-channel",
    "DNSGuard::C2_Rotation": "c2-rotation",
    "DNSGuard::C2_Beacon": "c2-beacon",
}

_I_SCORE, _I_QUIET, _I_CHANNEL = 6, 7, 8
"""Positions in a cached name's facts (see :meth:`Analyzer._classify`)."""

Forecaster = Callable[[list[dt.date]], dict[str, tuple[str, str]]]
FamilyDistributor = Callable[[list[str]], object]
"""list of names -> :class:`dnsguard.dga.FamilyDistribution` (``families``, ``log_probability``)."""


@dataclass
class Evidence:
    kind: str
    """feed, forecast, dga, nxdomain-burst, tunnel, fast-flux, host-verdict, sensor-alert."""
    ts: float
    name: str
    detail: str
    family: str = ""
    threat: str = ""
    score: float | None = None
    uid: str = ""
    mitre: tuple[str, ...] = ()
    count: int = 1
    """How many times this finding (same kind and name) was seen."""
    last: float | None = None
    """When it was last seen (None: only once)."""
    source: str = ""
    """Who saw it: ``dnsguard`` (this analysis), ``suricata``, ``zeek``."""
    next_step: str = ""
    community_id: str = ""
    """Community ID v1 of the flow (the pivot that works on any sensor and in
    Security Onion; ``uid`` is only valid on the sensor run that wrote it).
    Empty for findings about many flows (bursts, tunnels)."""
    addresses: list[str] = field(default_factory=list)
    """Addresses the name resolved to in the input (any client's answers, at
    most :data:`MAX_ADDRESSES_PER_NAME`): what a firewall block needs."""


@dataclass
class HostFamily:
    """Which family the host runs, decided by :mod:`dnsguard.hostfamily`'s rule, and why."""

    family: str
    """The family named, or ``unknown`` (the rule abstained)."""
    source: str
    """``forecast`` (exact known-DGA names), ``log-sum`` (lexical rule named it)
    or ``abstain`` (lexical rule: too close to call)."""
    names: int
    """Names counted: distinct forecast matches of the family, or DGA-like names summed."""
    margin: float | None
    """Lexical rule: mean nats per name of the best family over the runner-up (None: not computed)."""
    runner_up: str
    """Lexical rule: the second-best family."""
    lexical: str
    """Lexical rule: its best family, also when it abstains or the forecast overrides it."""
    detail: str
    """One line for the report."""
    confidence: str = ""
    """Tool identification (source ``tool``): ``high``, ``medium``, ``low``."""
    features: list[str] = field(default_factory=list)
    """Tool identification: the features of the traffic that decided it."""


@dataclass
class SuspiciousName:
    name: str
    score: float
    reasons: list[str]


@dataclass
class HostReport:
    host: str
    device: str
    verdict: str
    confidence: str
    families: dict[str, str]
    """family -> threat type."""
    evidence_counts: dict[str, int]
    """Distinct findings per kind (a name seen a hundred times is one finding)."""
    queries: int
    nxdomain: int
    top_names: list[SuspiciousName]
    evidence: list[Evidence]
    mitre: list[str]
    next_steps: list[str]
    first_seen: float | None = None
    last_seen: float | None = None
    timeline: list[tuple[float, int, int]] = field(default_factory=list)
    """(bucket start, queries, NXDOMAIN) per :data:`TIMELINE_BUCKET` seconds;
    only for hosts that are not clean (the HTML report plots them)."""
    family: HostFamily | None = None
    """The host-level family and its evidence (None: no DGA names to judge)."""


MAX_NX_ANSWERS = 2_000_000
"""NXDOMAIN answer times kept (16 MB) to check Suricata's NXDOMAIN alerts against;
past it every such alert counts as the sensor said."""
NX_BURST_QTYPES = frozenset({"A", "AAAA", "HTTPS", "ANY", "*", "1", "28", "65", "255", "", "-"})
"""Query types whose NXDOMAIN answers count towards a burst (detections.yaml
``nxdomain_burst.qtypes``, by name as Zeek and Suricata log them, or number;
an unknown type counts)."""


class _Host:
    __slots__ = ("client", "queries", "nxdomain", "first", "last", "evidence", "counts", "families", "seen",
                 "flagged", "buckets", "bucket", "counts_now")

    def __init__(self, ts: float, client: str = ""):
        self.client = client
        self.queries = 0
        self.nxdomain = 0
        self.first = ts
        self.last = ts
        self.evidence: list[Evidence] = []
        self.counts: Counter[str] = Counter()
        self.families: dict[str, str] = {}
        self.seen: dict[tuple[str, str], Evidence] = {}
        self.flagged: dict[str, list] = {}
        """fqdn -> [nxdomain, first ts, uid, score, family, reasons, community id, unresolved] of
        DGA-like names; unresolved: NXDOMAIN, another error, or no answer seen (the
        DGA-like names that make a sign, see :func:`judge`)."""
        self.buckets: dict[int, list[int]] = {}
        self.bucket = -1
        """The timeline bucket last counted into (logs are mostly in time order)."""
        self.counts_now: list[int] = [0, 0]

    def add(self, ev: Evidence, dedupe: bool = True) -> None:
        """Record a finding; the same kind and name again only counts."""
        if ev.family:
            # One family, whatever the source's spelling (QakBot, qakbot).
            same = next((f for f in self.families if f.lower() == ev.family.lower()), ev.family)
            self.families.setdefault(same, ev.threat or "unknown")
        key = (ev.kind, ev.name)
        if dedupe:
            old = self.seen.get(key)
            if old is not None:
                old.count += 1
                old.last = ev.ts if old.last is None else max(old.last, ev.ts)
                return
            if len(self.seen) < MAX_DISTINCT_EVIDENCE:
                self.seen[key] = ev
        self.counts[ev.kind] += 1
        if self.counts[ev.kind] <= MAX_EVIDENCE_PER_KIND:
            self.evidence.append(ev)


@dataclass
class Analysis:
    hosts: list[HostReport]
    stats: InputStats
    rejected_names: Counter[str]
    first_ts: float | None
    last_ts: float | None
    notes: list[str]
    timeline: list[tuple[float, int, int]] = field(default_factory=list)
    """Network-wide (bucket start, queries, NXDOMAIN)."""
    score_histogram: list[int] = field(default_factory=list)
    """Distinct names per lexical-score tenth (0-0.1 ... 0.9-1.0)."""
    since: float | None = None
    until: float | None = None
    """The ``--since/--until`` window records were limited to (None: open)."""

    def summary(self) -> dict[str, object]:
        return summarise(self.hosts)

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "window": {"first": self.first_ts, "last": self.last_ts},
            "input": {
                "records": self.stats.records,
                "alerts": self.stats.alerts,
                "files": self.stats.files,
                "skipped": dict(self.stats.skipped),
                "rejected_names": dict(self.rejected_names),
                "warnings": self.stats.warnings,
            },
            "notes": self.notes,
            "time_window": {"since": self.since, "until": self.until},
            "timeline": self.timeline,
            "score_histogram": self.score_histogram,
            "hosts": [asdict(h) for h in self.hosts],
        }


def summarise(hosts: list[HostReport]) -> dict[str, object]:
    """The network view, as the Akamai report tells it: share of hosts
    compromised, families and their threat types, how many of the
    compromised hosts are NAS boxes, and the evidence seen most widely."""
    compromised = [h for h in hosts if h.verdict == "compromised"]
    suspicious = [h for h in hosts if h.verdict == "suspicious"]
    families: Counter[str] = Counter()
    threats: dict[str, str] = {}
    threat_hosts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    for h in compromised + suspicious:
        for fam, threat in h.families.items():
            fam = spelling.setdefault(fam.lower(), fam)
            families[fam] += 1
            threats[fam] = threat
        for threat in set(h.families.values()):
            threat_hosts[threat] += 1
    nas = [h for h in compromised if h.device.startswith("nas")]
    spread: Counter[tuple[str, str]] = Counter()
    family_of: dict[tuple[str, str], str] = {}
    for h in compromised + suspicious:
        keys: set[tuple[str, str]] = set()
        for ev in h.evidence:
            if ev.kind in ("feed", "tunnel", "fast-flux", "host-verdict", "sensor-alert", "sensor-major")\
                    + CHANNEL_KINDS:
                # A sensor alert is summed up by its rule (one rule, many names);
                # the rest by the name they concern.
                key = (ev.kind, ev.detail if ev.kind.startswith("sensor-") else ev.name)
                keys.add(key)
                family_of.setdefault(key, ev.family)
        spread.update(keys)  # hosts, not alerts: one rule firing 25 times on a host is one host
        if h.evidence_counts.get("forecast"):
            for fam in h.families:
                spread[("forecast", f"{fam} DGA names")] += 1
                family_of[("forecast", f"{fam} DGA names")] = fam
        if h.evidence_counts.get("nxdomain-burst"):
            spread[("nxdomain-burst", "NXDOMAIN bursts")] += 1
    return {
        "hosts": len(hosts),
        "compromised": len(compromised),
        "suspicious": len(suspicious),
        "share_compromised": round(len(compromised) / len(hosts), 4) if hosts else 0.0,
        "nas_hosts": sum(1 for h in hosts if h.device.startswith("nas")),
        "compromised_nas": len(nas),
        "share_compromised_nas": round(len(nas) / len(compromised), 4) if compromised else 0.0,
        "families": {f: {"hosts": n, "threat": threats[f]} for f, n in families.most_common()},
        "threat_types": dict(threat_hosts.most_common()),
        "top_evidence": [{"kind": k, "name": n, "hosts": c, "family": family_of.get((k, n), "")}
                         for (k, n), c in spread.most_common(10)],
    }


class Analyzer:
    """Feed records in with :meth:`observe`, then call :meth:`finish` once."""

    def __init__(
        self,
        settings: AnalysisSettings,
        indicators: IndicatorIndex,
        forecaster: Forecaster | None = None,
        scorer=None,
        flux: FluxSettings | None = None,
        stats: InputStats | None = None,
        family_distribution: FamilyDistributor | None = None,
        family_margin: float = FAMILY_MARGIN,
        since: float | None = None,
        until: float | None = None,
        popular: Callable[[str], bool] | None = None,
        family_shapes: FamilyShapes | None = None,
    ):
        """``forecaster`` maps a list of days to {known-DGA name: (family, threat)};
        it runs for each day the input reaches (plus a day either side, for
        skewed bot clocks).  ``scorer`` is a callable list[str] -> list[dga Verdict].
        ``family_distribution`` (list[str] -> dga FamilyDistribution) lets
        :meth:`finish` name each host's family by the shared log-sum rule
        with ``family_margin`` nats per name.  Records and alerts before
        ``since`` or at/after ``until`` (epoch seconds) are skipped.
        ``popular`` says whether a registered domain is popular (the shipped
        allowlist): the tunnel and DNS-C2 detections never count those.
        ``family_shapes`` (the model's :mod:`dnsguard.dga.shapes`) lets that
        rule name a family only for hosts whose names fit its recipe."""
        self.settings = settings
        self.family_distribution = family_distribution
        self.family_shapes = family_shapes
        self.family_margin = family_margin
        self.since = -math.inf if since is None else float(since)
        self.until = math.inf if until is None else float(until)
        self._forecast_days = 0
        self.indicators = indicators
        self.forecaster = forecaster
        self.scorer = scorer
        self.allow = tuple(a.lower().strip(".") for a in settings.allowlist)
        self.hosts: dict[str, _Host] = {}
        self.rejected: Counter[str] = Counter()
        self.nx = NxdomainBurstDetector(
            settings.nxdomain_window, settings.nxdomain_threshold, settings.nxdomain_unique_names
        )
        self.tunnels = TunnelDetector(settings.tunnel_label_length, settings.tunnel_min_queries,
                                      settings.tunnel_window)
        self.flux = FastFluxDetector(flux or FluxSettings())
        self.devices = DeviceTagger(settings.devices, settings.device_min_names)
        self.popular = popular
        self.channel = ChannelDetector(settings.channel_window, settings.channel_min_names,
                                       settings.channel_min_per_domain)
        self.rotation = RotationDetector(settings.rotation_window, settings.rotation_min_domains)
        self.beacon = BeaconDetector(settings.beacon_window, settings.beacon_min_rounds, settings.beacon_round_gap)
        self.data_answers = DataAnswersDetector()
        from dnsguard.suricata.rules import nxdomain_thresholds

        self._nx_rules = nxdomain_thresholds()
        self._nx_answers: dict[str, tuple[array, array]] = {}
        """Per client, the times of the NXDOMAINs that count towards a burst and of
        those below popular domains: what a Suricata NXDOMAIN alert is checked against."""
        self._nx_answers_kept = 0
        self._nx_alerts: list[SensorAlert] = []
        self._profiles: dict[str, ChannelProfile] = {}
        self._profiled: dict[str, set[str]] = {}
        self._popular: dict[str, bool] = {}
        self._qtype_cache: dict[str, tuple[bool, str, int | None]] = {}
        self._names: dict[str, list | str | tuple] = {}
        self._day_lo = self._day_hi = 0.0
        self._host_by_raw: dict[str, _Host] = {}
        self._known: dict[str, tuple[str, str]] = {}
        self._days: set[int] = set()
        self._scores: dict[str, float] = {}
        self._flag_info: dict[str, tuple[float, str, tuple[str, ...]]] = {}
        self._to_score: set[str] = set()
        self._pending: list[tuple[_Host, str, bool, bool, float, str, str]] = []
        self._cids: dict[str, str] = {}
        """uid -> Community ID of flows with a name that is not quiet (bounded)."""
        self._resolved: dict[str, set[str]] = {}
        """fqdn -> addresses it resolved to, for names that are not quiet (bounded)."""
        self._ip = IpCache()
        self._histogram = [0] * 10
        self._timeline: dict[int, list[int]] = {}
        self.notes: list[str] = []
        self.stats = stats
        """Where a record with an implausible time stamp is counted as skipped."""

    # ------------------------------------------------------------------ per name

    def _allowlisted(self, fqdn: str) -> bool:
        return any(fqdn == a or fqdn.endswith("." + a) for a in self.allow)

    def _classify(self, query: str) -> list | str | tuple:
        """Facts about one name that do not depend on who asked: computed
        once per distinct name (bounded cache).  A str is a rejection reason;
        a tuple (reason, :class:`ChannelName`) a rejected name that goes to
        the channel detections only (never to feeds or the DGA scorer);
        otherwise a list indexed by the ``_I_*`` constants."""
        parsed = normalize(query)
        if isinstance(parsed, Rejected):
            channel = self._channel_name(query, None)
            info: list | str | tuple = parsed.reason if channel is None else (parsed.reason, channel)
        else:
            fqdn, registered, sub = parsed.fqdn, parsed.registered, parsed.subdomain
            allowed = self._allowlisted(fqdn)
            feed = None
            if not allowed:
                match = self.indicators.match_name(parsed, now=None)
                if match is not None:
                    ind = match.indicator
                    how = "exact" if match.exact else f"parent {match.matched}"
                    feed = (f"{how} match in {','.join(ind.sources)} (confidence {ind.confidence})",
                            ind.family, ind.threat, ",".join(ind.sources))
            longest = max(len(label) for label in sub.split(".")) if sub else 0
            channel = None if allowed or not sub else self._channel_name(query, registered)
            info = [fqdn, registered, sub, allowed, feed, longest, self._scores.get(fqdn), False, channel]
            self._set_quiet(info)
        if len(self._names) >= MAX_NAME_CACHE:
            self._names.clear()
        self._names[query] = info
        return info

    def _channel_name(self, query: str, registered: str | None) -> ChannelName | None:
        """:func:`dnsguard.detect.channel.channel_name` with analyze's popular test."""
        return channel_name(query, registered, self._is_popular, self.rotation, self.beacon)

    def _is_popular(self, registered: str) -> bool:
        known = self._popular.get(registered)
        if known is None:
            known = self._allowlisted(registered) or (self.popular is not None and self.popular(registered))
            if len(self._popular) >= MAX_NAME_CACHE:
                self._popular.clear()
            self._popular[registered] = known
        return known

    def _set_quiet(self, info: list) -> None:
        """A quiet name needs nothing beyond counting when it is answered
        normally: allowlisted, or not a feed / forecast / device / tunnel
        candidate and already scored below the DGA threshold.  A quiet name
        below an unpopular domain still goes to the channel detections
        (:meth:`_channel_event`), and only there: the fast paths call it
        directly, without the per-row work of :meth:`_name_event`."""
        fqdn, registered, _, allowed, feed, longest, score, _, _ = info
        if allowed:
            info[_I_QUIET] = not self.devices.knows(registered)
            return
        info[_I_QUIET] = (feed is None and fqdn not in self._known
                          and longest < self.tunnels.label_length
                          and not self.devices.knows(registered)
                          and (not registered or self.scorer is None
                               or (score is not None and score < self.settings.dga_threshold)))

    def _new_day(self, ts: float) -> None:
        """The input reached a day not seen yet: extend the forecast."""
        day = int(ts // 86400)
        # The fast in-day test of the hot loops doubles as the --since/--until test.
        self._day_lo, self._day_hi = max(day * 86400.0, self.since), min((day + 1) * 86400.0, self.until)
        wanted = [d for d in (day - 1, day, day + 1) if d not in self._days]
        self._days.update(wanted)
        if self.forecaster is None or not wanted:
            return
        if self._forecast_days + len(wanted) > MAX_FORECAST_DAYS:
            if self._forecast_days < MAX_FORECAST_DAYS + 1:
                self._forecast_days = MAX_FORECAST_DAYS + 1
                self.notes.append(
                    f"known-DGA forecast limited to {MAX_FORECAST_DAYS} days: names from "
                    f"{dt.date(1970, 1, 1) + dt.timedelta(days=day)} on were not matched against it "
                    "(use --since/--until to choose the days)")
            return
        self._forecast_days += len(wanted)
        epoch = dt.date(1970, 1, 1)
        self._known.update(self.forecaster([epoch + dt.timedelta(days=d) for d in wanted]))
        self._names.clear()  # cached "quiet" flags did not know the new names

    def _enter_day(self, ts: float, stats: InputStats | None) -> bool:
        """A record outside the current day window: False (and counted as
        skipped) when its time stamp is implausible or outside
        --since/--until, else the day becomes current.  Runs once per day
        change, never per line."""
        if not plausible_ts(ts):  # 1e20, nan, inf: a bad line, like the readers say
            self._bad_ts(stats, counted=True)
            return False
        if self._outside(ts, stats):
            return False
        self._new_day(ts)
        return True

    def _outside(self, ts: float, stats: InputStats | None) -> bool:
        """True (and the record counted as skipped) when ``ts`` is outside --since/--until.
        Only reached when ``ts`` is outside the current day window, so in-window
        lines pay nothing for it."""
        if self.since <= ts < self.until:
            return False
        if stats is not None:
            stats.skip("records outside the --since/--until window")
            stats.records -= 1
        return True

    @staticmethod
    def _bad_ts(stats: InputStats | None, counted: bool) -> None:
        """A record whose time stamp no sensor wrote (readers skip these
        already; records from elsewhere get the same treatment)."""
        if stats is not None:
            stats.skip("missing or bad ts / id.orig_h")
            if counted:
                stats.records -= 1

    def _host(self, client: str, ts: float) -> _Host:
        host = self.hosts.get(client)
        if host is None:
            host = self.hosts[client] = _Host(ts, client)
        return host

    # ------------------------------------------------------------------ observe

    def observe(self, event: DnsRecord | SensorAlert | DnsRows | DnsJsonRows) -> None:
        kind = type(event)
        if kind is DnsRows:
            self.observe_rows(event)
            return
        if kind is DnsJsonRows:
            self.observe_json_rows(event)
            return
        if kind is not DnsRecord and isinstance(event, SensorAlert):
            self._observe_alert(event)
            return
        rec = event
        ts = rec.ts
        if not self._day_lo <= ts < self._day_hi and not self._enter_day(ts, self.stats):
            return
        host = self._host(rec.client, ts)
        nxdomain = rec.rcode == "NXDOMAIN"
        self._count(host, ts, nxdomain)
        info = self._names.get(rec.query)
        if info is None:
            info = self._classify(rec.query)
        if type(info) is not list:
            self._rejected(rec.client, ts, info, rec.qtype, rec.answers, rec.rcode)
            return
        self._name_event(host, rec.client, ts, info, nxdomain, rec.uid, rec.answers, rec.ttls, rec.qtype,
                         rec.community_id, rec.answers, rec.rcode)

    def _count(self, host: _Host, ts: float, nxdomain: bool) -> None:
        host.queries += 1
        if ts > host.last:
            host.last = ts
        elif ts < host.first:
            host.first = ts
        bucket = int(ts // TIMELINE_BUCKET)
        counts = host.buckets.get(bucket)
        if counts is None:
            counts = [0, 0]
            if len(host.buckets) < MAX_TIMELINE_BUCKETS:
                host.buckets[bucket] = counts
        counts[0] += 1
        if nxdomain:
            counts[1] += 1
            host.nxdomain += 1

    def observe_rows(self, block: DnsRows) -> None:
        """The hot path for dns.log TSV: columns are read straight from the
        split rows, and a row for a quiet name that was answered normally
        costs only the counting.  Anything else goes through the same
        :meth:`_name_event` as :meth:`observe`."""
        c = block.columns
        if c.rcode is None or c.answers is None:
            for rec in block.records():  # an unusual dns.log without these columns
                self.observe(rec)
            return
        its, ih, iq, ir, ia = c.ts, c.orig_h, c.query, c.rcode, c.answers
        set_sep = block.set_sep
        flux_min = max(1, self.flux.s.min_records - 1)
        flux_len = 8 * self.flux.s.min_records - 1  # shortest text of that many IPv4 addresses
        names = self._names
        by_raw = self._host_by_raw
        rejected = self.rejected
        quiet_at = _I_QUIET
        width = TIMELINE_BUCKET
        day_lo, day_hi = self._day_lo, self._day_hi
        for cols in block.rows:
            try:
                ts = float(cols[its])
            except ValueError:
                rec = _one(block, cols)
                if rec is not None:
                    self.observe(rec)
                    day_lo, day_hi = self._day_lo, self._day_hi
                continue
            if not day_lo <= ts < day_hi:
                if not self._enter_day(ts, block.stats):
                    continue
                day_lo, day_hi = self._day_lo, self._day_hi
            host = by_raw.get(cols[ih])
            if host is None:
                host = self._host_for_raw(cols[ih], ts, block)
                if host is None:
                    continue
            nxdomain = cols[ir] == "NXDOMAIN"
            # _count, inlined: this runs for every line of a day of logs.
            host.queries += 1
            if ts > host.last:
                host.last = ts
            elif ts < host.first:
                host.first = ts
            bucket = int(ts // width)
            if bucket == host.bucket:
                counts = host.counts_now
            else:
                counts = host.buckets.get(bucket)
                if counts is None:
                    counts = [0, 0]
                    if len(host.buckets) < MAX_TIMELINE_BUCKETS:
                        host.buckets[bucket] = counts
                host.bucket, host.counts_now = bucket, counts
            counts[0] += 1
            if nxdomain:
                counts[1] += 1
                host.nxdomain += 1
            query = cols[iq]
            info = names.get(query)
            if info is None:
                if query == "-":
                    block.stats.skip("no query name")
                    block.stats.records -= 1
                    host.queries -= 1
                    counts[0] -= 1
                    continue
                info = self._classify(unescape(query) if "\\x" in query else query)
                names[query] = info
            if type(info) is not list:
                if type(info) is str:
                    rejected[info] += 1
                else:  # a raw name: the channel detections only
                    raw_answers = cols[ia]
                    self._rejected(host.client, ts, info, cols[c.qtype] if c.qtype is not None else "",
                                   tuple(raw_answers.split(set_sep))
                                   if raw_answers != "-" and raw_answers != block.empty else (), cols[ir])
                continue
            raw_answers = cols[ia]
            fluxy = len(raw_answers) >= flux_len and raw_answers.count(set_sep) >= flux_min
            if info[quiet_at] and not nxdomain and not fluxy:
                channel = info[_I_CHANNEL]
                if channel is not None:
                    qtype = cols[c.qtype] if c.qtype is not None else ""
                    answered = raw_answers != "-" and raw_answers != block.empty
                    wanted = answered and self._wants_answers(channel, qtype)
                    self._channel_event(host.client, ts, channel, qtype,
                                        tuple(raw_answers.split(set_sep)) if wanted else (),
                                        cols[ir] == "NOERROR", answered)
                continue
            answers: tuple[str, ...] = ()
            ttls: tuple[float, ...] = ()
            if fluxy and raw_answers != block.empty:
                answers = tuple(raw_answers.split(set_sep))
                raw_ttls = cols[c.ttls] if c.ttls is not None else "-"
                if raw_ttls != "-" and raw_ttls != block.empty:
                    try:
                        ttls = tuple(map(float, raw_ttls.split(set_sep)))
                    except ValueError:
                        ttls = ()
            uid = cols[c.uid] if c.uid is not None else ""
            qtype = cols[c.qtype] if c.qtype is not None else ""
            resolved = (answers or tuple(raw_answers.split(set_sep))
                        if not nxdomain and raw_answers != "-" and raw_answers != block.empty else ())
            self._name_event(host, host.client, ts, info, nxdomain, uid, answers, ttls, qtype,
                             block.community_id(cols), resolved, cols[ir])

    def observe_json_rows(self, block: DnsJsonRows) -> None:
        """The hot path for dns.log JSON lines: :meth:`observe_rows` for rows
        msgspec decoded into :class:`~dnsguard.inputs.zeek.JsonDns`.  A row
        that needs more than counting (a name that is not quiet, NXDOMAIN,
        enough answers for fast flux) is read in full by the generic path
        (:meth:`DnsJsonRows.record`) for its uid, answers and TTLs; so is a
        row with a text timestamp or no query name, which then goes through
        :meth:`observe` like a record of any other input."""
        flux_min = max(1, self.flux.s.min_records)
        names = self._names
        by_raw = self._host_by_raw
        rejected = self.rejected
        quiet_at = _I_QUIET
        width = TIMELINE_BUCKET
        day_lo, day_hi = self._day_lo, self._day_hi
        lines = block.lines
        for i, row in enumerate(block.rows):
            ts = row.ts
            query = row.query
            if type(ts) is not float or not query:
                rec = block.record(lines[i])
                if rec is not None:
                    self.observe(rec)
                    day_lo, day_hi = self._day_lo, self._day_hi
                continue
            if not day_lo <= ts < day_hi:
                if not self._enter_day(ts, block.stats):
                    continue
                day_lo, day_hi = self._day_lo, self._day_hi
            raw = row.orig_h
            host = by_raw.get(raw)
            if host is None:
                host = self._host_for_raw(raw or "", ts, block)
                if host is None:
                    continue
            nxdomain = row.rcode_name == "NXDOMAIN"
            # _count, inlined (as in observe_rows).
            host.queries += 1
            if ts > host.last:
                host.last = ts
            elif ts < host.first:
                host.first = ts
            bucket = int(ts // width)
            if bucket == host.bucket:
                counts = host.counts_now
            else:
                counts = host.buckets.get(bucket)
                if counts is None:
                    counts = [0, 0]
                    if len(host.buckets) < MAX_TIMELINE_BUCKETS:
                        host.buckets[bucket] = counts
                host.bucket, host.counts_now = bucket, counts
            counts[0] += 1
            if nxdomain:
                counts[1] += 1
                host.nxdomain += 1
            info = names.get(query)
            if info is None:
                info = self._classify(unescape(query) if "\\x" in query else query)
                names[query] = info
            if type(info) is not list:
                if type(info) is str:
                    rejected[info] += 1
                else:  # a raw name: the channel detections only
                    rec = block.full(lines[i])
                    self._rejected(host.client, ts, info, rec.qtype, rec.answers, rec.rcode)
                continue
            answers = row.answers
            if info[quiet_at] and not nxdomain and (answers is None or len(answers) < flux_min):
                channel = info[_I_CHANNEL]
                if channel is not None:  # from the decoded row: no second parse of the line
                    qtype = row.qtype_name or ""
                    self._channel_event(host.client, ts, channel, qtype,
                                        tuple(answers) if answers and self._wants_answers(channel, qtype) else (),
                                        row.rcode_name == "NOERROR", bool(answers))
                continue
            rec = block.full(lines[i])
            self._name_event(host, host.client, ts, info, nxdomain, rec.uid, rec.answers, rec.ttls, rec.qtype,
                             rec.community_id, rec.answers, rec.rcode)

    def _host_for_raw(self, raw: str, ts: float, block: DnsRows | DnsJsonRows) -> _Host | None:
        """The host behind an address as written in the log (first sight)."""
        client = block.ip(raw)
        if client is None:
            block.stats.skip("missing or bad ts / id.orig_h")
            block.stats.records -= 1
            return None
        host = self._host(client, ts)
        if len(self._host_by_raw) >= MAX_RAW_HOSTS:
            self._host_by_raw.clear()
        self._host_by_raw[raw] = host
        return host

    def _rejected(self, client: str, ts: float, info: str | tuple, qtype: str, answers: tuple[str, ...],
                  rcode: str | None) -> None:
        """A name normalisation rejected: counted with its reason; one with raw
        labels below an unpopular domain (base64's ``+/=``, 8-bit bytes) goes
        to the channel detections, and only there (never to feeds, the DGA
        scorer, bursts or fast flux)."""
        if type(info) is str:
            self.rejected[info] += 1
            return
        reason, channel = info
        self.rejected[reason] += 1
        self._channel_event(client, ts, channel, qtype, answers, rcode == "NOERROR", bool(answers))

    def _wants_answers(self, name: ChannelName, qtype: str) -> bool:
        """Whether :meth:`_channel_event` reads this query's answers: only for
        names that carry data or look random (beacons, data answers)."""
        return name.encoding is not None or name.random or self._data_qtype(qtype)

    def _data_qtype(self, qtype: str) -> bool:
        """detections.yaml ``data_qtypes``, cached per spelling (one lookup a row)."""
        return self._qtype_info(qtype)[0]

    def _qtype_info(self, qtype: str) -> tuple[bool, str, int | None]:
        """(carries data, label, number) of a query type as logged, cached per spelling."""
        known = self._qtype_cache.get(qtype)
        if known is None:
            if len(self._qtype_cache) >= 10_000:
                self._qtype_cache.clear()
            number = qtype_number(qtype)
            known = self._qtype_cache[qtype] = (DEFAULT_DATA_QTYPES.carries_data(number), qtype_label(number),
                                                number)
        return known

    def _channel_event(self, client: str, ts: float, name: ChannelName, qtype: str,
                       answers: tuple[str, ...], noerror: bool, answered: bool) -> None:
        """One query of a name below an unpopular domain, for the tunnel and
        DNS-C2 detections (detections.yaml dns_channel, c2_rotation,
        c2_beacon, data_answers; the features tool identification reads).
        ``noerror``: the rcode was NOERROR; ``answered``: answers came back
        (``answers`` may have been left out for speed, so the caller says)."""
        if name.reversed_ip:
            return
        data = name.encoding is not None or (not name.service and self._data_qtype(qtype))
        if data:
            label = self._qtype_info(qtype)[1]
            seen = self._profiled.get(client)
            if seen is None:
                seen = self._profiled[client] = set()
            if name.text not in seen and len(seen) < MAX_PROFILE_NAMES:
                seen.add(name.text)
                profile = self._profiles.get(client)
                if profile is None:
                    profile = self._profiles[client] = ChannelProfile()
                profile.add(name.labels, name.encoding, label)
            self.channel.observe(client, ts, name, label)
        if name.rotates and rotation_counts(self._qtype_info(qtype)[2], noerror, answered):
            self.rotation.observe(client, ts, name)
        random = name.random
        if random:
            self.beacon.observe(client, ts, name, any(map(is_address, answers)))
        # Answers of names that carry data or look random only: a host's
        # ordinary browsing collects printable-looking A records by the
        # dozen (104.x.y.z reads "h..."); DKIM keys (s1._domainkey) are base64.
        if answers and (data or random) and not name.service:
            self.data_answers.observe(client, ts, name.registered, answers)

    def _name_event(self, host: _Host, client: str, ts: float, info: list, nxdomain: bool, uid: str,
                    answers: tuple[str, ...], ttls: tuple[float, ...], qtype: str = "", cid: str = "",
                    resolved: tuple[str, ...] = (), rcode: str | None = None) -> None:
        fqdn, registered, sub, allowed, feed, longest = info[:6]
        if nxdomain and qtype in NX_BURST_QTYPES:
            # Distinct registered domains of address look-ups make the burst
            # (data/detections.yaml): a mail server's MX/TXT look-ups of spam
            # senders' dead domains do not, nor names below a popular domain,
            # which exists: those fail by a resolver's block policy or a typo.
            popular = bool(registered) and self._is_popular(registered)
            if not popular:
                self.nx.observe(client, ts, registered or fqdn)
            if self._nx_answers_kept < MAX_NX_ANSWERS:
                times = self._nx_answers.get(client)
                if times is None:
                    times = self._nx_answers[client] = (array("d"), array("d"))
                times[popular].append(ts)
                self._nx_answers_kept += 1
        if self.devices.knows(registered):
            self.devices.observe(client, fqdn, registered)
        if allowed:
            return
        if cid and uid:
            # Findings that carry only the uid (fast flux, Zeek intel.log rows)
            # get their Community ID from here at finish.
            if len(self._cids) >= MAX_CIDS:
                self._cids.clear()
            self._cids[uid] = cid
        if resolved:
            self._note_addresses(fqdn, resolved)
        channel = info[_I_CHANNEL]
        if channel is not None:
            got = resolved or answers
            self._channel_event(client, ts, channel, qtype, got, rcode == "NOERROR", bool(got))
        if feed is not None:
            detail, family, threat, sources = feed
            host.add(Evidence("feed", ts, fqdn, detail, family, threat, None, uid, MITRE["feed"],
                              source=sources, community_id=cid))
            return
        known = self._known.get(fqdn)
        if known is not None:
            family, threat = known
            host.add(Evidence("forecast", ts, fqdn, f"name computed by the {family} DGA for this date",
                              family, threat, 1.0, uid, MITRE["forecast"], source="dnsguard", community_id=cid))
            return
        if longest >= self.tunnels.label_length:
            self.tunnels.observe(client, ts, fqdn, registered, sub)
        if answers:
            self.flux.observe(client, ts, fqdn, uid, answers, ttls)
        if registered and self.scorer is not None:
            self._lexical(host, fqdn, nxdomain, rcode != "NOERROR", ts, uid, cid)

    def _note_addresses(self, fqdn: str, answers: tuple[str, ...]) -> None:
        """Keep the address answers of a name that may become evidence (CNAMEs
        and TXT strings are not addresses)."""
        known = self._resolved.get(fqdn)
        if known is None:
            if len(self._resolved) >= MAX_RESOLVED_NAMES:
                return
            known = self._resolved[fqdn] = set()
        for answer in answers:
            if len(known) >= MAX_ADDRESSES_PER_NAME:
                return
            address = self._ip(answer)
            if address is not None:
                known.add(address)

    def _lexical(self, host: _Host, fqdn: str, nxdomain: bool, unresolved: bool, ts: float, uid: str,
                 cid: str = "") -> None:
        score = self._scores.get(fqdn)
        if score is None:
            self._to_score.add(fqdn)
            self._pending.append((host, fqdn, nxdomain, unresolved, ts, uid, cid))
            if len(self._to_score) >= SCORE_BATCH or len(self._pending) >= MAX_PENDING:
                self._flush_scores()
        elif score >= self.settings.dga_threshold:
            self._flag(host, fqdn, nxdomain, unresolved, ts, uid, cid)

    def _flush_scores(self) -> None:
        names = list(self._to_score)
        self._to_score.clear()
        if names:
            if len(self._scores) + len(names) > MAX_SCORE_CACHE:
                self._scores.clear()
            for v in self.scorer(names):
                score = float(v.score)
                self._scores[v.name] = score
                info = self._names.get(v.name)
                if info is not None and type(info) is list:
                    info[_I_SCORE] = score
                    self._set_quiet(info)
                self._histogram[min(9, int(score * 10))] += 1
                if score >= self.settings.dga_threshold and len(self._flag_info) < MAX_SCORE_CACHE:
                    family = v.family if v.family and v.family != "unknown" else ""
                    self._flag_info[v.name] = (score, family, tuple(v.reasons))
        pending, self._pending = self._pending, []
        threshold = self.settings.dga_threshold
        for host, fqdn, nxdomain, unresolved, ts, uid, cid in pending:
            if self._scores.get(fqdn, 0.0) >= threshold:
                self._flag(host, fqdn, nxdomain, unresolved, ts, uid, cid)

    def _flag(self, host: _Host, fqdn: str, nxdomain: bool, unresolved: bool, ts: float, uid: str,
              cid: str = "") -> None:
        entry = host.flagged.get(fqdn)
        if entry is not None:
            entry[0] = entry[0] or nxdomain
            entry[7] = entry[7] or unresolved
            return
        if len(host.flagged) >= MAX_FLAGGED_NAMES:
            return
        score, family, reasons = self._flag_info.get(fqdn, (self._scores.get(fqdn, 0.0), "", ()))
        host.flagged[fqdn] = [nxdomain, ts, uid, score, family, reasons, cid, unresolved]

    def _observe_alert(self, alert: SensorAlert) -> None:
        if not alert.client:
            return
        if not self.since <= alert.ts < self.until:
            if self.stats is not None:
                self.stats.skip("sensor alerts outside the --since/--until window")
                self.stats.alerts -= 1
            return
        host = self._host(alert.client, alert.ts)
        meta = alert.metadata
        family, threat, score = _alert_labels(meta)
        if alert.sensor == "zeek-notice":
            note = (meta.get("note") or [""])[0]
            if note == "DNSGuard::Device_Tagged":
                device = (meta.get("device") or [""])[0]
                if device:
                    self.devices.assign(alert.client, device, alert.query)
                return
            kind = NOTICE_KINDS.get(note, "sensor-alert")
            evidence = (meta.get("evidence") or [""])[0]
            host.add(Evidence(kind, alert.ts, alert.query, f"Zeek {note}: {evidence or alert.signature}",
                              family, threat, score, alert.uid, MITRE[kind], source="zeek",
                              community_id=alert.community_id))
            return
        if alert.sensor == "zeek-intel":
            if not family:
                parsed = normalize(alert.query)
                match = None if isinstance(parsed, Rejected) else self.indicators.match_name(parsed)
                if match is not None:
                    family, threat = match.indicator.family, match.indicator.threat
            sources = ",".join(meta.get("sources") or []) or "unknown source"
            where = (meta.get("where") or [""])[0]
            host.add(Evidence("feed", alert.ts, alert.query,
                              f"Zeek intel match ({where}) from {sources}", family, threat, None,
                              alert.uid, MITRE["feed"], source="zeek", community_id=alert.community_id))
            return
        if alert.sid in self._nx_rules:
            self._nx_alerts.append(alert)  # judged at finish, against the host's NXDOMAINs
            return
        self._suricata_evidence(host, alert)

    def _suricata_evidence(self, host: _Host, alert: SensorAlert) -> None:
        meta = alert.metadata
        family, threat, score = _alert_labels(meta)
        kind = "sensor-major" if major_alert(meta) else "sensor-alert"
        detail = f"Suricata sid {alert.sid}: {alert.signature}"
        # A listed-name rule names its set, not the family, and a fixed
        # confidence (issue 17 item 3): Suricata 8.0 puts the data's line in
        # the alert, a 7.0 alert is looked up the way its rule looked it up.
        from dnsguard.suricata import enrich

        listing = enrich.from_metadata(meta)
        if listing is None and enrich.rule_lookup(alert.sid) is not None:
            if getattr(self, "_listed", None) is None:
                self._listed = enrich.table_from_indicators(self.indicators.domains.values())
            listing = enrich.enrich_any(self._listed, alert.sid, alert.query)
        if listing is not None:
            family, threat = listing.family, listing.threat
            detail += f" — {enrich.describe(listing)}"
        host.add(Evidence(kind, alert.ts, alert.query, detail,
                          family, threat, score, alert.uid, MITRE[kind], source="suricata",
                          community_id=alert.community_id))

    # ------------------------------------------------------------------ finish

    def _judge_nx_alerts(self) -> None:
        """Suricata's NXDOMAIN rules count every NXDOMAIN; the definition skips
        names below popular domains (behind a resolver that blocks ads with
        NXDOMAIN every browser reaches the rules: docs/detections.md).  Where
        the records show the rule's count within its window, but not without
        the popular names, the alert is set aside; without those records (or
        past the memory bound) it counts as the sensor said."""
        complete = self._nx_answers_kept < MAX_NX_ANSWERS
        sorted_times: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for alert in self._nx_alerts:
            count, seconds = self._nx_rules[alert.sid]
            times = sorted_times.get(alert.client)
            if times is None:
                kept = self._nx_answers.get(alert.client, (array("d"), array("d")))
                times = sorted_times[alert.client] = tuple(np.sort(np.frombuffer(a)) for a in kept)
            unpopular, popular = (int(np.searchsorted(t, alert.ts + WINDOW_SLACK, "right")
                                      - np.searchsorted(t, alert.ts - seconds - WINDOW_SLACK, "left"))
                                  for t in times)
            if complete and explained_by_popular(unpopular, popular, count):
                if self.stats is not None:
                    self.stats.skip("Suricata NXDOMAIN alerts explained by names below popular domains "
                                    "(a resolver's block policy)")
                    self.stats.alerts -= 1
                continue
            self._suricata_evidence(self.hosts[alert.client], alert)

    @property
    def first_ts(self) -> float | None:
        return min((h.first for h in self.hosts.values() if h.queries), default=None)

    @property
    def last_ts(self) -> float | None:
        return max((h.last for h in self.hosts.values() if h.queries), default=None)

    def finish(self) -> list[HostReport]:
        self._flush_scores()
        self._judge_nx_alerts()
        window = self.nx.window
        burst_names: dict[str, dict[str, None]] = {}
        for burst in self.nx.bursts():
            host = self.hosts[burst.host]
            drawn = burst_names.setdefault(burst.host, {})
            for name in sorted(burst.names):
                if len(drawn) >= MAX_FLAGGED_NAMES:
                    break
                drawn[name] = None
            detail = (f"{burst.count} NXDOMAIN answers for {burst.unique_names} registered domains on "
                      f"{burst.tlds} TLDs in {burst.end - burst.start:.0f} s")
            # A sensor (Zeek's NXDOMAIN_Burst notice) saw the same episode:
            # one piece of evidence with both sources, not a "repeated" burst.
            twin = next((e for e in host.evidence if e.kind == "nxdomain-burst" and e.source != "dnsguard"
                         and burst.start - window <= e.ts <= burst.end + window), None)
            if twin is not None:
                twin.source = f"{twin.source}, dnsguard"
                twin.detail = f"{twin.detail}; dnsguard: {detail}"
                twin.last = max(twin.last or twin.ts, burst.end)
                continue
            host.add(Evidence(
                "nxdomain-burst", burst.start, ", ".join(burst.sample[:5]), detail,
                mitre=MITRE["nxdomain-burst"], source="dnsguard", last=burst.end), dedupe=False)
        for t in self.tunnels.findings():
            self.hosts[t.host].add(Evidence(
                "tunnel", t.first, t.domain,
                f"{t.unique_subdomains} unique {t.encoding} subdomains (labels up to {t.longest_label} "
                f"chars) in {t.queries} queries", threat="c2", mitre=MITRE["tunnel"], source="dnsguard",
                count=t.queries, last=t.last), dedupe=False)
        self._channel_findings()
        for f in self.flux.findings():
            for ip, (ts, uid) in f.hosts.items():
                self.hosts[ip].add(Evidence(
                    "fast-flux", ts, f.name,
                    f"{f.addresses} addresses in {f.networks} /16 networks over {f.answers} answers, "
                    f"TTL down to {f.min_ttl:.0f} s", threat="botnet", uid=uid, mitre=MITRE["fast-flux"],
                    source="dnsguard", last=f.last))
        for host in self.hosts.values():
            for ev in host.evidence:
                if ev.uid and not ev.community_id:
                    ev.community_id = self._cids.get(ev.uid, "")
        calls = self._family_calls(burst_names)
        reports = [self._report(ip, host, calls.get(ip)) for ip, host in self.hosts.items()]
        reports.sort(key=lambda r: (VERDICT_ORDER[r.verdict], -sum(r.evidence_counts.values()), r.host))
        return reports

    def _channel_findings(self) -> None:
        """The tunnel and DNS-C2 findings as evidence; a Zeek notice of the same
        kind for the same host and episode (DNSGuard::DNS_Channel, C2_Rotation,
        C2_Beacon) becomes one piece of evidence with both sources."""
        for f in self.channel.findings():
            domain = f.domains.most_common(1)[0][0]
            self._merge_or_add(f.host, "dns-channel", f.start, f.end, domain, f.describe(),
                               self.channel.window, f.names)
        for r in self.rotation.findings():
            self._merge_or_add(r.host, "c2-rotation", r.start, r.end, ", ".join(sorted(r.labels)[:3]),
                               r.describe(), self.rotation.window, r.domains)
            self._profile(r.host).note_rotation(r.labels)
        for b in self.beacon.findings():
            self._merge_or_add(b.host, "c2-beacon", b.first, b.last, b.name, b.describe(),
                               self.beacon.window, b.rounds)
            self._profile(b.host).beacons += 1
        for a in self.data_answers.findings():
            host = self.hosts.get(a.host)
            if host is None:
                continue
            host.add(Evidence("data-answers", a.first, ", ".join(sorted(a.domains)[:4]), a.describe(),
                              mitre=MITRE["data-answers"],
                              source="dnsguard", count=a.answers, last=a.last), dedupe=False)
            self._profile(a.host).data_answers.update(a.kinds)

    def _profile(self, client: str) -> ChannelProfile:
        profile = self._profiles.get(client)
        if profile is None:
            profile = self._profiles[client] = ChannelProfile()
        return profile

    def _merge_or_add(self, client: str, kind: str, start: float, end: float, name: str, detail: str,
                      window: float, count: int) -> None:
        host = self.hosts.get(client)
        if host is None:
            return
        twins = [e for e in host.evidence if e.kind == kind and e.source not in ("", "dnsguard")
                 and "dnsguard" not in e.source.split(", ") and start - window <= e.ts <= end + window]
        if twins:
            # Every sensor notice of this episode (Zeek may raise one per epoch)
            # and analyze's finding: one piece of evidence.
            twin, rest = twins[0], twins[1:]
            for other in rest:
                host.evidence.remove(other)
                twin.count += other.count
                twin.last = max(twin.last or twin.ts, other.last or other.ts)
            host.counts[kind] -= len(rest)
            twin.source = f"{twin.source}, dnsguard"
            twin.detail = f"{twin.detail}; dnsguard: {detail}"
            twin.last = max(twin.last or twin.ts, end)
            return
        host.add(Evidence(kind, start, name, detail, threat="c2", mitre=MITRE[kind], source="dnsguard",
                          count=count, last=end), dedupe=False)

    def _tool_family(self, client: str, host: _Host) -> HostFamily | None:
        """The tunnel / C2 tool a host with a channel finding runs
        (:func:`dnsguard.detect.tools.identify`), as its family (threat c2)."""
        if not any(host.counts[k] for k in CHANNEL_KINDS + ("tunnel",)):
            return None
        call: ToolCall = identify(self._profile(client))
        sensor = next((e.family for e in host.evidence if e.kind in CHANNEL_KINDS and e.family), "")
        if call.family == UNKNOWN_TOOL and sensor:
            call = ToolCall(sensor, "medium", ("named by the sensor's notice",))
        # One spelling per family (a sensor may have named it first, without a threat type).
        same = next((f for f in host.families if f.lower() == call.family.lower()), call.family)
        if host.families.get(same) in (None, "", "unknown"):
            host.families[same] = "c2"
        return HostFamily(call.family, "tool", self._profile(client).names, None, call.runner_up, "",
                          call.describe(), call.confidence, list(call.features))

    def network_timeline(self) -> list[tuple[float, int, int]]:
        merged: dict[int, list[int]] = {}
        for host in self.hosts.values():
            for b, (q, nx) in host.buckets.items():
                m = merged.setdefault(b, [0, 0])
                m[0] += q
                m[1] += nx
        return [(b * TIMELINE_BUCKET, q, nx) for b, (q, nx) in sorted(merged.items())]

    def score_histogram(self) -> list[int]:
        return list(self._histogram)

    def _dga_evidence(self, host: _Host) -> list[SuspiciousName]:
        flagged = sorted(host.flagged.items(), key=lambda kv: -kv[1][3])
        names: list[SuspiciousName] = []
        for fqdn, (nx, ts, uid, score, family, reasons, cid, _) in flagged:
            names.append(SuspiciousName(fqdn, round(score, 4), list(reasons) + (["NXDOMAIN"] if nx else [])))
            # The model's closest family is a guess: it goes into the detail,
            # not into the host's families (those come from identifying evidence).
            guess = f", looks like {family}" if family else ""
            host.add(Evidence("dga", ts, fqdn, f"lexical DGA score {score:.2f}{guess}" + (" (NXDOMAIN)" if nx else ""),
                              "", "dga", score, uid, MITRE["dga"], source="dnsguard", community_id=cid))
        return names

    def _family_calls(self, burst_names: dict[str, dict[str, None]]) -> dict[str, FamilyCall]:
        """The lexical host-family rule for every host with enough DGA-like
        names, then, for hosts it leaves unnamed, again with their
        NXDOMAIN-burst names added, at ``BURST_FAMILY_MARGIN``."""
        if self.family_distribution is None:
            return {}
        least = self.settings.dga_min_names
        flagged = {ip: [n for n, e in host.flagged.items() if e[0] or not FAMILY_NXDOMAIN_ONLY]
                   for ip, host in self.hosts.items()}
        families, totals, summed = self._summed_distributions(
            {ip: names for ip, names in flagged.items() if len(names) >= least})
        calls = {ip: shape_checked(family_from_totals(tuple(map(canonical_family, families)), total,
                                                      len(summed[ip]), self.family_margin),
                                   self.family_shapes, families, summed[ip])
                 for ip, total in totals.items()}
        second: dict[str, list[str]] = {}
        for ip, drawn in burst_names.items():
            if ip in calls and calls[ip].named:
                continue
            names = flagged.get(ip, [])
            # a burst counts registered domains: one already there as a DGA-like name
            # (itself or below it) is not summed twice
            covered = {p for n in names for p in parents(n)}
            extra = [r for r in drawn if r not in covered and r not in self.hosts[ip].flagged]
            if extra and len(names) + len(extra) >= least:
                second[ip] = extra if ip in totals else names + extra  # the first pass summed names
        if not second:
            return calls
        more, wider_totals, wider_summed = self._summed_distributions(second)
        if families and more != families:
            raise ValueError("family distributions from two models in one run")
        shown = tuple(map(canonical_family, more))  # the calls carry the report's spelling
        for ip, total in wider_totals.items():
            names = summed.get(ip, []) + wider_summed[ip]
            if ip in totals:
                total = total + totals[ip]
            wider = family_from_totals(shown, total, len(names), max(self.family_margin, BURST_FAMILY_MARGIN))
            wider = shape_checked(replace(wider, summed="DGA-like and NXDOMAIN-burst names"),
                                  self.family_shapes, more, names)
            if ip not in calls or wider.named:
                calls[ip] = wider
        return calls

    def _summed_distributions(
        self, names_of: dict[str, list[str]]
    ) -> tuple[tuple[str, ...], dict[str, np.ndarray], dict[str, list[str]]]:
        """(the model's families, per host the sum of its names' floored
        log-probabilities, per host the names summed): one family-distribution
        pass over the distinct names, in batches; unscored names are left out."""
        users: dict[str, list[str]] = {}
        for ip, names in names_of.items():
            for n in names:
                users.setdefault(n, []).append(ip)
        totals: dict[str, np.ndarray] = {}
        summed: dict[str, list[str]] = {}
        families: tuple[str, ...] = ()
        distinct = list(users)
        for i in range(0, len(distinct), FAMILY_BATCH):
            chunk = distinct[i: i + FAMILY_BATCH]
            dist = self.family_distribution(chunk)
            if families and tuple(dist.families) != families:
                raise ValueError("family distributions from two models in one run")
            families = tuple(dist.families)
            logp = np.maximum(np.asarray(dist.log_probability, dtype=np.float64), LOG_FLOOR)
            for name, row in zip(chunk, logp, strict=True):
                if np.isnan(row).any():  # not scored (allowlisted meanwhile, invalid)
                    continue
                for ip in users[name]:
                    total = totals.get(ip)
                    if total is None:
                        totals[ip] = row.copy()
                    else:
                        total += row
                    summed.setdefault(ip, []).append(name)
        return families, totals, summed

    def _host_family(self, host: _Host, call: FamilyCall | None) -> HostFamily | None:
        """Forecast matches first (exact names), then the lexical rule."""
        forecast = Counter(e.family for e in host.seen.values() if e.kind == "forecast" and e.family)
        if not forecast:  # past the distinct-evidence cap: the listed evidence
            forecast = Counter(e.family for e in host.evidence if e.kind == "forecast" and e.family)
        margin = None if call is None or math.isinf(call.margin) else round(call.margin, 4)
        runner = call.runner_up if call else ""
        lexical = call.best if call else ""
        rule = f"; lexical rule: {call.describe()}" if call is not None and call.names else ""
        if forecast:
            family, n = forecast.most_common(1)[0]
            others = [f"{f} ({c})" for f, c in forecast.most_common()[1:]]
            detail = (f"{family}: {n} names computed by the {family} DGA for the capture's dates (exact match)"
                      + (f"; also {', '.join(others)}" if others else "") + rule)
            return HostFamily(family, "forecast", n, margin, runner, lexical, detail)
        if call is None or not call.names:
            return None
        if call.named:
            family = canonical_family(call.family)
            host.families.setdefault(family, _family_threat(call.family))
            return HostFamily(family, "log-sum", call.names, margin, runner, lexical, call.describe(family))
        return HostFamily("unknown", "abstain", call.names, margin, runner, lexical, call.describe())

    def _report(self, ip: str, host: _Host, call: FamilyCall | None = None) -> HostReport:
        top = self._dga_evidence(host)
        family = self._host_family(host, call)
        tool = self._tool_family(ip, host)
        # The forecast beats a tool; a tool named by its structure beats the lexical
        # family, "unknown tool" does not (a DGA that rotates one label through its
        # domains, such as Fosniw's, also makes a C2-rotation finding).
        kept = family is not None and (family.source == "forecast" or (
            family.source == "log-sum" and tool is not None and tool.family == UNKNOWN_TOOL))
        if tool is not None and not kept:
            family = tool
        tag = self.devices.tag(ip)
        device = tag.device if tag else "unknown"
        unresolved = sum(e[7] for e in host.flagged.values())
        verdict, confidence = judge(host.counts, device, self.settings.dga_min_names, unresolved)
        for ev in host.evidence:
            ev.addresses = sorted(self._resolved.get(ev.name, ()))
            ev.next_step = step_for(ev, device)
        mitre = sorted({m for ev in host.evidence for m in ev.mitre})
        timeline = ([(b * TIMELINE_BUCKET, q, nx) for b, (q, nx) in sorted(host.buckets.items())]
                    if verdict != "clean" else [])
        return HostReport(
            host=ip, device=device, verdict=verdict, confidence=confidence,
            families=dict(host.families), evidence_counts=dict(host.counts),
            queries=host.queries, nxdomain=host.nxdomain,
            top_names=top[: self.settings.top_names] if verdict != "clean" else [],
            evidence=sorted(host.evidence, key=lambda e: e.ts), mitre=mitre,
            next_steps=next_steps(verdict, device, host),
            first_seen=host.first, last_seen=host.last, timeline=timeline, family=family,
        )


def major_alert(meta: dict[str, list[str]]) -> bool:
    """A Suricata alert that makes a host compromised on its own: severity
    Major/Critical in its metadata (the pack's listed-domain, DGA-shape,
    repeated-NXDOMAIN, tunnel and C2 rules), or
    ``dnsguard_verdict: compromised``."""
    severity = {v.strip().lower() for v in meta.get("signature_severity") or ()}
    verdict = {v.strip().lower() for v in meta.get("dnsguard_verdict") or ()}
    return bool(severity & MAJOR_SEVERITIES) or "compromised" in verdict


def _alert_labels(meta: dict[str, list[str]]) -> tuple[str, str, float | None]:
    """(family, threat, score) a sensor alert's metadata gives."""
    family = display_family((meta.get("malware_family") or meta.get("family") or [""])[0])
    threat = (meta.get("threat_type") or meta.get("threat") or [""])[0]
    return family, threat, _float((meta.get("score") or [""])[0])


def _family_threat(family: str) -> str:
    """The threat type the forecast and the feeds give a family (iab, botnet, ...), ``dga`` if unknown."""
    from dnsguard.dga.families import GeneratorError, get

    if is_iab(family):
        return "iab"
    try:
        module = get(family)  # an id or an alias, any case ("Unnamed JavaScript DGA")
    except GeneratorError:  # a family the model knows but no generator implements
        return "dga"
    return module.INFO.threat or "dga"


def judge(counts: Counter[str], device: str, dga_min_names: int,
          unresolved_dga: int | None = None) -> tuple[str, str]:
    """(verdict, confidence) from the evidence a host collected.

    A single strong finding (feed or intel hit, known-DGA name, tunnel, the
    scorer's host verdict) is enough.  Behaviour alone (NXDOMAIN bursts,
    DGA-like names, fast flux) needs two signs, or one on a NAS (a NAS has
    no user who mistypes names).  Bursts that come back (three or more)
    count as a second sign: a bot retries its DGA on a timer, a person's
    typos or a broken application do not come in repeated bursts of
    distinct names.

    The DGA-like names that make a sign are those that went unresolved
    (``unresolved_dga``; all of ``counts["dga"]`` when not given): a bot
    draws mostly names nobody registered, while a browser that visits
    random-looking ad-tech, tracker and CDN domains gets an address for
    nearly every one of them (docs/triage.md).  The service's host rule
    counts NXDOMAIN names alike."""
    c = counts
    dga = (c["dga"] if unresolved_dga is None else unresolved_dga) >= dga_min_names
    repeated = c["nxdomain-burst"] >= REPEATED_BURSTS
    behaviour = sum(bool(x) for x in (c["nxdomain-burst"], repeated, dga, c["fast-flux"]))
    if any(c[k] for k in STRONG_KINDS) or behaviour >= 2 or (c["nxdomain-burst"] and device.startswith("nas")):
        verdict = "compromised"
    elif behaviour or c["sensor-alert"]:
        verdict = "suspicious"
    else:
        verdict = "clean"
    if c["feed"] or c["forecast"] or c["host-verdict"]:
        confidence = "high"
    elif verdict == "compromised":
        confidence = "medium"
    else:
        confidence = "low" if verdict == "suspicious" else "-"
    return verdict, confidence


def step_for(ev: Evidence, device: str) -> str:
    """The next thing to do about one finding."""
    nas = device.startswith("nas")
    if ev.kind == "feed":
        pivot = f"Community ID {ev.community_id}" if ev.community_id else "the host and name"
        return (f"Block {ev.name} at the resolver; pivot on {pivot} to find the process "
                f"(EDR) or the service (NAS) that resolves it.")
    if ev.kind == "forecast":
        return (f"{ev.family} DGA name: block the family's names for the coming days "
                f"(`dnsguard dga forecast`) and " + ("reimage or factory-reset the NAS." if nas
                                                     else "run the EDR scan for the family on the host."))
    if ev.kind == "nxdomain-burst":
        return "Find the process making these lookups; compare the names with `dnsguard dga forecast`."
    if ev.kind == "dga":
        return "Check whether the name resolves now; if it does, block it and watch for connections to its address."
    if ev.kind == "tunnel":
        return (f"Capture full queries to {ev.name}, decode them to estimate what left, block the domain "
                "and find the process.")
    if ev.kind == "fast-flux":
        return f"Block {ev.name}; look for HTTP/TLS sessions to its addresses (phishing page or C2 behind flux)."
    if ev.kind == "host-verdict":
        return "The scorer judged the host infected: isolate it and collect triage data."
    if ev.kind == "dns-channel":
        return (f"Data is moving over DNS to {ev.name}: capture the full queries and answers, decode them, "
                "block the domain(s) at the resolver and find the process.")
    if ev.kind == "c2-rotation":
        return "A C2 client walks its domain list: block every domain it rotated through and find the process."
    if ev.kind == "c2-beacon":
        return f"A C2 client polls {ev.name}: block it, and find the process (it will poll again)."
    if ev.kind == "data-answers":
        return "Decode the answers (ASCII in A/AAAA, encoded TXT/CNAME): they are the C2's commands."
    if ev.kind == "sensor-major":
        return "Suricata's tunnel/C2 rule fired: confirm in the flow (Community ID) and isolate the host."
    return "Review the sensor alert in context (Hunt/PCAP) and confirm or dismiss it."


def next_steps(verdict: str, device: str, host: _Host) -> list[str]:
    """What an analyst should do, in order, for this host's evidence."""
    if verdict == "clean":
        return []
    steps: list[str] = []
    threats = set(host.families.values())
    c = host.counts
    if device.startswith("nas"):
        steps.append("Cut the NAS off from the internet (no port forwarding / UPnP), update its firmware, "
                     "run the vendor's malware remover, then rotate every credential stored on it.")
    if "iab" in threats:
        steps.append("Initial-access-broker malware: assume hands-on-keyboard follow-up (ransomware); "
                     "isolate the host and hunt for lateral movement from it.")
    if c["feed"] or c["forecast"]:
        domains = sorted({e.name for e in host.evidence if e.kind in ("feed", "forecast")})[:3]
        steps.append(f"Block {', '.join(domains)} at the resolver and find the process that resolves them.")
    tunnels = {e.name for e in host.evidence if e.kind == "tunnel"}
    if any(c[k] for k in CHANNEL_KINDS):
        # One step for one channel: the tunnel finding on the same domains says nothing more to do.
        domains = sorted(tunnels | {d for e in host.evidence if e.kind in CHANNEL_KINDS + ("data-answers",)
                                    for d in e.name.split(", ")})[:5]
        tools = [f for f, t in host.families.items() if t == "c2"]
        steps.append(f"DNS tunnel / C2 ({', '.join(tools) or 'tool unknown'}): isolate the host, block "
                     f"{', '.join(domains)} at the resolver, capture the full queries to see what left "
                     "and how much, and find the process.")
    elif c["tunnel"]:
        steps.append(f"DNS tunnel to {', '.join(sorted(tunnels))}: capture the full queries, identify the process, "
                     "estimate what left the network, block the domain.")
    if c["fast-flux"]:
        domains = sorted({e.name for e in host.evidence if e.kind == "fast-flux"})[:3]
        steps.append(f"Fast-flux name(s) {', '.join(domains)}: block them and check what the host fetched there.")
    if c["nxdomain-burst"] and not c["forecast"]:
        steps.append("NXDOMAIN burst: find the process making the lookups; compare the names with "
                     "`dnsguard dga forecast` and the DGA scores.")
    if not steps:
        steps.append("Review the listed names and alerts; raise to compromised if confirmed.")
    return steps


def _one(block: DnsRows, cols: list[str]) -> DnsRecord | None:
    """A row the fast path could not read (odd timestamp): the slow, careful way."""
    return next(iter(DnsRows(block.columns, [cols], block.set_sep, block.empty, block.ip,
                             block.stats).records()), None)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def run_analysis(
    events: Iterable[DnsRecord | SensorAlert],
    stats: InputStats,
    settings: AnalysisSettings,
    indicators: IndicatorIndex,
    forecaster: Forecaster | None = None,
    scorer=None,
    notes: list[str] | None = None,
    flux: FluxSettings | None = None,
    family_distribution: FamilyDistributor | None = None,
    family_margin: float = FAMILY_MARGIN,
    since: float | None = None,
    until: float | None = None,
    popular: Callable[[str], bool] | None = None,
    family_shapes: FamilyShapes | None = None,
) -> Analysis:
    analyzer = Analyzer(settings, indicators, forecaster, scorer, flux, stats, family_distribution,
                        family_margin, since, until, popular, family_shapes)
    observe = analyzer.observe
    for event in events:
        observe(event)
    hosts = analyzer.finish()
    return Analysis(hosts, stats, analyzer.rejected, analyzer.first_ts, analyzer.last_ts,
                    (notes or []) + analyzer.notes, analyzer.network_timeline(), analyzer.score_histogram(),
                    since, until)


def days_covered(first: float, last: float, margin: int = 1) -> list[dt.date]:
    """Days a capture spans, with a margin for skewed bot clocks."""
    start = dt.datetime.fromtimestamp(first, dt.UTC).date() - dt.timedelta(days=margin)
    end = dt.datetime.fromtimestamp(last, dt.UTC).date() + dt.timedelta(days=margin)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


__all__ = ["Analysis", "Analyzer", "Evidence", "HostFamily", "HostReport", "days_covered", "judge", "parents",
           "run_analysis", "step_for", "summarise"]
