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
from dnsguard.records import DnsRecord, InputStats, SensorAlert

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "testing/Files/blocked-popular/spec.json"
_spec = importlib.util.spec_from_file_location("build_popular", ROOT / "tools/popular/build_popular.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)


def records() -> list[DnsRecord]:
    """The btest's trace: 10.0.0.40 asks for 20 names below 20 popular ad-tech
    domains in 20 s, all NXDOMAIN; 10.0.0.23 is a QSnatch-like burst."""
    return [DnsRecord(r["ts"], r["client"], r["qname"], r["qtype"], r["rcode"]) for r in json.loads(SPEC.read_text())]


def analyse(popular, events=None, stats=None) -> dict[str, tuple[str, dict]]:
    analyzer = Analyzer(AnalysisSettings.from_config(load_config(None)), IndicatorIndex.build([]), popular=popular,
                        stats=stats)
    for event in events if events is not None else records():
        analyzer.observe(event)
    return {h.host: (h.verdict, {k: v for k, v in h.evidence_counts.items() if v}) for h in analyzer.finish()}


MAJOR = {"signature_severity": ["Major"]}


def nx_alerts(client: str, ts: float) -> list[SensorAlert]:
    """What Suricata's pack raises on 40 NXDOMAINs in 20 s: the generic burst and,
    for whole registered domains, the Major repeated-NXDOMAIN rule."""
    return [SensorAlert(ts, client, "DNSGUARD DGA Generic NXDOMAIN Burst To Client", 9_072_001,
                        metadata={"signature_severity": ["Minor"]}),
            SensorAlert(ts, client, "DNSGUARD DGA Generic Repeated NXDOMAIN For Registered Domain Names To Client",
                        9_072_003, metadata=MAJOR)]


def test_suricata_nxdomain_alerts_explained_by_popular_names_are_set_aside():
    """The alerts come before the records (analyze reads Suricata's alerts of a pcap
    first): they are judged at the end, against the host's NXDOMAINs in their window."""
    t = 1_800_000_000.0
    ads = ["doubleclick.net", "adnxs.com", "criteo.com", "taboola.com", "outbrain.com", "pubmatic.com",
           "openx.net", "adsrvr.org", "moatads.com", "quantserve.com"]
    blocked = [*ads, *(f"{sub}.{ad}" for sub in ("sync", "pixel", "securepubads") for ad in ads)]
    dga = [f"qx{i:02d}kd2mfa{chr(97 + i % 26)}.com" for i in range(40)]
    events = [*nx_alerts("10.0.0.40", t + 19.6), *nx_alerts("10.0.0.23", t + 19.6),
              *nx_alerts("10.0.0.99", t + 19.6)]  # no records at all for 10.0.0.99
    for client, names in (("10.0.0.40", blocked), ("10.0.0.23", dga)):
        events += [DnsRecord(t + i * 0.5, client, name, "A", "NXDOMAIN") for i, name in enumerate(names)]
    stats = InputStats()
    hosts = analyse(popular_domains(), events, stats)
    assert hosts["10.0.0.40"] == ("clean", {})
    assert hosts["10.0.0.23"][0] == "compromised"
    assert hosts["10.0.0.23"][1].get("sensor-major") == 1 and hosts["10.0.0.23"][1].get("nxdomain-burst") == 1
    assert hosts["10.0.0.99"][0] == "compromised"  # nothing to check the sensor against: it counts
    assert sum(n for why, n in stats.skipped.items() if "below popular domains" in why) == 2


def test_the_blocked_browser_makes_no_burst_and_the_dga_host_still_does():
    hosts = analyse(popular_domains())
    assert hosts["10.0.0.40"] == ("clean", {})
    verdict, evidence = hosts["10.0.0.23"]
    assert verdict == "suspicious" and evidence == {"nxdomain-burst": 1}


def test_without_the_popular_list_the_blocked_browser_is_a_burst():
    """The list is what spares the browser (analyze's own allowlist is empty here)."""
    hosts = analyse(None)
    assert hosts["10.0.0.40"][1].get("nxdomain-burst") == 1


def zeek_listed() -> list[str]:
    """The domains in Zeek's generated file (space-separated in its strings)."""
    return [d for line in builder.ZEEK_OUTPUT.read_text().splitlines() if line.startswith('\t"')
            for d in line.strip().rstrip(",").strip('"').split(" ")]


def test_every_ad_domain_of_the_trace_is_on_the_zeek_list():
    domains = {r.query.split(".", 1)[1] for r in records() if r.client == "10.0.0.40"}
    assert len(domains) == 20 and domains <= set(zeek_listed())


def test_the_zeek_list_is_generated_from_the_python_list():
    for path, content in builder.outputs().items():
        assert path.read_bytes() == content, "run: python tools/popular/build_popular.py"
    zeek = builder.ZEEK_OUTPUT.read_text()
    assert "global popular_domain_chunks: vector of string = vector(" in zeek and zeek.endswith("\n);\n")
    names = builder.domains()
    assert len(names) > 150_000 and zeek_listed() == names
