"""The bundled sample, end to end through real Suricata (required, never skipped)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from dnsguard.analyze_cli import SAMPLE

NAS, C2, TUNNEL = "192.168.10.50", "192.168.10.31", "192.168.10.40"
BENIGN = {"192.168.10.21", "192.168.10.22", "192.168.10.23", "192.168.10.24"}


def test_suricata_is_installed():
    assert shutil.which("suricata"), "Suricata must be on PATH (make install puts it there)"


@pytest.fixture(scope="module")
def sample_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("analyze") / "result.json"
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "analyze", "--json", str(out),
                           "--html", str(out.with_suffix(".html"))],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads(out.read_text()), out.with_suffix(".html").read_text()


def hosts(result):
    return {h["host"]: h for h in result["hosts"]}


def by_host_family(result, host):
    """The family the host-level rule named for ``host`` ("" when none or unknown)."""
    fam = hosts(result)[host]["family"]
    return fam["family"] if fam and fam["family"] != "unknown" else ""


def test_sample_is_small_and_reproducible(repo, tmp_path):
    bundled = repo / "python" / "dnsguard" / SAMPLE
    assert bundled.stat().st_size < 2_000_000
    rebuilt = tmp_path / "sample.pcap"
    subprocess.run([sys.executable, str(repo / "tools/sample/build_sample.py"), str(rebuilt)],
                   check=True, capture_output=True)
    assert rebuilt.read_bytes() == bundled.read_bytes()


def test_three_bad_hosts_are_flagged_and_no_benign_host(sample_result):
    _, result, _ = sample_result
    by_host = hosts(result)
    flagged = {h for h, r in by_host.items() if r["verdict"] != "clean"}
    assert flagged == {NAS, C2, TUNNEL}
    assert all(by_host[h]["verdict"] == "clean" for h in BENIGN)
    assert result["summary"]["compromised"] == 3


def test_nas_evidence(sample_result):
    _, result, _ = sample_result
    nas = hosts(result)[NAS]
    assert nas["device"] == "nas-qnap"
    assert nas["verdict"] == "compromised"
    assert nas["evidence_counts"]["nxdomain-burst"] == 1
    assert nas["evidence_counts"]["forecast"] >= 50
    assert nas["families"] == {"QSnatch": "iab"}
    # the host-level family: exact known-DGA names first, with the count behind it
    assert nas["family"]["family"] == "QSnatch" and nas["family"]["source"] == "forecast"
    assert nas["family"]["names"] == nas["evidence_counts"]["forecast"]
    assert all(not by_host_family(result, h) for h in BENIGN)
    burst = next(e for e in nas["evidence"] if e["kind"] == "nxdomain-burst")
    assert "59 NXDOMAIN answers for 59 registered domains" in burst["detail"]
    assert result["summary"]["share_compromised_nas"] == pytest.approx(1 / 3, abs=0.01)


def test_c2_evidence_exact_and_parent_matches(sample_result):
    _, result, _ = sample_result
    c2 = hosts(result)[C2]
    assert c2["verdict"] == "compromised" and c2["confidence"] == "high"
    details = [e["detail"] for e in c2["evidence"] if e["kind"] == "feed"]
    assert any(d.startswith("exact match") for d in details)
    assert any(d.startswith("parent cdn-update-check.example match") for d in details)
    assert set(c2["families"]) == {"Emotet", "QakBot"}


def test_tunnel_evidence(sample_result):
    _, result, _ = sample_result
    t = hosts(result)[TUNNEL]
    assert t["verdict"] == "compromised"
    ev = next(e for e in t["evidence"] if e["kind"] == "tunnel")
    assert ev["name"] == "dnsexfil-collector.example"
    assert "40 unique hex subdomains" in ev["detail"]
    assert "T1048.003" in t["mitre"]
    # Seen as a tunnel and as a data channel, it is one channel: one step for it.
    assert {e["kind"] for e in t["evidence"]} >= {"tunnel", "dns-channel"}
    steps = [s for s in t["next_steps"] if "DNS tunnel" in s]
    assert len(steps) == 1 and "dnsexfil-collector.example" in steps[0] and "what left" in steps[0], steps


def test_terminal_summary_names_the_hosts(sample_result):
    text, _, _ = sample_result
    assert "3 of 7 hosts compromised" in text
    for host in (NAS, C2, TUNNEL):
        assert host in text
    assert "nas-qnap" in text and "next:" in text


def test_html_report_of_the_sample(sample_result):
    _, result, html = sample_result
    for host in (NAS, C2, TUNNEL):
        assert f'id="h-{host}"' in html
    assert html.count("<svg") >= 6  # network, families, scores, one timeline per flagged host
    assert "nas-qnap" in html and "dnsexfil-collector.example" in html
    assert "https://" not in html and "http://" not in html
