"""When the model's score makes a name a verdict that every sensor alerts on.

Before: any name scoring 0.9 or more became a name verdict the moment one
host asked it.  On hosts browsing today's popular names (Umbrella's and a
Tranco-style top list of 2025, tools/browsing) that pushed ``kbz0pwvxmv.com``
(0.98) and ``yg5sjx5kzy.com`` (0.90), resolving ad-tech domains, to both
sensors, so they would alert on every visitor.  Now a resolving name becomes
a verdict only from a host that is drawing DGA-like NXDOMAIN names; a name
that does not resolve still becomes one at once.
"""

from __future__ import annotations

from dnsguard.service.decide import Decider, DecideSettings
from dnsguard.service.hosts import HostSettings
from dnsguard.service.model import Candidate

from .conftest import RuleScorer

NX, OK = 3, 0
ADTECH = "xkbzpwvxmvq.com"  # scores 0.99 with RuleScorer, like kbz0pwvxmv.com with the shipped model
BROWSER, BOT = "10.0.0.31", "10.0.0.66"


def test_a_resolving_name_from_a_host_with_nothing_else_is_no_verdict():
    d = Decider(RuleScorer())
    out = d.decide([Candidate(1.0, BROWSER, ADTECH, rcode=OK)], now=1.0)
    assert out.names == [] and out.hosts == []
    # Asked again (now from the cache), still nothing.
    out = d.decide([Candidate(2.0, BROWSER, ADTECH, rcode=OK), Candidate(3.0, "10.0.0.32", ADTECH, rcode=OK)],
                   now=3.0)
    assert out.names == [] and d.stats.name_verdicts == 0


def test_a_name_that_does_not_resolve_is_a_verdict_at_once():
    d = Decider(RuleScorer())
    out = d.decide([Candidate(1.0, BOT, "xqzkvbwpmlrt.com", rcode=NX)], now=1.0)
    assert [(v.name, v.source, v.orig_h) for v in out.names] == [("xqzkvbwpmlrt.com", "dga", BOT)]
    assert out.names[0].reasons == ("rule:x-prefix",)


def test_a_resolving_name_from_a_host_drawing_dga_names_is_a_verdict():
    """The live C2 among a bot's draws: it resolves, and its host just drew NXDOMAIN names."""
    d = Decider(RuleScorer())
    d.decide([Candidate(1.0, BOT, "xaaaaaaaaaaa.com", rcode=NX)], now=1.0)
    out = d.decide([Candidate(5.0, BOT, "xlivec2domain.com", rcode=OK)], now=5.0)
    assert [(v.name, v.orig_h) for v in out.names] == [("xlivec2domain.com", BOT)]


def test_a_held_name_becomes_a_verdict_once_when_a_drawing_host_asks():
    d = Decider(RuleScorer())
    assert d.decide([Candidate(1.0, BROWSER, ADTECH, rcode=OK)], now=1.0).names == []  # held, cached
    d.decide([Candidate(2.0, BOT, "xbbbbbbbbbbb.com", rcode=NX)], now=2.0)
    out = d.decide([Candidate(3.0, BOT, ADTECH, rcode=OK), Candidate(3.5, BOT, ADTECH, rcode=OK)], now=3.5)
    assert [(v.name, v.orig_h) for v in out.names] == [(ADTECH, BOT)]  # one verdict, not one per query
    # The verdict is now cached: later askers get no second one.
    assert d.decide([Candidate(4.0, BROWSER, ADTECH, rcode=OK)], now=4.0).names == []
    assert d.stats.name_verdicts == 2  # the bot's NXDOMAIN draw and the held name


def test_the_host_window_bounds_how_long_a_host_counts_as_drawing():
    d = Decider(RuleScorer(), DecideSettings(hosts=HostSettings(window=60.0)))
    d.decide([Candidate(0.0, BOT, "xcccccccccccc.com", rcode=NX)], now=0.0)
    assert d.decide([Candidate(120.0, BOT, "xresolving01.com", rcode=OK)], now=120.0).names == []
    assert d.decide([Candidate(130.0, BOT, "xdddddddddddd.com", rcode=NX)], now=130.0).names != []
    assert [v.name for v in d.decide([Candidate(131.0, BOT, "xresolving02.com", rcode=OK)], now=131.0).names] \
        == ["xresolving02.com"]


def test_a_reported_host_counts_as_drawing_for_the_cooldown():
    d = Decider(RuleScorer(), DecideSettings(hosts=HostSettings(window=60.0, min_names=2, cooldown=3600.0)))
    out = d.decide([Candidate(0.0, BOT, "xeeeeeeeeeee.com", rcode=NX),
                    Candidate(1.0, BOT, "xffffffffffff.com", rcode=NX)], now=1.0)
    assert [h.orig_h for h in out.hosts] == [BOT]
    # Long after the window, within the cooldown: the host is still a known bot.
    assert [v.name for v in d.decide([Candidate(900.0, BOT, "xresolving03.com", rcode=OK)], now=900.0).names] \
        == ["xresolving03.com"]


def test_another_spelling_of_a_named_name_gets_no_second_verdict():
    """The decision cache is keyed by the query as asked; the verdict is per name."""
    d = Decider(RuleScorer(), DecideSettings(verdict_ttl=600))
    for spelling, ts in ((ADTECH, 1.0), (ADTECH.upper(), 1.5), (ADTECH + ".", 1.7)):
        assert d.decide([Candidate(ts, BROWSER, spelling, rcode=OK)], now=ts).names == []  # each held, cached
    d.decide([Candidate(2.0, BOT, "xbbbbbbbbbbb.com", rcode=NX)], now=2.0)
    out = d.decide([Candidate(3.0, BOT, ADTECH, rcode=OK)], now=3.0)
    assert [v.name for v in out.names] == [ADTECH]
    later = [Candidate(4.0, BOT, ADTECH.upper(), rcode=OK), Candidate(4.5, BOT, ADTECH + ".", rcode=OK)]
    assert d.decide(later, now=4.5).names == []
    # Once the verdict has expired, the name may be named again.
    d.decide([Candidate(700.0, BOT, "xcccccccccccc.com", rcode=NX)], now=700.0)
    assert [v.name for v in d.decide([Candidate(701.0, BOT, ADTECH.upper(), rcode=OK)], now=701.0).names] == [ADTECH]
