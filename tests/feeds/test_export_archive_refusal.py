"""``feeds export`` refuses an archive that would not install, and writes nothing (issue 17)."""

from __future__ import annotations

import shutil

from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.store import merge_into_store
from dnsguard.paths import suricata_rules_dir
from feeds_cli import run

NOW = 1_800_000_000.0


def test_a_rule_loading_a_set_nobody_has_stops_the_export(tmp_path, capsys):
    state, pack, out = tmp_path / "state", tmp_path / "pack", tmp_path / "s"
    far = 4_000_000_000.0
    merge_into_store(state / "indicators.msgpack",
                     [Indicator("c2-1.evil.test", "domain", "unknown", "c2", 80, ("t",), NOW, NOW, far)],
                     source="t", now=NOW)
    shutil.copytree(suricata_rules_dir(), pack)
    config = {"feeds": {"state_dir": str(state), "shipped_definitions": False, "rules_dir": str(pack)}}
    assert run(["feeds", "export", "--suricata", str(out)], config) == 0
    before = {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert out / "dnsguard-rules.tar.gz" in before

    (pack / "extra.rules").write_text(
        'alert dns any any -> any any (msg:"DNSGUARD TEST extra"; dns.query; '
        'dataset:isset,dnsguard-nope,type string,load datasets/dnsguard-nope.lst; sid:9079998; rev:1;)\n')
    assert run(["feeds", "export", "--suricata", str(out)], config) == 2
    err = capsys.readouterr().err
    assert "would not install" in err and "dnsguard-nope.lst" in err
    assert {p: p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()} == before
