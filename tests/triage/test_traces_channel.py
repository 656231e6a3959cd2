"""Zeek's own DNS edge-case traces (tests/data/traces: EDNS, TSIG, DNSSEC,
SVCB/HTTPS, truncated and malformed records, DNS over TCP, tunnelled
packets) are benign: analyze's tunnel and DNS-C2 detections find nothing
in them and read every one without an error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from dnsguard.analyze import CHANNEL_KINDS, run_analysis
from dnsguard.analyze_cli import popular_domains
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.inputs import read_path
from dnsguard.records import InputStats

TRACES = sorted(p for p in (Path(__file__).resolve().parents[1] / "data" / "traces").iterdir()
                if p.suffix in (".pcap", ".trace"))


@pytest.mark.usefixtures("zeek_required")
def test_no_channel_finding_on_any_trace(tmp_path):
    settings = AnalysisSettings.from_config(load_config(None))
    popular = popular_domains()
    found = {}
    for trace in TRACES:
        out = tmp_path / trace.stem
        out.mkdir()
        subprocess.run(["zeek", "-C", "-r", str(trace), "LogAscii::use_json=T"], cwd=out, check=True,
                       capture_output=True, timeout=60)
        if not (out / "dns.log").exists():
            continue
        stats = InputStats()
        analysis = run_analysis(read_path(out / "dns.log", stats, rows=True), stats, settings,
                                IndicatorIndex.build([]), popular=popular)
        hits = [(h.host, e.kind, e.name) for h in analysis.hosts for e in h.evidence
                if e.kind in CHANNEL_KINDS + ("data-answers",)]
        if hits:
            found[trace.name] = hits
    assert len(TRACES) >= 30
    assert found == {}
