"""NXDOMAIN answers below popular domains: a resolver's block policy, not a DGA.

Behind a resolver that blocks ads with NXDOMAIN, a browser gets a dozen
NXDOMAIN answers in seconds for names below ad-tech domains that exist
(bench/blocking_resolver.py: every benign host was flagged before).  analyze and
Zeek skip names below the shipped popular-domain list; Zeek's copy
(zeek-scripts/popular-domains.zeek) is generated from it
(testing/tests/blocked-popular.zeek runs it).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from dnsguard.analyze import Analyzer
from dnsguard.analyze_cli import popular_domains
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.records import DnsRecord

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "testing/Files/blocked-popular/spec.json"
_spec = importlib.util.spec_from_file_location("build_popular", ROOT / "tools/popular/build_popular.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


def records() -> list[DnsRecord]:
    """The btest's trace: 10.0.0.40 asks for 20 names below 20 popular ad-tech
    domains in 20 s, all NXDOMAIN; 10.0.0.23 is a QSnatch-like burst."""
    return [DnsRecord(r["ts"], r["client"], r["qname"], r["qtype"], r["rcode"]) for r in json.loads(SPEC.read_text())]


def analyse(popular) -> dict[str, tuple[str, dict]]:
    analyzer = Analyzer(AnalysisSettings.from_config(load_config(None)), IndicatorIndex.build([]), popular=popular)
    for rec in records():
        analyzer.observe(rec)
    return {h.host: (h.verdict, {k: v for k, v in h.evidence_counts.items() if v}) for h in analyzer.finish()}


def test_the_blocked_browser_makes_no_burst_and_the_dga_host_still_does():
    hosts = analyse(popular_domains())
    assert hosts["10.0.0.40"] == ("clean", {})
    verdict, evidence = hosts["10.0.0.23"]
    assert verdict == "suspicious" and evidence == {"nxdomain-burst": 1}


def test_without_the_popular_list_the_blocked_browser_is_a_burst():
    """The list is what spares the browser (analyze's own allowlist is empty here)."""
    hosts = analyse(None)
    assert hosts["10.0.0.40"][1].get("nxdomain-burst") == 1


def test_every_ad_domain_of_the_trace_is_on_the_zeek_list():
    listed = {line.strip().strip(",").strip('"') for line in builder.ZEEK_OUTPUT.read_text().splitlines()
              if line.startswith('\t"')}
    domains = {r.query.split(".", 1)[1] for r in records() if r.client == "10.0.0.40"}
    assert len(domains) == 20 and domains <= listed


def test_the_zeek_list_is_generated_from_the_python_list():
    for path, content in builder.outputs().items():
        assert path.read_bytes() == content, "run: python tools/popular/build_popular.py"
    zeek = builder.ZEEK_OUTPUT.read_text()
    assert "redef popular_domains += {" in zeek and zeek.endswith("\n};\n")
    names = builder.domains()
    assert len(names) > 150_000 and zeek.count('\n\t"') == len(names)
