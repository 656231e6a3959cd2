"""Every supported format parsed and validated from recorded fixtures."""

from __future__ import annotations

import pytest
from dnsguard.feeds.definitions import parse_definition
from dnsguard.feeds.formats import PARSERS, ParseError, parse_manifest
from dnsguard.feeds.update import process_body

NOW = 1_800_000_000.0


def feed(fmt: str, **extra):
    raw = {"name": f"t-{fmt}", "format": fmt, "url": "https://127.0.0.1/x", **extra}
    return parse_definition(raw, "test")


def by_value(result):
    return {i.value: i for i in result.indicators}


def test_threatfox_csv_columns_families_confidence(fixture_bytes, allowlist):
    d = feed("threatfox-csv", min_confidence=50, threat_map={"botnet_cc": "c2", "payload_delivery": "c2"},
             family_threat={"mirai": "botnet"}, kinds=["domain"])  # fmt: skip
    result = process_body(d, fixture_bytes("threatfox-domains.csv"), allowlist, NOW)
    got = by_value(result)
    assert set(got) == {
        "update-check.invoice-portal.test",
        "cdn-sync.qbot-relay.test",
        "panel.asyncrat-c2.test",
        "bots.mirai-loader.test",
        "payload.stealer-drop.test",
        "login.bazarbackdoor-panel.test",  # lower-cased, trailing dot dropped
    }
    emotet = got["update-check.invoice-portal.test"]
    assert (emotet.family, emotet.threat, emotet.confidence) == ("Emotet", "iab", 100)
    assert emotet.sources == ("t-threatfox-csv",)
    assert emotet.first_seen == 1_795_165_262.0  # 2026-11-20 09:01:02 UTC
    assert got["cdn-sync.qbot-relay.test"].threat == "iab"
    assert got["login.bazarbackdoor-panel.test"].family == "BazarLoader"
    assert got["login.bazarbackdoor-panel.test"].threat == "iab"
    assert (got["panel.asyncrat-c2.test"].family, got["panel.asyncrat-c2.test"].threat) == ("AsyncRAT", "c2")
    assert got["bots.mirai-loader.test"].threat == "botnet"
    assert got["payload.stealer-drop.test"].family == "Lumma Stealer"
    assert result.rejected == {"below min_confidence": 1}
    # the ip:port row is a valid address but this feed keeps domains only; the hash is no DNS IOC
    assert result.ignored["ipv4 not taken from this feed"] == 1
    assert result.ignored["ioc_type md5_hash"] == 1


def test_threatfox_json_export(fixture_bytes, allowlist):
    result = process_body(feed("threatfox-json"), fixture_bytes("threatfox-domains.json"), allowlist, NOW)
    got = by_value(result)
    assert set(got) == {"update-check.invoice-portal.test", "panel.asyncrat-c2.test", "icedid-gate.test"}
    assert got["icedid-gate.test"].family == "IcedID" and got["icedid-gate.test"].threat == "iab"
    assert got["panel.asyncrat-c2.test"].confidence == 75


def test_threatfox_api_answer_shape_is_accepted(allowlist):
    body = (b'{"query_status": "ok", "data": [{"ioc": "gate.dridex-c2.test", "ioc_type": "domain",'
            b' "threat_type": "botnet_cc", "malware": "win.dridex", "malware_printable": "Dridex",'
            b' "confidence_level": 50, "first_seen": "2026-11-20 01:00:00 UTC", "tags": ["exe"]}]}')  # fmt: skip
    result = process_body(feed("threatfox-json"), body, allowlist, NOW)
    (ind,) = result.indicators
    assert (ind.value, ind.family, ind.threat) == ("gate.dridex-c2.test", "Dridex", "iab")


def test_urlhaus_hosts_names_and_addresses(fixture_bytes, allowlist):
    d = feed("urlhaus-csv", family_threat={"mirai": "botnet"})
    result = process_body(d, fixture_bytes("urlhaus.csv"), allowlist, NOW)
    got = by_value(result)
    assert set(got) == {"45.61.136.21", "files.docs-share.test", "dl.cheap-updates.test"}
    assert got["45.61.136.21"].kind == "ipv4"
    assert got["45.61.136.21"].threat == "botnet"  # the Mirai tag names the family
    assert got["files.docs-share.test"].family == "QakBot" and got["files.docs-share.test"].threat == "iab"
    assert got["dl.cheap-updates.test"].family == "SocGholish"
    assert result.rejected == {"allowlisted": 1, "private or reserved address": 1}
    assert result.examples["allowlisted"] == [
        "https://raw.githubusercontent.com/someone/repo/main/loader.exe"
    ]


@pytest.mark.parametrize("fmt,name", [("feodo-csv", "feodo-ipblocklist.csv"), ("feodo-json", "feodo-ipblocklist.json")])
def test_feodo_tracker_addresses_are_iab(fixture_bytes, fmt, name, allowlist):
    result = process_body(feed(fmt), fixture_bytes(name), allowlist, NOW)
    got = by_value(result)
    assert {v: (i.kind, i.family, i.threat) for v, i in got.items()} == {
        "45.61.136.30": ("ipv4", "QakBot", "iab"),
        "45.61.136.31": ("ipv4", "Emotet", "iab"),
        "45.61.136.32": ("ipv4", "Dridex", "iab"),
    }
    if fmt == "feodo-csv":
        assert result.rejected == {"private or reserved address": 1}


def test_plain_list_digitalside(fixture_bytes, allowlist):
    result = process_body(feed("plain", threat="c2"), fixture_bytes("digitalside-latestdomains.txt"), allowlist, NOW)
    assert sorted(by_value(result)) == [
        "dropper-cdn.test", "malspam-landing.test", "stage2-payload.test", "tracker.phish-kit.test"
    ]  # fmt: skip
    assert not result.rejected


def test_hosts_file_takes_names_not_sink_addresses(fixture_bytes, allowlist):
    result = process_body(feed("hosts"), fixture_bytes("hosts-blocklist.txt"), allowlist, NOW)
    assert sorted(by_value(result)) == [
        "ads-c2.test", "beacon.bad-actor.test", "tabbed-entry.test", "tracker.bad-actor.test"
    ]  # fmt: skip
    assert result.ignored["hosts-file housekeeping name"] == 5


def test_zeek_intel_reads_meta_desc(fixture_bytes, allowlist):
    result = process_body(feed("zeek-intel"), fixture_bytes("zeek.intel"), allowlist, NOW)
    got = by_value(result)
    assert set(got) == {"ransom-negotiation.test", "45.61.136.40", "phish.login-verify.test"}
    assert (got["ransom-negotiation.test"].family, got["ransom-negotiation.test"].threat) == ("Pikabot", "iab")
    assert got["ransom-negotiation.test"].confidence == 85
    assert got["45.61.136.40"].threat == "botnet"
    assert got["phish.login-verify.test"].threat == "phishing"
    assert result.ignored["indicator_type Intel::FILE_HASH"] == 1


def test_zeek_intel_without_header_is_unreadable():
    with pytest.raises(ParseError, match="no #fields header"):
        PARSERS["zeek-intel"](b"# just a comment\n")


def test_stix_patterns_relationships_and_validity(fixture_bytes, allowlist):
    result = process_body(feed("stix"), fixture_bytes("stix-bundle.json"), allowlist, NOW)
    got = by_value(result)
    assert set(got) == {"latro-gate.test", "45.61.136.50", "darkgate-panel.test"}
    assert (got["latro-gate.test"].family, got["latro-gate.test"].threat, got["latro-gate.test"].confidence) == (
        "Latrodectus", "iab", 80)  # fmt: skip
    assert got["darkgate-panel.test"].family == "DarkGate"
    assert got["darkgate-panel.test"].expires == pytest.approx(4_070_908_800.0)  # valid_until 2099-01-01
    assert result.rejected == {"expired (valid_until passed)": 1}
    assert result.ignored["STIX pattern without a domain or address"] == 1


def test_misp_manifest_and_events(fixture_bytes, allowlist):
    entries = parse_manifest(fixture_bytes("misp/manifest.json"))
    assert [e.uuid for e in entries] == [
        "5f0c1e2a-1b2c-4d3e-8f4a-5b6c7d8e9f01",  # newest first
        "6a1d2f3b-2c3d-4e4f-9a5b-6c7d8e9fa012",
    ]
    body = b"[" + b",".join(fixture_bytes(f"misp/{e.uuid}.json") for e in entries) + b"]"
    result = process_body(feed("misp", family_threat={}), body, allowlist, NOW)
    got = by_value(result)
    assert set(got) == {
        "gozi-c2.test", "45.61.136.60", "gozi-backup.test",
        "secure-login.bank-verify.test", "m365-auth.phish-host.test",
    }  # fmt: skip
    assert got["gozi-c2.test"].family == "Ursnif" and got["gozi-c2.test"].threat == "iab"
    assert result.rejected == {"private or reserved address": 1}
    assert result.ignored["MISP attribute not for IDS"] == 2  # to_ids false + deleted


@pytest.mark.parametrize(
    "fmt,body",
    [("threatfox-json", b"{not json"), ("feodo-json", b'{"a": 1}'), ("stix", b'{"type": "x"}'), ("misp", b"[1]")],
)
def test_unreadable_documents_raise_parse_error(fmt, body):
    with pytest.raises(ParseError):
        PARSERS[fmt](body)


def test_truncated_csv_line_costs_only_that_line(fixture_bytes, allowlist):
    text = fixture_bytes("threatfox-domains.csv")
    cut = text[: text.index(b"Remcos") + 3]  # stops inside a quoted field
    result = process_body(feed("threatfox-csv"), cut, allowlist, NOW)
    assert result.rejected["malformed CSV row (wrong column count)"] == 1
    assert "payload.stealer-drop.test" in by_value(result)


def test_block_line_reader_matches_line_by_line_decoding(monkeypatch):
    """iter_lines decodes blocks cut at line ends; lines, U+FFFD replacements,
    BOM and CR handling must be those of decoding each line on its own."""
    import io
    import random

    from dnsguard.feeds.formats import base

    def reference(body):
        stream = io.BytesIO(body)
        if body.startswith(b"\xef\xbb\xbf"):
            stream.seek(3)
        return [raw.decode("utf-8", errors="replace").rstrip("\r\n") for raw in stream]

    rng = random.Random(3)
    pieces = [b"a", b"\n", b"\r", b"\r\n", b"\xe2", b"\x82", b"\xac", b"\xff", b" ", b"\xef\xbb\xbf", b"\xc3\xa9"]
    for block in (1, 2, 5, 1 << 20):
        monkeypatch.setattr(base, "_BLOCK", block)
        for _ in range(500):
            body = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
            assert list(base.iter_lines(body)) == reference(body), (block, body)
