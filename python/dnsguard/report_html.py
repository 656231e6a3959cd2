"""A self-contained HTML triage report: inline CSS and SVG, nothing fetched.

The report is read on analyst workstations and attached to tickets, often
where nothing may be loaded from the internet, so it carries its own
styles and draws its plots as inline SVG (no JavaScript, no fonts, no
images, no links out).  Every string from the wire is escaped.

Plots: the network's DNS volume and NXDOMAIN answers over time, the same
per host that is not clean, hosts per family (coloured by threat type) and
the distribution of lexical DGA scores.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from dnsguard.analyze import Analysis, HostReport

VOLUME = "#1f77b4"
NXDOMAIN = "#d62728"
SCORES = "#17becf"
SCORES_HIGH = "#e6550d"
THREAT_COLOURS = {"c2": "#9467bd", "iab": "#ff7f0e", "botnet": "#8c564b", "dga": "#2ca02c",
                  "phishing": "#e377c2", "unknown": "#7f7f7f"}
VERDICT_COLOURS = {"compromised": "#b30000", "suspicious": "#b36b00", "clean": "#2b7a2b"}
MAX_HOST_SECTIONS = 100
MAX_EVIDENCE_ROWS = 40

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px} .muted{color:#666;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.name{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.verdict{font-weight:bold} .plots{display:flex;gap:24px;flex-wrap:wrap}
.host{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:14px 0}
svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}
ol{margin:4px 0 4px 18px;padding:0} li{margin:2px 0}
"""


def _when(ts: float | None) -> str:
    if ts is None:
        return "-"
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def rebin(points: list[tuple[float, int, int]], start: float, end: float, bins: int
          ) -> list[tuple[int, int]]:
    """(queries, NXDOMAIN) in ``bins`` equal slices of [start, end]."""
    out = [[0, 0] for _ in range(bins)]
    width = max(end - start, 1.0) / bins
    for ts, q, nx in points:
        i = min(bins - 1, max(0, int((ts - start) / width)))
        out[i][0] += q
        out[i][1] += nx
    return [(q, nx) for q, nx in out]


def svg_timeline(points: list[tuple[float, int, int]], start: float, end: float, *, width: int = 640,
                 height: int = 120, bins: int = 96, title: str = "") -> str:
    """Bars of DNS volume with NXDOMAIN answers drawn over them, same scale."""
    data = rebin(points, start, end, bins)
    top = max((q for q, _ in data), default=0) or 1
    left, bottom = 40, 18
    plot_w, plot_h = width - left - 6, height - bottom - 16
    bar = plot_w / bins
    parts = [f'<svg width="{width}" height="{height}" '
             f'role="img" aria-label="{escape(title or "timeline")}">',
             f'<text x="{left}" y="11">{escape(title)}</text>',
             f'<line x1="{left}" y1="{16 + plot_h}" x2="{width - 6}" y2="{16 + plot_h}" stroke="#999"/>',
             f'<text x="2" y="{22}">{top}</text><text x="2" y="{16 + plot_h}">0</text>']
    for i, (q, nx) in enumerate(data):
        x = left + i * bar
        if q:
            h = max(1.0, plot_h * q / top)
            parts.append(f'<rect x="{x:.1f}" y="{16 + plot_h - h:.1f}" width="{max(bar - 0.5, 0.5):.1f}" '
                         f'height="{h:.1f}" fill="{VOLUME}"/>')
        if nx:
            h = max(2.0, plot_h * nx / top)
            parts.append(f'<rect x="{x:.1f}" y="{16 + plot_h - h:.1f}" width="{max(bar - 0.5, 0.5):.1f}" '
                         f'height="{h:.1f}" fill="{NXDOMAIN}"/>')
    parts.append(f'<text x="{left}" y="{height - 3}">{escape(_when(start))}</text>')
    parts.append(f'<text x="{width - 6}" y="{height - 3}" text-anchor="end">{escape(_when(end))} UTC</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_families(families: dict[str, dict], *, width: int = 420) -> str:
    """Hosts per family, one bar each, coloured by threat type."""
    rows = list(families.items())[:20]
    if not rows:
        return '<p class="muted">No family identified.</p>'
    height = 24 + 22 * len(rows)
    top = max(v["hosts"] for _, v in rows) or 1
    label_w, plot_w = 130, width - 130 - 40
    parts = [f'<svg width="{width}" height="{height}" role="img" '
             'aria-label="hosts per family">', '<text x="0" y="12">hosts per family (colour: threat type)</text>']
    for i, (family, v) in enumerate(rows):
        y = 22 + 22 * i
        w = max(3.0, plot_w * v["hosts"] / top)
        colour = THREAT_COLOURS.get(v["threat"], THREAT_COLOURS["unknown"])
        parts.append(f'<text x="0" y="{y + 13}">{escape(family[:20])} ({escape(v["threat"])})</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="16" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{v["hosts"]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_scores(histogram: list[int], threshold: float, *, width: int = 420, height: int = 160) -> str:
    """Distinct names per lexical-score tenth, on a log scale (benign names
    outnumber DGA-like ones by orders of magnitude)."""
    if not any(histogram):
        return '<p class="muted">No names were scored.</p>'
    top = max(math.log10(1 + n) for n in histogram) or 1
    left, bottom = 8, 30
    plot_h = height - bottom - 18
    bar = (width - left - 8) / len(histogram)
    parts = [f'<svg width="{width}" height="{height}" role="img" '
             'aria-label="score distribution">',
             '<text x="0" y="12">distinct names per DGA score (log scale)</text>']
    for i, n in enumerate(histogram):
        h = plot_h * math.log10(1 + n) / top
        x = left + i * bar
        colour = SCORES_HIGH if (i + 1) / 10 > threshold else SCORES
        if n:
            parts.append(f'<rect x="{x + 2:.1f}" y="{18 + plot_h - h:.1f}" width="{bar - 4:.1f}" '
                         f'height="{max(h, 2):.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 16}" text-anchor="middle">{i / 10:.1f}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 3}" text-anchor="middle">{n}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _families(h: HostReport) -> str:
    return ", ".join(f"{escape(f)} ({escape(t)})" for f, t in h.families.items()) or "-"


def _host_table(hosts: list[HostReport]) -> str:
    rows = ["<table><tr><th>host</th><th>device</th><th>verdict</th><th>confidence</th><th>families</th>"
            "<th>evidence</th><th>ATT&amp;CK</th></tr>"]
    for h in hosts:
        counts = ", ".join(f"{escape(k)} {v}" for k, v in sorted(h.evidence_counts.items()))
        rows.append(f'<tr><td><a href="#h-{escape(h.host)}">{escape(h.host)}</a></td><td>{escape(h.device)}</td>'
                    f'<td class="verdict" style="color:{VERDICT_COLOURS[h.verdict]}">{h.verdict}</td>'
                    f"<td>{escape(h.confidence)}</td><td>{_families(h)}</td><td>{counts}</td>"
                    f"<td>{escape(', '.join(h.mitre))}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _host_section(h: HostReport, start: float, end: float) -> str:
    parts = [f'<div class="host" id="h-{escape(h.host)}"><h3>{escape(h.host)} — '
             f'<span style="color:{VERDICT_COLOURS[h.verdict]}">{h.verdict}</span> '
             f'({escape(h.confidence)} confidence), device {escape(h.device)}</h3>',
             f'<p class="muted">{h.queries:,} queries, {h.nxdomain:,} NXDOMAIN, seen {_when(h.first_seen)} .. '
             f'{_when(h.last_seen)} UTC; families: {_families(h)}; ATT&amp;CK: {escape(", ".join(h.mitre) or "-")}</p>',
             (f'<p><b>Family</b>: {escape(h.family.detail)}</p>' if h.family is not None else ""),
             svg_timeline(h.timeline, start, end, title=f"{h.host}: DNS queries (blue) and NXDOMAIN (red)"),
             "<p><b>Next steps</b></p><ol>"]
    parts += [f"<li>{escape(step)}</li>" for step in h.next_steps]
    parts.append("</ol><table><tr><th>first seen (UTC)</th><th>kind</th><th>name</th><th>detail</th><th>seen</th>"
                 "<th>uid</th><th>next step</th></tr>")
    for ev in h.evidence[:MAX_EVIDENCE_ROWS]:
        parts.append(f"<tr><td>{_when(ev.ts)}</td><td>{escape(ev.kind)}</td><td class='name'>{escape(ev.name)}</td>"
                     f"<td>{escape(ev.detail)}</td><td>{ev.count}×</td><td class='name'>{escape(ev.uid or '-')}</td>"
                     f"<td>{escape(ev.next_step)}</td></tr>")
    parts.append("</table>")
    if len(h.evidence) > MAX_EVIDENCE_ROWS:
        parts.append(f'<p class="muted">{len(h.evidence) - MAX_EVIDENCE_ROWS} more findings in the JSON report.</p>')
    parts.append("</div>")
    return "".join(parts)


def render_html(analysis: Analysis, source: str, dga_threshold: float = 0.85) -> str:
    s = analysis.summary()
    start = analysis.first_ts or 0.0
    end = analysis.last_ts or start + 1
    flagged = [h for h in analysis.hosts if h.verdict != "clean"]
    families = s["families"]
    top = s["top_evidence"]
    cards = [("hosts", f"{s['hosts']}"),
             ("compromised", f"{s['compromised']} ({s['share_compromised']:.1%})"),
             ("suspicious", f"{s['suspicious']}"),
             ("NAS among compromised", f"{s['compromised_nas']} ({s['share_compromised_nas']:.0%})"),
             ("families", f"{len(families)}"),
             ("DNS records", f"{analysis.stats.records:,}")]
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>dnsguard triage: {escape(source)}</title><style>{CSS}</style></head><body>",
             f"<h1>dnsguard triage report</h1><p class='muted'>{escape(source)} — {_when(analysis.first_ts)} .. "
             f"{_when(analysis.last_ts)} UTC — {analysis.stats.records:,} DNS records, "
             f"{analysis.stats.alerts:,} sensor alerts, {len(analysis.stats.files)} file(s)</p>",
             '<div class="cards">']
    parts += [f'<div class="card"><span class="muted">{escape(k)}</span><b>{escape(v)}</b></div>' for k, v in cards]
    parts.append("</div><h2>Network</h2>")
    parts.append(svg_timeline(analysis.timeline, start, end, width=900, height=150,
                              title="all hosts: DNS queries (blue) and NXDOMAIN (red)"))
    parts.append('<div class="plots">' + svg_families(families)
                 + svg_scores(analysis.score_histogram, dga_threshold) + "</div>")
    if families:
        parts.append("<h3>Families and threat types</h3><table><tr><th>family</th><th>threat</th><th>hosts</th></tr>")
        parts += [f"<tr><td>{escape(f)}</td><td>{escape(v['threat'])}</td><td>{v['hosts']}</td></tr>"
                  for f, v in families.items()]
        parts.append("</table>")
    if top:
        parts.append("<h3>Top evidence</h3><table><tr><th>kind</th><th>name</th><th>family</th><th>hosts</th></tr>")
        parts += [f"<tr><td>{escape(t['kind'])}</td><td class='name'>{escape(t['name'])}</td>"
                  f"<td>{escape(t['family'] or '-')}</td><td>{t['hosts']}</td></tr>" for t in top]
        parts.append("</table>")
    parts.append(f"<h2>Hosts needing attention ({len(flagged)})</h2>")
    parts.append(_host_table(flagged) if flagged else "<p>No host is compromised or suspicious.</p>")
    for h in flagged[:MAX_HOST_SECTIONS]:
        parts.append(_host_section(h, start, end))
    if len(flagged) > MAX_HOST_SECTIONS:
        parts.append(f"<p class='muted'>{len(flagged) - MAX_HOST_SECTIONS} more hosts in the JSON report.</p>")
    notes = list(analysis.stats.warnings) + list(analysis.notes)
    skipped = {**analysis.stats.skipped, **analysis.rejected_names}
    if notes or skipped:
        parts.append("<h2>Input notes</h2><ul>")
        parts += [f"<li>{escape(n)}</li>" for n in notes]
        parts += [f"<li>skipped {n:,}: {escape(r)}</li>" for r, n in sorted(skipped.items(), key=lambda kv: -kv[1])]
        parts.append("</ul>")
    parts.append("<p class='muted'>Generated by dnsguard. Evidence uids pivot to the sensor's logs "
                 "(Zeek uid or Suricata flow_id).</p></body></html>\n")
    return "".join(parts)
