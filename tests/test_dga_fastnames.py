"""The scorer's batch name splitter must agree with dnsguard.names.normalize."""

from __future__ import annotations

from dnsguard import names as N
from dnsguard.dga.fastnames import SuffixWalker, split_names
from hypothesis import given, settings
from hypothesis import strategies as st

WALKER = SuffixWalker(N.default_suffix_list())

TRICKY = [
    "", ".", "..", "a..b", "A.B.", "www.Example.COM.", "x" * 300, "foo.bar.uk", "a.b.ck", "www.ck",
    "x.www.ck", "localhost", "com.", "ab\x00c.com", "x.s3.dualstack.us-east-1.amazonaws.com",
    "s3.dualstack.us-east-1.amazonaws.com", "a.b.c.kawasaki.jp", "city.kawasaki.jp",
    "_dmarc.example.com", "é.com", "gооgle.com", "a\nb.com", "-.com", ".com", "x." * 130 + "com",
    "e1234.a.akamaiedge.net", "d1tv14yrkl9pc0.cloudfront.net", b"foo.com", b"\xff\xfe.com",
]


def expected(raw):
    ref = N.normalize(raw)
    if isinstance(ref, N.Rejected):
        return (ref.raw, "", "", "", ref.reason)
    return (ref.fqdn, ref.registered, ref.suffix, ref.label, "")


def rows(split):
    return list(zip(split.fqdn, split.registered, split.suffix, split.label, split.reason, strict=True))


def test_tricky_names_match_the_reference():
    for batch in (TRICKY, [t for t in TRICKY if isinstance(t, str)], [t for t in TRICKY if isinstance(t, str) and "\n" not in t]):
        assert rows(split_names(batch, WALKER)) == [expected(r) for r in batch]


label = st.text(alphabet="abcxyz019-_.", min_size=0, max_size=12)
suffix = st.sampled_from(["com", "co.uk", "ck", "www.ck", "kawasaki.jp", "duckdns.org", "cloudfront.net", "arpa", "in-addr.arpa", "amazonaws.com", "s3.amazonaws.com", "zz"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.lists(label, max_size=4), suffix), max_size=20))
def test_generated_names_match_the_reference(parts):
    batch = [".".join([*labels, sfx]) for labels, sfx in parts]
    assert rows(split_names(batch, WALKER)) == [expected(r) for r in batch]


def test_memoised_suffix_walk_matches_the_reference():
    """The walk is memoised on the last three labels: a three-label name seen first
    (``pa.crm.dev``, the parent of a ``*.pa.crm.dev`` rule) must not decide a longer one."""
    psl = N.default_suffix_list()
    rng = __import__("random").Random(7)
    rules = sorted(psl.wildcards) + sorted(psl.exceptions) + sorted(psl.rules)[::50]
    batch = []
    for rule in rules:
        for k in range(5):
            batch.append(".".join([*(rng.choice(["a", "www", "_d", "x-1"]) for _ in range(k)), rule]))
    walker = SuffixWalker(psl)
    for _ in range(2):  # cold memo, then warm
        for order in (batch, batch[::-1]):
            assert rows(split_names(order, walker)) == [expected(r) for r in order]
