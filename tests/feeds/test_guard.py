"""The poisoning guard (issue 16): a current allowlist, the never-list of
infrastructure, comparison with the last good copy, counted rejections, an
offline refresh from a standard top list, and exports that never carry a
listed name."""

from __future__ import annotations

import io
import logging
import zipfile

import pytest
import yaml
from dnsguard.feeds.allowlist import (
    NEVER_REASON,
    TopListError,
    load_allowlist,
    read_top_list,
    refresh_top_list,
    refreshed_path,
    shipped_allowlist,
)
from dnsguard.feeds.definitions import DefinitionError, parse_definition
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.state import read_state
from dnsguard.feeds.store import merge_into_store, read_store
from dnsguard.feeds.update import UpdateSettings, update_feeds
from feeds_cli import run

NOW = 1_800_000_000.0
MODERN = ["chatgpt.com", "openai.com", "tiktok.com", "discord.com", "x.com", "claude.ai", "api.openai.com",
          "cdn.discordapp.com", "www.tiktok.com"]  # fmt: skip
RESOLVERS = ["8.8.8.8", "8.8.4.4", "1.1.1.1", "1.0.0.1", "9.9.9.9", "149.112.112.112", "208.67.222.222",
             "208.67.220.220", "94.140.14.14", "76.76.2.0", "2001:4860:4860::8888", "2606:4700:4700::1111"]  # fmt: skip
ROOTS = ["198.41.0.4", "170.247.170.2", "192.33.4.12", "199.7.91.13", "192.203.230.10", "192.5.5.241",
         "192.112.36.4", "198.97.190.53", "192.36.148.17", "192.58.128.30", "193.0.14.129", "199.7.83.42",
         "202.12.27.33", "2001:503:ba3e::2:30"]  # fmt: skip
CLOUD = ["amazonaws.com", "s3.amazonaws.com", "cloudfront.net", "azureedge.net", "akamaiedge.net",
         "googleusercontent.com", "lh3.googleusercontent.com", "windows.net", "core.windows.net",
         "a.root-servers.net", "dns.google"]  # fmt: skip


def define(name, fmt, url, **extra):
    return parse_definition({"name": name, "format": fmt, "url": url, **extra}, "test")


def plain(n, prefix="c2-node"):
    return "".join(f"{prefix}-{i}.test\n" for i in range(n))


@pytest.fixture
def settings(tmp_path, options):
    return UpdateSettings(state_dir=tmp_path / "state", store_path=tmp_path / "state" / "indicators.msgpack",
                          fetch=options, allowlist=shipped_allowlist(), force=True, progress=False)  # fmt: skip


# --------------------------------------------------------------------------- the lists


def test_shipped_allowlist_knows_todays_popular_names():
    allow = shipped_allowlist()
    for name in MODERN:
        assert allow.covers(name), name


def test_never_list_holds_resolvers_roots_and_cloud_apexes():
    from dnsguard.feeds.validate import check_address, check_domain

    allow = shipped_allowlist()
    for address in RESOLVERS + ROOTS:
        assert check_address(address, allow) == NEVER_REASON, address
    for name in CLOUD:
        assert check_domain(name, allow) in ("!" + NEVER_REASON, "!public suffix"), name
    # customers' names below a public-suffix entry stay listable
    assert check_domain("evil-bucket.s3.amazonaws.com", allow) == "evil-bucket.s3.amazonaws.com"
    assert check_domain("d1234abcd.cloudfront.net", allow) == "d1234abcd.cloudfront.net"


def test_data_files_carry_their_provenance():
    from importlib import resources

    for name in ("data/never-list.txt", "data/allowlist-current.txt", "data/allowlist-top-domains.txt"):
        head = resources.files("dnsguard").joinpath(name).read_text("utf-8")[:3000]
        assert "# " in head and ("Provenance" in head or "Derived by" in head), name
        assert "2026-12-04" in head or "2015/2016" in head, name


def test_popular_names_mixed_into_a_normal_feed_are_dropped_one_by_one(server, settings, caplog):
    body = plain(200) + "".join(n + "\n" for n in MODERN)
    feed = define("mixed", "plain", server.add("/m.txt", body=body.encode()))
    feodo = ("first_seen_utc,dst_ip,dst_port,c2_status,last_online,malware\n"
             + "".join(f"2026-11-20 09:00:00,{ip},443,online,2026-11-20,QakBot\n" for ip in RESOLVERS + ROOTS)
             + "".join(f"2026-11-20 09:00:00,45.61.{136 + i // 250}.{i % 250},443,online,2026-11-20,QakBot\n" for i in range(200)))  # fmt: skip
    ips = define("ips", "feodo-csv", server.add("/f.csv", body=feodo.encode()))
    reports = update_feeds([feed, ips], settings, now=NOW)
    assert [r.status for r in reports] == ["ok", "ok"]
    store = {i.value for i in read_store(settings.store_path)}
    assert not store & {*MODERN, *RESOLVERS, *ROOTS}
    assert len(store) == 200 + 200
    assert read_state(settings.state_dir, "mixed").rejected == {"allowlisted": len(MODERN)}
    assert read_state(settings.state_dir, "ips").rejected == {NEVER_REASON: len(RESOLVERS) + len(ROOTS)}


# --------------------------------------------------------------------------- compared with the last good copy


def test_a_feed_that_suddenly_doubles_is_quarantined(server, settings, caplog):
    feed = define("g", "plain", server.add("/g.txt", body=plain(100).encode()))
    assert update_feeds([feed], settings, now=NOW)[0].status == "ok"
    server.routes["/g.txt"].body = plain(260).encode()
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    (report,) = update_feeds([feed], settings, now=NOW + 3600)
    assert report.status == "quarantined"
    assert "grew more than 2 times (260 now, 100 in the last good copy)" in report.message
    assert len(read_store(settings.store_path)) == 100
    state = read_state(settings.state_dir, "g")
    assert state.quarantines == {"grew": 1}
    # a human who checked it takes it for this one feed
    accept = UpdateSettings(**{**settings.__dict__, "accept": True})
    assert update_feeds([feed], accept, only="g", now=NOW + 7200)[0].status == "ok"
    assert len(read_store(settings.store_path)) == 260


def test_growth_needs_a_real_jump_and_is_configurable(server, settings):
    small = define("s", "plain", server.add("/s.txt", body=plain(3).encode()))
    update_feeds([small], settings, now=NOW)
    server.routes["/s.txt"].body = plain(9).encode()  # 3x, but only 6 more
    assert update_feeds([small], settings, now=NOW + 3600)[0].status == "ok"
    loose = define("l", "plain", server.add("/l.txt", body=plain(100).encode()), max_growth=5)
    update_feeds([loose], settings, now=NOW)
    server.routes["/l.txt"].body = plain(400).encode()
    assert update_feeds([loose], settings, now=NOW + 3600)[0].status == "ok"
    off = define("o", "plain", server.add("/o.txt", body=plain(100).encode()), max_growth=0)
    update_feeds([off], settings, now=NOW)
    server.routes["/o.txt"].body = plain(1000).encode()
    assert update_feeds([off], settings, now=NOW + 3600)[0].status == "ok"
    with pytest.raises(DefinitionError):
        define("bad", "plain", "https://127.0.0.1/x", max_growth=0.5)
    with pytest.raises(DefinitionError):
        define("bad", "plain", "https://127.0.0.1/x", max_popular_share=2)


def test_a_rising_share_of_popular_names_is_quarantined(server, settings):
    feed = define("p", "plain", server.add("/p.txt", body=plain(100).encode()))
    assert update_feeds([feed], settings, now=NOW)[0].status == "ok"
    popular = ["google.com", "facebook.com", "youtube.com", "amazon.com", "wikipedia.org", "chatgpt.com",
               "tiktok.com", "discord.com", "x.com", "openai.com", "microsoft.com", "apple.com",
               "netflix.com", "reddit.com", "linkedin.com", "github.com", "zoom.us", "slack.com",
               "spotify.com", "twitch.tv", "yahoo.com", "bing.com", "live.com", "office.com",
               "instagram.com", "whatsapp.com", "dropbox.com", "paypal.com", "ebay.com", "adobe.com"]  # fmt: skip
    server.routes["/p.txt"].body = (plain(100) + "".join(n + "\n" for n in popular)).encode()
    (report,) = update_feeds([feed], settings, now=NOW + 3600)
    assert report.status == "quarantined"
    assert "popular or infrastructure names are 23% of the entries (30 of 130; 0% in the last good copy)" in report.message
    assert read_state(settings.state_dir, "p").quarantines == {"popular": 1}


def test_a_feed_that_always_had_some_popular_names_is_not_quarantined(server, settings):
    popular = [f"{n}.com" for n in ("google", "facebook", "youtube", "amazon", "microsoft", "apple", "netflix",
                                    "reddit", "linkedin", "github", "yahoo", "bing")]  # fmt: skip
    body = (plain(40) + "".join(n + "\n" for n in popular)).encode()
    feed = define("u", "plain", server.add("/u.txt", body=body), max_popular_share=0.3)
    assert update_feeds([feed], settings, now=NOW)[0].status == "ok"
    server.routes["/u.txt"].body = (plain(45) + "".join(n + "\n" for n in popular)).encode()
    assert update_feeds([feed], settings, now=NOW + 3600)[0].status == "ok"


# --------------------------------------------------------------------------- refresh from a top list


def tranco(n, start=1, prefix="popular-site"):
    return "".join(f"{i},{prefix}-{i}.com\n" for i in range(start, start + n))


def test_refresh_from_a_tranco_csv(tmp_path):
    source = tmp_path / "tranco.csv"
    source.write_text("1,google.com\n2,chatgpt.com\n3,co.uk\n4,no-ip.com\n" + tranco(2000, 5))
    done = refresh_top_list(source, tmp_path / "state", top=1500, now=NOW)
    assert done.names == 1500 and done.skipped == 2
    text = refreshed_path(tmp_path / "state").read_text()
    assert "# refreshed: 2027-01-15" in text and f"sha256 {done.sha256}" in text
    allow = load_allowlist([], state_dir=tmp_path / "state")
    assert allow.covers("popular-site-1000.com") and not allow.covers("popular-site-1600.com")
    assert not allow.covers("wordpress.com.evil.test")
    assert allow.covers("chatgpt.com") and allow.covers("raw.githubusercontent.com")
    assert not allow.covers("no-ip.com")
    # the never-list and the current list still apply; the 2015/2016 list does not
    assert allow.v4_reason(0x08080808) == NEVER_REASON
    assert allow.covers("tiktok.com")
    assert "refreshed top list" in allow.sources[0]


def test_refresh_from_umbrella_host_names_in_a_zip(tmp_path):
    rows = "".join(f"{i},www{i % 3}.site-{i // 3}.org\n" for i in range(1, 4000))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("top-1m.csv", rows)
    source = tmp_path / "top-1m.csv.zip"
    source.write_bytes(buffer.getvalue())
    names, rows_read, skipped = read_top_list(source, top=1000)
    assert names[:2] == ["site-0.org", "site-1.org"] and len(names) == 1000 and skipped == 0


@pytest.mark.parametrize("content", ["1,a.com\n2,b.com\n", "<html><body>rate limited</body></html>",
                                     "rank,domain\n" + "x,???\n" * 3000])  # fmt: skip
def test_refresh_refuses_a_bad_file_and_keeps_the_list_in_force(tmp_path, content):
    good = tmp_path / "good.csv"
    good.write_text(tranco(1200))
    refresh_top_list(good, tmp_path / "state", top=1200, now=NOW)
    before = refreshed_path(tmp_path / "state").read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    with pytest.raises(TopListError):
        refresh_top_list(bad, tmp_path / "state", top=100_000)
    assert refreshed_path(tmp_path / "state").read_bytes() == before


@pytest.fixture
def config(tmp_path, server, ca_file):
    defs = tmp_path / "defs"
    defs.mkdir()
    feeds = [{"name": "mixed", "format": "plain",
              "url": server.add("/m.txt", body=(plain(100) + "chatgpt.com\n8.8.8.8\n").encode())}]  # fmt: skip
    (defs / "f.yaml").write_text(yaml.safe_dump({"feeds": feeds}))
    return {"feeds": {"state_dir": str(tmp_path / "state"), "shipped_definitions": False,
                      "definitions": [str(defs)], "ca_file": ca_file, "retries": 0}}  # fmt: skip


def test_cli_refresh_status_and_export(tmp_path, config, capsys):
    source = tmp_path / "tranco.csv"
    source.write_text("1,c2-node-7.test\n" + tranco(1500, 2))  # a poisoned top list still beats no list
    assert run(["feeds", "allowlist", "refresh", "--top-list", str(source), "--top", "1200"], config) == 0
    assert "1200 registered domains" in capsys.readouterr().out
    assert run(["feeds", "update", "--no-progress"], config) == 0
    assert run(["feeds", "status"], config) == 0
    out = capsys.readouterr().out
    assert "allowlist: refreshed top list" in out and "allowlist: shipped data/never-list.txt" in out
    line = next(x for x in out.splitlines() if x.startswith("mixed"))
    assert f"rejections: allowlisted 2, {NEVER_REASON} 1" in line
    assert "rejected since the state began: allowlisted 2" in out
    # a store written under an older allowlist: its popular names are never exported
    store = tmp_path / "state" / "indicators.msgpack"
    stale = [Indicator(v, k, "unknown", "c2", 80, ("old",), NOW, NOW, 4e9)
             for v, k in (("discord.com", "domain"), ("1.1.1.1", "ipv4"), ("evil.c2.test", "domain"))]  # fmt: skip
    merge_into_store(store, stale, source="old")
    assert run(["feeds", "export", "--zeek", str(tmp_path / "z")], config) == 0
    intel = (tmp_path / "z" / "dnsguard.intel").read_text()
    assert "evil.c2.test" in intel and "discord.com" not in intel and "1.1.1.1" not in intel
    assert "c2-node-7.test" not in intel
    err = capsys.readouterr().err
    assert "left out" in err and f"{NEVER_REASON} 1" in err


def test_cli_refresh_refusal_is_exit_2(tmp_path, config, capsys):
    bad = tmp_path / "short.csv"
    bad.write_text("1,a.com\n")
    assert run(["feeds", "allowlist", "refresh", "--top-list", str(bad)], config) == 2
    assert "allowlist in force is kept" in capsys.readouterr().err
    assert run(["feeds", "allowlist", "refresh", "--top-list", str(tmp_path / "nope.csv")], config) == 2


def test_popular_share_needs_a_last_good_copy_to_compare_with():
    from dnsguard.feeds.health import Assessment

    first = Assessment(80, 30, None, False, popular=30)
    assert first.quarantine_reason() is None  # 27 %: no baseline, and not more than half rejected
    upgraded = Assessment(80, 30, 80, False, popular=30, previous_total=0)
    assert upgraded.quarantine_reason() is None
    compared = Assessment(80, 30, 80, False, popular=30, previous_total=82, previous_popular=2)
    assert compared.quarantine_reason().startswith("popular or infrastructure names are 27%")
