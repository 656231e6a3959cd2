"""Fast flux, the lexical-DGA plumbing with a stub scorer, verdict rules, progress."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass

from dnsguard.analyze import Analyzer, judge, run_analysis
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.detect.fastflux import FastFluxDetector, FluxSettings
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.inputs.progress import Progress
from dnsguard.records import DnsRecord, InputStats


def flux_answers(i, networks):
    return tuple(f"{(i * 7 + k) % networks + 1}.{k}.{i % 250}.{k + 1}" for k in range(5))


def test_fast_flux_needs_many_addresses_in_many_networks():
    det = FastFluxDetector(FluxSettings())
    for i in range(20):
        det.observe("10.0.0.1", float(i), "flux.example", f"C{i}", flux_answers(i, 200), (60.0,) * 5)
        # A CDN: rotating addresses, but within two networks.
        det.observe("10.0.0.2", float(i), "cdn.example", f"D{i}",
                    tuple(f"{1 + k % 2}.{k}.{i}.1" for k in range(5)), (60.0,) * 5)
        # Many networks, but long TTLs: ordinary round robin.
        det.observe("10.0.0.3", float(i), "rr.example", f"E{i}", flux_answers(i, 200), (86400.0,) * 5)
    found = det.findings()
    assert [f.name for f in found] == ["flux.example"]
    assert found[0].addresses >= 25 and found[0].networks >= 10 and found[0].hosts["10.0.0.1"] == (0.0, "C0")


def test_fast_flux_stays_below_threshold_with_few_answers():
    det = FastFluxDetector(FluxSettings())
    for i in range(4):
        det.observe("10.0.0.1", float(i), "flux.example", "", flux_answers(i, 200), (60.0,) * 5)
    assert det.findings() == []


@dataclass
class StubVerdict:
    name: str
    score: float
    family: str = "unknown"
    reasons: tuple = ()


def stub_scorer(names):
    """DGA-like when the first label has no vowel: enough to exercise the plumbing."""
    return [StubVerdict(n, 0.99 if not set(n.split(".")[0]) & set("aeiou") else 0.01, "unknown", ("stub",))
            for n in names]


def test_lexical_scores_are_batched_and_flag_hosts():
    settings = AnalysisSettings.from_config(load_config(None))
    calls = []

    def scorer(names):
        calls.append(len(names))
        return stub_scorer(names)

    records = [DnsRecord(100.0 + i, "10.3.0.1", f"{'bcdfghjklmnp'[i % 12]}{i}xqz.com", "A",
                         "NXDOMAIN" if i % 90 == 89 else "NOERROR")
               for i in range(9000)]
    records += [DnsRecord(100.0 + i, "10.3.0.2", "www.example.com", "A", "NOERROR") for i in range(100)]
    analysis = run_analysis(records, InputStats(), settings, IndicatorIndex.build([]), scorer=scorer)
    hosts = {h.host: h for h in analysis.hosts}
    assert hosts["10.3.0.1"].evidence_counts["dga"] == 500  # capped per host
    assert hosts["10.3.0.1"].verdict == "suspicious"  # DGA-like names alone: one sign
    assert hosts["10.3.0.2"].verdict == "clean"
    assert len(calls) >= 3 and max(calls) <= 4096  # scored in bounded batches while streaming
    assert sum(analysis.score_histogram) == 9001


def _dga_like(client: str, rcodes: list[str | None]) -> list[DnsRecord]:
    return [DnsRecord(100.0 + i, client, f"{'bcdfghjklmnp'[i]}{i}xqz.com", "A", rcode) for i, rcode in enumerate(rcodes)]


def test_only_unresolved_dga_like_names_make_the_sign():
    """A browser visiting random-looking ad-tech and CDN domains gets an
    address for nearly every one (and now and then an NXDOMAIN for a dead
    one); a bot's draws go unresolved: NXDOMAIN, another error, or no answer
    seen, as on a one-way tap.  Resolving DGA-like names stay listed as
    evidence."""
    settings = AnalysisSettings.from_config(load_config(None))
    assert settings.dga_min_names == 5
    records = (_dga_like("10.4.0.1", ["NOERROR"] * 9)
               + _dga_like("10.4.0.2", ["NOERROR"] * 8 + ["NXDOMAIN"])
               + _dga_like("10.4.0.3", ["NOERROR"] * 4 + ["NXDOMAIN"] * 3 + [None, "SERVFAIL"])
               + _dga_like("10.4.0.4", ["NXDOMAIN"] * 4 + ["NOERROR"] * 5))
    # a name first answered, then NXDOMAIN (a dying domain): unresolved once
    records += [DnsRecord(200.0, "10.4.0.4", "b0xqz.com", "A", "NXDOMAIN"),
                DnsRecord(201.0, "10.4.0.4", "c1xqz.com", "A", "NOERROR")]
    analysis = run_analysis(records, InputStats(), settings, IndicatorIndex.build([]), scorer=stub_scorer)
    hosts = {h.host: h for h in analysis.hosts}
    assert {ip: h.evidence_counts["dga"] for ip, h in hosts.items()} == dict.fromkeys(hosts, 9)
    assert [hosts[ip].verdict for ip in ("10.4.0.1", "10.4.0.2")] == ["clean", "clean"]
    assert hosts["10.4.0.3"].verdict == "suspicious"  # 3 NXDOMAIN, 1 unanswered, 1 SERVFAIL
    assert hosts["10.4.0.4"].verdict == "clean"  # 4 NXDOMAIN names; b0xqz.com was already one


def test_judge_rules():
    assert judge(Counter({"feed": 1}), "unknown", 5) == ("compromised", "high")
    assert judge(Counter({"nxdomain-burst": 1}), "unknown", 5) == ("suspicious", "low")
    assert judge(Counter({"nxdomain-burst": 1}), "nas-qnap", 5) == ("compromised", "medium")
    assert judge(Counter({"nxdomain-burst": 3}), "unknown", 5) == ("compromised", "medium")
    assert judge(Counter({"nxdomain-burst": 1, "dga": 5}), "unknown", 5) == ("compromised", "medium")
    assert judge(Counter({"dga": 4}), "unknown", 5) == ("clean", "-")
    assert judge(Counter({"dga": 5}), "unknown", 5) == ("suspicious", "low")
    assert judge(Counter({"dga": 9}), "unknown", 5, 4) == ("clean", "-")
    assert judge(Counter({"dga": 9}), "unknown", 5, 5) == ("suspicious", "low")
    assert judge(Counter({"nxdomain-burst": 1, "dga": 9}), "unknown", 5, 0) == ("suspicious", "low")
    assert judge(Counter({"fast-flux": 1}), "unknown", 5) == ("suspicious", "low")
    assert judge(Counter(), "nas-qnap", 5) == ("clean", "-")


def test_forecast_is_computed_per_new_day():
    settings = AnalysisSettings.from_config(load_config(None))
    asked = []

    def forecaster(days):
        asked.append([d.isoformat() for d in days])
        return {"known-dga.example": ("testfam", "botnet")}

    a = Analyzer(settings, IndicatorIndex.build([]), forecaster=forecaster)
    day = 1793577600.0  # 2026-11-02 00:00 UTC
    for ts in (day + 10, day + 20, day + 86400 + 5):
        a.observe(DnsRecord(ts, "10.4.0.1", "known-dga.example", "A", "NXDOMAIN"))
    hosts = {h.host: h for h in a.finish()}
    assert asked == [["2026-11-01", "2026-11-02", "2026-11-03"], ["2026-11-04"]]
    assert hosts["10.4.0.1"].families == {"testfam": "botnet"} and hosts["10.4.0.1"].verdict == "compromised"


def test_progress_draws_only_on_a_terminal():
    quiet = io.StringIO()
    p = Progress(1000, quiet)
    p.advance(500)
    p.close()
    assert quiet.getvalue() == ""
    shown = io.StringIO()
    p = Progress(1000, shown, force=True)
    p.start_file("dns.log.gz")
    p.advance(500)
    assert "50.0%" in shown.getvalue() and "dns.log.gz" in shown.getvalue()
