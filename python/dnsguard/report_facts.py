"""What the text and HTML reports say about a host, computed once for both.

An analyst acting on the report needs, per host: why the verdict and that
confidence (the evidence that decided it, in words), the findings grouped
so one next step is not repeated on forty rows, the addresses to block,
an indicator list to paste into a block list or a ticket, and ready-made
Security Onion Hunt / Kibana queries.  These are pure functions of a
:class:`~dnsguard.analyze.HostReport`; the renderers only lay them out.

Query fields are Security Onion's (its Elasticsearch ingest pipelines):
``source.ip`` / ``destination.ip`` (Zeek ``id.orig_h`` / ``id.resp_h``,
Suricata ``src_ip`` / ``dest_ip``), ``dns.query.name`` (Zeek ``query``,
Suricata ``rrname``), ``network.community_id`` (computed from the 5-tuple
for Zeek, Suricata's own field) and ``event.dataset:alert`` (Suricata
alerts).  The same text is valid KQL and Lucene, so it pastes into Hunt,
Kibana and Discover alike.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from dnsguard.analyze import Evidence, HostReport

NAME_KINDS = ("feed", "forecast", "tunnel", "fast-flux", "dga", "host-verdict")
"""Kinds whose ``name`` is one DNS name (a burst's name is a sample list; a
sensor alert's may be a subdomain of a tunnel)."""
MAX_QUERY_TERMS = 25
"""Names or ids per query: Hunt and Kibana take more, people reading them do not."""
MAX_GROUP_NAMES = 8

KIND_LABELS = {
    "host-verdict": "scorer host verdict",
    "feed": "threat-feed match",
    "dns-channel": "DNS data channel",
    "c2-rotation": "C2 domain rotation",
    "c2-beacon": "C2 beacon",
    "tunnel": "DNS tunnel",
    "sensor-major": "major sensor alert",
    "nxdomain-burst": "NXDOMAIN burst",
    "fast-flux": "fast flux",
    "forecast": "known-DGA name",
    "data-answers": "data in answers",
    "dga": "DGA-like name",
    "sensor-alert": "sensor alert",
}
"""Finding kind -> the words the reports use for it, in the order findings are
listed (the strongest first)."""
KIND_TERMS = {"feed": "threat-feed match", "forecast": "known-DGA name (forecast)", "tunnel": "DNS tunnel",
              "fast-flux": "fast flux", "nxdomain-burst": "NXDOMAIN burst", "dga": "DGA-like name",
              "sensor-alert": "sensor alert", "host-verdict": "scorer host verdict",
              "sensor-major": "major sensor alert", "dns-channel": "DNS data channel",
              "c2-rotation": "C2 domain rotation", "c2-beacon": "C2 beacon", "data-answers": "data in answers"}
"""Finding kind -> its glossary entry."""
STRONG_UNNAMED = {"tunnel": "data encoded in query names", "dns-channel": "data moving over DNS",
                  "c2-rotation": "a C2 client walking its domain list", "c2-beacon": "a C2 client polling on a timer",
                  "sensor-major": "a Suricata rule of Major severity fired"}
"""Kinds that make a host compromised on their own without naming the malware
(:data:`dnsguard.analyze.STRONG_KINDS`), and what they mean."""

GLOSSARY: dict[str, str] = {
    "compromised": "Verdict: the evidence is enough to treat the host as infected (one strong finding, or two "
                   "kinds of suspicious behaviour, or an NXDOMAIN burst on a NAS).",
    "suspicious": "Verdict: one sign of infection only; confirm or dismiss it before acting.",
    "clean": "Verdict: nothing found in DNS.  Not proof of health: DNS shows only what the host looked up.",
    "confidence": "How sure the verdict is: high when a threat feed, a known-DGA name or the scorer's host "
                  "verdict names the malware; medium when behaviour alone (a tunnel, repeated bursts) "
                  "makes the host compromised; low for a suspicious host.",
    "threat-feed match": "A threat-intelligence list (abuse.ch, your own lists) names this domain, or a domain "
                         "above it, as malicious; its family and threat type come from the list.",
    "known-DGA name (forecast)": "Many malware families compute their contact domains from the date "
                                 "(a domain generation algorithm).  dnsguard computes the names known families "
                                 "generate for the capture's dates; a host asking for one of them runs that "
                                 "family's code.  Exact, so high confidence.",
    "DGA-like name": "A name whose letters look machine-generated (lexical DGA score at or above the "
                     "threshold).  A hint, not proof: several that did not resolve are needed (a bot's draws "
                     "are mostly unregistered; ad-tech and CDN names that look random resolve), or "
                     "another sign.",
    "DGA score": "0 to 1, how machine-generated a name's letters look to dnsguard's model; names above the "
                 "threshold (0.85 by default) count as DGA-like.",
    "NXDOMAIN": "The DNS answer 'no such domain'.  A bot trying its generated names gets mostly these.",
    "NXDOMAIN burst": "Many NXDOMAIN answers for different registered domains from one host within minutes: "
                      "the pattern of a DGA bot looking for its server.  People's typos do not come in bursts.",
    "DNS tunnel": "Data hidden in DNS query names (long hex or base32 labels under one domain): a covert "
                  "channel for command and control or for data theft.",
    "fast flux": "A name whose addresses keep changing across many networks with short TTLs, to hide the "
                 "servers behind it (botnets, phishing).",
    "sensor alert": "An alert from Suricata (rule sid and message) or a Zeek notice that is not by itself "
                    "proof of compromise; it supports the other evidence.",
    "major sensor alert": "A Suricata alert of severity Major or Critical (the rule pack's listed-domain, DGA-shape, repeated-NXDOMAIN, tunnel and C2 rules) "
                          "or marked dnsguard_verdict compromised: enough on its own to treat the host as "
                          "compromised.",
    "DNS data channel": "Data moving over DNS: many distinct data-carrying names (encoded labels, TXT/NULL "
                        "queries) below a few domains within minutes; a tunnel or a DNS C2 channel.",
    "C2 domain rotation": "A C2 client walking through its list of domains in turn (when one stops answering "
                          "it tries the next).",
    "C2 beacon": "Look-ups of one name at a regular interval: a C2 client polling for commands.",
    "data in answers": "DNS answers that carry data (text in A/AAAA addresses, encoded TXT or CNAME): commands "
                       "from a C2 server over DNS.",
    "scorer host verdict": "dnsguard's live scorer (dnsguard serve) judged the host infected from its DNS.",
    "family": "The malware family the evidence names (from a feed entry, an exact known-DGA name, or the "
              "lexical rule over the host's DGA-like names, then its NXDOMAIN-burst names when those name "
              "none).",
    "iab": "Threat type 'initial access broker': malware (QakBot, Emotet, QSnatch...) whose operators sell "
           "access to the network; ransomware often follows.  Treat as an incident, not as adware.",
    "c2": "Threat type 'command and control': the malware's channel to its operator.",
    "botnet": "Threat type: the host is one bot of a botnet (spam, DDoS, proxying).",
    "phishing": "Threat type: the name hosts a phishing page.",
    "NAS": "Network-attached storage box (QNAP, Synology).  It has no user who mistypes names, so DNS "
           "anomalies from it weigh more; it is a common target (QSnatch).",
    "NAS share": "Of the compromised hosts, the fraction that are NAS boxes.",
    "device": "What the host is, from the names it looks up (NAS vendors' update and cloud services).",
    "first seen / last seen": "The first and last DNS query of the host in the input (UTC).",
    "Community ID": "A hash of a flow's addresses, ports and protocol that Zeek, Suricata and Security Onion "
                    "all compute the same way (network.community_id).  Pivot on it: it finds the flow on "
                    "any sensor.",
    "uid": "The sensor's own id of the flow (Zeek uid, Suricata flow_id).  Valid only on the sensor that wrote "
           "it; for a pcap analysed here it comes from a throw-away run and finds nothing on your grid.",
    "IOC": "Indicator of compromise: the names and addresses to block or search for.",
    "ATT&CK": "MITRE ATT&CK technique ids (T1071.004 DNS application-layer protocol, T1568.002 DGA, "
              "T1568.001 fast flux, T1048.003 exfiltration over an unencrypted protocol).",
    "Hunt / Kibana query": "A search to paste into Security Onion's Hunt or Kibana (same syntax), using the "
                           "field names Security Onion stores Zeek and Suricata events under.",
}


@dataclass(frozen=True)
class EvidenceGroup:
    """Findings with the same kind and the same next step, shown as one row."""

    kind: str
    names: list[str]
    findings: int
    seen: int
    """Times seen, over all findings of the group."""
    first: float
    last: float
    detail: str
    family: str
    next_step: str
    community_ids: list[str] = field(default_factory=list)
    uids: list[str] = field(default_factory=list)
    """Sensor uids / flow ids: a pivot only on the sensor that wrote the logs."""
    total: int = 0
    """Findings of this kind on the host, when more than the analysis kept
    (it keeps the first 100 of a kind); 0 when all are listed."""


@dataclass(frozen=True)
class Iocs:
    names: list[str]
    addresses: list[str]
    community_ids: list[str]
    resolved: dict[str, list[str]]
    """name -> addresses it resolved to (names without answers left out)."""


@dataclass(frozen=True)
class HuntQuery:
    purpose: str
    query: str


def label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _group_key(ev: Evidence) -> tuple[str, str, str, str]:
    # A sensor alert is grouped by its rule; everything else by its next
    # step, which names the domain where the step differs per domain.
    rule = ev.detail if ev.kind == "sensor-alert" else ""
    return ev.kind, ev.family, rule, ev.next_step


def group_evidence(evidence: list[Evidence], counts: dict[str, int] | None = None) -> list[EvidenceGroup]:
    """One row per (kind, family, rule, next step), strongest kinds first,
    in the order the findings first appeared within a kind.  ``counts``
    (the host's findings per kind) marks a group that stands for more
    findings than were kept."""
    groups: dict[tuple[str, str, str, str], list[Evidence]] = {}
    for ev in sorted(evidence, key=lambda e: e.ts):
        groups.setdefault(_group_key(ev), []).append(ev)
    order = {k: i for i, k in enumerate(KIND_LABELS)}
    out = []
    for (kind, family, _, step), evs in sorted(groups.items(), key=lambda kv: (order.get(kv[0][0], 99),
                                                                                 kv[1][0].ts)):
        names = list(dict.fromkeys(e.name for e in evs if e.name))
        details = list(dict.fromkeys(e.detail for e in evs))
        detail = details[0] if len(details) == 1 else f"{len(details)} findings, e.g. {details[0]}"
        out.append(EvidenceGroup(
            kind, names, len(evs), sum(e.count for e in evs), evs[0].ts,
            max(e.last or e.ts for e in evs), detail, family, step,
            list(dict.fromkeys(e.community_id for e in evs if e.community_id)),
            list(dict.fromkeys(e.uid for e in evs if e.uid))))
    kinds = Counter(g.kind for g in out)
    kept = Counter(e.kind for e in evidence)
    return [replace(g, total=counts[g.kind]) if counts and kinds[g.kind] == 1 and counts.get(g.kind, 0) > kept[g.kind]
            else g for g in out]


def many(g: EvidenceGroup) -> str:
    """`` ×40``, `` ×357 (100 listed)`` or nothing for one finding."""
    if g.total:
        return f" ×{g.total} ({g.findings} listed)"
    return f" ×{g.findings}" if g.findings > 1 else ""


def short_list(names: list[str], limit: int = MAX_GROUP_NAMES) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f" and {len(names) - limit} more"


def _cut(name: str, width: int = 60) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def why(h: HostReport) -> list[str]:
    """The evidence that decided the verdict and its confidence, strongest first,
    in the words of :func:`dnsguard.analyze.judge`."""
    c = h.evidence_counts
    ev = h.evidence
    out: list[str] = []
    if c.get("feed"):
        names = list(dict.fromkeys(e.name for e in ev if e.kind == "feed"))
        sources = sorted({e.source for e in ev if e.kind == "feed" and e.source})
        out.append(f"A threat feed ({', '.join(sources) or 'feed'}) lists {short_list(names, 3)}, which the host "
                   "looked up: a feed match alone makes the host compromised with high confidence.")
    if c.get("forecast"):
        fams = sorted({e.family for e in ev if e.kind == "forecast"})
        out.append(f"{c['forecast']} name(s) the host asked for are exactly those the {', '.join(fams)} DGA "
                   "generates for these dates: only that malware computes them, so high confidence.")
    if c.get("host-verdict"):
        out.append("dnsguard's live scorer judged the host infected (high confidence).")
    for kind, meaning in STRONG_UNNAMED.items():
        if c.get(kind):
            # A Major alert is told by its rule: the query is in its evidence line, and a
            # rule on answers (9072003) has none.
            field = "detail" if kind == "sensor-major" else "name"
            names = list(dict.fromkeys(_cut(getattr(e, field)) for e in ev if e.kind == kind and getattr(e, field)))
            what = f"{label(kind)} ({c[kind]})" + (f", {short_list(names, 3)}" if names else "")
            out.append(f"{what[0].upper()}{what[1:]}: {meaning}, a strong sign on its own.")
    behaviour = []
    if c.get("nxdomain-burst"):
        n = c["nxdomain-burst"]
        behaviour.append(f"{n} NXDOMAIN burst(s)" + (" (repeated: a bot retrying on a timer)" if n >= 3 else ""))
    if c.get("dga"):
        behaviour.append(f"{c['dga']} DGA-like name(s)")
    if c.get("fast-flux"):
        behaviour.append(f"{c['fast-flux']} fast-flux name(s)")
    if behaviour:
        nas = " on a NAS, which has no user to mistype names" if h.device.startswith("nas") else ""
        out.append("Behaviour: " + ", ".join(behaviour) + nas + ".")
    handled = {"feed", "forecast", "host-verdict", "nxdomain-burst", "dga", "fast-flux", "sensor-alert",
               *STRONG_UNNAMED}
    other = [f"{n} {label(k)}" for k, n in sorted(c.items()) if k not in handled and n]
    if other:
        out.append("Also: " + ", ".join(other) + ".")
    if c.get("sensor-alert"):
        rules = sorted({e.detail[:100] for e in ev if e.kind == "sensor-alert"})
        out.append(f"{c['sensor-alert']} sensor alert(s) support it ({short_list(rules, 2)}).")
    if h.verdict == "suspicious":
        out.append("Only one kind of sign: suspicious, low confidence; a second sign or a feed match would "
                   "make it compromised.")
    elif h.confidence == "medium":
        out.append("Nothing names the malware (no feed entry, known-DGA name or scorer verdict): "
                   "medium confidence.")
    return out


def family_line(h: HostReport) -> str:
    """Which family and why, or why none."""
    if h.family is not None and h.family.family != "unknown":
        return h.family.detail
    if h.families:
        fams = ", ".join(f"{f} ({t})" for f, t in h.families.items())
        return f"{fams}: named by the findings that carry it (a feed entry, a sensor rule or notice)"
    if h.family is not None:
        return f"not named: {h.family.detail}"
    return "not named: no feed entry, known-DGA name or enough DGA-like names identify the malware"


def _is_name(ev: Evidence) -> bool:
    return ev.kind in NAME_KINDS and bool(ev.name) and " " not in ev.name and "," not in ev.name


def iocs(h: HostReport) -> Iocs:
    names = list(dict.fromkeys(e.name for e in h.evidence if _is_name(e)))
    resolved = {}
    for e in h.evidence:
        if e.addresses and e.name not in resolved:
            resolved[e.name] = list(e.addresses)
    addresses = sorted({a for addrs in resolved.values() for a in addrs})
    cids = list(dict.fromkeys(e.community_id for e in h.evidence if e.community_id))
    return Iocs(names, addresses, cids, resolved)


def ioc_text(h: HostReport, found: Iocs) -> str:
    """The block an analyst copies into a block list or a ticket."""
    fams = ", ".join(h.families) or "family unknown"
    lines = [f"# {h.host} {h.verdict} ({h.confidence} confidence), {fams}"]
    if found.names:
        lines += ["# domains", *found.names]
    if found.addresses:
        lines += ["# addresses they resolved to", *found.addresses]
    if found.community_ids:
        lines += ["# Community IDs of the flows", *found.community_ids]
    return "\n".join(lines) + "\n"


def _quoted(values: list[str]) -> str:
    """A value or an OR-list of values, quoted; a quote or backslash from the
    wire is escaped (the same rule in Lucene and KQL)."""
    terms = ['"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values[:MAX_QUERY_TERMS]]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def hunt_queries(h: HostReport, found: Iocs) -> list[HuntQuery]:
    """Security Onion Hunt / Kibana queries for one host."""
    src = f'source.ip:"{h.host}"'
    out = [HuntQuery("every DNS query of the host", f"{src} AND dns.query.name:*")]
    tunnels = list(dict.fromkeys(e.name for e in h.evidence if e.kind == "tunnel" and e.name))
    plain = [n for n in found.names if n not in tunnels]
    if plain:
        more = f" (first {MAX_QUERY_TERMS} of {len(plain)})" if len(plain) > MAX_QUERY_TERMS else ""
        out.append(HuntQuery(f"the host's look-ups of the suspicious names{more}",
                             f"{src} AND dns.query.name:{_quoted(plain)}"))
        out.append(HuntQuery("other hosts looking up the same names",
                             f"dns.query.name:{_quoted(plain)} AND NOT {src}"))
    for domain in tunnels[:3]:
        out.append(HuntQuery(f"the tunnel's queries below {domain}", f"{src} AND dns.query.name:*.{domain}"))
    if found.addresses:
        out.append(HuntQuery("connections to the addresses the names resolved to (any host)",
                             f"destination.ip:{_quoted(found.addresses)}"))
    if found.community_ids:
        more = (f" (first {MAX_QUERY_TERMS} of {len(found.community_ids)})"
                if len(found.community_ids) > MAX_QUERY_TERMS else "")
        out.append(HuntQuery(f"the flows behind the evidence, on any sensor{more}",
                             f"network.community_id:{_quoted(found.community_ids)}"))
    if h.evidence_counts.get("sensor-alert"):
        out.append(HuntQuery("Suricata alerts involving the host",
                             f'event.dataset:alert AND ({src} OR destination.ip:"{h.host}")'))
    return out


def unscored(hosts: list[HostReport]) -> dict[str, int]:
    """Distinct names identified without a lexical score (known-DGA, feed):
    the score plot shows them beside the score bins, so a capture whose bad
    names were all identified exactly does not look like one benign bar."""
    out = {"known-DGA": set(), "feed": set()}  # type: dict[str, set[str]]
    for h in hosts:
        for e in h.evidence:
            if e.kind == "forecast":
                out["known-DGA"].add(e.name)
            elif e.kind == "feed":
                out["feed"].add(e.name)
    return {k: len(v) for k, v in out.items()}


PCAP_SUFFIXES = (".pcap", ".pcapng", ".cap", ".trace")


def from_pcap(files: list[str]) -> bool:
    """Whether any input was a capture analysed here: its uids and flow ids come
    from a throw-away sensor run, so the report does not offer them as pivots."""
    return any(f.lower().endswith(PCAP_SUFFIXES) for f in files)


def glossary_for(text: str) -> dict[str, str]:
    """The glossary entries whose term appears in ``text`` (case-insensitive,
    the first word of a 'a / b' term is enough)."""
    low = text.lower()
    out = {}
    for term, meaning in GLOSSARY.items():
        probes = [p.strip().lower() for p in term.replace("(", "/").replace(")", "").split("/")]
        if any(p and p in low for p in probes):
            out[term] = meaning
    return out
