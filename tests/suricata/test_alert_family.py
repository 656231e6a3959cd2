"""Alerts on listed names say the family, threat and the data's confidence (issue 17 item 3).

One capture, built here: a NAS querying today's forecast QSnatch names (the
forecast's own indicators: family QSnatch, threat iab, confidence 95,
source dga-forecast), a workstation querying a subdomain of a C2 feed name
(AsyncRAT, confidence 70: the parent rule), and a benign host.  The store
is exported as ``feeds export`` does; the pack plus that export is what
both Suricatas load.

* Suricata 8.0.8 (tools/suricata8): the EVE alert itself carries the
  name's JSON line under ``alert.context.dnsguard``.
* Suricata 7.0.10: ``dnsguard analyze`` on the same pcap names the family
  and the data's confidence in the host's Suricata evidence.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from dnsguard.analyze_cli import analyse
from dnsguard.config import default_config
from dnsguard.dga.forecast import FORECAST_CONFIDENCE, FORECAST_SOURCE, forecast
from dnsguard.feeds.export import write_suricata_export
from dnsguard.feeds.indicators import Indicator
from dnsguard.pcapgen import Exchange, write_pcap
from dnsguard.suricata import enrich, sandbox
from suricata_support import PACK, for_this_suricata, require_suricata, suricata_major

SURICATA8 = Path("/opt/dnsguard-suricata8/wrapper/suricata")
DAY = dt.date(2026, 5, 28)
T0 = dt.datetime.combine(DAY, dt.time(9), dt.UTC).timestamp()
NAS, DESK, BENIGN = "192.168.7.20", "192.168.7.30", "192.168.7.40"
C2_LISTED = "panel-asyncrat.test"
C2_QUERY = f"cdn.{C2_LISTED}"


def _qsnatch() -> list[Indicator]:
    """Three of the day's forecast QSnatch names, as the forecast stores them."""
    names = forecast([DAY], ["qsnatch"]).to_indicators()
    return sorted(names, key=lambda i: i.value)[:3]


def _store() -> list[Indicator]:
    c2 = Indicator(C2_LISTED, "domain", "AsyncRAT", "c2", 70, ("threatfox", "urlhaus"), T0, T0, None)
    return [*_qsnatch(), c2]


def _capture(path: Path) -> list[str]:
    """The pcap; returns the QSnatch names the NAS asked for."""
    qsnatch = [i.value for i in _qsnatch()]
    exchanges = [Exchange(T0 + n * 7, NAS, name, rcode="NXDOMAIN") for n, name in enumerate(qsnatch)]
    exchanges += [Exchange(T0 + 3, DESK, C2_QUERY), Exchange(T0 + 5, BENIGN, "www.wikipedia.org")]
    write_pcap(str(path), exchanges)
    return qsnatch


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """The shipped pack with ``feeds export``'s datasets in place of the empty ones."""
    export = tmp_path / "export"
    write_suricata_export(_store(), export, PACK, mtime=T0)
    rules = tmp_path / "pack"
    shutil.copytree(PACK, rules, ignore=shutil.ignore_patterns("*.md", "__pycache__"))
    for path in (export / "datasets").iterdir():
        shutil.copy(path, rules / "datasets" / path.name)
    return rules


def test_export_lines_are_what_enrichment_reads(pack):
    table = enrich.load_export(pack / "datasets")
    listing = enrich.enrich_alert(table, 9_070_102, C2_QUERY)  # 7.x parent rule, 2 labels
    assert listing == enrich.Listing(C2_LISTED, "AsyncRAT", "c2", 70, "threatfox,urlhaus")
    assert enrich.enrich_alert(table, 9_070_112, C2_QUERY) == listing  # its 8.0 twin
    assert enrich.enrich_alert(table, 9_070_100, C2_QUERY) is None  # the exact rule never saw it
    assert enrich.enrich_alert(table, 9_070_103, C2_QUERY) is None  # too short for 3 labels
    assert enrich.enrich_alert(table, 9_072_003, C2_QUERY) is None  # not a listed-name rule
    assert table["botnet"] == {}  # the placeholder is no listing


@pytest.mark.suricata8
def test_suricata8_alert_carries_family_threat_and_confidence(tmp_path, pack):
    assert Path("/opt/dnsguard-suricata8/tree/tmp", tmp_path.relative_to("/tmp")).exists(), "the Suricata 8 tree does not see /tmp (tools/suricata8/setup.sh mounts it)"
    pcap = tmp_path / "office.pcap"
    qsnatch = _capture(pcap)
    box = sandbox.create(tmp_path / "box8", pack, binary=str(SURICATA8))
    eve = sandbox.run_pcap(box, pcap)
    alerts = [e for e in map(json.loads, eve.read_text().splitlines()) if e["event_type"] == "alert"]
    by_host: dict[str, list[tuple[int, dict]]] = {}
    for event in alerts:
        by_host.setdefault(event["src_ip"], []).append(
            (event["alert"]["signature_id"], event["alert"].get("context", {}).get("dnsguard")))
    assert sorted(by_host) == sorted([DESK, NAS])  # nothing on the benign host
    assert by_host[NAS] == [
        (9_070_210, {"domain": name, "family": "QSnatch", "threat": "iab",
                     "confidence": FORECAST_CONFIDENCE, "source": FORECAST_SOURCE})
        for name in qsnatch]
    assert by_host[DESK] == [(9_070_112, {"domain": C2_LISTED, "family": "AsyncRAT", "threat": "c2",
                                          "confidence": 70, "source": "threatfox,urlhaus"})]


def test_suricata7_analyze_reports_family_and_the_datas_confidence(tmp_path, pack, monkeypatch):
    """``dnsguard analyze`` on the pcap (it runs Suricata 7.0.10 with the pack
    and the export): the host's Suricata evidence names QSnatch and the
    forecast's confidence, not the rule's fixed ``High``."""
    require_suricata()
    monkeypatch.setenv("DNSGUARD_STATE_DIR", str(tmp_path / "state"))  # no feed store of the machine's
    pcap = tmp_path / "office.pcap"
    qsnatch = _capture(pcap)
    feed = tmp_path / "store.csv"
    feed.write_text("".join(f"{i.value},domain,{i.family},{i.threat},{i.confidence},{i.sources[0]}\n"
                            for i in _store()))
    config = default_config()
    config["analysis"] |= {"demo_feed": False, "indicator_files": [str(feed)]}
    config["suricata"] = {**config.get("suricata", {}), "rules_dir": str(pack), "binary": "suricata"}
    result = analyse(pcap, config, use_forecast=False)
    hosts = {h.host: h for h in result.hosts}
    nas = [e for e in hosts[NAS].evidence if e.source == "suricata"]
    assert {e.name for e in nas} == set(qsnatch)
    for ev in nas:
        assert (ev.family, ev.threat) == ("QSnatch", "iab")
        assert f"QSnatch (iab), confidence {FORECAST_CONFIDENCE} (High) from {FORECAST_SOURCE}" in ev.detail
        # 7.0: the 7.x rule, enriched from the data; the same words from the alert's context
        # when the Suricata on PATH is 8.0 (tools/suricata8's wrapper first).
        assert f"sid {for_this_suricata([9_070_200])[0]}:" in ev.detail
    assert hosts[NAS].families.get("QSnatch") == "iab"
    desk = [e for e in hosts[DESK].evidence if e.source == "suricata"]
    assert [(e.family, e.threat) for e in desk] == [("AsyncRAT", "c2")]
    # 7.0: from the indicator file analyze loaded (one source column); 8.0: the alert's
    # own context, the export's line with both feeds.
    sources = "threatfox,urlhaus" if suricata_major() >= 8 else "threatfox"
    assert f"AsyncRAT (c2), confidence 70 (Medium) from {sources}, listed {C2_LISTED}" in desk[0].detail
    assert BENIGN not in hosts or not [e for e in hosts[BENIGN].evidence if e.source == "suricata"]


def test_archive_refuses_json_sets_suricata_8_would_not_take(tmp_path, pack):
    """Every line an object with a string ``domain``, and at least one line
    (8.0.8 drops other lines, and refuses an empty set under -T)."""
    from dnsguard.suricata.archive import archive_members, check_members, with_shipped

    members = archive_members(pack, with_shipped(pack, {}))
    assert check_members(members) == []
    bad = {**members, "rules/datasets/dnsguard-c2.json": b'{"domain":"a.example"}\n{not json\n'}
    assert any("dnsguard-c2.json: line 2" in p for p in check_members(bad))
    empty = {**members, "rules/datasets/dnsguard-dga.json": b""}
    assert any("dnsguard-dga.json: no entry" in p for p in check_members(empty))
    numeric = {**members, "rules/datasets/dnsguard-iab.json": b'{"domain":7}\n'}
    assert any("dnsguard-iab.json: line 1" in p for p in check_members(numeric))
