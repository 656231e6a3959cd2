"""The HTML report: self-contained, escaped, and its plots render in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

from dnsguard.analyze import Analysis, Evidence, HostReport
from dnsguard.records import InputStats
from dnsguard.report_html import NXDOMAIN, SCORES, THREAT_COLOURS, VOLUME, render_html

from .triage_png import count_colour, read_png

EXTERNAL = re.compile(r"""(?:src|href|action|srcset|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def test_html_has_no_external_references(day_report):
    _, _, html_path, _ = day_report
    html = html_path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(html)
    assert "http://" not in html and "https://" not in html
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert forbidden not in html.lower(), forbidden
    assert html.count("<svg") >= 4  # network timeline, families, scores, host timelines


def test_wire_strings_are_escaped():
    hostile = "<script>alert(1)</script>.example"
    ev = Evidence("feed", 1.0, hostile, "detail <b>", "Fam<ily>", "c2", uid="C\"x", next_step="do <this>")
    host = HostReport("10.9.9.9", "unknown", "compromised", "high", {"Fam<ily>": "c2"}, {"feed": 1}, 1, 0,
                      [], [ev], ["T1071.004"], ["step <i>"], 1.0, 2.0, [(0.0, 1, 0)])
    html = render_html(Analysis([host], InputStats(records=1), Counter(), 1.0, 2.0, []), "<src>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;.example" in html
    assert "detail <b>" not in html and "detail &lt;b&gt;" in html
    assert "Fam&lt;ily&gt;" in html and "do &lt;this&gt;" in html and "step &lt;i&gt;" in html
    assert "&lt;src&gt;" in html and 'C&quot;x' in html


def test_plots_render_in_headless_chromium(day_report, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "chromium must be installed (scripts/install.sh installs it)"
    _, result, html_path, _ = day_report
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1400,2000",
         "--hide-scrollbars", html_path.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-2000:]
    png = read_png(shot.read_bytes())
    width, height, _, _ = png
    assert (width, height) == (1400, 2000)
    # The network timeline: DNS volume bars and NXDOMAIN bars.
    assert count_colour(png, VOLUME) > 5_000
    assert count_colour(png, NXDOMAIN) > 100
    # Family breakdown: the IAB and botnet bars.
    assert count_colour(png, THREAT_COLOURS["iab"]) > 500
    assert count_colour(png, THREAT_COLOURS["botnet"]) > 500
    # Score distribution.
    assert count_colour(png, SCORES) > 200
    assert result["summary"]["compromised"] > 0
