"""A self-contained HTML triage report: inline CSS and SVG, nothing fetched.

The report is read on analyst workstations and attached to tickets, often
where nothing may be loaded from the internet, so it carries its own
styles and draws its plots as inline SVG (no JavaScript, no fonts, no
images, no links out).  Every string from the wire is escaped.

Plots: one swim-lane timeline of the hosts that need attention (first to
last query, each finding where it happened), the network's DNS volume and
NXDOMAIN answers over time, the same per host, hosts per family (coloured
by threat type) and the distinct names by DGA score beside the names
identified without a score (known-DGA and feed names), so a capture whose
bad names were all identified exactly still shows them.

Per host: why that verdict and confidence, the family and why, findings
grouped so a next step is said once, resolved addresses, a copyable IOC
block and Security Onion Hunt / Kibana queries (:mod:`dnsguard.report_facts`).
A glossary explains every term.
"""

from __future__ import annotations

import datetime as dt
import math
from html import escape

from dnsguard.analyze import Analysis, Evidence, HostReport
from dnsguard.report_facts import (
    GLOSSARY,
    KIND_TERMS,
    EvidenceGroup,
    family_line,
    from_pcap,
    group_evidence,
    hunt_queries,
    ioc_text,
    iocs,
    label,
    many,
    short_list,
    unscored,
    why,
)

VOLUME = "#1f77b4"
NXDOMAIN = "#d62728"
SCORES = "#17becf"
SCORES_HIGH = "#e6550d"
THREAT_COLOURS = {"c2": "#9467bd", "iab": "#ff7f0e", "botnet": "#8c564b", "dga": "#2ca02c",
                  "phishing": "#e377c2", "unknown": "#7f7f7f"}
VERDICT_COLOURS = {"compromised": "#b30000", "suspicious": "#b36b00", "clean": "#2b7a2b"}
KIND_COLOURS = {"host-verdict": "#6a3d9a", "feed": "#e31a1c", "forecast": "#ff7f00", "tunnel": "#08519c",
                "dns-channel": "#4292c6", "c2-rotation": "#cab2d6", "c2-beacon": "#fdbf6f", "data-answers": "#b2df8a",
                "fast-flux": "#b15928", "nxdomain-burst": "#fb9a99", "dga": "#33a02c", "sensor-major": "#525252",
                "sensor-alert": "#999999"}
LANE = "#e8e8e8"
MAX_HOST_SECTIONS = 100
MAX_LANES = 40
MAX_GROUP_ROWS = 30

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:18px 0 6px} .muted{color:#666;font-size:13px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5} td.name{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all;
 min-width:140px} td.when{white-space:nowrap}
.verdict{font-weight:bold} .plots{display:flex;gap:24px;flex-wrap:wrap}
.host{border:1px solid #ddd;border-radius:6px;padding:8px 14px;margin:14px 0}
svg text{font-family:system-ui,sans-serif;font-size:11px;fill:#333}
ol{margin:4px 0 4px 18px;padding:0} li{margin:2px 0}
pre.ioc{background:#f7f7f7;border:1px solid #ddd;padding:8px;font-size:12px;user-select:all;
 white-space:pre-wrap;word-break:break-all;max-height:260px;overflow:auto}
code.q{display:block;background:#f7f7f7;border:1px solid #ddd;padding:4px 6px;font-size:12px;
 user-select:all;word-break:break-all}
dl.glossary dt{font-weight:bold;margin-top:6px} dl.glossary dd{margin:0 0 0 18px}
.why li{margin:3px 0}
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


def svg_scores(histogram: list[int], threshold: float, identified: dict[str, int] | None = None, *,
               width: int = 600, height: int = 170) -> str:
    """Distinct names per lexical-score tenth on a log scale (benign names
    outnumber DGA-like ones by orders of magnitude), the threshold marked,
    and beside them the names identified without a score (known-DGA and
    feed names never reach the scorer)."""
    extra = [(k, n) for k, n in (identified or {}).items() if n]
    if not any(histogram) and not extra:
        return '<p class="muted">No names were scored.</p>'
    bins = len(histogram) or 10
    bars = [(f"{i / 10:.1f}", n, SCORES_HIGH if (i + 1) / 10 > threshold else SCORES)
            for i, n in enumerate(histogram)]
    bars += [(k, n, THREAT_COLOURS["iab"] if k == "known-DGA" else "#e31a1c") for k, n in extra]
    top = max(math.log10(1 + n) for _, n, _ in bars) or 1
    left, bottom = 8, 30
    plot_h = height - bottom - 18
    bar = (width - left - 8) / len(bars)
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="names by DGA score">',
             '<text x="0" y="12">distinct names by DGA score (log scale); right: identified without a score</text>']
    for i, (name, n, colour) in enumerate(bars):
        h = plot_h * math.log10(1 + n) / top
        x = left + i * bar
        if n:
            parts.append(f'<rect x="{x + 2:.1f}" y="{18 + plot_h - h:.1f}" width="{bar - 4:.1f}" '
                         f'height="{max(h, 2):.1f}" fill="{colour}"/>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 16}" text-anchor="middle">{escape(name)}</text>')
        parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 3}" text-anchor="middle">{n}</text>')
    tx = left + bar * bins * threshold
    parts.append(f'<line x1="{tx:.1f}" y1="16" x2="{tx:.1f}" y2="{18 + plot_h}" stroke="#333" '
                 'stroke-dasharray="3,3"/>')
    parts.append(f'<text x="{tx - 3:.1f}" y="26" text-anchor="end">threshold {threshold:.2f}</text>')
    if extra:
        sx = left + bar * bins
        parts.append(f'<line x1="{sx:.1f}" y1="16" x2="{sx:.1f}" y2="{height - 14}" stroke="#bbb"/>')
    parts.append("</svg>")
    return "".join(parts)


def _x(ts: float, start: float, end: float, left: float, width: float) -> float:
    return left + width * min(1.0, max(0.0, (ts - start) / max(end - start, 1.0)))


def svg_swimlanes(hosts: list[HostReport], start: float, end: float, *, width: int = 1000) -> str:
    """One lane per host: a bar from its first to its last query, and each
    finding drawn where it happened (a span when it lasted), coloured by kind.
    The whole incident on one time axis: who started first, what came when."""
    lanes = hosts[:MAX_LANES]
    left, right, top, lane_h = 200, 10, 40, 24
    plot_w = width - left - right
    height = top + lane_h * len(lanes) + 24
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="hosts over time">']
    x, row = float(left), 0
    present = {e.kind for h in lanes for e in h.evidence}
    for kind, colour in KIND_COLOURS.items():
        if kind not in present:
            continue
        step = 24 + 7.0 * len(label(kind))
        if x + step > width - right:
            x, row = float(left), row + 1
        y = 4 + 14 * row
        parts.append(f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{x + 14:.0f}" y="{y + 9}">{escape(label(kind))}</text>')
        x += step
    for i, h in enumerate(lanes):
        y = top + lane_h * i
        colour = VERDICT_COLOURS[h.verdict]
        parts.append(f'<text x="0" y="{y + 15}" fill="{colour}">{escape(h.host[:26])} ({h.verdict[:4]}.)</text>')
        parts.append(f'<line x1="{left}" y1="{y + 11}" x2="{width - right}" y2="{y + 11}" stroke="{LANE}"/>')
        if h.first_seen is not None and h.last_seen is not None:
            x0, x1 = _x(h.first_seen, start, end, left, plot_w), _x(h.last_seen, start, end, left, plot_w)
            parts.append(f'<rect x="{x0:.1f}" y="{y + 7}" width="{max(x1 - x0, 2):.1f}" height="8" '
                         f'fill="#cfcfcf"><title>{escape(h.host)}: first query {_when(h.first_seen)}, '
                         f'last {_when(h.last_seen)} UTC</title></rect>')
        for ev in _lane_marks(h.evidence):
            x0 = _x(ev.ts, start, end, left, plot_w)
            x1 = _x(ev.last or ev.ts, start, end, left, plot_w)
            parts.append(f'<rect x="{x0 - 1.5:.1f}" y="{y + 3}" width="{max(x1 - x0, 0) + 3:.1f}" height="16" '
                         f'fill="{KIND_COLOURS.get(ev.kind, "#999999")}" fill-opacity="0.85">'
                         f'<title>{escape(label(ev.kind))} {escape(ev.name)} {_when(ev.ts)} UTC</title></rect>')
    axis = top + lane_h * len(lanes) + 4
    parts.append(f'<line x1="{left}" y1="{axis}" x2="{width - right}" y2="{axis}" stroke="#999"/>')
    for k in range(5):
        ts = start + (end - start) * k / 4
        anchor = "start" if k == 0 else ("end" if k == 4 else "middle")
        text = _when(ts) if k == 0 or end - start > 86_400 else _when(ts)[11:16]
        parts.append(f'<text x="{left + plot_w * k / 4:.1f}" y="{axis + 14}" text-anchor="{anchor}">'
                     f'{escape(text)}{" UTC" if k == 4 else ""}</text>')
    parts.append("</svg>")
    out = "".join(parts)
    if len(hosts) > MAX_LANES:
        out += f'<p class="muted">{len(hosts) - MAX_LANES} more hosts in the table below.</p>'
    return out


def _lane_marks(evidence: list[Evidence], limit: int = 200) -> list[Evidence]:
    """The findings drawn in a lane: strongest kinds drawn last (on top),
    at most ``limit`` (a mark per pixel is enough)."""
    order = {k: i for i, k in enumerate(reversed(list(KIND_COLOURS)))}
    return sorted(evidence, key=lambda e: order.get(e.kind, -1))[-limit:]


def _families(h: HostReport) -> str:
    return ", ".join(f"{escape(f)} ({escape(t)})" for f, t in h.families.items()) or "-"


def _term(word: str, term: str | None = None) -> str:
    """A word linked to its glossary entry (an in-page anchor, nothing fetched)."""
    return f'<a href="#g-{_slug(term or word)}">{escape(word)}</a>'


def _slug(term: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in term.lower())


def _kind(kind: str) -> str:
    return _term(label(kind), KIND_TERMS.get(kind, kind))


def _host_table(hosts: list[HostReport]) -> str:
    rows = ["<table><tr><th>host</th><th>" + _term("device") + "</th><th>verdict</th><th>"
            + _term("confidence") + "</th><th>" + _term("family") + "</th><th>"
            + _term("first seen", "first seen / last seen") + " (UTC)</th><th>last seen (UTC)</th>"
            "<th>findings</th><th>" + _term("ATT&CK") + "</th></tr>"]
    for h in hosts:
        counts = ", ".join(f"{escape(label(k))} {v}" for k, v in sorted(h.evidence_counts.items()))
        rows.append(f'<tr><td><a href="#h-{escape(h.host)}">{escape(h.host)}</a></td><td>{escape(h.device)}</td>'
                    f'<td class="verdict" style="color:{VERDICT_COLOURS[h.verdict]}">{h.verdict}</td>'
                    f"<td>{escape(h.confidence)}</td><td>{_families(h)}</td><td>{_when(h.first_seen)}</td>"
                    f"<td>{_when(h.last_seen)}</td><td>{counts}</td><td>{escape(', '.join(h.mitre))}</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def _group_rows(groups: list[EvidenceGroup], uids: bool) -> str:
    """``uids``: also show the sensor's uids (logs from the analyst's own
    sensor; never for a pcap run here, whose ids pivot nowhere)."""
    parts = ["<table><tr><th>finding</th><th>names</th><th>what was seen</th><th>first .. last (UTC)</th>"
             f"<th>{_term('Community ID')}</th><th>next step</th></tr>"]
    for g in groups[:MAX_GROUP_ROWS]:
        count = many(g)
        seen = f" (seen {g.seen:,} times)" if g.seen > g.findings else ""
        cids = (escape(g.community_ids[0]) + (f" and {len(g.community_ids) - 1} more" if len(g.community_ids) > 1
                                              else "")) if g.community_ids else "-"
        if uids and g.uids:
            cids += (f"<br><span class='muted'>{_term('uid')} {escape(g.uids[0])}"
                     + (f" and {len(g.uids) - 1} more" if len(g.uids) > 1 else "") + "</span>")
        span = _when(g.first) + ("" if g.last == g.first else f" .. {_when(g.last)}")
        parts.append(f"<tr><td>{_kind(g.kind)}{count}</td><td class='name'>{escape(short_list(g.names))}</td>"
                     f"<td>{escape(g.detail)}{seen}</td><td class='when'>{span}</td><td class='name'>{cids}</td>"
                     f"<td>{escape(g.next_step)}</td></tr>")
    parts.append("</table>")
    if len(groups) > MAX_GROUP_ROWS:
        parts.append(f'<p class="muted">{len(groups) - MAX_GROUP_ROWS} more groups of findings in the JSON '
                     'report.</p>')
    return "".join(parts)


def _host_section(h: HostReport, start: float, end: float, uids: bool = False) -> str:
    found = iocs(h)
    parts = [f'<div class="host" id="h-{escape(h.host)}"><h3>{escape(h.host)} — '
             f'<span style="color:{VERDICT_COLOURS[h.verdict]}">{h.verdict}</span> '
             f'({escape(h.confidence)} {_term("confidence")}), {_term("device")} {escape(h.device)}</h3>',
             f'<p class="muted">first seen {_when(h.first_seen)} UTC, last seen {_when(h.last_seen)} UTC; '
             f'{h.queries:,} queries, {h.nxdomain:,} {_term("NXDOMAIN")}; {_term("ATT&CK")}: '
             f'{escape(", ".join(h.mitre) or "-")}</p>',
             f'<p><b>{_term("Family", "family")}</b>: {_families(h)} — {escape(family_line(h))}</p>',
             f'<p><b>Why {h.verdict}, {escape(h.confidence)} confidence</b></p><ul class="why">']
    parts += [f"<li>{escape(line)}</li>" for line in why(h)]
    parts.append("</ul><p><b>Next steps</b></p><ol>")
    parts += [f"<li>{escape(step)}</li>" for step in h.next_steps]
    parts.append("</ol><p><b>Findings</b> (grouped: one row per kind and next step)</p>")
    parts.append(_group_rows(group_evidence(h.evidence, h.evidence_counts), uids))
    if found.resolved:
        parts.append("<p><b>Resolved addresses</b> (block these at the firewall)</p><table><tr><th>name</th>"
                     "<th>resolved to</th></tr>")
        parts += [f"<tr><td class='name'>{escape(n)}</td><td class='name'>{escape(', '.join(a))}</td></tr>"
                  for n, a in found.resolved.items()]
        parts.append("</table>")
    else:
        parts.append('<p class="muted">Resolved addresses: none of the suspicious names resolved to an address '
                     'in the input.</p>')
    parts.append(f"<p><b>{_term('IOC')} block</b> (select and copy)</p>"
                 f'<pre class="ioc">{escape(ioc_text(h, found))}</pre>')
    parts.append(f"<p><b>{_term('Hunt / Kibana queries', 'Hunt / Kibana query')}</b> (paste into Security Onion "
                 "Hunt or Kibana)</p><table><tr><th>finds</th><th>query</th></tr>")
    parts += [f'<tr><td>{escape(q.purpose)}</td><td><code class="q">{escape(q.query)}</code></td></tr>'
              for q in hunt_queries(h, found)]
    parts.append("</table>")
    parts.append(svg_timeline(h.timeline, start, end, title=f"{h.host}: DNS queries (blue) and NXDOMAIN (red)"))
    parts.append("</div>")
    return "".join(parts)


def _glossary() -> str:
    parts = ['<h2 id="glossary">Glossary</h2><dl class="glossary">']
    parts += [f'<dt id="g-{_slug(term)}">{escape(term)}</dt><dd>{escape(meaning)}</dd>'
              for term, meaning in GLOSSARY.items()]
    parts.append("</dl>")
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
             ("NAS share of compromised", f"{s['compromised_nas']} ({s['share_compromised_nas']:.0%})"),
             ("families", f"{len(families)}"),
             ("DNS records", f"{analysis.stats.records:,}")]
    parts = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
             f"<title>dnsguard triage: {escape(source)}</title><style>{CSS}</style></head><body>",
             f"<h1>dnsguard triage report</h1><p class='muted'>{escape(source)} — {_when(analysis.first_ts)} .. "
             f"{_when(analysis.last_ts)} UTC — {analysis.stats.records:,} DNS records, "
             f"{analysis.stats.alerts:,} {_term('sensor alerts', 'sensor alert')}, "
             f"{len(analysis.stats.files)} file(s) — <a href='#glossary'>glossary</a></p>",
             '<div class="cards">']
    parts += [f'<div class="card"><span class="muted">{escape(k)}</span><b>{escape(v)}</b></div>' for k, v in cards]
    parts.append(f"</div><h2>Hosts over time ({len(flagged)} needing attention)</h2>")
    parts.append(svg_swimlanes(flagged, start, end) if flagged else "<p>No host is compromised or suspicious.</p>")
    parts.append(f"<h2>Hosts needing attention ({len(flagged)})</h2>")
    parts.append(_host_table(flagged) if flagged else "<p>No host is compromised or suspicious.</p>")
    parts.append("<h2>Network</h2>")
    parts.append(svg_timeline(analysis.timeline, start, end, width=900, height=150,
                              title="all hosts: DNS queries (blue) and NXDOMAIN (red)"))
    parts.append('<div class="plots">' + svg_families(families)
                 + svg_scores(analysis.score_histogram, dga_threshold, unscored(flagged)) + "</div>")
    if families:
        parts.append(f"<h3>Families and threat types ({_term('iab')}, {_term('c2')}, {_term('botnet')}...)</h3>"
                     "<table><tr><th>family</th><th>threat</th><th>hosts</th></tr>")
        parts += [f"<tr><td>{escape(f)}</td><td>{escape(v['threat'])}</td><td>{v['hosts']}</td></tr>"
                  for f, v in families.items()]
        parts.append("</table>")
    if top:
        parts.append("<h3>Top evidence</h3><p class='muted'>Each finding with the number of hosts it was seen on "
                     "(a host counts once however often it fired).</p><table><tr><th>kind</th><th>name or rule</th>"
                     "<th>family</th><th>hosts</th></tr>")
        parts += [f"<tr><td>{_kind(t['kind'])}</td><td class='name'>{escape(t['name'])}</td>"
                  f"<td>{escape(t['family'] or '-')}</td><td>{t['hosts']}</td></tr>" for t in top]
        parts.append("</table>")
    uids = not from_pcap(analysis.stats.files)
    for h in flagged[:MAX_HOST_SECTIONS]:
        parts.append(_host_section(h, start, end, uids))
    if len(flagged) > MAX_HOST_SECTIONS:
        parts.append(f"<p class='muted'>{len(flagged) - MAX_HOST_SECTIONS} more hosts in the JSON report.</p>")
    notes = list(analysis.stats.warnings) + list(analysis.notes)
    skipped = {**analysis.stats.skipped, **analysis.rejected_names}
    if notes or skipped:
        parts.append("<h2>Input notes</h2><ul>")
        parts += [f"<li>{escape(n)}</li>" for n in notes]
        parts += [f"<li>skipped {n:,}: {escape(r)}</li>" for r, n in sorted(skipped.items(), key=lambda kv: -kv[1])]
        parts.append("</ul>")
    parts.append(_glossary())
    parts.append("<p class='muted'>Generated by dnsguard.  Pivot on the Community ID (network.community_id): "
                 "it is the same on every sensor and in Security Onion.  "
                 + ("The uids and flow ids of a pcap analysed here come from a throw-away sensor run (they are in "
                    "the JSON report) and find nothing on your grid." if not uids else
                    "Zeek uids and Suricata flow ids (log.id.uid in Security Onion) find the flow on the sensor "
                    "that wrote these logs only.") + "</p></body></html>\n")
    return "".join(parts)
