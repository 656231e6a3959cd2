import pytest
from dnsguard.names import (
    Name,
    Rejected,
    default_suffix_list,
    normalize,
    parents,
    registered_domain,
)


@pytest.mark.parametrize(
    ("raw", "fqdn", "registered", "suffix"),
    [
        ("www.Example.COM.", "www.example.com", "example.com", "com"),
        ("foo.bar.co.uk", "foo.bar.co.uk", "bar.co.uk", "co.uk"),
        ("x1b9.duckdns.org", "x1b9.duckdns.org", "x1b9.duckdns.org", "duckdns.org"),
        ("abc.com.sv", "abc.com.sv", "abc.com.sv", "com.sv"),
        ("bücher.de", "xn--bcher-kva.de", "xn--bcher-kva.de", "de"),
        ("_dmarc.example.com", "_dmarc.example.com", "example.com", "com"),
        # PSL wildcard (*.kawasaki.jp) and exception (!city.kawasaki.jp) rules
        ("a.b.c.kawasaki.jp", "a.b.c.kawasaki.jp", "b.c.kawasaki.jp", "c.kawasaki.jp"),
        ("x.city.kawasaki.jp", "x.city.kawasaki.jp", "city.kawasaki.jp", "kawasaki.jp"),
        ("host.unknowntld", "host.unknowntld", "host.unknowntld", "unknowntld"),
    ],
)
def test_normalize_registered_domain(raw, fqdn, registered, suffix):
    name = normalize(raw)
    assert isinstance(name, Name)
    assert (name.fqdn, name.registered, name.suffix) == (fqdn, registered, suffix)


def test_label_and_subdomain():
    name = normalize("a.b.evil.co.uk")
    assert name.label == "evil"
    assert name.subdomain == "a.b"
    assert normalize("evil.co.uk").subdomain == ""


@pytest.mark.parametrize("raw", ["com", "co.uk", "duckdns.org"])
def test_public_suffixes_have_no_registered_domain(raw):
    name = normalize(raw)
    assert isinstance(name, Name) and name.is_public_suffix
    assert registered_domain(raw) is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty name"),
        ("a..b", "empty label"),
        ("a" * 64 + ".com", "label longer than 63"),
        (".".join(["a"] * 128), "longer than 253"),  # 128 labels cannot fit in 253 octets
        ("x" * 300, "longer than 253"),
        ("x" * 10_000, "longer than 1024"),
        (b"\x00abc.com", "character not allowed"),
        (b"\xff\xfe.com", "not valid UTF-8"),
        ("exa mple.com", "character not allowed"),
        ("evil\x1b[31m.com", "character not allowed"),
    ],
)
def test_hostile_names_are_rejected_with_a_reason(raw, reason):
    result = normalize(raw)
    assert isinstance(result, Rejected)
    assert reason in result.reason
    assert result.raw.isprintable()


def test_homoglyph_becomes_punycode_not_the_ascii_name():
    result = normalize("\u0430pple.com")  # Cyrillic a
    assert isinstance(result, Name)
    assert result.fqdn.startswith("xn--") and result.fqdn != "apple.com"


def test_parents_stop_at_registered_domain():
    assert parents("a.b.example.com", "example.com") == ["a.b.example.com", "b.example.com", "example.com"]
    assert parents("example.com", "example.com") == ["example.com"]


# Raw names (issue 15): what normalisation rejects keeps its labels for the
# tunnel detections, and only for them.
@pytest.mark.parametrize(("raw", "labels", "registered"), [
    ("1eab+70/mid==.Q.hacker-iodine.com.", ("1eab+70/mid==", "q"), "hacker-iodine.com"),
    ("zir2aa-j\xe4germeister-.hacker-iodine.com", ("zir2aa-j\xe4germeister-",), "hacker-iodine.com"),
    ("zir2aA-J\\xe4.tunnel.co.uk", ("zir2aa-j\\xe4",), "tunnel.co.uk"),  # EVE leaves the escape in the text
    ("a..b.example.com", ("a", "", "b"), "example.com"),
    ("www.example.com", ("www",), "example.com"),
])
def test_split_raw(raw, labels, registered):
    from dnsguard.names import split_raw

    got = split_raw(raw)
    assert got is not None and (got.labels, got.registered) == (labels, registered)
    assert isinstance(normalize(raw), Rejected) or raw == "www.example.com"


@pytest.mark.parametrize("raw", ["example.com", "co.uk", "a+b.c=d", "", "x" * 1100, ".", "a.b\\x00"])
def test_split_raw_without_a_subdomain_or_registered_domain(raw):
    from dnsguard.names import split_raw

    assert split_raw(raw) is None


@pytest.mark.parametrize("name", ["com.se", "org.ru", "ddns.net", "foo.ck", "www.ck", "nic.de", "bmw.es",
                                  "x.y.kawasaki.jp", "city.kawasaki.jp", "a.b", "github.io", "co.uk", "bbc.co.uk"])
def test_is_suffix_agrees_with_the_psl_walk(name):
    """The forecast's two-lookup test gives the same answer as the full walk."""
    psl = default_suffix_list()
    assert psl.is_suffix(name) == (psl.public_suffix(name.split(".")) == 0)
