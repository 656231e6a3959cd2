"""From DNS records to per-host verdicts.

The analyst's question is "which machines are compromised, by what, how
sure are we, what next", so everything here is keyed by internal host:
detections feed evidence into a host's state, and :func:`finish` turns the
states into :class:`HostReport` rows with a verdict, families, confidence
and a recommended next step.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from dnsguard.config import AnalysisSettings
from dnsguard.detect.devices import DeviceTagger
from dnsguard.detect.nxdomain import NxdomainBurstDetector
from dnsguard.detect.tunnel import TunnelDetector
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.names import Name, Rejected, normalize, parents
from dnsguard.records import DnsRecord, InputStats, SensorAlert

MITRE = {
    "feed": ("T1071.004",),
    "forecast": ("T1568.002",),
    "dga": ("T1568.002",),
    "nxdomain-burst": ("T1568.002",),
    "tunnel": ("T1048.003", "T1071.004"),
    "sensor-alert": ("T1071.004",),
}
VERDICT_ORDER = {"compromised": 0, "suspicious": 1, "clean": 2}
MAX_NAMES_PER_HOST = 2000
MAX_EVIDENCE_PER_HOST = 200


@dataclass
class Evidence:
    kind: str
    """feed, forecast, dga, nxdomain-burst, tunnel, sensor-alert."""
    ts: float
    name: str
    detail: str
    family: str = ""
    threat: str = ""
    score: float | None = None
    uid: str = ""
    mitre: tuple[str, ...] = ()


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
    queries: int
    nxdomain: int
    top_names: list[SuspiciousName]
    evidence: list[Evidence]
    mitre: list[str]
    next_steps: list[str]


@dataclass
class _Host:
    queries: int = 0
    nxdomain: int = 0
    first: float = 0.0
    last: float = 0.0
    names: dict[str, tuple[bool, float, str]] = field(default_factory=dict)
    """fqdn -> (got NXDOMAIN, first ts, uid) for DGA scoring; bounded."""
    evidence: list[Evidence] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    families: dict[str, str] = field(default_factory=dict)

    def add(self, ev: Evidence) -> None:
        self.counts[ev.kind] += 1
        if ev.family:
            self.families.setdefault(ev.family, ev.threat or "unknown")
        if len(self.evidence) < MAX_EVIDENCE_PER_HOST:
            self.evidence.append(ev)


@dataclass
class Analysis:
    hosts: list[HostReport]
    stats: InputStats
    rejected_names: Counter[str]
    first_ts: float | None
    last_ts: float | None
    notes: list[str]

    def summary(self) -> dict[str, object]:
        compromised = [h for h in self.hosts if h.verdict == "compromised"]
        suspicious = [h for h in self.hosts if h.verdict == "suspicious"]
        families: Counter[str] = Counter()
        threats: dict[str, str] = {}
        for h in compromised + suspicious:
            for fam, threat in h.families.items():
                families[fam] += 1
                threats[fam] = threat
        nas = [h for h in compromised if h.device.startswith("nas")]
        return {
            "hosts": len(self.hosts),
            "compromised": len(compromised),
            "suspicious": len(suspicious),
            "share_compromised": round(len(compromised) / len(self.hosts), 4) if self.hosts else 0.0,
            "share_compromised_nas": round(len(nas) / len(compromised), 4) if compromised else 0.0,
            "families": {f: {"hosts": n, "threat": threats[f]} for f, n in families.most_common()},
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "window": {"first": self.first_ts, "last": self.last_ts},
            "input": {
                "records": self.stats.records,
                "alerts": self.stats.alerts,
                "skipped": dict(self.stats.skipped),
                "rejected_names": dict(self.rejected_names),
                "warnings": self.stats.warnings,
            },
            "notes": self.notes,
            "hosts": [asdict(h) for h in self.hosts],
        }


class Analyzer:
    """Feed records in with :meth:`observe`, then call :meth:`finish` once."""

    def __init__(
        self,
        settings: AnalysisSettings,
        indicators: IndicatorIndex,
        forecaster=None,
        scorer=None,
    ):
        """``forecaster`` maps a list of days to {known-DGA name: (family, threat)};
        it runs once, in :meth:`finish`, for the days the input covers.
        ``scorer`` is a callable list[str] -> list[dga Verdict] (``dnsguard.dga.score``)."""
        self.settings = settings
        self.indicators = indicators
        self.forecaster = forecaster
        self.scorer = scorer
        self.allow = tuple(a.lower().strip(".") for a in settings.allowlist)
        self.hosts: dict[str, _Host] = {}
        self.rejected: Counter[str] = Counter()
        self.nx = NxdomainBurstDetector(
            settings.nxdomain_window, settings.nxdomain_threshold, settings.nxdomain_unique_names
        )
        self.tunnels = TunnelDetector(settings.tunnel_label_length, settings.tunnel_min_queries)
        self.devices = DeviceTagger(settings.devices)
        self.first_ts: float | None = None
        self.last_ts: float | None = None

    def _allowlisted(self, name: Name) -> bool:
        return any(name.fqdn == a or name.fqdn.endswith("." + a) for a in self.allow)

    def observe(self, event: DnsRecord | SensorAlert) -> None:
        if isinstance(event, SensorAlert):
            self._observe_alert(event)
            return
        rec = event
        host = self.hosts.setdefault(rec.client, _Host(first=rec.ts))
        host.queries += 1
        host.last = max(host.last, rec.ts)
        self.first_ts = rec.ts if self.first_ts is None else min(self.first_ts, rec.ts)
        self.last_ts = rec.ts if self.last_ts is None else max(self.last_ts, rec.ts)
        parsed = normalize(rec.query)
        if isinstance(parsed, Rejected):
            self.rejected[parsed.reason] += 1
            return
        nxdomain = rec.rcode == "NXDOMAIN"
        if nxdomain:
            host.nxdomain += 1
            self.nx.observe(rec.client, rec.ts, parsed.fqdn)
        self.devices.observe(rec.client, parsed.fqdn, parsed.registered)
        if self._allowlisted(parsed):
            return
        match = self.indicators.match_name(parsed, now=None)
        if match is not None:
            ind = match.indicator
            how = "exact" if match.exact else f"parent {match.matched}"
            host.add(Evidence("feed", rec.ts, parsed.fqdn,
                              f"{how} match in {','.join(ind.sources)} (confidence {ind.confidence})",
                              ind.family, ind.threat, None, rec.uid, MITRE["feed"]))
        self.tunnels.observe(rec.client, rec.ts, parsed.fqdn, parsed.registered, parsed.subdomain)
        if parsed.registered and len(host.names) < MAX_NAMES_PER_HOST:
            old = host.names.get(parsed.fqdn)
            if old is None:
                host.names[parsed.fqdn] = (nxdomain, rec.ts, rec.uid)
            elif nxdomain and not old[0]:
                host.names[parsed.fqdn] = (True, old[1], old[2])

    def _observe_alert(self, alert: SensorAlert) -> None:
        if not alert.client:
            return
        host = self.hosts.setdefault(alert.client, _Host(first=alert.ts))
        family = (alert.metadata.get("malware_family") or [""])[0]
        threat = (alert.metadata.get("threat_type") or [""])[0]
        host.add(Evidence("sensor-alert", alert.ts, alert.query, f"Suricata sid {alert.sid}: {alert.signature}",
                          family, threat, None, alert.uid, MITRE["sensor-alert"]))

    def _score_names(self, host: _Host) -> list[SuspiciousName]:
        if self.scorer is None or not host.names:
            return []
        names = list(host.names)
        verdicts = self.scorer(names)
        flagged: list[SuspiciousName] = []
        for v in verdicts:
            if v.score < self.settings.dga_threshold:
                continue
            nx, ts, uid = host.names[v.name]
            reasons = list(v.reasons) + (["NXDOMAIN"] if nx else [])
            flagged.append(SuspiciousName(v.name, round(float(v.score), 4), reasons))
            family = v.family if v.family and v.family != "unknown" else ""
            host.add(Evidence("dga", ts, v.name, f"lexical DGA score {v.score:.2f}" + (" (NXDOMAIN)" if nx else ""),
                              family, "dga" if family else "", float(v.score), uid, MITRE["dga"]))
        flagged.sort(key=lambda s: -s.score)
        return flagged

    def _match_forecast(self) -> None:
        if self.forecaster is None or self.first_ts is None or self.last_ts is None:
            return
        known = self.forecaster(days_covered(self.first_ts, self.last_ts))
        for host in self.hosts.values():
            for fqdn, (_, ts, uid) in host.names.items():
                hit = known.get(fqdn)
                if hit is not None:
                    family, threat = hit
                    host.add(Evidence("forecast", ts, fqdn, f"name computed by the {family} DGA for this date",
                                      family, threat, 1.0, uid, MITRE["forecast"]))

    def finish(self) -> list[HostReport]:
        self._match_forecast()
        for burst in self.nx.bursts():
            host = self.hosts[burst.host]
            host.add(Evidence(
                "nxdomain-burst", burst.start, ", ".join(burst.sample[:5]),
                f"{burst.count} NXDOMAIN answers for {burst.unique_names} names on {burst.tlds} TLDs "
                f"in {burst.end - burst.start:.0f} s", mitre=MITRE["nxdomain-burst"]))
        for t in self.tunnels.findings():
            host = self.hosts[t.host]
            host.add(Evidence(
                "tunnel", t.first, t.domain,
                f"{t.unique_subdomains} unique {t.encoding} subdomains (labels up to {t.longest_label} "
                f"chars) in {t.queries} queries", threat="c2", mitre=MITRE["tunnel"]))
        reports = [self._report(ip, host) for ip, host in self.hosts.items()]
        reports.sort(key=lambda r: (VERDICT_ORDER[r.verdict], -sum(r.evidence_counts.values()), r.host))
        return reports

    def _report(self, ip: str, host: _Host) -> HostReport:
        top = self._score_names(host)
        tag = self.devices.tag(ip)
        device = tag.device if tag else "unknown"
        c = host.counts
        dga_names = c["dga"]
        strong = c["feed"] + c["forecast"] + c["tunnel"]
        if strong or (c["nxdomain-burst"] and (dga_names >= self.settings.dga_min_names or device.startswith("nas"))):
            verdict = "compromised"
        elif c["nxdomain-burst"] or dga_names >= self.settings.dga_min_names or c["sensor-alert"]:
            verdict = "suspicious"
        else:
            verdict = "clean"
        if c["feed"] or c["forecast"]:
            confidence = "high"
        elif verdict == "compromised":
            confidence = "medium"
        else:
            confidence = "low" if verdict == "suspicious" else "-"
        mitre = sorted({m for ev in host.evidence for m in ev.mitre})
        return HostReport(
            host=ip, device=device, verdict=verdict, confidence=confidence,
            families=dict(host.families), evidence_counts=dict(c),
            queries=host.queries, nxdomain=host.nxdomain,
            top_names=top[: self.settings.top_names] if verdict != "clean" else [],
            evidence=sorted(host.evidence, key=lambda e: e.ts), mitre=mitre,
            next_steps=next_steps(verdict, device, host),
        )


def next_steps(verdict: str, device: str, host: _Host) -> list[str]:
    """What an analyst should do, in order, for this host's evidence."""
    if verdict == "clean":
        return []
    steps: list[str] = []
    threats = set(host.families.values())
    if device.startswith("nas"):
        steps.append("Cut the NAS off from the internet (no port forwarding / UPnP), update its firmware, "
                     "run the vendor's malware remover, then rotate every credential stored on it.")
    if "iab" in threats:
        steps.append("Initial-access-broker malware: assume hands-on-keyboard follow-up (ransomware); "
                     "isolate the host and hunt for lateral movement from it.")
    if host.counts["feed"] or host.counts["forecast"]:
        domains = sorted({e.name for e in host.evidence if e.kind in ("feed", "forecast")})[:3]
        steps.append(f"Block {', '.join(domains)} at the resolver and find the process that resolves them.")
    if host.counts["tunnel"]:
        domains = sorted({e.name for e in host.evidence if e.kind == "tunnel"})
        steps.append(f"DNS tunnel to {', '.join(domains)}: capture the full queries, identify the process, "
                     "estimate what left the network, block the domain.")
    if host.counts["nxdomain-burst"] and not host.counts["forecast"]:
        steps.append("NXDOMAIN burst: find the process making the lookups; compare the names with "
                     "`dnsguard dga forecast` and the DGA scores.")
    if not steps:
        steps.append("Review the listed names and alerts; raise to compromised if confirmed.")
    return steps


def run_analysis(
    events: Iterable[DnsRecord | SensorAlert],
    stats: InputStats,
    settings: AnalysisSettings,
    indicators: IndicatorIndex,
    forecaster=None,
    scorer=None,
    notes: list[str] | None = None,
) -> Analysis:
    analyzer = Analyzer(settings, indicators, forecaster, scorer)
    for event in events:
        analyzer.observe(event)
    hosts = analyzer.finish()
    return Analysis(hosts, stats, analyzer.rejected, analyzer.first_ts, analyzer.last_ts, notes or [])


def days_covered(first: float, last: float, margin: int = 1) -> list[dt.date]:
    """Days a capture spans, with a margin for skewed bot clocks."""
    start = dt.datetime.fromtimestamp(first, dt.UTC).date() - dt.timedelta(days=margin)
    end = dt.datetime.fromtimestamp(last, dt.UTC).date() + dt.timedelta(days=margin)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


__all__ = ["Analysis", "Analyzer", "Evidence", "HostReport", "days_covered", "parents", "run_analysis"]
