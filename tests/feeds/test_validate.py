"""Validation rules, rejection reasons, the IAB table and the allowlist."""

from __future__ import annotations

from collections import Counter

from dnsguard.feeds.allowlist import Allowlist, parse_allowlist, shipped_allowlist
from dnsguard.feeds.definitions import parse_definition
from dnsguard.feeds.families import IAB_FAMILIES, canonical_family, is_iab
from dnsguard.feeds.formats.base import ParseOutput, RawRecord
from dnsguard.feeds.validate import validate_records

NOW = 1_800_000_000.0


def run(records, allowlist=None, **extra):
    d = parse_definition({"name": "t", "format": "plain", "url": "https://127.0.0.1/", **extra}, "test")
    return validate_records(ParseOutput(records=records), d, allowlist or shipped_allowlist(), NOW)


def test_every_rejection_has_its_reason():
    values = [
        "com", "co.uk", "google.com", "www.google.com", "*.wild.test", "bad_label!.test",
        "a" * 64 + ".test", "10.1.2.3", "127.0.0.1", "169.254.1.1", "224.0.0.1", "0.0.0.0",
        "192.0.2.10", "01.2.3.4", "fe80::1", "evil-c2.test", "duckdns.org", "x7f9.duckdns.org",
    ]  # fmt: skip
    result = run([RawRecord(v, "host") for v in values])
    assert sorted(i.value for i in result.indicators) == ["evil-c2.test", "x7f9.duckdns.org"]
    assert result.rejected == {
        "TLD only": 1,
        "public suffix": 2,  # co.uk, duckdns.org (PSL private section)
        "allowlisted": 2,
        "wildcard": 1,
        "invalid name: character not allowed in a host name": 1,
        "invalid name: label longer than 63 octets": 1,
        "private or reserved address": 7,
        "not an IP address": 1,
    }
    assert result.rejected_total == 16


def test_idna_names_become_punycode_and_case_folds():
    result = run([RawRecord("Bücher-C2.TEST", "domain"), RawRecord("XN--BCHER-C2-65A.test", "domain")])
    assert [i.value for i in result.indicators] == ["xn--bcher-c2-65a.test"]
    assert result.duplicates == 1


def test_strict_ip_syntax():
    result = run([RawRecord(v, "ip") for v in ("45.61.136.1", "45.61.136", "45.61.136.1.5", "045.61.136.1", "2a00:1450::1")])
    assert sorted(i.value for i in result.indicators) == ["2a00:1450::1", "45.61.136.1"]
    assert result.rejected == {"not an IP address": 3}


def test_user_allowlist_names_networks_and_subdomains():
    user = parse_allowlist("# ours\ncorp-sinkhole.test\n45.61.136.0/24\nnot a name!\n", "site.txt")
    allow = Allowlist().union(user)
    assert user.errors and "site.txt:4" in user.errors[0]
    result = run(
        [RawRecord("corp-sinkhole.test", "host"), RawRecord("a.b.corp-sinkhole.test", "host"),
         RawRecord("45.61.136.9", "host"), RawRecord("45.61.137.9", "host")],
        allowlist=allow,
    )  # fmt: skip
    assert [i.value for i in result.indicators] == ["45.61.137.9"]
    assert result.rejected == {"allowlisted": 3}


def test_iab_families_override_the_feed_threat():
    records = [
        RawRecord("a.test", "domain", family="win.qakbot", threat="phishing"),
        RawRecord("b.test", "domain", family="Heodo"),
        RawRecord("c.test", "domain", family="QNAPCrypt"),
        RawRecord("d.test", "domain", family="Mirai"),
        RawRecord("e.test", "domain", tags=("zip", "Pikabot")),
    ]
    result = run(records, threat="c2", family_threat={"mirai": "botnet"})
    got = {i.value: (i.family, i.threat) for i in result.indicators}
    assert got == {
        "a.test": ("QakBot", "iab"),
        "b.test": ("Emotet", "iab"),
        "c.test": ("QSnatch", "iab"),
        "d.test": ("Mirai", "botnet"),
        "e.test": ("Pikabot", "iab"),
    }


def test_iab_table_covers_the_named_brokers():
    for name in ("QSnatch", "Emotet", "Ramnit", "QakBot", "IcedID", "Bumblebee", "TrickBot", "Dridex",
                 "BazarLoader", "Ursnif", "SocGholish", "Pikabot", "DarkGate", "Latrodectus"):  # fmt: skip
        assert name in IAB_FAMILIES and is_iab(name.upper())
    assert not is_iab("AsyncRAT") and not is_iab("Mirai")
    assert canonical_family("None") == "unknown"
    assert canonical_family("  Lumma Stealer ") == "Lumma Stealer"


def test_shipped_allowlist_keeps_dynamic_dns_out():
    shipped = shipped_allowlist()
    assert len(shipped.domains) > 150_000
    assert "google.com" in shipped.domains and "wikipedia.org" in shipped.domains
    assert "no-ip.com" not in shipped.domains and "3322.org" not in shipped.domains


def test_fast_ipv4_check_agrees_with_ipaddress():
    import ipaddress
    import random

    from dnsguard.feeds.validate import _v4_not_global

    rng = random.Random(7)
    samples = [rng.getrandbits(32) for _ in range(200_000)]
    edges = [int(ipaddress.IPv4Address(a)) + d for a in ("10.0.0.0", "100.64.0.0", "172.16.0.0", "192.0.0.0",
             "192.0.2.0", "198.18.0.0", "224.0.0.0", "240.0.0.0", "255.255.255.255") for d in (-1, 0, 1)]  # fmt: skip
    for value in samples + [e for e in edges if 0 <= e < 2**32]:
        address = ipaddress.IPv4Address(value)
        assert _v4_not_global(value) == (not address.is_global or address.is_multicast), address


def test_user_allowlist_entry_covers_deeper_names_only_below_it():
    allow = Allowlist().union(parse_allowlist("updates.vendor.test\n"))
    result = run(
        [RawRecord("updates.vendor.test", "domain"), RawRecord("cdn.eu.updates.vendor.test", "domain"),
         RawRecord("vendor.test", "domain"), RawRecord("evil.vendor.test", "domain")],
        allowlist=allow,
    )  # fmt: skip
    assert sorted(i.value for i in result.indicators) == ["evil.vendor.test", "vendor.test"]
    assert result.rejected == {"allowlisted": 2}


def test_batched_validation_agrees_with_the_one_record_checks(monkeypatch):
    """The hot loop canonicalises names in batches (dnsguard.dga.fastnames) and
    inlines the address check; verdicts, reasons and their order must be those
    of check_domain / check_address applied record by record."""
    import random

    from dnsguard.feeds import validate as V

    rng = random.Random(11)
    pool = [
        "Evil-C2.TEST", "evil-c2.test.", "a.b.evil.co.uk", "co.uk", "com", "x7.duckdns.org", "www.google.com",
        "*.wild.test", "bad_label!.test", "a" * 64 + ".test", "a..b.test", "", "Bücher.example", "xn--x.test",
        "é" * 70 + ".test", "45.61.136.1", "045.61.136.1", "10.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3",
        "1.2.3.4.5", "2a00:1450::1", "fe80::1", "http://evil-url.test/x", "https://[2a00:1450::2]:8443/",
        "http:///nohost", "45.61.136.9:443", "[2a00:1450::3]:53", "updates.vendor.test", "cdn.updates.vendor.test",
    ]  # fmt: skip
    kinds = {"45.61.136.9:443": "ip:port", "[2a00:1450::3]:53": "ip:port"}
    values = [rng.choice(pool) for _ in range(400)]
    records = [RawRecord(v, "url" if "://" in v else kinds.get(v, rng.choice(["host", "domain", "ip"]))) for v in values]
    allow = shipped_allowlist().union(parse_allowlist("updates.vendor.test\n"))
    monkeypatch.setattr(V, "_BATCH", 7)  # many batch boundaries
    result = run(records, allowlist=allow)

    expected_rejections = []
    accepted = []
    for record in records:
        host = V._host_of(record)
        if isinstance(host, str):
            expected_rejections.append((host, record.value))
            continue
        kind, text = host
        text = text.strip()
        if kind == "ip" or (kind == "host" and V._looks_like_ip(text)):
            checked = V.check_address(text, allow)
            verdict = checked if isinstance(checked, str) else checked[1]
            ok = not isinstance(checked, str)
        else:
            verdict = V.check_domain(text, allow)
            ok = not verdict.startswith("!")
            verdict = verdict if ok else verdict[1:]
        if ok:
            if verdict not in accepted:
                accepted.append(verdict)
        else:
            expected_rejections.append((verdict, record.value))
    assert [i.value for i in result.indicators] == accepted
    assert dict(result.rejected) == dict(Counter(reason for reason, _ in expected_rejections))
    first_examples: dict[str, list[str]] = {}
    for reason, value in expected_rejections:
        shown = first_examples.setdefault(reason, [])
        if len(shown) < 3:
            shown.append(value[:80])
    assert result.examples == first_examples
