"""A host's verdict: a listed name from a dns record counts, and a weaker
later finding does not take the family away.

Before: a host asking for a feed-listed C2 name by dns record got no host
verdict (only an alert did that), and the journal kept the newest verdict
per host, so an NXDOMAIN burst after a Major tunnel alert replaced
``dnscat2``/``c2`` with ``dga``/``unknown``.
"""

from __future__ import annotations

import time

from dnsguard.feeds.indicators import Indicator, IndicatorIndex
from dnsguard.service.decide import Decider
from dnsguard.service.hostevidence import ALSO, NxAnswers, combine, strength
from dnsguard.service.journal import Journal, key_of
from dnsguard.service.model import Candidate, HostVerdict

from .conftest import RuleScorer

C2 = "panel-asyncrat.com"
HOST, OTHER = "10.0.0.21", "10.0.0.22"


def hv(family: str, threat: str, score: float, created: float, evidence: str = "e",
       names: tuple[str, ...] = ()) -> HostVerdict:
    return HostVerdict(HOST, family, threat, score, evidence, created, "", names)


def test_a_weaker_later_finding_keeps_the_stronger_family():
    tunnel = hv("dnscat2", "c2", 0.9, 100.0, "Suricata sid 9074001: dnscat2 (severity Major)", ("a.t.example",))
    burst = hv("unknown", "dga", 0.72, 200.0, "12 DGA-like NXDOMAIN names in 600s", ("xq.com", "zz.com"))
    kept = combine(tunnel, burst)
    assert (kept.family, kept.threat, kept.score) == ("dnscat2", "c2", 0.9)
    assert kept.created == 200.0  # still active: the lifetime is renewed
    assert kept.names == ("a.t.example", "xq.com", "zz.com")
    assert kept.evidence == ("Suricata sid 9074001: dnscat2 (severity Major)" + ALSO
                             + "dga unknown (0.72): 12 DGA-like NXDOMAIN names in 600s")
    # Combined again with another burst: one "also", not a growing chain.
    again = combine(kept, burst)
    assert again.evidence.count(ALSO) == 1


def test_a_stronger_later_finding_replaces_and_keeps_the_earlier_as_context():
    burst = hv("qsnatch", "dga", 0.8, 100.0, "burst")
    listed = hv("QSnatch", "iab", 0.95, 150.0, "asked for kqzbwmfa.com")
    out = combine(burst, listed)
    assert (out.family, out.threat) == ("QSnatch", "iab") and out.evidence.endswith("dga qsnatch (0.80): burst")


def test_precedence_order():
    assert strength(hv("x", "c2", 0.5, 0)) > strength(hv("y", "iab", 0.99, 0))
    assert strength(hv("ramnit", "dga", 0.6, 0)) > strength(hv("unknown", "dga", 0.99, 0))
    assert strength(hv("ramnit", "dga", 0.9, 0)) > strength(hv("ramnit", "dga", 0.6, 0))


def test_same_family_or_no_live_verdict_is_plain_replacement():
    a, b = hv("ramnit", "dga", 0.6, 0.0), hv("ramnit", "dga", 0.7, 10.0)
    assert combine(a, b) is b and combine(None, b) is b
    assert combine(hv("dnscat2", "c2", 0.9, 0.0), b, old_live=False) is b


def test_the_journal_keeps_the_stronger_verdict(tmp_path):
    j = Journal(tmp_path / "j")
    now = time.time()
    j.open(now)
    j.append([hv("dnscat2", "c2", 0.9, now)], now)
    fresh = j.append([hv("unknown", "dga", 0.7, now + 3000, "burst")], now + 3000)
    live = {key_of(v): v for v in j.live(now + 3000)}[f"h:{HOST}"]
    assert (live.family, live.threat) == ("dnscat2", "c2") and "also dga unknown" in live.evidence
    assert [v.family for v in fresh] == ["dnscat2"]  # what the sensors and the SIEM are told
    # The same burst again: nothing new to tell.
    assert j.append([hv("unknown", "dga", 0.7, now + 3100, "burst")], now + 3100) == []
    j.close()
    j = Journal(tmp_path / "j")  # and after a restart
    j.open(now + 3000)
    assert {key_of(v): v for v in j.live(now + 3000)}[f"h:{HOST}"].family == "dnscat2"
    j.close()


def test_a_dns_record_for_a_listed_name_gives_its_host_a_verdict():
    index = IndicatorIndex.build([Indicator(C2, "domain", "AsyncRAT", "c2", 70, ("threatfox",))])
    d = Decider(RuleScorer(), indicators=index)
    out = d.decide([Candidate(10.0, HOST, f"cdn.{C2}")], now=10.0)
    [host] = out.hosts
    assert (host.orig_h, host.family, host.threat, host.score, host.names) == (HOST, "AsyncRAT", "c2", 0.7,
                                                                               (f"cdn.{C2}",))
    assert f"listed: {C2}" in host.evidence and "feed:threatfox" in host.evidence
    # The same host again within the window: nothing; another host (a cache hit): its own verdict.
    out = d.decide([Candidate(20.0, HOST, f"cdn.{C2}"), Candidate(21.0, OTHER, f"cdn.{C2}")], now=21.0)
    assert [h.orig_h for h in out.hosts] == [OTHER] and out.names == []
    # After the window the host's evidence counts again (the journal renews or drops it).
    later = 10.0 + d.settings.hosts.window + 1
    assert [h.orig_h for h in d.decide([Candidate(later, HOST, f"cdn.{C2}")], now=later).hosts] == [HOST]


def test_a_model_verdict_alone_is_not_host_evidence():
    d = Decider(RuleScorer())
    out = d.decide([Candidate(1.0, HOST, "xqzkvbwpmlrt.com", rcode=3)], now=1.0)
    assert [v.source for v in out.names] == ["dga"] and out.hosts == []


def test_one_batch_with_two_findings_for_a_host_gives_one_verdict(tmp_path):
    """A whole recording can arrive as one batch: a generic tunnel alert
    (family unknown, confidence High) and the dnscat2 rule (Medium)."""
    j = Journal(tmp_path / "j")
    now = time.time()
    j.open(now)
    fresh = j.append([hv("unknown", "c2", 0.9, now, "generic tunnel"), hv("dnscat2", "c2", 0.6, now, "dnscat2 rule")],
                     now)
    assert [(v.family, v.evidence) for v in fresh] == [("dnscat2", "dnscat2 rule | also c2 unknown (0.90): generic tunnel")]
    assert j.live(now) == fresh
    j.close()


def test_nx_answers_explain_only_what_popular_names_make():
    nx = NxAnswers(horizon=302.0)
    for i in range(8):
        nx.observe("browser", 100.0 + i, popular=True)
        nx.observe("bot", 100.0 + i, popular=False)
    assert nx.explains("browser", 108.0, 8, 300)
    assert not nx.explains("bot", 108.0, 8, 300)
    assert not nx.explains("nobody", 108.0, 8, 300)  # no records: the sensor's word stands
    # Answers older than the rule's window are not counted, nor kept past the horizon.
    assert not nx.explains("browser", 100.0 + 400, 8, 300)
    nx.observe("browser", 1_000.0, popular=True)
    assert len(nx._hosts["browser"]) == 1


def test_nx_answers_are_bounded_and_a_host_past_the_bound_is_not_judged():
    nx = NxAnswers(horizon=302.0, max_hosts=2, max_per_host=10)
    for i in range(11):
        nx.observe("busy", 100.0 + i * 0.1, popular=True)
    assert len(nx._hosts["busy"]) == 10
    assert not nx.explains("busy", 101.0, 8, 300)  # its window can no longer be counted whole
    nx.observe("a", 100.0, popular=True)
    nx.observe("b", 100.0, popular=True)
    assert list(nx._hosts) == ["a", "b"]  # the least recently seen host went first
    assert not nx.explains("busy", 101.0, 8, 300)
