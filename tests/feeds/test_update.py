"""``feeds update`` end to end: good feeds, broken feeds, quarantine, offline."""

from __future__ import annotations

import dataclasses
import gzip
import logging

import pytest
from dnsguard.feeds.definitions import parse_definition
from dnsguard.feeds.state import read_last_good, read_state
from dnsguard.feeds.store import load_indicators, read_store
from dnsguard.feeds.update import UpdateSettings, update_feeds

NOW = 1_800_000_000.0


@pytest.fixture
def settings(tmp_path, options, allowlist):
    return UpdateSettings(
        state_dir=tmp_path / "state",
        store_path=tmp_path / "state" / "indicators.msgpack",
        fetch=options,
        allowlist=allowlist,
        force=True,
        progress=False,
    )


def define(name, fmt, url, **extra):
    return parse_definition({"name": name, "format": fmt, "url": url, **extra}, "test")


def domains(n, prefix="c2-node"):
    return "".join(f"{prefix}-{i}.test\n" for i in range(n)).encode()


def values_from(store, source):
    return sorted(i.value for i in store if source in i.sources)


def test_every_format_updates_into_one_store(server, settings, fixture_bytes):
    feeds = [
        define("tf-csv", "threatfox-csv", server.add("/tf.csv", body=fixture_bytes("threatfox-domains.csv")), kinds=["domain"]),
        define("tf-json", "threatfox-json", server.add("/tf.json", body=fixture_bytes("threatfox-domains.json"))),
        define("urlhaus", "urlhaus-csv", server.add("/uh.csv", body=fixture_bytes("urlhaus.csv"))),
        define("feodo", "feodo-csv", server.add("/feodo.csv", body=fixture_bytes("feodo-ipblocklist.csv"))),
        define("feodo-json", "feodo-json", server.add("/feodo.json", body=fixture_bytes("feodo-ipblocklist.json"))),
        define("ds", "plain", server.add("/ds.txt", body=fixture_bytes("digitalside-latestdomains.txt"))),
        define("hosts", "hosts", server.add("/hosts", body=fixture_bytes("hosts-blocklist.txt"))),
        define("stix", "stix", server.add("/bundle.json", body=fixture_bytes("stix-bundle.json"))),
        define("zeek", "zeek-intel", server.add("/intel.dat", body=fixture_bytes("zeek.intel"))),
        define("misp", "misp", server.add("/misp/", body=b"")),
        define("forecast", "internal", ""),
    ]  # fmt: skip
    server.add("/misp/manifest.json", body=fixture_bytes("misp/manifest.json"))
    for uuid in ("5f0c1e2a-1b2c-4d3e-8f4a-5b6c7d8e9f01", "6a1d2f3b-2c3d-4e4f-9a5b-6c7d8e9fa012"):
        server.add(f"/misp/{uuid}.json", body=fixture_bytes(f"misp/{uuid}.json"))
    reports = update_feeds(feeds, settings, now=NOW)
    assert {r.name: r.status for r in reports} == {f.name: "ok" for f in feeds[:-1]} | {"forecast": "skipped"}
    store = read_store(settings.store_path)
    qakbot_ip = store.get("ipv4", "45.61.136.30")
    assert qakbot_ip.sources == ("feodo", "feodo-json") and qakbot_ip.threat == "iab"
    emotet = store.get("domain", "update-check.invoice-portal.test")
    assert emotet.sources == ("tf-csv", "tf-json") and emotet.family == "Emotet"
    assert values_from(store, "misp") == [
        "45.61.136.60", "gozi-backup.test", "gozi-c2.test", "m365-auth.phish-host.test",
        "secure-login.bank-verify.test",
    ]  # fmt: skip
    assert len(load_indicators(settings.store_path, now=NOW)) == len(store)


def test_feed_with_suffixes_and_popular_names_keeps_the_rest(server, settings, fixture_bytes, caplog):
    feed = define("broken-list", "plain", server.add("/l.txt", body=fixture_bytes("suffixes-and-popular.txt")))
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW)
    assert report.status == "ok" and report.accepted == 6 and report.rejected == 4
    state = read_state(settings.state_dir, "broken-list")
    assert state.rejected == {"TLD only": 1, "public suffix": 1, "allowlisted": 1, "wildcard": 1}
    assert values_from(read_store(settings.store_path), "broken-list") == [f"good-{n}.test" for n in
                                                                          ("five", "four", "one", "six", "three", "two")]  # fmt: skip
    assert "feed broken-list: 6 indicators (6 new, 0 withdrawn), 4 rejected (" in caplog.text


def good_then(server, settings, broken_route, caplog, second=None, **define_extra):
    """Serve a good list first, then swap the route for a broken one and update again."""
    url = server.add("/feed.txt", body=domains(40))
    feed = define("f", "plain", url, **define_extra)
    (first,) = update_feeds([feed], settings, now=NOW)
    assert first.status == "ok" and first.accepted == 40
    server.routes["/feed.txt"] = broken_route
    caplog.clear()
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], second or settings, now=NOW + 3600)
    store = read_store(settings.store_path)
    assert values_from(store, "f") == sorted(domains(40).decode().split()), "the last good copy stays in force"
    assert read_last_good(settings.state_dir, "f") == domains(40)
    return report


def test_html_error_page_with_status_200_is_quarantined(server, settings, fixture_bytes, caplog):
    from feed_server import Route

    report = good_then(server, settings, Route(body=fixture_bytes("html-error.html"), headers={"Content-Type": "text/html"}), caplog)
    assert report.status == "quarantined"
    assert "feed f: quarantined: an HTML page was served instead of the feed; keeping the last good copy from" in caplog.text
    state = read_state(settings.state_dir, "f")
    assert state.quarantine.startswith("an HTML page") and state.accepted == 40
    assert (settings.state_dir / "feeds" / "f" / "quarantined").read_bytes().startswith(b"<!DOCTYPE html>")


def test_feed_that_shrinks_by_90_percent_is_quarantined(server, settings, caplog):
    from feed_server import Route

    report = good_then(server, settings, Route(body=domains(4)), caplog)
    assert report.status == "quarantined"
    assert "lost more than half its entries (4 now, 40 in the last good copy)" in caplog.text
    # in force until the feed's expire_after (7 days) runs out, not forever
    assert len(load_indicators(settings.store_path, now=NOW + 7 * 86400 - 1)) == 40
    assert load_indicators(settings.store_path, now=NOW + 7 * 86400 + 1) == []


def test_a_real_shrink_can_be_accepted_for_one_named_feed(server, settings, caplog):
    from feed_server import Route

    good_then(server, settings, Route(body=domains(4)), caplog)
    accepting = UpdateSettings(**{**settings.__dict__, "accept": True})
    (ignored,) = update_feeds([define("f", "plain", server.url("/feed.txt"))], accepting, now=NOW + 7200)
    assert ignored.status == "quarantined"  # --accept without --feed changes nothing
    (report,) = update_feeds([define("f", "plain", server.url("/feed.txt"))], accepting, only="f", now=NOW + 7200)
    assert report.status == "ok" and "accepting a copy that would be quarantined" in caplog.text
    assert len(values_from(read_store(settings.store_path), "f")) == 4


def test_feed_with_zero_entries_is_quarantined(server, settings, caplog):
    from feed_server import Route

    report = good_then(server, settings, Route(body=b"# nothing today\n"), caplog)
    assert report.status == "quarantined"
    assert "quarantined: no usable entries" in caplog.text


def test_feed_mostly_rejected_is_quarantined(server, settings, caplog):
    from feed_server import Route

    bad = b"".join(f"10.0.{i}.1\n".encode() for i in range(50)) + domains(40)
    report = good_then(server, settings, Route(body=bad), caplog)
    assert report.status == "quarantined"
    assert "more than half the entries rejected (50 of 90)" in caplog.text


def test_truncated_transfer_keeps_the_last_good_copy(server, settings, caplog):
    from feed_server import Route

    report = good_then(server, settings, Route(body=domains(40)[:100], content_length=800), caplog)
    assert report.status == "error"
    assert "feed f: update failed:" in caplog.text and "truncated transfer (100 of 800 bytes)" in caplog.text
    assert "keeping the last good copy from" in caplog.text


def test_endless_stream_keeps_the_last_good_copy(server, settings, caplog):
    from feed_server import Route

    report = good_then(server, settings, Route(endless=True), caplog, max_bytes="256KB")
    assert report.status == "error"
    assert "size cap exceeded: stopped reading at" in caplog.text


def test_gzip_bomb_keeps_the_last_good_copy(server, settings, caplog):
    from feed_server import Route

    bomb = gzip.compress(b"\0" * (8 << 20))
    report = good_then(server, settings, Route(body=bomb, headers={"Content-Type": "application/gzip"}), caplog,
                       max_decompressed="1MB")  # fmt: skip
    assert report.status == "error"
    assert "decompressed size exceeds the cap of 1048576 bytes (gzip bomb?)" in caplog.text


def test_slow_server_times_out_and_keeps_the_last_good_copy(server, settings, caplog):
    from feed_server import Route

    quick = UpdateSettings(**{**settings.__dict__, "fetch": dataclasses.replace(settings.fetch, read_timeout=0.5)})
    report = good_then(server, settings, Route(body=domains(40), delay=3.0), caplog, second=quick)
    assert report.status == "error"
    assert "no answer within 0.5 s" in caplog.text and "keeping the last good copy" in caplog.text


def test_unreadable_json_is_quarantined(server, settings, caplog):
    url = server.add("/tf.json", body=b'{"1": [{"ioc_value": "a.test", "ioc_type": "domain"}]}')
    feed = define("tfj", "threatfox-json", url)
    assert update_feeds([feed], settings, now=NOW)[0].status == "ok"
    server.add("/tf.json", body=b'{"1": [{"ioc_value": "a.te')
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW + 60)
    assert report.status == "quarantined" and "unreadable: ThreatFox JSON unreadable" in caplog.text
    assert values_from(read_store(settings.store_path), "tfj") == ["a.test"]


def test_etag_304_keeps_the_copy_and_refreshes_expiry(server, settings, caplog):
    url = server.add("/feed.txt", body=domains(10), etag='"v7"')
    feed = define("f", "plain", url, expire_after="1d")
    update_feeds([feed], settings, now=NOW)
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW + 80_000)
    assert report.status == "not-modified"
    assert server.requests[-1][1]["If-None-Match"] == '"v7"'
    assert "feed f: not modified since" in caplog.text
    # still listed by the feed, so still valid after the first copy's day is over
    assert len(load_indicators(settings.store_path, now=NOW + 90_000)) == 10
    assert read_state(settings.state_dir, "f").last_success == NOW + 80_000


def test_indicators_a_feed_withdraws_leave_the_store(server, settings):
    url = server.add("/feed.txt", body=domains(10))
    feed = define("f", "plain", url)
    update_feeds([feed], settings, now=NOW)
    server.add("/feed.txt", body=domains(8))
    (report,) = update_feeds([feed], settings, now=NOW + 60)
    assert report.status == "ok" and "2 withdrawn" in report.message
    assert len(values_from(read_store(settings.store_path), "f")) == 8


def test_offline_uses_the_last_good_copies(server, settings, caplog):
    url = server.add("/feed.txt", body=domains(12))
    feed = define("f", "plain", url)
    update_feeds([feed], settings, now=NOW)
    settings.store_path.unlink()
    requests_before = len(server.requests)
    offline = UpdateSettings(**{**settings.__dict__, "offline": True})
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], offline, now=NOW + 60)
    assert report.status == "offline" and len(server.requests) == requests_before
    assert len(read_store(settings.store_path)) == 12
    assert "feed f: offline: 12 indicators from the copy of" in caplog.text
    never = define("never-fetched", "plain", url)
    (report,) = update_feeds([never], offline, now=NOW + 60)
    assert report.status == "error" and "no last good copy" in report.message


def test_required_auth_key_missing_or_given(server, settings, caplog):
    url = server.add("/tf.csv", body=domains(5), require_header=("Auth-Key", "s3cret"))
    feed = define("keyed", "plain", url, auth={"header": "Auth-Key", "env": "TEST_FEED_KEY", "required": True})
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW, env={})
    assert report.status == "error" and "$TEST_FEED_KEY is not set" in caplog.text
    (report,) = update_feeds([feed], settings, now=NOW, env={"TEST_FEED_KEY": "s3cret"})
    assert report.status == "ok" and report.accepted == 5


def test_refresh_interval_and_disabled_feeds_are_respected(server, settings):
    url = server.add("/feed.txt", body=domains(3))
    polite = UpdateSettings(**{**settings.__dict__, "force": False})
    feed = define("f", "plain", url, refresh="1h")
    off = define("off", "plain", url, enabled=False)
    assert [r.status for r in update_feeds([feed, off], polite, now=NOW)] == ["ok", "skipped"]
    assert update_feeds([feed], polite, now=NOW + 600)[0].message == "refreshed 10 min ago"
    assert update_feeds([feed], polite, now=NOW + 3700)[0].status == "ok"
    assert update_feeds([feed, off], polite, only="off", now=NOW + 3800)[0].status == "ok"
    with pytest.raises(KeyError):
        update_feeds([feed], polite, only="nope", now=NOW)


def test_a_feed_whose_last_copy_no_longer_parses_does_not_stop_the_others(server, settings, caplog):
    good = define("good", "plain", server.add("/good.txt", body=domains(3)))
    changed = define("changed", "plain", server.add("/c.txt", body=domains(5)))
    update_feeds([good, changed], settings, now=NOW)
    # the site switched the definition to another format; the saved copy is plain text
    offline = UpdateSettings(**{**settings.__dict__, "offline": True})
    now_json = define("changed", "threatfox-json", server.url("/c.txt"))
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    reports = update_feeds([now_json, good], offline, now=NOW + 60)
    assert [r.status for r in reports] == ["error", "offline"]
    assert "feed changed: update aborted: ThreatFox JSON unreadable" in caplog.text
    assert len(values_from(read_store(settings.store_path), "good")) == 3


def test_an_optional_key_that_the_feed_now_wants_is_named_in_the_error(server, settings, caplog):
    """abuse.ch answers 401 without an Auth-Key: the message must say which
    variable to set, not just the HTTP status."""
    url = server.add("/tf.csv", body=domains(5), require_header=("Auth-Key", "s3cret"))
    feed = define("keyed", "plain", url, auth={"header": "Auth-Key", "env": "TEST_FEED_KEY", "required": False})
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW, env={})
    assert report.status == "error"
    assert "HTTP 401" in report.message and "set $TEST_FEED_KEY" in report.message
    (report,) = update_feeds([feed], settings, now=NOW, env={"TEST_FEED_KEY": "wrong"})
    assert report.status == "error" and "$TEST_FEED_KEY" not in report.message
