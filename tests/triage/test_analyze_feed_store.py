"""``dnsguard analyze``/``report`` read the threat-feed store ``dnsguard feeds update`` writes.

The store's indicators join the shipped demo feed; the store's share of the
known-DGA forecast is left out (analyze computes the forecast itself for
the days its input covers); no store is normal; a damaged store costs one
warning line and its own indicators, never the run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import msgpack
import pytest
import yaml
from dnsguard.cli import main
from dnsguard.dga.forecast import FORECAST_SOURCE
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.settings import feeds_config
from dnsguard.feeds.store import load_indicators, merge_into_store

DNS_FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "query", "qtype_name",
              "rcode_name", "answers", "TTLs"]
HEADER = ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
          f"#fields\t{chr(9).join(DNS_FIELDS)}\n")
T0 = 1_700_000_000.0  # 2023-11-14: far from today, so analyze's own forecast never computes the store's names

FEED_HOST, DEMO_HOST, CLEAN_HOST, FORECAST_HOST, SHARED_HOST = (
    "10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8", "10.0.0.9")
FEED_NAME = "c2-panel.feedstore.test"
"""Listed by the site feed; queried as a sub-domain (parent match)."""
QUERIES = {
    FEED_HOST: ["www.wikipedia.org", "api.c2-panel.feedstore.test"],
    DEMO_HOST: ["telemetry-sync.example"],  # the shipped demo feed: Emotet, iab
    CLEAN_HOST: ["www.wikipedia.org", "mail.google.com"],
    FORECAST_HOST: ["weather-sync.feedstore.test"],
    SHARED_HOST: ["shared-panel.feedstore.test"],
}


def write_dns_log(path):
    rows = []
    for i, (host, names) in enumerate(sorted(QUERIES.items())):
        for j, name in enumerate(names):
            ts = T0 + 10 * i + j
            rows.append(f"{ts:.6f}\tC{i}x{j}\t{host}\t5353\t10.0.0.1\t53\tudp\t{name}\tA\tNOERROR\t"
                        "198.51.100.7\t300.000000\n")
    path.write_text(HEADER + "".join(rows))
    return path


def dnsguard(*args, env):
    return subprocess.run([sys.executable, "-m", "dnsguard", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def hosts_of(report):
    return {h["host"]: h for h in report["hosts"]}


def kinds(host):
    return {e["kind"] for e in host["evidence"]} if host else set()


def feed_evidence(host):
    return [e for e in host["evidence"] if e["kind"] == "feed"]


def run_report(log, store_dir, monkeypatch, capsys, tmp_path):
    """``dnsguard report LOG --json`` in-process with the store under ``store_dir``."""
    monkeypatch.setenv("DNSGUARD_STATE_DIR", str(store_dir))
    out = tmp_path / "report.json"
    capsys.readouterr()
    code = main(["report", str(log), "--json", str(out), "--all"])
    _, err = capsys.readouterr()
    return code, err, json.loads(out.read_text())


def test_the_session_state_dir_is_private(private_state_dir, tmp_path):
    """Neither this process nor a ``dnsguard`` subprocess looks at the real user's store."""
    assert os.environ["DNSGUARD_STATE_DIR"] == str(private_state_dir)
    assert "DNSGUARD_CONFIG" not in os.environ
    assert feeds_config({}).store_path == private_state_dir / "indicators.msgpack"
    proc = subprocess.run([sys.executable, "-c", "from dnsguard.feeds.settings import feeds_config; "
                           "print(feeds_config({}).store_path)"], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == str(private_state_dir / "indicators.msgpack")


def test_feeds_update_then_report_flags_the_feed_host(tmp_path):
    """End to end: a local file feed through ``dnsguard feeds update``, then ``dnsguard report``."""
    (tmp_path / "site-list.txt").write_text(f"# site blocklist\n{FEED_NAME}\nother-c2.feedstore.test\n")
    defs = tmp_path / "defs"
    defs.mkdir()
    (defs / "site.yaml").write_text(yaml.safe_dump({
        "name": "site-list", "format": "plain", "url": (tmp_path / "site-list.txt").as_uri(),
        "family": "AsyncRAT", "threat": "botnet", "confidence": 80}))
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(
        {"feeds": {"shipped_definitions": False, "definitions": [str(defs)]}}))
    state = tmp_path / "state"
    env = {**os.environ, "DNSGUARD_STATE_DIR": str(state)}
    update = dnsguard("--config", str(tmp_path / "config.yaml"), "feeds", "update", "--no-progress", env=env)
    assert update.returncode == 0, update.stderr
    assert {i.value for i in load_indicators(state / "indicators.msgpack")} == {
        FEED_NAME, "other-c2.feedstore.test"}

    # analyze needs no feeds section: the store is found in the default place under the state dir
    log = write_dns_log(tmp_path / "dns.log")
    out = tmp_path / "report.json"
    proc = dnsguard("report", str(log), "--json", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert "warning" not in proc.stderr
    hosts = hosts_of(json.loads(out.read_text()))
    host = hosts[FEED_HOST]
    assert host["verdict"] == "compromised" and host["confidence"] == "high"
    assert host["families"] == {"AsyncRAT": "botnet"}
    (ev,) = feed_evidence(host)
    assert ev["name"] == "api.c2-panel.feedstore.test" and ev["source"] == "site-list"
    assert ev["family"] == "AsyncRAT" and ev["threat"] == "botnet"
    assert "site-list" in ev["detail"] and FEED_NAME in ev["detail"]
    # the shipped demo indicators still apply next to the store's
    assert hosts[DEMO_HOST]["families"] == {"Emotet": "iab"}
    assert FEED_HOST in proc.stdout and "AsyncRAT" in proc.stdout


def test_no_store_is_normal_and_flags_nothing_from_feeds(tmp_path, monkeypatch, capsys):
    log = write_dns_log(tmp_path / "dns.log")
    empty = tmp_path / "never-fetched"
    code, err, report = run_report(log, empty, monkeypatch, capsys, tmp_path)
    assert code == 0 and err == ""
    assert not empty.exists()  # reading never creates the state directory
    hosts = hosts_of(report)
    assert FEED_HOST not in hosts or hosts[FEED_HOST]["verdict"] == "clean"
    assert "feed" not in kinds(hosts.get(FEED_HOST))
    assert hosts[DEMO_HOST]["verdict"] == "compromised" and hosts[DEMO_HOST]["families"] == {"Emotet": "iab"}
    assert report["input"]["warnings"] == []


def forecast_indicator(name, family="QSnatch"):
    return Indicator(name, "domain", family, "dga", 95, (FORECAST_SOURCE,), T0, T0, None)


def test_forecast_indicators_in_the_store_are_ignored(tmp_path, monkeypatch, capsys):
    """The store's forecast names are for the days of the last forecast run, not the input's."""
    store = tmp_path / "state" / "indicators.msgpack"
    merge_into_store(store, [forecast_indicator("weather-sync.feedstore.test"),
                             forecast_indicator("shared-panel.feedstore.test", "Pykspa")], source=FORECAST_SOURCE)
    merge_into_store(store, [Indicator("shared-panel.feedstore.test", "domain", "Pykspa", "c2", 60,
                                       ("site-list",), T0, T0, None)], source="site-list")
    assert len(load_indicators(store)) == 2  # the store really holds both
    code, err, report = run_report(write_dns_log(tmp_path / "dns.log"), tmp_path / "state", monkeypatch, capsys,
                                   tmp_path)
    assert code == 0 and err == ""
    hosts = hosts_of(report)
    forecast_only = hosts.get(FORECAST_HOST)
    assert not kinds(forecast_only) & {"feed", "forecast"}
    assert forecast_only is None or forecast_only["verdict"] == "clean"
    # a name another source lists too is kept, credited to that source only
    (ev,) = feed_evidence(hosts[SHARED_HOST])
    assert ev["source"] == "site-list" and FORECAST_SOURCE not in ev["detail"]
    assert hosts[DEMO_HOST]["families"] == {"Emotet": "iab"}


def damage_garbage(store):
    store.write_bytes(b"\x00\xffthis is not msgpack\n" * 20)


def damage_truncated(store):
    store.write_bytes(store.read_bytes()[: len(store.read_bytes()) // 2])


def damage_directory(store):
    store.unlink()
    store.mkdir()


@pytest.mark.parametrize("damage", [damage_garbage, damage_truncated, damage_directory])
def test_a_damaged_store_costs_one_warning_line_not_the_run(tmp_path, monkeypatch, capsys, damage):
    store = tmp_path / "state" / "indicators.msgpack"
    merge_into_store(store, [Indicator(FEED_NAME, "domain", "AsyncRAT", "botnet", 80, ("site-list",), T0, T0,
                                       None)], source="site-list")
    damage(store)
    code, err, report = run_report(write_dns_log(tmp_path / "dns.log"), tmp_path / "state", monkeypatch, capsys,
                                   tmp_path)
    assert code == 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err
    assert lines[0].startswith("dnsguard: warning: threat-feed store not read: ") and str(store) in lines[0]
    assert lines[0][len("dnsguard: warning: "):] in report["input"]["warnings"]
    hosts = hosts_of(report)
    assert "feed" not in kinds(hosts.get(FEED_HOST))
    assert hosts[DEMO_HOST]["verdict"] == "compromised" and hosts[DEMO_HOST]["families"] == {"Emotet": "iab"}
    assert hosts[CLEAN_HOST]["verdict"] == "clean"


def test_malformed_indicators_in_a_decodable_store_are_skipped(tmp_path, monkeypatch, capsys):
    """A store that decodes but carries wrong types (version 1 rows) loses only those rows."""
    good = [FEED_NAME, "domain", "AsyncRAT", "botnet", 80, ["site-list"], T0, T0, None]
    bad = ["shared-panel.feedstore.test", "domain", 7, "c2", 80, ["site-list"], T0, T0, None]
    store = tmp_path / "state" / "indicators.msgpack"
    store.parent.mkdir()
    store.write_bytes(msgpack.packb({"format": "dnsguard-indicators", "version": 1, "indicators": [good, bad]}))
    code, err, report = run_report(write_dns_log(tmp_path / "dns.log"), tmp_path / "state", monkeypatch, capsys,
                                   tmp_path)
    assert code == 0 and err.count("\n") == 1 and "1 malformed indicators skipped" in err
    hosts = hosts_of(report)
    assert hosts[FEED_HOST]["families"] == {"AsyncRAT": "botnet"}
    assert "feed" not in kinds(hosts.get(SHARED_HOST))


def test_a_bad_feeds_section_costs_the_store_only(tmp_path, monkeypatch, capsys):
    config = tmp_path / "config.yaml"
    config.write_text("feeds:\n  stroe: /nowhere\n")
    out = tmp_path / "report.json"
    assert main(["--config", str(config), "report", str(write_dns_log(tmp_path / "dns.log")),
                 "--json", str(out)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "threat-feed store not read: unknown setting(s) feeds.stroe" in err
    assert hosts_of(json.loads(out.read_text()))[DEMO_HOST]["families"] == {"Emotet": "iab"}
