"""The HTML report as an analyst sees it: rendered by headless Chromium.

The sample capture is analysed (Suricata, and Zeek when installed), the
report opened in Chromium, and what is on the page checked against the JSON
report of the same run: the DOM Chromium built (``--dump-dom``) for the
content, a screenshot for what is drawn.  The page must hold one swim-lane
timeline of the hosts, per host first/last seen, the family and why that
confidence, the resolved addresses, a copyable IOC block, ready-made Hunt /
Kibana queries and a glossary of every term it uses, with no finding row
repeated."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dnsguard.report_facts import GLOSSARY
from dnsguard.report_html import KIND_COLOURS, MAX_HOST_SECTIONS, MAX_LANES, SCORES, THREAT_COLOURS

from .dom import parse
from .triage_png import count_colour, read_png

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "python/dnsguard/data/sample.pcap"
NAS, TUNNEL, C2 = "192.168.10.50", "192.168.10.40", "192.168.10.31"
pytestmark = pytest.mark.usefixtures("suricata_required")


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "chromium must be installed (scripts/install.sh --test installs it)"
    return found


def browse(html: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *args, html.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """(JSON report, DOM as Chromium built it, screenshot) of the sample."""
    out = tmp_path_factory.mktemp("browser")
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", str(SAMPLE), "--json", str(out / "r.json"),
                           "--html", str(out / "r.html")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    dom = browse(out / "r.html", out / "profile", "--dump-dom")
    assert dom.returncode == 0 and "</html>" in dom.stdout, dom.stderr[-2000:]
    shot = out / "shot.png"
    browse(out / "r.html", out / "profile", f"--screenshot={shot}", "--window-size=1300,1200", "--hide-scrollbars")
    assert shot.exists()
    result = json.loads((out / "r.json").read_text())
    return result, parse(dom.stdout), read_png(shot.read_bytes())


def when(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def hosts(result):
    return {h["host"]: h for h in result["hosts"] if h["verdict"] != "clean"}


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def top_rows(png, rows: int):
    width, height, channels, pixels = png
    return width, rows, channels, pixels[: width * channels * rows]


def test_one_swim_lane_timeline_of_the_hosts(page):
    result, dom, png = page
    flagged = hosts(result)
    (lanes,) = dom.find_all("svg", where=lambda n: n.attrs.get("aria-label") == "hosts over time")
    labels = [t.text() for t in lanes.find_all("text")]
    for host in flagged:
        assert sum(label.startswith(host) for label in labels) == 1, host
    # Each host's bar runs from its first to its last query; each finding is a mark.
    titles = [squash(t.text()) for t in lanes.find_all("title")]
    for host, h in flagged.items():
        assert f"{host}: first query {when(h['first_seen'])}, last {when(h['last_seen'])} UTC" in titles
    # Drawn at the top of the page (the first screen), in the kinds' colours.
    top = top_rows(png, 500)
    for kind in ("forecast", "feed", "tunnel"):
        assert count_colour(top, KIND_COLOURS[kind], tolerance=3) > 40, kind
    assert count_colour(top, "#cfcfcf", tolerance=2) > 500  # the first-to-last-seen bars


def section(dom, host):
    return dom.by_id(f"h-{host}")


def test_per_host_first_and_last_seen_family_and_why(page):
    result, dom, _ = page
    flagged = hosts(result)
    assert set(flagged) == {NAS, TUNNEL, C2}
    table = squash(dom.find_all("table")[0].text())
    for host, h in flagged.items():
        text = squash(section(dom, host).text())
        assert f"first seen {when(h['first_seen'])} UTC, last seen {when(h['last_seen'])} UTC" in text
        assert when(h["first_seen"]) in table and when(h["last_seen"]) in table
        assert f"Why {h['verdict']}, {h['confidence']} confidence" in text
    nas = squash(section(dom, NAS).text())
    assert "Family: QSnatch (iab)" in nas and "60 names computed by the QSnatch DGA" in nas
    assert "exactly those the QSnatch DGA generates for these dates" in nas and "on a NAS" in nas
    c2 = squash(section(dom, C2).text())
    assert "A threat feed (demo) lists" in c2 and "high confidence" in c2
    tunnel = squash(section(dom, TUNNEL).text())
    assert "DNS tunnel (1), dnsexfil-collector.example: data encoded in query names" in tunnel
    assert "Nothing names the malware" in tunnel and "medium confidence" in tunnel


def test_resolved_addresses_and_copyable_iocs(page):
    result, dom, _ = page
    for host, h in hosts(result).items():
        sec = section(dom, host)
        (ioc,) = sec.find_all("pre", cls="ioc")
        lines = ioc.text().splitlines()
        names = {e["name"] for e in h["evidence"] if e["kind"] in ("feed", "forecast", "tunnel")}
        addresses = {a for e in h["evidence"] for a in e["addresses"]}
        assert names and names <= set(lines), host
        assert addresses <= set(lines)
        assert {e["community_id"] for e in h["evidence"] if e["community_id"]} <= set(lines)
        resolved = [squash(r.text()) for t in sec.find_all("table") if "resolved to" in t.text()
                    for r in t.find_all("tr")[1:]]
        for e in h["evidence"]:
            if e["addresses"]:
                assert f"{e['name']}{', '.join(e['addresses'])}" in resolved
    assert "203.0.113.66" in squash(section(dom, C2).text())
    assert "198.51.100.77" in squash(section(dom, NAS).text())
    # Copyable: CSS selects the whole block on one click, nothing needs a script.
    assert dom.find_all("script") == []


def test_hunt_and_kibana_queries_per_host(page):
    result, dom, _ = page
    for host, h in hosts(result).items():
        queries = [q.text() for q in section(dom, host).find_all("code", cls="q")]
        assert f'source.ip:"{host}" AND dns.query.name:*' in queries
        cids = [e["community_id"] for e in h["evidence"] if e["community_id"]]
        (by_cid,) = [q for q in queries if q.startswith("network.community_id:")]
        assert all(f'"{c}"' in by_cid for c in cids[:25])
        for q in queries:  # balanced, and only fields Security Onion has
            assert q.count("(") == q.count(")") and q.count('"') % 2 == 0
            fields = set(re.findall(r"([a-z_.]+):", re.sub(r'"[^"]*"', '""', q)))
            assert fields <= {"source.ip", "destination.ip", "dns.query.name", "network.community_id",
                              "event.dataset"}, q
    tunnel = [q.text() for q in section(dom, TUNNEL).find_all("code", cls="q")]
    assert f'source.ip:"{TUNNEL}" AND dns.query.name:*.dnsexfil-collector.example' in tunnel
    c2 = [q.text() for q in section(dom, C2).find_all("code", cls="q")]
    assert 'destination.ip:"203.0.113.66"' in c2


def test_glossary_explains_every_term(page):
    _, dom, _ = page
    (glossary,) = dom.find_all("dl", cls="glossary")
    terms = [dt_.text() for dt_ in glossary.find_all("dt")]
    assert terms == list(GLOSSARY)
    for word in ("iab", "known-DGA name (forecast)", "sensor alert", "NAS share", "NXDOMAIN burst", "DNS tunnel",
                 "Community ID", "uid", "confidence", "fast flux", "c2", "botnet"):
        assert word in terms, word
    # Every term link on the page lands on an entry.
    anchors = {n.attrs["id"] for n in dom.find_all("dt")}
    links = [a.attrs["href"][1:] for a in dom.find_all("a") if a.attrs.get("href", "").startswith("#g-")]
    assert links and set(links) <= anchors


def test_no_repeated_rows(page):
    result, dom, _ = page
    for host, h in hosts(result).items():
        (table,) = [t for t in section(dom, host).find_all("table") if "next step" in t.text()]
        rows = table.find_all("tr")[1:]
        steps = [r.find_all("td")[-1].text() for r in rows]
        assert len(steps) == len(set(steps)), host
        assert len(rows) <= len(h["evidence"])
    nas_rows = [squash(r.text()) for t in section(dom, NAS).find_all("table") for r in t.find_all("tr")]
    forecast = [r for r in nas_rows if r.startswith("known-DGA name")]
    assert len(forecast) == 1 and "×60" in forecast[0] and "and 52 more" in forecast[0]


def test_top_evidence_counts_hosts(page):
    result, dom, _ = page
    (heading,) = [n for n in dom.find_all("h3") if n.text() == "Top evidence"]
    tables = dom.find_all("table")
    table = next(t for t in tables if "name or rule" in t.text())
    counts = [int(r.find_all("td")[-1].text()) for r in table.find_all("tr")[1:]]
    assert counts and max(counts) <= len(hosts(result))
    assert heading is not None


def test_score_plot_is_more_than_one_bar(page):
    result, dom, png = page
    (plot,) = dom.find_all("svg", where=lambda n: n.attrs.get("aria-label") == "names by DGA score")
    bars = plot.find_all("rect")
    assert len(bars) >= 3  # scored names, and the known-DGA and feed names identified without a score
    labels = [t.text() for t in plot.find_all("text")]
    assert "known-DGA" in labels and "feed" in labels and any(t.startswith("threshold") for t in labels)
    assert int(labels[labels.index("0.0") + 1]) == result["score_histogram"][0]
    assert count_colour(png, SCORES) > 200 and count_colour(png, THREAT_COLOURS["iab"]) > 200


def test_a_day_of_200_hosts_in_the_browser(day_report, tmp_path):
    """The generated day (every role of the log generator): many flagged hosts,
    lanes capped, and still no repeated rows or unexplained terms."""
    _, result, html_path, _ = day_report
    dom = browse(html_path, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = parse(dom.stdout)
    flagged = hosts(result)
    (lanes,) = page.find_all("svg", where=lambda n: n.attrs.get("aria-label") == "hosts over time")
    drawn = [t for t in lanes.find_all("title") if ": first query " in t.text()]
    assert len(drawn) == min(len(flagged), MAX_LANES)
    if len(flagged) > MAX_LANES:
        assert f"{len(flagged) - MAX_LANES} more hosts in the table below." in squash(page.text())
    for host in list(flagged)[:MAX_HOST_SECTIONS]:
        tables = [t for t in section(page, host).find_all("table") if "next step" in t.text()]
        steps = [r.find_all("td")[-1].text() for t in tables for r in t.find_all("tr")[1:]]
        assert len(steps) == len(set(steps)), host
    table = next(t for t in page.find_all("table") if "name or rule" in t.text())
    assert all(int(r.find_all("td")[-1].text()) <= len(flagged) for r in table.find_all("tr")[1:])
    anchors = {n.attrs["id"] for n in page.find_all("dt")}
    assert {a.attrs["href"][1:] for a in page.find_all("a") if a.attrs.get("href", "").startswith("#g-")} <= anchors
