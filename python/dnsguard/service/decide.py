"""From candidates to verdicts: normalise, look up, score, aggregate.

This is the service's pure core (no I/O): give it a batch of
:class:`Candidate` and the current time, get back the *new* name verdicts
and host verdicts.  Each distinct query string is worked out once per TTL
(:class:`ExpiringCache`), feeds win over the DGA model (a listed name is
known, not guessed), and the scorer sees each batch's unseen names in one
vectorised call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np

from dnsguard.detect.devices import DeviceTagger
from dnsguard.detect.nxalerts import COUNTED_QTYPES, WINDOW_SLACK
from dnsguard.feeds.allowlist import Allowlist
from dnsguard.feeds.families import display_family
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.names import Name, Rejected, normalize
from dnsguard.service.cache import ExpiringCache
from dnsguard.service.channels import MAX_NAME_CACHE as MAX_CHANNEL_NAMES
from dnsguard.service.channels import ChannelSettings, ChannelWatch
from dnsguard.service.hostevidence import NxAnswers, OncePerWindow
from dnsguard.service.hosts import Distribution, HostAggregator, HostSettings
from dnsguard.service.model import Candidate, HostTag, HostVerdict, NameVerdict
from dnsguard.service.scoring import DgaScorer, result_of
from dnsguard.suricata.rules import nxdomain_thresholds


@dataclass(frozen=True)
class DecideSettings:
    verdict_threshold: float = 0.9
    """DGA score at which a name becomes a verdict for the sensors: when it
    did not resolve, or when the host asking it already drew DGA-like
    NXDOMAIN names (see ``Decider.may_name``)."""
    host_threshold: float = 0.5
    """DGA score at which an NXDOMAIN counts towards a host verdict."""
    verdict_ttl: int = 86_400
    """Seconds the sensors keep a name verdict."""
    benign_ttl: float = 3_600.0
    """Seconds a harmless decision is cached (a feed reload clears it anyway)."""
    cache_entries: int = 500_000
    allowlist: frozenset[str] = frozenset()
    """Registered domains that never produce a verdict."""
    hosts: HostSettings = field(default_factory=HostSettings)
    channels: ChannelSettings | None = None
    """The tunnel / DNS-C2 detections' thresholds (``serve.channels``), or None: off."""
    devices: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """NAS vendors' service names (the config's ``devices:``, as analyze
    uses them): a host resolving them is tagged, on the EVE path too, where
    no Zeek ``host_tag`` arrives."""
    device_min_names: int = 2


@dataclass(frozen=True, slots=True)
class Scored:
    """What is known about one name; cached per query string."""

    fqdn: str
    registered: str
    score: float
    family: str
    verdict: NameVerdict | None
    dist: Distribution | None = None
    """The scorer's family distribution (names at or above ``host_threshold``,
    when the scorer has ``family_distribution``); host aggregation sums it."""
    reasons: tuple[str, ...] = ()
    """The scorer's reasons, for a model verdict made later (``held``)."""

    def held(self, threshold: float) -> bool:
        """Scored at or above the verdict threshold by the model, no verdict yet."""
        return self.verdict is None and self.score >= threshold


@dataclass
class DecideStats:
    candidates: int = 0
    rejected: int = 0
    scored: int = 0
    feed_hits: int = 0
    refused: int = 0
    """Verdicts not made because the name is allowlisted or never-listed."""
    name_verdicts: int = 0
    host_verdicts: int = 0


@dataclass
class Outcome:
    names: list[NameVerdict] = field(default_factory=list)
    hosts: list[HostVerdict] = field(default_factory=list)


@dataclass
class Decider:
    scorer: DgaScorer
    settings: DecideSettings = field(default_factory=DecideSettings)
    indicators: IndicatorIndex = field(default_factory=IndicatorIndex)
    stats: DecideStats = field(default_factory=DecideStats)
    guard: Allowlist | None = None
    """The feeds' allowlist and never-list: no verdict, from a feed or the
    model, on a name they cover (a poisoned feed or a model error must not
    flag google.com or 8.8.8.8's dns.google)."""
    channels: ChannelWatch | None = None
    """The tunnel / DNS-C2 detections over every candidate (raw invalid
    names included), or None."""

    def __post_init__(self) -> None:
        self.cache: ExpiringCache[Scored] = ExpiringCache(self.settings.cache_entries)
        self.named: ExpiringCache[bool] = ExpiringCache(self.settings.cache_entries)
        """Names that got a model verdict, until it expires.  The cache above is
        keyed by the query as asked, so another spelling of a named name
        (``KBZ.com``, ``kbz.com.``) still holds it as held."""
        self.hosts = HostAggregator(self.settings.hosts, shapes=getattr(self.scorer, "family_shapes", None))
        self.once = OncePerWindow(self.settings.hosts.window)
        self.nx_answers = NxAnswers(horizon=max(s for _, s in nxdomain_thresholds().values()) + WINDOW_SLACK,
                                    max_hosts=self.settings.hosts.max_hosts)
        """Recent NXDOMAIN answers per host: a Suricata NXDOMAIN alert is
        checked against them (:meth:`AlertJudge.decide`)."""
        self.tagger = (DeviceTagger(self.settings.devices, self.settings.device_min_names)
                       if self.settings.devices else None)
        if self.channels is None and self.settings.channels is not None:
            self.channels = ChannelWatch(self.settings.channels, self.popular,
                                         max_names=min(self.settings.cache_entries, MAX_CHANNEL_NAMES),
                                         max_hosts=self.settings.hosts.max_hosts)
        """A listed name (or a rule's alert) counts once per host and window,
        from a dns record or an alert alike (shared with the alert judge)."""

    def popular(self, registered: str) -> bool:
        """A registered domain the tunnel / DNS-C2 detections never count
        names below: allowlisted, or covered by the feeds' allowlist (the
        shipped one when the service was given none), as in analyze."""
        if registered in self.settings.allowlist:
            return True
        if self.guard is not None:
            return self.guard.covers(registered)
        from dnsguard.feeds.allowlist import shipped_allowlist

        return shipped_allowlist().covers(registered)

    def refusal(self, fqdn: str, registered: str) -> str | None:
        """Why no verdict may name ``fqdn`` (allowlisted / never-listed), or None."""
        if registered in self.settings.allowlist:
            return "allowlisted"
        return self.guard.name_reason(fqdn, registered) if self.guard is not None else None

    def reload(self, scorer: DgaScorer | None, indicators: IndicatorIndex | None,
               guard: Allowlist | None = None) -> None:
        """New model or feeds: every cached decision may be stale."""
        if guard is not None:
            self.guard = guard
        if scorer is not None:
            self.scorer = scorer
            self.hosts.shapes = getattr(scorer, "family_shapes", None)
        if indicators is not None:
            self.indicators = indicators
        self.forget()

    def forget(self) -> None:
        """Drop every cached decision and the memory of names already named
        (after a reload or a retraction, what was decided may be stale)."""
        self.cache.clear()
        self.named.clear()

    def decide(self, batch: Iterable[Candidate], now: float) -> Outcome:
        out = Outcome()
        known: list[tuple[Candidate, Scored]] = []
        unseen: dict[str, list[Candidate]] = {}
        parsed: dict[str, Name] = {}
        watch = self.channels
        for cand in batch:
            self.stats.candidates += 1
            key = cand.query if isinstance(cand.query, str) else None
            hit = self.cache.get(key, now) if key is not None else None
            if hit is not None:
                if watch is not None:
                    self._watch(watch, cand, now, hit.registered, hit.fqdn != hit.registered, out)
                known.append((cand, hit))
                continue
            name = normalize(cand.query)
            if watch is not None:
                if isinstance(name, Rejected):
                    self._watch(watch, cand, now, None, False, out)
                else:
                    self._watch(watch, cand, now, name.registered, bool(name.subdomain), out)
            if isinstance(name, Rejected) or not name.registered:
                self.stats.rejected += 1
                continue
            parsed[name.fqdn] = name
            unseen.setdefault(name.fqdn, []).append(cand)
        if unseen:
            for fqdn, scored in self._score(parsed, unseen, now, out).items():
                for cand in unseen[fqdn]:
                    if isinstance(cand.query, str):
                        self.cache.put(cand.query, scored, self._expiry(scored, now))
                    known.append((cand, scored))
        hs, vt = self.settings.host_threshold, self.settings.verdict_threshold
        tagger = self.tagger
        nx_answers = self.nx_answers
        for cand, scored in known:
            if cand.nxdomain and cand.qtype in COUNTED_QTYPES:
                nx_answers.observe(cand.orig_h, cand.ts, self.popular(scored.registered))
            if tagger is not None and tagger.knows(scored.registered):
                tag = tagger.observe(cand.orig_h, scored.fqdn, scored.registered)
                if tag is not None:
                    self.hosts.tag(HostTag(cand.orig_h, tag.device, tag.evidence))
            listed = scored.verdict is not None and scored.verdict.source.startswith("feed:")
            if listed and self.once.first((cand.orig_h, scored.fqdn), cand.ts):
                out.hosts.append(self.listed_host(cand.orig_h, scored.verdict, now))  # type: ignore[arg-type]
            if cand.nxdomain and scored.score >= hs and scored.registered not in self.settings.allowlist:
                host = self.hosts.observe(
                    cand.orig_h, cand.ts, scored.fqdn, scored.score, scored.family, scored.dist
                )
                if host is not None:
                    # Windows run on sensor time (pcaps replay the past); the verdict's
                    # lifetime in the journal runs on service time, like name verdicts.
                    out.hosts.append(replace(host, created=now))
            if scored.held(vt) and self.named.get(scored.fqdn, now) is None and self.may_name(cand):
                self._name(cand, scored, now, out)
        self.stats.host_verdicts += len(out.hosts)
        return out

    def may_name(self, cand: Candidate) -> bool:
        """Whether a name the model scores at or above ``verdict_threshold`` may
        become a verdict that every sensor alerts on, from this candidate.

        Yes when the name did not resolve (a DGA's unregistered draw: other
        hosts drawing it are infected too), or when the host asking it
        already drew DGA-like NXDOMAIN names (a resolving name from such a
        host is likely the live C2).  A name that resolves, asked by a host
        with nothing else, stays host evidence only: today's popular
        ad-tech and CDN domains include random-looking names
        (``kbz0pwvxmv.com``: 0.98 with the shipped model, in a 2025 top
        list; docs/dga-model.md), and a verdict would make the sensors
        alert on every host that visits them."""
        return cand.nxdomain or self.hosts.drawing_dga(cand.orig_h, cand.ts)

    def _name(self, cand: Candidate, scored: Scored, now: float, out: Outcome) -> None:
        """Make the held model verdict for ``scored`` now, cache it, and report it."""
        s = self.settings
        name_verdict = NameVerdict(
            scored.fqdn, round(scored.score, 4), scored.family, "dga", s.verdict_ttl, now,
            scored.registered, "dga", scored.reasons, cand.orig_h,
        )
        if isinstance(cand.query, str):
            self.cache.put(cand.query, replace(scored, verdict=name_verdict), name_verdict.expires_at)
        self.named.put(scored.fqdn, True, name_verdict.expires_at)
        out.names.append(name_verdict)
        self.stats.name_verdicts += 1

    def _watch(self, watch: ChannelWatch, cand: Candidate, now: float, registered: str | None, subdomain: bool,
               out: Outcome) -> None:
        """The channel detections see every candidate, raw invalid names included."""
        found = watch.observe(cand, now, registered, subdomain, self.hosts.device(cand.orig_h))
        if found is not None:
            out.hosts.append(found)

    def listed_host(self, orig_h: str, verdict: NameVerdict, now: float) -> HostVerdict:
        """A host that asked for a listed name: strong evidence on its own
        (as in ``dnsguard analyze``), family and threat from the listing."""
        device = self.hosts.device(orig_h)
        evidence = (f"asked for {verdict.name} ({'; '.join(verdict.reasons)}; {verdict.source}, "
                    f"{verdict.threat}, family {verdict.family or 'unknown'})"
                    + (f"; device {device}" if device else ""))
        return HostVerdict(orig_h, verdict.family or "unknown", verdict.threat, verdict.score, evidence, now,
                           device, (verdict.name,))

    def _expiry(self, scored: Scored, now: float) -> float:
        if scored.verdict is not None:
            return scored.verdict.expires_at
        return now + self.settings.benign_ttl

    def _score(
        self, parsed: dict[str, Name], unseen: dict[str, list[Candidate]], now: float, out: Outcome
    ) -> dict[str, Scored]:
        s = self.settings
        result: dict[str, Scored] = {}
        to_model: list[str] = []
        for fqdn, name in parsed.items():
            origin = unseen[fqdn][0].orig_h
            if self.refusal(fqdn, name.registered) is not None:
                self.stats.refused += 1
                result[fqdn] = Scored(fqdn, name.registered, 0.0, "", None)
                continue
            match = self.indicators.match_name(name, now) if self.indicators.domains else None
            if match is None:
                to_model.append(fqdn)
                continue
            ind = match.indicator
            self.stats.feed_hits += 1
            ttl = s.verdict_ttl if ind.expires is None else max(1, min(s.verdict_ttl, int(ind.expires - now)))
            verdict = NameVerdict(
                fqdn, round(ind.confidence / 100, 4), ind.family, ind.threat, ttl, now,
                name.registered, "feed:" + ",".join(ind.sources or ("unknown",)),
                (f"listed: {match.matched}",), origin,
            )
            result[fqdn] = Scored(fqdn, name.registered, 1.0, ind.family, verdict)
            out.names.append(verdict)
        if to_model:
            self.stats.scored += len(to_model)
            results = [result_of(item) for item in self.scorer.score_batch(to_model)]
            dists = self._distributions(
                [f for f, r in zip(to_model, results, strict=True) if r.score >= s.host_threshold]
            )
            for fqdn, r in zip(to_model, results, strict=True):
                # a model verdict is made per candidate, in decide() (may_name)
                result[fqdn] = Scored(fqdn, parsed[fqdn].registered, r.score, display_family(r.family), None,
                                      dists.get(fqdn), r.reasons)
        self.stats.name_verdicts += sum(1 for v in result.values() if v.verdict is not None)
        return result

    def _distributions(self, fqdns: list[str]) -> dict[str, Distribution]:
        """Family log-probabilities of the names that may count towards a host.

        Only from a scorer that offers ``family_distribution`` (the shipped
        one does; a stand-in that only reports families gets the vote)."""
        ask = getattr(self.scorer, "family_distribution", None)
        if ask is None or not fqdns:
            return {}
        dist = ask(fqdns)
        families = dist.families if isinstance(dist.families, tuple) else tuple(dist.families)
        out: dict[str, Distribution] = {}
        for fqdn, row in zip(fqdns, np.asarray(dist.log_probability, dtype=np.float32), strict=True):
            if row.size and not np.isnan(row).any():
                out[fqdn] = (families, row)
        return out
