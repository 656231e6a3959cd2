"""Render an :class:`~dnsguard.analyze.Analysis` for people and for machines."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from dnsguard.analyze import Analysis, Evidence, HostReport
from dnsguard.atomic import write_atomic


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


DISPLAY_ORDER = ("host-verdict", "feed", "tunnel", "nxdomain-burst", "fast-flux", "forecast", "sensor-alert")


def highlights(evidence: list[Evidence], per_kind: int = 2, total: int = 6) -> list[Evidence]:
    """The findings worth a line in the terminal: the strongest kinds first,
    at most ``per_kind`` of each (DGA names are listed separately)."""
    out: list[Evidence] = []
    for kind in DISPLAY_ORDER:
        out += [e for e in evidence if e.kind == kind][:per_kind]
    return out[:total]


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
            f"{t['kind']} {safe(t['name'], 40)} ({t['hosts']} host(s))" for t in s["top_evidence"][:5]))
    lines.append("")
    header = f"{'HOST':<40} {'DEVICE':<16} {'VERDICT':<12} {'CONF':<7} {'FAMILIES':<30} EVIDENCE"
    lines.append(header)
    for h in analysis.hosts:
        if h.verdict == "clean" and not verbose:
            continue
        counts = ", ".join(f"{k} {v}" for k, v in sorted(h.evidence_counts.items()))
        lines.append(f"{h.host:<40} {h.device:<16} {h.verdict.upper():<12} {h.confidence:<7} "
                     f"{safe(_families(h), 30):<30} {counts}")
        if h.family is not None:
            lines.append(f"    family: {safe(h.family.detail, 240)}")
        shown = highlights(h.evidence)
        for ev in shown:
            seen = f" ×{ev.count}" if ev.count > 1 else ""
            uid = f" uid {safe(ev.uid, 24)}" if ev.uid else ""
            lines.append(f"    {_when(ev.ts)}  {ev.kind:<15} {safe(ev.name, 50)}{seen}  — {safe(ev.detail, 120)}{uid}")
        more = sum(1 for e in h.evidence if e.kind != "dga") - len(shown)
        if more > 0:
            lines.append(f"    … {more} more (see --json or --html)")
        for name in h.top_names:
            lines.append(f"    suspicious name {safe(name.name, 50)} score {name.score:.2f} ({', '.join(name.reasons)})")
        if h.mitre:
            lines.append(f"    ATT&CK: {', '.join(h.mitre)}")
        for step in h.next_steps:
            lines.append(f"    next: {step}")
    clean = sum(1 for h in analysis.hosts if h.verdict == "clean")
    if clean and not verbose:
        lines.append(f"{clean} clean host(s) not shown (--all to list them)")
    for note in analysis.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines) + "\n"


def write_json_atomic(path: Path, data: object) -> None:
    """Write ``data`` as JSON so a reader never sees half a file."""
    write_atomic(path, (json.dumps(data, indent=2, default=str) + "\n").encode("utf-8"), create_parents=False)

