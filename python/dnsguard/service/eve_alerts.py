"""EVE ``alert`` records as service evidence (issue 17 item 3, the serve side).

Two kinds of the pack's alerts reach the service's verdicts; every other
alert is ignored (counted):

* **Listed-name alerts** (9,070,1xx-4xx, 7.x and 8.0 twins): the host asked
  for a name in a feed set.  The listing - family, threat, the data's
  confidence, sources - comes from the alert itself on Suricata 8.0
  (``alert.context.dnsguard``, which :func:`dnsguard.inputs.eve.read_eve`
  keeps in the alert's metadata) and on 7.0 from the service's loaded feed
  store: the SID says which depth the rule looked up, the query is cut the
  same way (:func:`dnsguard.suricata.enrich.looked_up`) and the store's
  record of that name is read - what :func:`enrich.enrich_any` over
  :func:`enrich.table_from_indicators` would find, without building the
  table.  The name becomes a feed hit (a :class:`NameVerdict`, as if the
  dns record had been looked up) and the host gets a :class:`HostVerdict`
  naming the family: a listed name is strong evidence on its own, as in
  ``dnsguard analyze`` (and as when the dns record itself reaches the
  service first).
* **Major / Critical alerts of the pack's tunnel and C2 rules** (9,072,010+,
  9,074,xxx, 9070600): a :class:`HostVerdict`, family from the rule's
  ``malware_family`` metadata (``unknown`` for the generic tunnel rules),
  threat ``c2``, score from the rule's ``confidence`` metadata.  The
  registered-domain NXDOMAIN rules (9072003/9072004/9073003, Major) the same way, threat
  ``dga``, unless the host's dns records show that only names below
  popular domains reach the rule's count (a resolver that blocks ads with
  NXDOMAIN: :mod:`dnsguard.detect.nxalerts`).

Not the service's own verdict rule (9070500, Minor): it only echoes names
the service already decided.

:func:`alert_hit` (EVE alert -> :class:`AlertHit`) is pure; the
:class:`AlertJudge` keeps the little state the deduplication needs.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field

from dnsguard.feeds.families import display_family
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.names import Name, normalize
from dnsguard.records import SensorAlert
from dnsguard.service.decide import Decider, Outcome, Scored
from dnsguard.service.model import HostVerdict, NameVerdict
from dnsguard.suricata.enrich import Listing, describe, from_metadata, looked_up, rule_lookup
from dnsguard.suricata.rules import NX_REGISTERED_SIDS, nxdomain_thresholds

HOST_RULES: tuple[tuple[Container[int], str], ...] = (
    (range(9_072_010, 9_072_100), "c2"),
    (range(9_074_000, 9_075_000), "c2"),
    (range(9_070_600, 9_070_601), "c2"),
    (frozenset(NX_REGISTERED_SIDS), "dga"),
)
"""The pack's rules whose Major alerts are host evidence, with the threat
they stand for: the tunnelling rules (9,072,010+), the tunnel / DNS C2
rules (9,074,xxx) and the Feodo C2 address rule (``c2``); the NXDOMAIN
rule over registered-domain names (``dga``: what a DGA bot does at its real
rate even when its names are too short or too word-like for the model,
QSnatch; its family comes from the host aggregation when the names score).
Not the DGA shape rules (Major too, but a shape is a guess about a name the
dns path's model judges better; one alerted on a benign ``.online`` site in
issue 17), the generic burst rule 9,072,001 (Minor, confidence Low), nor
Major alerts of other rule sets (ET Open...)."""


NX_RULES = nxdomain_thresholds()
"""SID -> (count, seconds) of the pack's NXDOMAIN rules."""


def host_rule_threat(sid: int) -> str | None:
    """The threat a Major alert of ``sid`` is host evidence of, or None."""
    return next((threat for block, threat in HOST_RULES if sid in block), None)


MAJOR = frozenset({"major", "critical"})
RULE_CONFIDENCE = {"high": 90, "medium": 60, "low": 30}
"""A Major rule's ``confidence`` metadata as a 0-100 figure (the host
verdict's score is this / 100; Zeek notices from 0.5 on)."""
UNLISTED_CONFIDENCE = 50
"""A 7.0 listed-name alert whose name the service's store does not hold
(the sensor's export is older or newer): still a host verdict, family
``unknown``, no name verdict (nothing vouches for the name's data)."""


@dataclass(frozen=True, slots=True)
class AlertHit:
    """One usable EVE alert, as it waits in the service's queue."""

    ts: float
    orig_h: str
    query: str
    sid: int
    signature: str
    kind: str
    """``listed`` (a listed-name rule) or ``major`` (a tunnel / C2 rule)."""
    listing: Listing | None = None
    """Suricata 8.0: the listed name's line from the alert's context."""
    family: str = ""
    """``major``: the rule's ``malware_family``."""
    confidence: int = 0
    """``major``: the rule's ``confidence`` metadata, 0-100."""
    threat: str = ""
    """``major``: the threat the rule stands for (:data:`HOST_RULES`)."""


def _first(meta: dict[str, list[str]], key: str) -> str:
    values = meta.get(key) or [""]
    return values[0].strip()


def alert_hit(alert: SensorAlert) -> AlertHit | None:
    """The evidence in one EVE alert, or None (another rule, no client)."""
    if not alert.client:
        return None
    meta = alert.metadata
    if rule_lookup(alert.sid) is not None:
        if not alert.query:
            return None
        return AlertHit(alert.ts, alert.client, alert.query, alert.sid, alert.signature, "listed",
                        listing=from_metadata(meta))
    threat = host_rule_threat(alert.sid)
    if threat is None:
        return None
    if not {v.strip().lower() for v in meta.get("signature_severity") or ()} & MAJOR:
        return None
    return AlertHit(alert.ts, alert.client, alert.query, alert.sid, alert.signature, "major",
                    family=display_family(_first(meta, "malware_family")) or "unknown", threat=threat,
                    confidence=RULE_CONFIDENCE.get(_first(meta, "confidence").lower(), 60))


def store_listing(indicators: IndicatorIndex, sid: int, query: str, now: float) -> tuple[Listing, float | None] | None:
    """Suricata 7.0: the store's record of the name a listed-name rule looked
    up (and when it expires), or None when the store does not hold it."""
    found = rule_lookup(sid)
    name = looked_up(query, found[1]) if found else ""
    ind = indicators.domains.get(name) if name else None
    if ind is None or (ind.expires is not None and ind.expires <= now):
        return None
    return Listing(name, ind.family, ind.threat, ind.confidence, ",".join(ind.sources) or "unknown"), ind.expires


@dataclass
class AlertStats:
    listed: int = 0
    major: int = 0
    duplicates: int = 0
    """Alerts for a (host, name) - or (host, rule) - already counted in the window."""
    enriched: int = 0
    """7.0 alerts whose listing came from the store."""
    unlisted: int = 0
    refused: int = 0
    rejected: int = 0
    explained: int = 0
    """NXDOMAIN alerts set aside: the host's records reach the rule's count
    only with names below popular domains."""


@dataclass
class AlertJudge:
    """Turns :class:`AlertHit` into verdicts, next to the :class:`Decider`
    whose feeds, guard, cache and host settings it shares.

    Counting each name once, whichever way it arrives:

    * *The name* (feed hit, name verdict): through the decider's cache,
      keyed by the raw query string as the dns path keys it.  The service
      decides a batch's dns records first, then its alerts.  A dns record
      that came first left a verdict in the cache: the alert finds it and
      makes no second feed hit or name verdict.  An alert that came first
      puts its verdict there: the later dns record is a cache hit.
    * *The host*: one piece of evidence per (host, listed name) - (host,
      SID) for a Major alert - per ``hosts.window`` seconds of sensor time,
      whether the name came as a dns record (:meth:`Decider.listed_host`)
      or as an alert: the decider's :class:`OncePerWindow` is shared.
      The journal then drops a host verdict identical in family and threat
      to the live one, and keeps the stronger of two that differ
      (:func:`dnsguard.service.hostevidence.combine`).
    """

    decider: Decider
    stats: AlertStats = field(default_factory=AlertStats)

    def decide(self, hits: list[AlertHit], now: float) -> Outcome:
        out = Outcome()
        for hit in hits:
            if hit.kind == "listed":
                self._listed(hit, now, out)
            elif self._explained(hit):
                self.stats.explained += 1
            elif self.decider.once.first((hit.orig_h, f"sid:{hit.sid}"), hit.ts):
                self.stats.major += 1
                evidence = (f"Suricata sid {hit.sid}: {hit.signature} (severity Major"
                            + (f", family {hit.family}" if hit.family != "unknown" else "") + ")"
                            + (f"; query {hit.query}" if hit.query else ""))
                out.hosts.append(self._host(hit, hit.family, hit.threat, hit.confidence, evidence, (), now))
            else:
                self.stats.duplicates += 1
        self.decider.stats.host_verdicts += len(out.hosts)
        return out

    def _explained(self, hit: AlertHit) -> bool:
        """A Suricata NXDOMAIN alert whose window in the host's dns records
        reaches the rule's count only with names below popular domains (a
        resolver's block policy: :mod:`dnsguard.detect.nxalerts`).  Without
        such records (alerts-only EVE) it counts as the sensor said."""
        rule = NX_RULES.get(hit.sid)
        return rule is not None and self.decider.nx_answers.explains(hit.orig_h, hit.ts, *rule)

    def _listed(self, hit: AlertHit, now: float, out: Outcome) -> None:
        d = self.decider
        name = normalize(hit.query)
        if not isinstance(name, Name) or not name.registered:
            self.stats.rejected += 1
            return
        if not d.once.first((hit.orig_h, name.fqdn), hit.ts):
            self.stats.duplicates += 1
            return
        if d.refusal(name.fqdn, name.registered) is not None:
            d.stats.refused += 1
            self.stats.refused += 1
            return
        self.stats.listed += 1
        listing, expires = hit.listing, None
        if listing is None:
            found = store_listing(d.indicators, hit.sid, hit.query, now)
            if found is not None:
                self.stats.enriched += 1
                listing, expires = found
        if listing is None:
            self.stats.unlisted += 1
            threat = rule_lookup(hit.sid)[0]  # type: ignore[index]
            evidence = (f"Suricata sid {hit.sid}: {hit.signature} — {threat} set; "
                        f"{name.fqdn} is not in the service's feeds")
            out.hosts.append(self._host(hit, "unknown", threat, UNLISTED_CONFIDENCE, evidence, (name.fqdn,), now))
            return
        cached = d.cache.get(hit.query, now)
        if cached is None or cached.verdict is None:
            ttl = d.settings.verdict_ttl
            if expires is not None:
                ttl = max(1, min(ttl, int(expires - now)))
            verdict = NameVerdict(
                name.fqdn, round(listing.confidence / 100, 4), listing.family, listing.threat, ttl, now,
                name.registered, "feed:" + listing.source, (f"listed: {listing.domain}", f"suricata sid {hit.sid}"),
                hit.orig_h,
            )
            d.cache.put(hit.query, Scored(name.fqdn, name.registered, 1.0, listing.family, verdict),
                        verdict.expires_at)
            d.stats.feed_hits += 1
            d.stats.name_verdicts += 1
            out.names.append(verdict)
        evidence = f"Suricata sid {hit.sid}: {hit.signature} — {describe(listing)}"
        out.hosts.append(self._host(hit, listing.family, listing.threat, listing.confidence, evidence,
                                    (name.fqdn,), now))

    def _host(self, hit: AlertHit, family: str, threat: str, confidence: int, evidence: str,
              names: tuple[str, ...], now: float) -> HostVerdict:
        device = self.decider.hosts.device(hit.orig_h)
        if device:
            evidence += f"; device {device}"
        return HostVerdict(hit.orig_h, family, threat, round(confidence / 100, 4), evidence, now, device, names)
