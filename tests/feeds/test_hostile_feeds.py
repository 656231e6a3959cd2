"""Hostile feed bodies (issue 16): one bad feed never stops the refresh.

Deeply nested JSON must not raise ``RecursionError``, a bare CR in a CSV
header must not raise ``_csv.Error``, and any other exception a parser might
still raise quarantines that feed alone with a one-line reason.  The fuzz
properties feed arbitrary bytes (and near-miss documents) to every parser:
the only exception allowed out is :class:`ParseError`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os

import pytest
from dnsguard.feeds.definitions import parse_definition
from dnsguard.feeds.formats import PARSERS, ParseError, ParseOutput, parse_manifest
from dnsguard.feeds.state import read_state
from dnsguard.feeds.store import read_store
from dnsguard.feeds.update import UpdateSettings, process_body, update_feeds
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NOW = 1_800_000_000.0
DEEP = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 50_000 + b"1" + b"}" * 50_000
JSON_FORMATS = ("threatfox-json", "feodo-json", "misp", "stix")


def feed(fmt: str, **extra):
    return parse_definition({"name": f"t-{fmt}", "format": fmt, "url": "https://127.0.0.1/x", **extra}, "test")


def consume(out: ParseOutput) -> list:
    """Parsers may hand back a generator: errors surface while it is consumed."""
    return list(out.records)


@pytest.mark.parametrize("fmt", JSON_FORMATS)
@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT], ids=["array", "object"])
def test_deeply_nested_json_is_a_parse_error_not_recursion(fmt, body):
    with pytest.raises(ParseError, match="nested too deeply"):
        consume(PARSERS[fmt](body))


def test_deeply_nested_misp_manifest_is_a_parse_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_manifest(DEEP)


@pytest.mark.parametrize("fmt,header", [
    ("urlhaus-csv", b"# id,date\radded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"),
    ("urlhaus-csv", b"# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\r\r\n"),
    ("threatfox-csv", b'# "first_seen_utc","ioc_id",\r"ioc_value"\n'),
    ("feodo-csv", b"first_seen_utc,dst_ip,\rdst_port\n"),
])  # fmt: skip
def test_bare_cr_in_a_csv_header_is_no_csv_error(fmt, header):
    row = b'"1","2026-11-20 09:00:00","http://evil-drop.test/x","online","","malware_download","","",""\n'
    records = consume(PARSERS[fmt](header + row))
    assert isinstance(records, list)


def test_urlhaus_header_with_bare_cr_still_reads_its_rows(allowlist):
    body = (b"# id,date\radded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
            b'"1","2026-11-20 09:00:00","http://evil-drop.test/x","online","","malware_download","","",""\n')
    result = process_body(feed("urlhaus-csv"), body, allowlist, NOW)
    assert [i.value for i in result.indicators] == ["evil-drop.test"]


@pytest.mark.parametrize("fmt,body", [
    ("threatfox-json", b'{"1": [{"ioc_value": "a.evil.test", "ioc_type": "domain", "tags": 5}]}'),
    ("threatfox-json", b'{"1": [{"ioc_value": "a.evil.test", "ioc_type": ["domain"]}]}'),
    ("threatfox-json", b'{"1": [{"ioc_value": "a.evil.test", "ioc_type": "domain", "first_seen": 1e999}]}'),
    ("threatfox-json", b'{"1": [{"ioc_value": "a.evil.test", "ioc_type": "domain", "first_seen": 1' + b"0" * 400 + b"}]}"),
    ("feodo-json", b'[{"ip_address": "45.61.136.30", "first_seen": 1' + b"0" * 400 + b"}]"),
    ("misp", b'{"Event": {"Attribute": 5}}'),
    ("misp", b'{"Event": {"Object": [{"Attribute": 7}]}}'),
    ("misp", b'{"Event": {"Object": 3}}'),
    ("misp", b'{"Event": {"Tag": [{"name": 5}], "Attribute": [{"type": [], "value": "x.test"}]}}'),
    ("stix", b'{"type": "bundle", "objects": [{"type": "malware", "id": [1], "name": "x"}]}'),
    ("stix", b'{"type": "bundle", "objects": [{"type": "relationship", "relationship_type": "indicates",'
             b' "target_ref": {"a": 1}, "source_ref": "x"}]}'),
    ("stix", b'{"type": "bundle", "objects": [{"type": "indicator", "pattern": "[domain-name:value = \'a.test\']",'
             b' "labels": 5}]}'),
    ("stix", b'{"type": "bundle", "objects": [{"type": "indicator", "pattern_type": [], '
             b'"pattern": "[domain-name:value = \'a.test\']"}]}'),
])  # fmt: skip
def test_odd_json_shapes_are_entries_not_exceptions(fmt, body, allowlist):
    try:
        result = process_body(feed(fmt), body, allowlist, NOW)
    except ParseError:
        return
    for ind in result.indicators:
        assert ind.first_seen < 1e12 and ind.last_seen < 1e12


# --------------------------------------------------------------------------- the refresh goes on


@pytest.fixture
def update_settings(tmp_path, options, allowlist):
    return UpdateSettings(state_dir=tmp_path / "state", store_path=tmp_path / "state" / "indicators.msgpack",
                          fetch=options, allowlist=allowlist, force=True, progress=False)  # fmt: skip


def define(name, fmt, url, **extra):
    return parse_definition({"name": name, "format": fmt, "url": url, **extra}, "test")


def test_nested_json_and_bare_cr_feeds_do_not_stop_the_refresh(server, update_settings, caplog):
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    feeds = [
        define("stix-deep", "stix", server.add("/stix.json", body=DEEP)),
        define("tf-deep", "threatfox-json", server.add("/tf.json", body=DEEP_OBJECT)),
        define("uh-cr", "urlhaus-csv", server.add("/uh.csv", body=(
            b"# id,date\radded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n"
            b'"1","2026-11-20 09:00:00","http://evil-drop.test/x","online","","malware_download","","",""\n'))),
        define("good", "plain", server.add("/good.txt", body=b"c2-a.test\nc2-b.test\n")),
    ]  # fmt: skip
    reports = update_feeds(feeds, update_settings, now=NOW)
    assert [r.status for r in reports] == ["quarantined", "quarantined", "ok", "ok"]
    store = read_store(update_settings.store_path)
    assert {i.value for i in store} == {"c2-a.test", "c2-b.test", "evil-drop.test"}
    assert "feed stix-deep: quarantined: unreadable: STIX bundle nested too deeply" in caplog.text
    assert "Traceback" not in caplog.text


def test_any_parser_exception_quarantines_that_feed_only(server, update_settings, monkeypatch, caplog):
    def explode(body):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setitem(PARSERS, "hosts", explode)
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    feeds = [define("broken", "hosts", server.add("/h.txt", body=b"0.0.0.0 c2.test\n")),
             define("good", "plain", server.add("/good.txt", body=b"c2-a.test\n"))]  # fmt: skip
    reports = update_feeds(feeds, update_settings, now=NOW)
    assert [r.status for r in reports] == ["quarantined", "ok"]
    line = next(r.message for r in reports if r.name == "broken")
    assert "\n" not in line and "RuntimeError: boom second line" in line
    assert read_state(update_settings.state_dir, "broken").quarantine.startswith("unreadable: RuntimeError")


def test_a_parser_exception_on_the_saved_copy_offline_is_one_error(server, update_settings, monkeypatch, caplog):
    feeds = [define("h", "hosts", server.add("/h.txt", body=b"0.0.0.0 c2.test\n")),
             define("good", "plain", server.add("/good.txt", body=b"c2-a.test\n"))]  # fmt: skip
    update_feeds(feeds, update_settings, now=NOW)

    def explode(body):
        raise RecursionError("deep")

    monkeypatch.setitem(PARSERS, "hosts", explode)
    offline = UpdateSettings(**{**update_settings.__dict__, "offline": True})
    reports = update_feeds(feeds, offline, now=NOW + 60)
    assert [r.status for r in reports] == ["error", "offline"]
    assert "RecursionError: deep" in reports[0].message


# --------------------------------------------------------------------------- fuzz

FUZZ = settings(max_examples=int(os.environ.get("DNSGUARD_FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25,
)
# Keys the parsers look for, so generated documents reach deep into them.
KEYS = ["ioc_value", "ioc", "ioc_type", "tags", "malware_printable", "confidence_level", "first_seen_utc",
        "first_seen", "last_online", "ip_address", "malware", "query_status", "data", "Event", "Attribute",
        "Object", "Tag", "name", "type", "value", "to_ids", "deleted", "category", "timestamp", "objects",
        "id", "pattern", "pattern_type", "revoked", "labels", "malware_types", "relationship_type",
        "source_ref", "target_ref", "valid_from", "valid_until", "confidence", "bundle", "indicator", "domain"]  # fmt: skip
shaped = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from(KEYS + ["a.test", "8.8.8.8", "2026-01-01"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=6),
    max_leaves=30,
)


def check_parser(fmt: str, body: bytes) -> None:
    try:
        out = PARSERS[fmt](body)
        consume(out)
    except ParseError:
        return
    result = process_body(feed(fmt), body, _ALLOW, NOW) if body else None
    if result is not None:
        assert all(isinstance(i.value, str) for i in result.indicators)


_ALLOW = None


@pytest.fixture(autouse=True)
def _allow(allowlist):
    global _ALLOW
    _ALLOW = allowlist


@pytest.mark.parametrize("fmt", sorted(PARSERS))
@FUZZ
@given(body=st.binary(max_size=400))
def test_fuzz_every_parser_on_arbitrary_bytes(fmt, body):
    check_parser(fmt, body)


@pytest.mark.parametrize("fmt", JSON_FORMATS)
@FUZZ
@given(doc=shaped | json_values)
def test_fuzz_json_parsers_on_documents_of_their_own_keys(fmt, doc):
    body = json.dumps(doc, allow_nan=True).encode()
    check_parser(fmt, body)
    # the same document where each parser looks for it
    for wrapped in ({"1": [doc]}, {"query_status": "ok", "data": [doc]}, [doc], {"Event": doc},
                    {"type": "bundle", "objects": [doc]}):  # fmt: skip
        check_parser(fmt, json.dumps(wrapped).encode())


@FUZZ
@given(doc=shaped | json_values)
def test_fuzz_misp_manifest(doc):
    with contextlib.suppress(ParseError):
        parse_manifest(json.dumps(doc).encode())


CSV_PIECES = st.lists(st.sampled_from(
    ['"', ",", '", "', '","', "\r", "\n", "\r\n", "#", "# ", "\x00", "\ufeff", "é", "id", "url", "first_seen_utc",
     "dst_ip", "ioc_value", "ioc_type", "domain", "ip:port", "url", "http://a.test/", "1.2.3.4:80", "None",
     "2026-11-20 09:00:00", "99999999999999999999", " "]), max_size=40).map("".join)  # fmt: skip


@pytest.mark.parametrize("fmt", ["threatfox-csv", "urlhaus-csv", "feodo-csv", "plain", "hosts", "zeek-intel"])
@FUZZ
@given(text=CSV_PIECES)
def test_fuzz_line_formats_on_near_miss_text(fmt, text):
    check_parser(fmt, text.encode("utf-8", "surrogatepass"))
    header = {"threatfox-csv": '# "first_seen_utc","ioc_id","ioc_value","ioc_type"\n',
              "urlhaus-csv": "# id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter\n",
              "feodo-csv": "first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n",
              "zeek-intel": "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"}.get(fmt, "")  # fmt: skip
    check_parser(fmt, (header + text).encode("utf-8", "surrogatepass"))


def test_cli_update_names_how_many_feeds_failed(server, tmp_path, ca_file, caplog):
    import argparse

    import yaml
    from dnsguard.feeds.cli import register

    defs = tmp_path / "defs"
    defs.mkdir()
    feeds = [{"name": "deep", "format": "stix", "url": server.add("/s.json", body=DEEP)},
             {"name": "good", "format": "plain", "url": server.add("/g.txt", body=b"c2-a.test\n")}]  # fmt: skip
    (defs / "f.yaml").write_text(yaml.safe_dump({"feeds": feeds}))
    config = {"feeds": {"state_dir": str(tmp_path / "state"), "shipped_definitions": False,
                        "definitions": [str(defs)], "ca_file": ca_file, "retries": 0}}  # fmt: skip
    parser = argparse.ArgumentParser(prog="dnsguard")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["feeds", "update", "--no-progress"])
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    assert args.func(args, config) == 2
    assert "1 of 2 feeds failed or were quarantined (deep)" in caplog.text
