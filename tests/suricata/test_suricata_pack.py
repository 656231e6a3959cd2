"""The rule pack as files: catalogue rules, SID block, metadata, loading in Suricata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dnsguard.suricata import rules as catalogue
from dnsguard.suricata import sandbox, shapes
from dnsguard.suricata.socket import read_set_file
from suricata_support import PACK, make_box, suricata_major, write_dataset

REPO = Path(__file__).resolve().parents[2]
REQUIRED_METADATA = {
    "affected_product", "attack_target", "created_at", "updated_at", "signature_severity",
    "confidence", "mitre_tactic_id", "mitre_technique_id", "deployment",
}
CATEGORIES = {"C2", "IAB", "BOTNET", "DGA", "VERDICT", "TUNNEL"}


def test_committed_rule_files_match_the_catalogue():
    for name in catalogue.FILES:
        assert (PACK / name).read_text("utf-8") == catalogue.render_file(name), (
            f"{name} is stale: run python -m dnsguard.suricata.rules")


def test_sids_unique_and_inside_the_reserved_block():
    sids = [r.sid for r in catalogue.all_rules()]
    assert len(sids) == len(set(sids))
    assert all(catalogue.SID_FIRST <= s <= catalogue.SID_LAST for s in sids)
    # Documented in the pack README.
    readme = (PACK / "README.md").read_text("utf-8")
    assert "9070000" in readme.replace(",", "").replace("_", "")
    for rule in catalogue.all_rules():
        assert str(rule.sid) in readme.replace(",", "").replace("_", ""), rule.sid


def test_messages_and_metadata_follow_conventions():
    for rule in catalogue.all_rules():
        words = rule.msg.split()
        assert words[0] == "DNSGUARD" and words[1] in CATEGORIES, rule.msg
        keys = {k for k, _ in rule.metadata}
        assert keys >= REQUIRED_METADATA, (rule.sid, REQUIRED_METADATA - keys)
        technique = dict(rule.metadata)["mitre_technique_id"]
        assert re.fullmatch(r"T\d{4}\.\d{3}", technique)
        if rule.family:
            assert words[2] == rule.family
            assert dict(rule.metadata)["malware_family"] == rule.family
        assert rule.classtype in {"trojan-activity", "bad-unknown", "policy-violation"}


def test_eight_only_keywords_sit_behind_requires():
    for rule in catalogue.all_rules():
        text = rule.render()
        if re.search(r"dns\.(rcode|rrtype)", text):
            assert "requires: version >= 8;" in text, rule.sid


def test_parent_capture_pattern():
    """Python's re lacks PCRE's branch reset ``(?|``; with a plain group the
    capture is whichever of the two groups took part (Suricata runs the real
    pattern in the detection tests)."""
    source = catalogue.parent_capture(3)
    assert source.count("(?|") == 1
    pattern = re.compile(source.replace("(?|", "(?:"))

    def captured(name: str) -> str:
        m = pattern.search(name)
        assert m is not None, "must always match: pcrexform keeps the buffer otherwise"
        return m.group(1) or m.group(2) or ""

    assert captured("a.b.evil.example") == "b.evil.example"
    assert captured("b.evil.example") == ""  # the exact rule's job
    assert captured("evil.example") == ""
    assert captured("x") == ""
    assert captured("trailing.dot.") == ""


def test_shipped_shapes_have_tiny_false_positive_rates():
    rates = {r.name: r for r in shapes.all_rates(REPO / "data")}
    for label, group in shapes.shape_groups().items():
        rate = rates[shapes.rate_name(label, group)]
        assert rate.fp_rate <= shapes.MAX_SHIPPED_FP_RATE, (label, rate.fp, rate.examples)
        assert rate.recall >= 0.95, (label, rate.recall)
    assert sum(len(g) for g in shapes.shape_groups().values()) == len(catalogue.SHAPES)
    for family in shapes.REJECTED:
        assert rates[f"{family} (not shipped)"].fp_rate > shapes.MAX_SHIPPED_FP_RATE or family == "symmi"


def test_readme_documents_the_measured_rates():
    readme = (PACK / "README.md").read_text("utf-8")
    for rate in shapes.all_rates(REPO / "data"):
        assert rate.name in readme, rate.name
        assert f"{rate.fp}/{rate.benign}" in readme, rate.name


def test_shipped_datasets_are_present_and_valid():
    for name, settype in [("c2", "string"), ("iab", "string"), ("botnet", "string"),
                          ("dga", "string"), ("c2-ip", "ipv4")]:
        path = PACK / "datasets" / f"dnsguard-{name}.lst"
        assert path.exists()
        read_set_file(path, settype)


@pytest.mark.parametrize("lua", [False, True], ids=["pack", "pack+lua"])
def test_pack_loads_with_suricata_T(tmp_path, lua):
    box = make_box(tmp_path, lua=lua)
    proc = sandbox.check(box)
    assert proc.returncode == 0
    log = (box.logs / "suricata.log").read_text()
    major = suricata_major()
    # with Lua the sandbox loads every file and disables the rules the Lua twins replace,
    # as a sensor must; without, it loads none of the Lua files
    lua_sids = {r.sid for r in catalogue.lua_rules() + catalogue.lua_nxdomain_rules()}
    files = [r for r in catalogue.all_rules() if (r.sid not in catalogue.LUA_TWINS if lua else r.sid not in lua_sids)]
    expected = sum(1 for r in files if loads_on(r.render(), major))
    skipped = len(files) - expected
    assert re.search(rf"\b{expected} rules successfully loaded, 0 rules failed, {skipped}\b",
                     log), log[-2000:]


def loads_on(rule: str, major: int) -> bool:
    """What the rule's ``requires: version`` says about a Suricata of this major version."""
    if "requires: version >= 8;" in rule:
        return major >= 8
    if "requires: version < 8;" in rule:
        return major < 8
    return True


def test_lua_rule_refused_without_allow_rules(tmp_path):
    box = make_box(tmp_path, rule_files=["dnsguard-lua.rules"])
    if suricata_major() >= 8:
        # 7.0's Lua API: the rule carries requires: version < 8 and 8.0 skips it.
        log = check_log(box)
        assert "Skipping signature due to missing requirements" in log and "sid:9073001;" in log
        assert "0 signatures processed" in log
        return
    with pytest.raises(sandbox.SuricataError):
        sandbox.check(box)


def check_log(box) -> str:
    sandbox.check(box)
    return (box.logs / "suricata.log").read_text()


def test_empty_dataset_files_load(tmp_path):
    box = make_box(tmp_path)
    for path in (box.rules / "datasets").glob("*.lst"):
        path.write_text("")
    sandbox.check(box)


def test_missing_dataset_file_is_a_load_error(tmp_path):
    box = make_box(tmp_path)
    # 8.0 loads the feed sets as JSON lines (issue 17 item 3), 7.x as base64 lines.
    if suricata_major() >= 8:
        # 8.0.8 logs a missing JSON set as an error but loads the rule with an
        # empty set, even under -T: the archive check (every loaded file in the
        # archive) is what keeps a sensor from running so.
        (box.rules / "datasets" / "dnsguard-iab.json").unlink()
        assert "failed to open file 'datasets/dnsguard-iab.json'" in check_log(box)
        return
    (box.rules / "datasets" / "dnsguard-iab.lst").unlink()
    with pytest.raises(sandbox.SuricataError, match="dnsguard-iab"):
        sandbox.check(box)


@pytest.mark.parametrize("name,settype,content,needle", [
    # The union set: both versions load it (8.0 reads the per-type sets as JSON lines).
    ("dnsguard-any", "string", "ZXZpbC5leGFtcGxl\n!!!not base64!!!\n", "bad base64"),
    # 7.0 names the bad value; 8.0 only the set and its file (see bad_line_needle).
    ("dnsguard-c2-ip", "ipv4", "203.0.113.5\n203.0.113.300\n", "203.0.113.300"),
])
def test_bad_dataset_line_is_reported_by_both(tmp_path, name, settype, content, needle):
    box = make_box(tmp_path)
    path = box.rules / "datasets" / f"{name}.lst"
    path.write_text(content)
    with pytest.raises(ValueError, match=rf"{name}\.lst:2:"):
        read_set_file(path, settype)
    with pytest.raises(sandbox.SuricataError, match=bad_line_needle(name, settype, needle)):
        sandbox.check(box)


def bad_line_needle(name: str, settype: str, needle: str) -> str:
    """What Suricata's error must name: 8.0 reports a bad address with the set's file only."""
    if settype == "ipv4" and suricata_major() >= 8:
        return rf"invalid Ipv4 value {name} in \S*{name}\.lst"
    return needle


def test_dataset_round_trip(tmp_path):
    path = tmp_path / "x.lst"
    write_dataset(path, ["evil.example", "xn--bcher-kva.example"])
    assert read_set_file(path) == {"evil.example", "xn--bcher-kva.example"}
