"""EVE alerts reach the service's host verdicts (issue 17 item 3, serve side).

Listed-name alerts become feed hits and host verdicts naming the family:
from the alert's context on Suricata 8.0, from the loaded feed store on 7.0
(the SID's depth, as :mod:`dnsguard.suricata.enrich` cuts the query).
Major tunnel/C2 alerts become host verdicts with the rule's
``malware_family``.  A name that arrives both as an alert and as a dns
record is counted once.  The last test runs the real Suricata 7.0.10 with
the pack and a ``feeds export`` on a capture and feeds its eve.json (alerts
only, no dns records) to the service.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

from dnsguard.feeds.indicators import Indicator, IndicatorIndex
from dnsguard.records import InputStats
from dnsguard.service import broker_json as bj
from dnsguard.service.app import Service
from dnsguard.service.eve_alerts import AlertHit
from dnsguard.service.eve_input import eve_items
from dnsguard.service.journal import key_of
from dnsguard.service.model import HostVerdict, NameVerdict
from dnsguard.service.settings import ServeSettings
from dnsguard.service.zeek_link import verdict_event

NAS, DESK, TUNNEL, OTHER = "192.168.7.20", "192.168.7.30", "192.168.7.40", "192.168.7.50"
QSNATCH = "kqzbwmfa.com"
C2_LISTED = "panel-asyncrat.com"
C2_QUERY = f"cdn.{C2_LISTED}"
IODINE = "zaabbccddeeffgghhiijjkkllmmnnoopp.t.tunnel-example.com"
CONTEXT = {"domain": QSNATCH, "family": "QSnatch", "threat": "iab", "confidence": 95, "source": "dga-forecast"}
STORE = [Indicator(C2_LISTED, "domain", "AsyncRAT", "c2", 70, ("threatfox", "urlhaus"))]
T = "2026-11-27T10:00:{:02d}.000000+0000"


def alert(sid: int, client: str, query: str, second: int = 0, meta: dict | None = None,
          context: dict | None = None, signature: str = "DNSGUARD test") -> str:
    body = {"signature_id": sid, "signature": signature, "severity": 1, "metadata": meta or {}}
    if context is not None:
        body["context"] = {"dnsguard": context}
    return json.dumps({
        "timestamp": T.format(second), "flow_id": 100 + second, "event_type": "alert",
        "src_ip": client, "src_port": 40000 + second, "dest_ip": "10.0.0.53", "dest_port": 53, "proto": "UDP",
        "alert": body,
        "dns": {"query": [{"type": "query", "id": 7, "rrname": query, "rrtype": "A", "tx_id": 0}]},
    })


def dns(name: str, client: str, second: int = 0, rcode: str = "NXDOMAIN") -> str:
    return json.dumps({
        "timestamp": T.format(second), "flow_id": 100 + second, "event_type": "dns",
        "src_ip": "10.0.0.53", "src_port": 53, "dest_ip": client, "dest_port": 40000 + second, "proto": "UDP",
        "dns": {"version": 2, "type": "answer", "id": 7, "rrname": name, "rrtype": "A", "rcode": rcode},
    })


LISTED_META = {"signature_severity": ["Major"], "confidence": ["High"]}
"""What the pack's listed-name rules carry: the rule's fixed words, not the data's."""


def service(tmp_path: Path, scorer, store=STORE) -> Service:
    settings = ServeSettings.from_dict({
        "zeek": {"enabled": False},
        "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": str(tmp_path / "verdicts.json"),
        "metrics": {"enabled": False},
    })
    s = Service(settings, scorer, IndicatorIndex.build(store))
    s.journal.open(time.time())
    return s


def run(s: Service, lines: list[str]) -> list[NameVerdict | HostVerdict]:
    s.ingest_eve(lines)
    return s.process(s.queue.take_nowait(len(s.queue)))


def siem(tmp_path: Path) -> list[dict]:
    path = tmp_path / "verdicts.json"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_alerts_become_host_verdicts_and_a_name_is_counted_once(tmp_path, scorer):
    s = service(tmp_path, scorer)
    lines = [
        # Suricata 8.0: the listed name's line is in the alert (the store does not hold it).
        alert(9_070_210, NAS, QSNATCH, 0, LISTED_META, CONTEXT),
        # The same name as a dns record, and the alert for the host's retry 30 s later.
        dns(QSNATCH, NAS, 1),
        alert(9_070_210, NAS, QSNATCH, 30, LISTED_META, CONTEXT),
        # Suricata 7.0: SID and query only; the parent rule (last 2 labels) -> the store's record.
        alert(9_070_102, DESK, C2_QUERY, 2, LISTED_META),
        # A tunnel / C2 rule, Major, with malware_family.
        alert(9_074_011, TUNNEL, IODINE, 3,
              {"signature_severity": ["Major"], "confidence": ["High"], "malware_family": ["iodine"]},
              signature="DNSGUARD TUNNEL iodine Private Query Type 65399"),
        # Ignored: the service's own verdict rule, a (Major) DGA shape rule, an Informational
        # tunnel rule, another vendor's Major rule.
        alert(9_070_500, OTHER, "xqzkvbwpmlrt.com", 4, {"signature_severity": ["Minor"]}),
        alert(9_071_001, OTHER, "abc.com", 5, {"signature_severity": ["Major"], "malware_family": ["Bamital"]}),
        alert(9_074_030, OTHER, "abc.com", 5, {"signature_severity": ["Informational"]}),
        alert(2_027_863, OTHER, "evil.com", 6, {"signature_severity": ["Major"], "malware_family": ["Emotet"]}),
    ]
    items = eve_items(lines, InputStats())
    assert [x.kind for x in items if isinstance(x, AlertHit)] == ["listed", "listed", "listed", "major"]

    fresh = run(s, lines)
    hosts = {v.orig_h: v for v in fresh if isinstance(v, HostVerdict)}
    names = [v for v in fresh if isinstance(v, NameVerdict)]
    assert sorted(hosts) == sorted([NAS, DESK, TUNNEL])  # nothing on OTHER
    assert [(v.family, v.threat, v.score) for v in (hosts[NAS], hosts[DESK], hosts[TUNNEL])] == [
        ("QSnatch", "iab", 0.95), ("AsyncRAT", "c2", 0.7), ("iodine", "c2", 0.9)]
    assert hosts[NAS].names == (QSNATCH,)
    assert "QSnatch (iab), confidence 95 (High) from dga-forecast, listed kqzbwmfa.com" in hosts[NAS].evidence
    assert "sid 9070102" in hosts[DESK].evidence
    assert "AsyncRAT (c2), confidence 70 (Medium) from threatfox,urlhaus, listed panel-asyncrat.com" in (
        hosts[DESK].evidence)
    assert "family iodine" in hosts[TUNNEL].evidence

    # The name counted once: one feed hit, one name verdict, one piece of host evidence.
    assert [(v.name, v.family, v.threat, v.score, v.source) for v in names] == [
        (QSNATCH, "QSnatch", "iab", 0.95, "feed:dga-forecast"),
        (C2_QUERY, "AsyncRAT", "c2", 0.7, "feed:threatfox,urlhaus"),
    ]
    assert s.decider.stats.feed_hits == 2
    assert s.alerts.stats.listed == 2 and s.alerts.stats.duplicates == 1 and s.alerts.stats.enriched == 1
    assert sum(isinstance(v, HostVerdict) and v.orig_h == NAS for v in fresh) == 1
    assert s.stats.eve_alerts == 4 and s.stats.eve_candidates == 1

    # Journal, SIEM log and the Zeek event all name the family.
    live = {key_of(v): v for v in s.journal.live(time.time())}
    assert live[f"h:{NAS}"].family == "QSnatch" and live[f"h:{TUNNEL}"].family == "iodine"
    logged = {r["source"]["ip"]: r for r in siem(tmp_path) if r["dnsguard"]["kind"] == "host"}
    assert logged[DESK]["threat"]["software"]["name"] == "AsyncRAT"
    assert logged[NAS]["dnsguard"]["names"] == [QSNATCH]
    event = bj.decode_event(verdict_event(hosts[NAS], time.time()))
    assert event.name == "DNSGuard::host_verdict"
    assert list(event.args)[1:4] == ["QSnatch", "iab", 0.95]

    # Later alerts and records for the same names: nothing new (the window and the cache).
    again = run(s, [alert(9_070_210, NAS, QSNATCH, 40, LISTED_META, CONTEXT), dns(C2_QUERY, DESK, 41)])
    assert again == [] and s.decider.stats.feed_hits == 2


def test_the_dns_record_and_the_alert_in_either_order(tmp_path, scorer):
    """Store-listed name: whichever comes first makes the feed hit, the other finds it cached."""
    for first, second in (("dns", "alert"), ("alert", "dns")):
        s = service(tmp_path / first, scorer)
        line = {"dns": dns(C2_QUERY, DESK, 1), "alert": alert(9_070_102, DESK, C2_QUERY, 1, LISTED_META)}
        out = run(s, [line[first]]) + run(s, [line[second]])
        assert [v.name for v in out if isinstance(v, NameVerdict)] == [C2_QUERY]
        assert [v.family for v in out if isinstance(v, HostVerdict)] == ["AsyncRAT"]
        assert s.decider.stats.feed_hits == 1 and scorer.names == 0


def test_7_0_alert_for_a_name_the_store_lacks_and_the_guard(tmp_path, scorer):
    s = service(tmp_path, scorer, store=[])
    out = run(s, [alert(9_070_100, DESK, "gone-c2.com", 0, LISTED_META)])
    assert [(type(v).__name__, v.family, v.threat) for v in out] == [("HostVerdict", "unknown", "c2")]
    assert "not in the service's feeds" in out[0].evidence
    # An allowlisted name makes no verdict, whatever the sensor's set says.
    guarded = service(tmp_path / "g", scorer, store=[])
    guarded.decider.settings = type(guarded.decider.settings)(allowlist=frozenset({"example.org"}))
    assert run(guarded, [alert(9_070_210, NAS, "www.example.org", 0, LISTED_META,
                               {**CONTEXT, "domain": "www.example.org"})]) == []
    assert guarded.alerts.stats.refused == 1


NX_META = {"signature_severity": ["Major"], "confidence": ["Medium"]}
BLOCKED = ["doubleclick.net", "adnxs.com", "criteo.com", "taboola.com", "outbrain.com", "demdex.net",
           "scorecardresearch.com", "amazon-adsystem.com"]
"""Popular ad domains a blocking resolver answers NXDOMAIN (on the shipped list)."""


def test_nxdomain_alert_explained_by_popular_names_is_set_aside(tmp_path, scorer):
    """Suricata 7's registered-domain NXDOMAIN rule counts a blocked browser's
    ad look-ups; the service has the host's dns records and sets the alert
    aside.  A bot's alert stays, even when its last answer's record comes
    after the alert, and so does an alert with no records at all."""
    s = service(tmp_path, scorer)
    browser = [dns(name, DESK, i) for i, name in enumerate(BLOCKED)]
    bot = [dns(f"q{i}xkvwzplmt.com", NAS, i) for i in range(7)]  # the 8th answer's record is not read yet
    out = run(s, [*browser, *bot,
                  alert(9_072_003, DESK, BLOCKED[-1], 8, NX_META),
                  alert(9_072_003, NAS, "q7xkvwzplmt.com", 8, NX_META),
                  alert(9_072_004, OTHER, "q9xkvwzplmt.com", 8, NX_META)])
    hosts = {v.orig_h: v for v in out if isinstance(v, HostVerdict)}
    assert DESK not in hosts and s.alerts.stats.explained == 1
    assert hosts[NAS].threat == "dga" and hosts[OTHER].threat == "dga"
    # Blocked names beside eight unpopular ones: the count is reached without
    # the popular names, so the alert stays.
    mixed = service(tmp_path / "m", scorer)
    names = BLOCKED[:4] + [f"z{i}kqvwxplm.com" for i in range(8)]
    out = run(mixed, [dns(n, DESK, i) for i, n in enumerate(names)] + [alert(9_072_003, DESK, names[-1], 12, NX_META)])
    assert [v.orig_h for v in out if isinstance(v, HostVerdict)] == [DESK] and mixed.alerts.stats.explained == 0


def test_lua_twin_alerts_count_as_the_rules_they_replace(tmp_path, scorer):
    """A Suricata 7 sensor that runs the Lua twins (9073002, 9073003) in place of
    9072001 and 9072003: the registered-domain twin (Major) is host evidence of
    a DGA like 9072003, the burst twin (Minor) is not, and both are checked
    against the host's records like the rules they replace."""
    s = service(tmp_path, scorer)
    bot = [dns(f"q{i}xkvwzplmt.com", NAS, i) for i in range(8)]
    minor = {"signature_severity": ["Minor"], "confidence": ["Low"]}
    out = run(s, [*bot, alert(9_073_003, NAS, "q7xkvwzplmt.com", 8, NX_META),
                  alert(9_073_002, OTHER, "q9xkvwzplmt.com", 8, minor)])
    hosts = [v for v in out if isinstance(v, HostVerdict)]
    assert [(v.orig_h, v.threat) for v in hosts] == [(NAS, "dga")]
    assert "Suricata sid 9073003" in hosts[0].evidence
    blocked = service(tmp_path / "b", scorer)
    out = run(blocked, [*(dns(name, DESK, i) for i, name in enumerate(BLOCKED)),
                        alert(9_073_003, DESK, BLOCKED[-1], 8, NX_META)])
    assert not [v for v in out if isinstance(v, HostVerdict)] and blocked.alerts.stats.explained == 1


# -- real Suricata 7.0.10 ----------------------------------------------------------

def test_suricata7_alerts_only_eve_gives_host_verdicts_with_families(tmp_path, scorer):
    """The pack plus a ``feeds export`` of the store, Suricata 7.0.10 on a
    capture, its eve.json with alerts and no dns records: the service names
    QSnatch on the NAS, AsyncRAT on the workstation, iodine on the tunnel."""
    from dnsguard.dga.forecast import FORECAST_CONFIDENCE, forecast
    from dnsguard.feeds.export import write_suricata_export
    from dnsguard.paths import suricata_rules_dir
    from dnsguard.pcapgen import Exchange, write_pcap
    from dnsguard.suricata import sandbox

    assert shutil.which("suricata"), "Suricata is not installed (make install)"
    day = dt.date(2026, 5, 28)
    t0 = dt.datetime.combine(day, dt.time(9), dt.UTC).timestamp()
    # As a CSV store holds them (no expiry): the forecast's day is in the past.
    qsnatch = [replace(i, expires=None)
               for i in sorted(forecast([day], ["qsnatch"]).to_indicators(), key=lambda i: i.value)[:3]]
    store = [*qsnatch, *STORE]
    pack_src = suricata_rules_dir()
    export = tmp_path / "export"
    write_suricata_export(store, export, pack_src, mtime=t0)
    pack = tmp_path / "pack"
    shutil.copytree(pack_src, pack, ignore=shutil.ignore_patterns("*.md", "__pycache__"))
    for path in (export / "datasets").iterdir():
        shutil.copy(path, pack / "datasets" / path.name)
    pcap = tmp_path / "office.pcap"
    exchanges = [Exchange(t0 + n * 7, NAS, i.value, rcode="NXDOMAIN") for n, i in enumerate(qsnatch)]
    exchanges += [Exchange(t0 + 3, DESK, C2_QUERY), Exchange(t0 + 5, OTHER, "www.wikipedia.org"),
                  Exchange(t0 + 6, TUNNEL, IODINE)]
    write_pcap(str(pcap), exchanges)
    box = sandbox.create(tmp_path / "box", pack)
    lines = sandbox.run_pcap(box, pcap).read_text().splitlines()
    kinds = {json.loads(line)["event_type"] for line in lines}
    assert "alert" in kinds and "dns" not in kinds  # a sensor that logs alerts only

    s = service(tmp_path, scorer, store=store)
    fresh = run(s, lines)
    hosts: dict[str, list[HostVerdict]] = {}
    for v in fresh:
        if isinstance(v, HostVerdict):
            hosts.setdefault(v.orig_h, []).append(v)
    assert sorted(hosts) == sorted([NAS, DESK, TUNNEL])
    assert {(v.family, v.threat, v.score) for v in hosts[NAS]} == {("QSnatch", "iab", FORECAST_CONFIDENCE / 100)}
    assert [(v.family, v.threat) for v in hosts[DESK]] == [("AsyncRAT", "c2")]
    assert [(v.family, v.threat) for v in hosts[TUNNEL]] == [("iodine", "c2")]
    # The 7.x rule, enriched from the store (on 8.0, with the tools/suricata8
    # wrapper on PATH: its twin, the listing from the alert's context).
    seven = "version 7." in subprocess.run(["suricata", "-V"], capture_output=True, text=True, check=True).stdout
    assert f"sid {9_070_200 if seven else 9_070_210}" in hosts[NAS][0].evidence
    names = sorted(v.name for v in fresh if isinstance(v, NameVerdict))
    assert names == sorted([*(i.value for i in qsnatch), C2_QUERY])
    assert s.alerts.stats.enriched == (4 if seven else 0)  # 8.0: every listing came in its alert
