"""``dnsguard suricata check-config``: does a sensor's suricata.yaml let the
Lua host rule (sid 9073001) see whole hosts?  The measured reason is in
``test_suricata_lua.py`` (8 threads balanced by flow miss hosts, balanced by
IP pair they do not); this checks that the configuration check tells the two
apart on the configurations sensors actually run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from dnsguard.cli import main as dnsguard_main
from dnsguard.suricata.sensor_config import check

REPO = Path(__file__).resolve().parents[2]
LUA_RULES = (REPO / "suricata-rules" / "dnsguard-lua.rules").read_text()
WITH_LUA = {"dnsguard.rules": "# no Lua rule here\n", "dnsguard-lua.rules": LUA_RULES}
ALLOW = {"security": {"lua": {"allow-rules": True}}}
# Security Onion 2.4's af-packet section (salt/suricata/afpacket.map.jinja), 4 workers.
SECURITY_ONION = {**ALLOW, "af-packet": [{"interface": "bond0", "cluster-id": 59, "cluster-type": "cluster_flow",
                                          "defrag": True, "threads": 4}]}


def levels(config, rules=WITH_LUA) -> list[str]:
    return [f.level for f in check(config, rules)]


def test_security_onion_workers_balanced_by_flow_warn():
    findings = check(SECURITY_ONION, WITH_LUA)
    (warn,) = [f for f in findings if f.level == "warn"]
    assert "bond0" in warn.message and "cluster_flow" in warn.message and "misses hosts" in warn.message


@pytest.mark.parametrize("config, expected", [
    ({**ALLOW, "runmode": "autofp", "autofp-scheduler": "ippair"}, ["ok", "ok"]),
    ({**ALLOW, "runmode": "autofp"}, ["ok", "warn"]),                       # hash is autofp's default
    ({**ALLOW, "runmode": "single"}, ["ok", "ok"]),
    ({**ALLOW, "af-packet": [{"interface": "eth1", "threads": 1}]}, ["ok", "ok"]),
    ({**ALLOW, "af-packet": [{"interface": "eth1", "threads": 8, "cluster-type": "cluster_qm"}]}, ["ok", "check"]),
    ({**ALLOW, "af-packet": [{"interface": "eth1", "threads": 8, "cluster-type": "cluster_ebpf",
                              "ebpf-lb-file": "/usr/libexec/suricata/ebpf/lb.bpf"}]}, ["ok", "ok"]),
    # The "default" entry's settings apply to every interface; threads default to auto.
    ({**ALLOW, "af-packet": [{"interface": "eth1"}, {"interface": "default", "cluster-type": "cluster_cpu"}]},
     ["ok", "warn"]),
    ({"af-packet": [{"interface": "eth1", "threads": 1}]}, ["ok", "warn", "ok"]),  # allow-rules off
    ({**ALLOW, "runmode": "single", "include": ["af.yaml"]}, ["ok", "check", "ok"]),  # not followed, said so
])
def test_balancing_and_lua_settings(config, expected):
    assert levels(config) == expected


def test_without_the_lua_rule_nothing_depends_on_balancing():
    commented = {"dnsguard-lua.rules": "\n".join("#" + line for line in LUA_RULES.splitlines())}
    assert levels(SECURITY_ONION, commented) == ["ok"]
    assert levels(SECURITY_ONION, {"dnsguard.rules": "alert dns any any -> any any (sid:9070001;)\n"}) == ["ok"]


def test_cli_on_files(tmp_path, capsys):
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(REPO / "suricata-rules" / "dnsguard-lua.rules", rules)
    conf = tmp_path / "suricata.yaml"
    conf.write_text("%YAML 1.1\n---\n" + yaml.safe_dump(
        {**SECURITY_ONION, "default-rule-path": str(rules), "rule-files": ["dnsguard-lua.rules", "gone.rules"]}))
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("check: rule file(s) not found") and "gone.rules" in out[0]
    assert out[1] == "ok: sid 9073001 is enabled in dnsguard-lua.rules (Suricata 7; 8.0 skips it)"
    assert out[2].startswith("warn: dnsguard-dga.lua is not in default-rule-path")
    assert out[3].startswith("warn: af-packet bond0: 4 threads balanced by cluster_flow")
    # The script in place and IP-pair balancing: nothing to warn about.
    shutil.copy(REPO / "suricata-rules" / "dnsguard-dga.lua", rules)
    conf.write_text(yaml.safe_dump({**ALLOW, "runmode": "autofp", "autofp-scheduler": "ippair",
                                    "default-rule-path": str(rules), "rule-files": "dnsguard-lua.rules"}))
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 0
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == ["ok", "ok"]
    # A container's configuration read on the host: its rule path does not exist here.
    conf.write_text(yaml.safe_dump({**SECURITY_ONION, "default-rule-path": "/etc/suricata/rules",
                                    "rule-files": ["dnsguard-lua.rules"]}))
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 0  # nothing found, nothing claimed
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("check: rule file(s) not found") and out[1].startswith("check: no rule file was found")
    assert len(out) == 2
    assert dnsguard_main(["suricata", "check-config", str(conf), "--rule-path", str(rules)]) == 1
    assert "warn: af-packet bond0" in capsys.readouterr().out
    conf.write_text("af-packet: [unclosed\n")
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("dnsguard suricata check-config: cannot read")


def test_debian_default_configuration():
    """The suricata.yaml this machine's Suricata package installed parses; its
    rule file (suricata-update's) may not exist yet, and nothing is claimed
    about a rule file that is not there."""
    conf = Path("/etc/suricata/suricata.yaml")
    assert conf.exists(), "Suricata's package must be installed (make install)"
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 0


PACK_RULES = (REPO / "suricata-rules" / "dnsguard.rules").read_text()
TWIN_RULES = (REPO / "suricata-rules" / "dnsguard-lua-nxdomain.rules").read_text()


def without(text: str, *sids: int) -> str:
    """``text`` with the rules of ``sids`` commented out, as disable.conf leaves them."""
    return "".join("# " + line if any(f"sid:{sid};" in line for sid in sids) else line
                   for line in text.splitlines(keepends=True))


def test_lua_twins_beside_the_rules_they_replace_warn(tmp_path, capsys):
    """The NXDOMAIN twins replace 9072001 and 9072003: both enabled, the blocked
    names still alert; the twins need allow-rules and their script."""
    both = {"dnsguard.rules": PACK_RULES, "dnsguard-lua-nxdomain.rules": TWIN_RULES}
    found = check({**ALLOW, "runmode": "single"}, both, nx_lua_script=True)
    warns = [f.message for f in found if f.level == "warn"]
    assert len(warns) == 1 and warns[0].startswith("9072001, 9072003 still enabled beside the Lua twins")
    replaced = {**both, "dnsguard.rules": without(PACK_RULES, 9_072_001, 9_072_003)}
    assert [f.level for f in check({**ALLOW, "runmode": "single"}, replaced, nx_lua_script=True)] == ["ok", "ok"]
    found = check({"runmode": "single"}, replaced, nx_lua_script=False)
    assert [f.message.split(":")[0] for f in found if f.level == "warn"] == [
        "security.lua.allow-rules is not on", "dnsguard-nxdomain.lua is not in default-rule-path"]
    # Without the twins nothing is said about them.
    assert [f.level for f in check({"runmode": "single"}, {"dnsguard.rules": PACK_RULES})] == ["ok"]
    # From files: the script next to the rules is found.
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "dnsguard.rules").write_text(replaced["dnsguard.rules"])
    shutil.copy(REPO / "suricata-rules" / "dnsguard-lua-nxdomain.rules", rules)
    conf = tmp_path / "suricata.yaml"
    conf.write_text(yaml.safe_dump({**ALLOW, "runmode": "single", "default-rule-path": str(rules),
                                    "rule-files": ["dnsguard.rules", "dnsguard-lua-nxdomain.rules"]}))
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 1
    assert "warn: dnsguard-nxdomain.lua is not in default-rule-path" in capsys.readouterr().out
    shutil.copy(REPO / "suricata-rules" / "dnsguard-nxdomain.lua", rules)
    assert dnsguard_main(["suricata", "check-config", str(conf)]) == 0
    assert "ok: the Lua NXDOMAIN twins (9073002, 9073003) are enabled" in capsys.readouterr().out
