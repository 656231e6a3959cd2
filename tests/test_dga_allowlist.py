"""Allowlist matching: the batch path must give the per-name answer."""

from __future__ import annotations

from dnsguard import names as N
from dnsguard.dga.allowlist import build, clean_entry, default_allowlist
from dnsguard.dga.fastnames import SuffixWalker, split_names

WALKER = SuffixWalker(N.default_suffix_list())


def test_entries_cover_their_subdomains_only():
    allow = build(["example.com", "corp.example.org", "cloudfront.net", "*.Foo.NET.", "# comment", ""])
    assert allow.match("a.b.example.com") == "example.com"
    assert allow.match("example.com") == "example.com"
    assert allow.match("notexample.com") is None
    assert allow.match("x.corp.example.org") == "corp.example.org"
    assert allow.match("example.org") is None and allow.match("www.example.org") is None
    assert allow.match("d1tv14yrkl9pc0.cloudfront.net") == "cloudfront.net"
    assert allow.match("bar.foo.net") == "foo.net"
    assert len(allow) == 4


def test_batch_matching_equals_single_matching():
    allow = build(["example.com", "corp.example.org", "cloudfront.net", "amazonaws.com", "co.uk", "bbc.co.uk"])
    names = [
        "a.example.com", "x.corp.example.org", "example.org", "d1.cloudfront.net",
        "s3.dualstack.us-east-1.amazonaws.com", "bucket.s3.amazonaws.com", "www.bbc.co.uk",
        "news.other.co.uk", "com", "qwxzkvjrtplm.info", "corp.example.org",
    ]
    split = split_names(names, WALKER)
    many = allow.match_many(split.fqdn, split.registered, split.suffix)
    assert many == [allow.match(f) for f in split.fqdn]
    assert many[2] is None and many[9] is None
    assert many[7] == "co.uk"


def test_clean_entry():
    assert clean_entry("  *.Example.COM.  # note") == "example.com"
    assert clean_entry("# only a comment") == ""


def test_shipped_allowlist_has_cdn_suffixes_and_user_extras(tmp_path):
    f = tmp_path / "mine.txt"
    f.write_text("intranet.test\n")
    allow = default_allowlist(extra=["lab.test"], files=[f])
    for suffix in ("akamaiedge.net", "cloudfront.net", "googlevideo.com", "amazonaws.com", "in-addr.arpa", "ip6.arpa"):
        assert allow.match("x." + suffix) == suffix
    assert allow.match("a.lab.test") == "lab.test"
    assert allow.match("a.intranet.test") == "intranet.test"
