"""One spelling per family in every output.

The model and the generators key families by lower-case ids (``pykspa``);
feeds, Suricata's metadata and the analyst say ``Pykspa``.  A host's family
must read the same in ``analyze`` (forecast and log-sum), in ``serve``'s
verdicts (per name and per host, which also become Zeek notices) and in the
forecast's indicators, or one infection looks like two families.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from dnsguard.cli import main
from dnsguard.dga.families import forecast_names, get, registry
from dnsguard.dga.scoring import Scorer
from dnsguard.feeds.families import (
    DGA_FAMILY_NAMES,
    IAB_FAMILIES,
    canonical_family,
    display_family,
    is_iab,
)
from dnsguard.service.decide import Decider, DecideSettings
from dnsguard.service.hosts import HostSettings
from dnsguard.service.model import Candidate

DAY = dt.date(2025, 3, 10)
T0 = dt.datetime(2025, 3, 10, 9, tzinfo=dt.UTC).timestamp()


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


def test_every_family_id_has_one_display_name(scorer):
    ids = set(scorer.model.families) | set(registry())
    assert ids <= set(DGA_FAMILY_NAMES), sorted(ids - set(DGA_FAMILY_NAMES))
    shown = list(DGA_FAMILY_NAMES.values())
    assert len(set(shown)) == len(shown)
    for fid, name in DGA_FAMILY_NAMES.items():
        # any spelling of the id gives the display name, and the display name is stable
        assert canonical_family(fid) == canonical_family(fid.upper()) == canonical_family(name) == name
        if fid in registry():  # the generator is found from what the reports show
            assert get(name).INFO.name == fid
    # the IAB table keeps its spellings and its threat type
    for name in IAB_FAMILIES:
        assert canonical_family(name.lower()) == name and is_iab(name.lower())
    assert canonical_family("ramnit") == "Ramnit" and is_iab("ramnit")
    # feed families the tables do not know keep the feed's spelling; empty stays empty for display
    assert canonical_family("AsyncRAT") == "AsyncRAT" and canonical_family("") == "unknown"
    assert display_family("") == "" and display_family("necurs") == "Necurs"


def necurs_names(n: int = 24) -> list[str]:
    names = forecast_names("necurs", DAY)[:n]
    assert len(names) == n
    return names


def test_analyze_names_the_family_as_serve_does(tmp_path, monkeypatch, scorer):
    monkeypatch.setenv("DNSGUARD_STATE_DIR", str(tmp_path / "state"))
    fields = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "query", "qtype_name",
              "rcode_name", "answers", "TTLs"]
    rows = [f"{T0 + 20 * i:.6f}\tCn{i}\t10.0.0.9\t5353\t10.0.0.1\t53\tudp\t{name}\tA\tNXDOMAIN\t-\t-\n"
            for i, name in enumerate(necurs_names())]
    log = tmp_path / "dns.log"
    log.write_text("#separator \\x09\n#path\tdns\n#fields\t" + "\t".join(fields) + "\n" + "".join(rows))

    families = {}
    for flag in ([], ["--no-forecast"]):
        out = tmp_path / f"r{len(flag)}.json"
        assert main(["analyze", str(log), "--json", str(out), *flag]) == 0
        (host,) = json.loads(out.read_text())["hosts"]
        families[host["family"]["source"]] = host["family"]["family"]
        assert "necurs" not in json.dumps(host["families"])  # no id spelling left in the families column
    assert families == {"forecast": "Necurs", "log-sum": "Necurs"}

    # serve: the same names through the service's decider with the real scorer
    decider = Decider(scorer, DecideSettings(hosts=HostSettings(min_names=5)))
    out = decider.decide([Candidate(ts=T0 + 20 * i, orig_h="10.0.0.9", query=name, rcode=3)
                          for i, name in enumerate(necurs_names())], now=T0 + 600)
    (host,) = out.hosts
    assert host.family == "Necurs" and "family log-sum Necurs" in host.evidence, host
    # per name the attributor may pick another family (0.85 top-1 per name); the spelling is the reports'
    named = [v.family for v in out.names]
    assert named and "Necurs" in named and set(named) <= {*DGA_FAMILY_NAMES.values(), "unknown"}, named


def test_a_sensor_rules_family_joins_the_same_spelling(tmp_path, monkeypatch):
    """Suricata's shape rule says ``CCleaner_Floxif`` (metadata has no spaces), Zeek's notice the
    service's ``CryptoLocker`` or an id: the host's families column holds one spelling each."""
    monkeypatch.setenv("DNSGUARD_STATE_DIR", str(tmp_path / "state"))

    def alert(ts: str, sid: int, family: str, name: str) -> dict:
        return {"timestamp": f"2025-03-10T09:00:{ts}.000000+0000", "flow_id": sid, "event_type": "alert",
                "src_ip": "10.0.0.9", "src_port": 5002, "dest_ip": "10.0.0.1", "dest_port": 53,
                "alert": {"signature": f"DNSGUARD DGA {family} Domain Shape Query", "signature_id": sid,
                          "metadata": {"malware_family": [family], "signature_severity": ["Major"]}},
                "dns": {"query": [{"type": "query", "rrname": name}]}}

    eve = tmp_path / "eve.json"
    eve.write_text("\n".join(json.dumps(e) for e in (
        alert("01", 9071004, "CCleaner_Floxif", "ab1234567a9.com"),
        alert("02", 9071004, "ccleaner", "ab7654321b9.com"),
        alert("03", 9071099, "pykspa", "qwhzkkwcys.net"),
    )) + "\n")
    out = tmp_path / "r.json"
    assert main(["analyze", str(eve), "--json", str(out), "--all"]) == 0
    (host,) = json.loads(out.read_text())["hosts"]
    assert set(host["families"]) == {"CCleaner", "Pykspa"}, host["families"]
