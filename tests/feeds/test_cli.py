"""``dnsguard feeds`` sub-commands through argparse, as the main CLI wires them."""

from __future__ import annotations

import logging

import pytest
import yaml
from dnsguard.feeds.definitions import load_definitions
from dnsguard.feeds.settings import FeedsConfigError, feeds_config
from dnsguard.paths import pack_root
from feeds_cli import run


@pytest.fixture
def config(tmp_path, server, ca_file, fixture_bytes):
    defs = tmp_path / "defs"
    defs.mkdir()
    feeds = [
        {"name": "local-threatfox", "format": "threatfox-csv", "kinds": ["domain"],
         "url": server.add("/tf.csv", body=fixture_bytes("threatfox-domains.csv")), "licence": "CC0-1.0"},
        {"name": "local-feodo", "format": "feodo-csv",
         "url": server.add("/feodo.csv", body=fixture_bytes("feodo-ipblocklist.csv"))},
        {"name": "local-html", "format": "plain", "url": server.add("/down.txt", body=fixture_bytes("html-error.html"))},
        {"name": "local-off", "format": "plain", "url": server.add("/off.txt", body=b"x.test\n"), "enabled": False},
    ]  # fmt: skip
    (defs / "local.yaml").write_text(yaml.safe_dump({"feeds": feeds}))
    return {
        "feeds": {
            "state_dir": str(tmp_path / "state"),
            "shipped_definitions": False,
            "definitions": [str(defs)],
            "ca_file": ca_file,
            "read_timeout": 5,
            "retries": 0,
        }
    }


def test_update_status_export(config, tmp_path, capsys, caplog):
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    assert run(["feeds", "update", "--no-progress"], config) == 2  # local-html was quarantined
    err = caplog.text
    assert "feed local-threatfox: 7 indicators" in err
    assert "feed local-html: quarantined: an HTML page was served" in err
    assert run(["feeds", "status"], config) == 0
    out = capsys.readouterr().out
    assert "store " in out and "10 indicators (c2 4, iab 6)" in out
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert lines["local-threatfox"].split()[1] == "ok"
    assert "QUARANTINED: an HTML page" in lines["local-html"]
    assert "disabled" in lines["local-off"]
    assert run(["feeds", "export", "--zeek", str(tmp_path / "z"), "--suricata", str(tmp_path / "s")], config) == 0
    intel = (tmp_path / "z" / "dnsguard.intel").read_text().splitlines()
    assert len(intel) == 1 + 10
    assert (tmp_path / "s" / "datasets" / "dnsguard-c2-ip.lst").read_text() == "45.61.136.30\n45.61.136.31\n45.61.136.32\n"
    assert (tmp_path / "s" / "dnsguard-rules.tar.gz").exists() and (tmp_path / "s" / "index.yaml").exists()


def test_update_one_feed_offline_and_unknown_feed(config, capsys, caplog):
    caplog.set_level(logging.INFO, "dnsguard.feeds")
    assert run(["feeds", "update", "--feed", "local-feodo", "--no-progress"], config) == 0
    assert run(["feeds", "update", "--offline", "--feed", "local-feodo"], config) == 0
    assert "feed local-feodo: offline: 3 indicators" in caplog.text
    assert run(["feeds", "update", "--feed", "nope"], config) == 1
    assert "no feed named 'nope'" in capsys.readouterr().err


def test_export_needs_a_target(config, capsys):
    assert run(["feeds", "export"], config) == 1
    assert "give --zeek DIR and/or --suricata DIR" in capsys.readouterr().err


def test_list_shows_definitions(config, capsys):
    assert run(["feeds", "list"], config) == 0
    out = capsys.readouterr().out
    assert "local-threatfox" in out and "CC0-1.0" in out and "threatfox-csv" in out


def test_shipped_definitions_are_valid_and_cover_every_source():
    definitions = {d.name: d for d in load_definitions([pack_root() / "feeds"])}
    formats = {d.format for d in definitions.values()}
    assert formats == {"threatfox-csv", "threatfox-json", "urlhaus-csv", "feodo-csv", "feodo-json", "plain",
                       "hosts", "misp", "stix", "zeek-intel", "internal"}  # fmt: skip
    assert definitions["threatfox-domains-csv"].auth.header == "Auth-Key"
    assert definitions["threatfox-domains-csv"].url.startswith("https://threatfox.abuse.ch/")
    assert definitions["dga-forecast"].format == "internal" and definitions["dga-forecast"].threat == "dga"
    assert all(d.url.startswith(("https://", "file://")) for d in definitions.values() if d.format != "internal")


def test_config_defaults_and_errors(monkeypatch, tmp_path):
    monkeypatch.setenv("DNSGUARD_STATE_DIR", str(tmp_path / "st"))
    settings = feeds_config({})
    assert settings.state_dir == tmp_path / "st" and settings.store_path == tmp_path / "st" / "indicators.msgpack"
    assert settings.fetch.ca_file is None and settings.fetch.retries == 2
    with pytest.raises(FeedsConfigError, match="unknown setting"):
        feeds_config({"feeds": {"timeout": 3}})
    with pytest.raises(FeedsConfigError, match="read_timeout"):
        feeds_config({"feeds": {"read_timeout": "slow"}})
