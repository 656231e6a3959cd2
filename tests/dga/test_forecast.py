"""Known-DGA forecast: names for a window, into the indicator store."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time

import pytest
from dnsguard.dga.families import generate
from dnsguard.dga.families.base import GeneratorError
from dnsguard.dga.forecast import FORECAST_SOURCE, days_around, forecast, never_forecast
from dnsguard.feeds.allowlist import Allowlist, shipped_allowlist
from dnsguard.feeds.store import load_indicators

# QSnatch's 3-6 letter names include real popular domains; this one is computed on this day.
POPULAR_QSNATCH_DAY = (dt.date(2026, 11, 30), "bmw.es")


def test_forecast_covers_each_day_and_skips_unseeded_families():
    days = days_around(dt.date(2026, 11, 2), 1, 1)
    result = forecast(days, ["qsnatch", "ramnit", "dnschanger"])
    for day in days:
        assert set(generate("qsnatch", day)) <= set(result.names)
    assert {v.family for v in result.names.values()} == {"QSnatch", "Ramnit"}
    assert any("dnschanger: skipped" in note for note in result.notes)
    item = result.names[generate("qsnatch", days[0])[0]]
    assert item.threat == "iab" and item.day == days[0]


def test_indicator_validity_window():
    day = dt.date(2026, 11, 2)
    result = forecast([day], ["mirai"])
    start = dt.datetime(2026, 11, 2, tzinfo=dt.UTC).timestamp()
    (ind, *_) = result.to_indicators(grace_days=2)
    assert ind.expires == start + 3 * 86400 and ind.sources == (FORECAST_SOURCE,)
    (late, *_) = result.to_indicators(grace_days=2, not_before=start + 10 * 86400)
    assert late.expires == start + 10 * 86400


def test_bad_window_and_family_are_clear_errors():
    with pytest.raises(GeneratorError, match="zero or more"):
        days_around(dt.date(2026, 1, 1), -1, 3)
    with pytest.raises(GeneratorError, match="valid:"):
        forecast([dt.date(2026, 1, 1)], ["nosuchfamily"])


def test_cli_forecast_feeds_the_indicator_store(tmp_path):
    env = {"DNSGUARD_STATE_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    today = dt.datetime.now(dt.UTC).date()
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "dga", "forecast", "--days-back", "1",
                           "--days-ahead", "2", "--family", "qsnatch", "--family", "mirai"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    stored = {i.value: i for i in load_indicators(tmp_path / "indicators.msgpack")}
    expected = set(generate("qsnatch", today)) | set(generate("mirai", today + dt.timedelta(days=2)))
    popular = {n for n in expected if shipped_allowlist().covers(n) or never_forecast(n)}
    assert expected - popular <= set(stored)
    assert not popular & set(stored)
    sample = stored[next(n for n in generate("qsnatch", today) if n in stored)]
    assert sample.family == "QSnatch" and sample.threat == "iab" and FORECAST_SOURCE in sample.sources
    assert sample.expires > time.time() + 86400


def test_popular_domains_the_algorithm_computes_are_left_out():
    day, popular = POPULAR_QSNATCH_DAY
    assert popular in generate("qsnatch", day)
    assert popular in forecast([day], ["qsnatch"]).names
    result = forecast([day], ["qsnatch"], exclude=shipped_allowlist().covers)
    assert popular not in result.names
    assert set(result.names) == {n for n in generate("qsnatch", day)
                                 if not shipped_allowlist().covers(n) and not never_forecast(n)}
    assert any("qsnatch:" in note and "allowlisted" in note for note in result.notes)


def test_analyze_forecaster_leaves_out_popular_domains():
    from dnsguard.analyze_cli import forecaster

    day, popular = POPULAR_QSNATCH_DAY
    known = forecaster([day])
    assert popular not in known
    assert any(f == "QSnatch" for f, _ in known.values())


def test_allowlist_covers_names_and_their_parents():
    allow = Allowlist(frozenset({"example.com", "corp.example.org"}))
    assert allow.covers("example.com") and allow.covers("a.b.example.com")
    assert allow.covers("x.corp.example.org")
    assert not allow.covers("example.org") and not allow.covers("notexample.com")
    assert not allow.covers("com") and not Allowlist().covers("example.com")


# QSnatch names of 2025-2026 days that are real domains the 2015/2016
# allowlist does not know (popular in a 2024/2025 top list), and a public
# suffix (ddns.net: PSL private section) that it also computes.
RECENT_POPULAR_QSNATCH_DAYS = (
    (dt.date(2025, 4, 3), "vivo.com"), (dt.date(2025, 9, 13), "nic.fr"), (dt.date(2026, 3, 31), "gov.ru"),
    (dt.date(2026, 4, 9), "nic.de"), (dt.date(2026, 6, 29), "cutt.ly"),
)
PUBLIC_SUFFIX_QSNATCH_DAY = (dt.date(2026, 4, 11), "ddns.net")


@pytest.mark.parametrize("day,name", [*RECENT_POPULAR_QSNATCH_DAYS, PUBLIC_SUFFIX_QSNATCH_DAY])
def test_recent_popular_domains_and_public_suffixes_are_never_forecast(day, name):
    assert name in generate("qsnatch", day)  # the algorithm does compute it that day
    assert not shipped_allowlist().covers(name) or name == "ddns.net"  # not the caller's allowlist's doing
    result = forecast([day], ["qsnatch"])  # no exclude passed: the forecast drops it itself
    assert name not in result.names
    assert any("left out" in note for note in result.notes)


def test_a_public_suffix_apex_does_not_hide_a_family_below_it():
    """ddns.net is dropped as a name, exactly: Symmi's <letters>.ddns.net names stay."""
    day = PUBLIC_SUFFIX_QSNATCH_DAY[0]
    names = forecast([day], ["symmi", "qsnatch"]).names
    symmi = [n for n, item in names.items() if item.family.lower() == "symmi"]
    assert len(symmi) >= 20 and all(n.endswith(".ddns.net") for n in symmi)
    assert "ddns.net" not in names
