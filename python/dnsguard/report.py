"""Render an :class:`~dnsguard.analyze.Analysis` for people and for machines.

The terminal report says per host what the HTML report says at length
(:mod:`dnsguard.report_facts`): first and last seen, why that verdict and
confidence, the family and why, findings grouped so a next step is not
repeated, the addresses to block, the indicators and a Hunt / Kibana query;
it ends with a glossary of the terms it used."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dnsguard.analyze import Analysis, HostReport
from dnsguard.atomic import write_atomic
from dnsguard.report_facts import (
    EvidenceGroup,
    family_line,
    glossary_for,
    group_evidence,
    hunt_queries,
    iocs,
    label,
    many,
    short_list,
    why,
)

MAX_TEXT_GROUPS = 6
MAX_TEXT_IOCS = 12
MAX_TEXT_QUERY = 240


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def safe(text: str, width: int = 80) -> str:
    """Printable form of a name from the wire (no terminal escapes)."""
    out = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return out if len(out) <= width else out[: width - 1] + "…"


def _families(h: HostReport) -> str:
    return ", ".join(f"{f} ({t})" for f, t in h.families.items()) or "-"


def render_text(analysis: Analysis, source: str, verbose: bool = False) -> str:
    s = analysis.summary()
    lines = [
        f"dnsguard analyze: {source}",
        f"  {analysis.stats.records:,} DNS records, {analysis.stats.alerts:,} sensor alerts, "
        f"{s['hosts']} hosts, {_when(analysis.first_ts)} .. {_when(analysis.last_ts)} UTC",
    ]
    skipped = sum(analysis.stats.skipped.values()) + sum(analysis.rejected_names.values())
    if skipped:
        reasons = {**analysis.stats.skipped, **analysis.rejected_names}
        detail = "; ".join(f"{n} {r}" for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:4])
        lines.append(f"  skipped {skipped:,}: {detail}")
    if analysis.since is not None or analysis.until is not None:
        lines.append(f"  time window: {_when(analysis.since)} .. {_when(analysis.until)} UTC "
                     "(--since inclusive, --until exclusive)")
    for warning in analysis.stats.warnings[:5]:
        lines.append(f"  warning: {warning}")
    lines.append(
        f"Summary: {s['compromised']} of {s['hosts']} hosts compromised ({s['share_compromised']:.0%}), "
        f"{s['suspicious']} suspicious; NAS share of compromised hosts: {s['share_compromised_nas']:.0%}"
    )
    fams = s["families"]
    if fams:
        lines.append("Families: " + ", ".join(f"{f} ({v['threat']}) on {v['hosts']} host(s)" for f, v in fams.items()))
    if s.get("threat_types"):
        lines.append("Threat types: " + ", ".join(f"{t} on {n} host(s)" for t, n in s["threat_types"].items()))
    if s.get("top_evidence"):
        lines.append("Top evidence: " + "; ".join(
            f"{label(t['kind'])} {safe(t['name'], 40)} ({t['hosts']} host(s))" for t in s["top_evidence"][:5]))
    lines.append("")
    header = f"{'HOST':<40} {'DEVICE':<16} {'VERDICT':<12} {'CONF':<7} {'FAMILIES':<30} FINDINGS"
    lines.append(header)
    for h in analysis.hosts:
        if h.verdict == "clean" and not verbose:
            continue
        lines += host_lines(h)
    clean = sum(1 for h in analysis.hosts if h.verdict == "clean")
    if clean and not verbose:
        lines.append(f"{clean} clean host(s) not shown (--all to list them)")
    for note in analysis.notes:
        lines.append(f"note: {note}")
    text = "\n".join(lines) + "\n"
    terms = glossary_for(text)
    if terms:
        text += "Glossary (terms used above):\n" + "".join(f"  {t}: {m}\n" for t, m in terms.items())
    return text


def host_lines(h: HostReport) -> list[str]:
    """One host: the table row, then what to know and do about it."""
    counts = ", ".join(f"{label(k)} {v}" for k, v in sorted(h.evidence_counts.items()))
    lines = [f"{h.host:<40} {h.device:<16} {h.verdict.upper():<12} {h.confidence:<7} "
             f"{safe(_families(h), 30):<30} {counts}",
             f"    first seen {_when(h.first_seen)}, last seen {_when(h.last_seen)} UTC"]
    if h.verdict == "clean":
        return lines
    lines += [f"    why: {safe(line, 300)}" for line in why(h)]
    lines.append(f"    family: {safe(family_line(h), 240)}")
    groups = group_evidence(h.evidence, h.evidence_counts)
    lines += [_group_line(g) for g in groups[:MAX_TEXT_GROUPS]]
    if len(groups) > MAX_TEXT_GROUPS:
        lines.append(f"    … {len(groups) - MAX_TEXT_GROUPS} more groups of findings (see --json or --html)")
    for name in h.top_names:
        lines.append(f"    DGA-like name {safe(name.name, 50)} score {name.score:.2f} ({', '.join(name.reasons)})")
    found = iocs(h)
    for name, addresses in list(found.resolved.items())[:5]:
        lines.append(f"    resolved: {safe(name, 60)} -> {safe(', '.join(addresses), 120)}")
    if found.names:
        more = f" (+{len(found.names) - MAX_TEXT_IOCS} in --html)" if len(found.names) > MAX_TEXT_IOCS else ""
        lines.append(f"    IOC names: {safe(' '.join(found.names[:MAX_TEXT_IOCS]), 400)}{more}")
    if found.addresses:
        lines.append(f"    IOC addresses: {' '.join(found.addresses[:MAX_TEXT_IOCS])}")
    # Whole queries only (a cut one is no query); the long ones are in --html.
    short = [q for q in hunt_queries(h, found) if len(q.query) <= MAX_TEXT_QUERY]
    for q in short[:3]:
        lines.append(f"    hunt ({q.purpose}): {safe(q.query, MAX_TEXT_QUERY)}")
    if h.mitre:
        lines.append(f"    ATT&CK: {', '.join(h.mitre)}")
    for step in h.next_steps:
        lines.append(f"    next: {step}")
    return lines


def _group_line(g: EvidenceGroup) -> str:
    cid = f" [Community ID {g.community_ids[0]}{' +' + str(len(g.community_ids) - 1) if len(g.community_ids) > 1 else ''}]" \
        if g.community_ids else ""
    names = f": {safe(short_list(g.names, 3), 90)}" if g.names else ""  # a rule on answers has no query name
    return f"    {_when(g.first)}  {label(g.kind)}{many(g)}{names} — {safe(g.detail, 140)}{cid}"


def write_json_atomic(path: Path, data: object) -> None:
    """Write ``data`` as JSON so a reader never sees half a file."""
    write_atomic(path, (json.dumps(data, indent=2, default=str) + "\n").encode("utf-8"), create_parents=False)

