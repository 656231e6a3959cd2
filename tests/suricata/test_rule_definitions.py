"""The Suricata rules say what python/dnsguard/data/detections.yaml says.

Each detection's ``suricata:`` subsection names the SIDs that express it in
``suricata-rules/dnsguard.rules`` and the numbers they use (lengths,
counts, windows, query types).  These tests read the rule text itself, so
a threshold, a length or a query type changed on one side only fails here.
What Suricata cannot express is in each section's ``approximations:
suricata:`` text.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest
import yaml
from dnsguard.suricata import rules as catalogue
from suricata_support import PACK

LONG_NAME_GATE_SID = 9_072_009


def definitions() -> dict:
    return yaml.safe_load(resources.files("dnsguard").joinpath("data/detections.yaml").read_text())


def rules() -> dict[int, str]:
    """Every rule of the pack's files (the Lua ones too: the NXDOMAIN twins)."""
    out = {}
    for path in sorted(PACK.glob("*.rules")):
        for line in path.read_text("utf-8").splitlines():
            if line.startswith("alert "):
                out[int(re.search(r"\bsid:(\d+);", line).group(1))] = line
    return out


def threshold(rule: str) -> tuple[int, int]:
    found = re.search(r"threshold:type (?:both|limit|threshold), track by_(?:src|dst), "
                      r"count (\d+), seconds (\d+);", rule)
    assert found, rule
    return int(found.group(1)), int(found.group(2))


def pcre(rule: str) -> str:
    found = re.findall(r'pcre:"/(.*?)/i?";', rule)
    assert found, rule
    return found[-1]


def metadata(rule: str) -> dict[str, str]:
    text = re.search(r"metadata:(.*?);\)$", rule).group(1)
    return dict(item.strip().split(" ", 1) for item in text.split(","))


def gated(rule: str, min_name_length: int, pack: dict[int, str]) -> None:
    """The rule looks only at names of ``min_name_length``+ characters: it
    checks the long-name flowbit, which the gate sets at that length."""
    assert "flowbits:isset,dnsguard.longname;" in rule
    assert f"bsize:>={min_name_length};" in pack[LONG_NAME_GATE_SID]


def listed_sids(section: dict) -> set[int]:
    sids: set[int] = set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, int) and (key.endswith("sid") or key.endswith("sids")
                                         or key in {"dnscat2", "iodine", "RogueRobin", "Symbiote"}):
            sids.add(value)
    walk(section.get("suricata", {}))
    return sids


def test_every_listed_sid_is_a_rule_and_every_tunnel_c2_rule_is_listed():
    d, pack = definitions(), rules()
    listed = set().union(*(listed_sids(body) for body in d.values()))
    assert listed <= set(pack), sorted(listed - set(pack))
    issue15 = {sid for sid in pack if 9_074_000 <= sid <= 9_074_999}
    assert issue15 <= listed, sorted(issue15 - listed)


def test_encoded_label_rules(pack=None):
    d, pack = definitions()["encoded_label"], pack or rules()
    s = d["suricata"]

    raw = pack[s["raw"]["sid"]]
    gated(raw, s["raw"]["min_name_length"], pack)
    # Bytes outside the definition's host-name alphabet (plus the dot between labels).
    outside = d["raw"]["chars_outside"]
    assert f"[^{outside.replace('0-9', '0-9.')}]" in pcre(raw)
    assert threshold(raw) == (s["raw"]["count"], s["raw"]["seconds"])

    hexa = pack[s["hex"]["sid"]]
    gated(hexa, s["hex"]["min_name_length"], pack)
    assert s["hex"]["min_length"] == d["hex"]["min_length"]
    lo, hi = s["hex"]["min_length"], s["hex"]["max_length"]
    body = pcre(hexa)
    assert f"[{d['hex']['alphabet']}]{{{lo},{hi}}}" in body
    # "a digit and a letter": two look-aheads within the label.
    assert f"(?=[0-9a-f]{{0,{hi - 1}}}[0-9])" in body and f"(?=[0-9a-f]{{0,{hi - 1}}}[a-f])" in body
    assert threshold(hexa) == (s["hex"]["count"], s["hex"]["seconds"])
    # 32+ hex characters are 9072011's: the two rules meet without a gap.
    assert f"[0-9a-f]{{{hi + 1},63}}" in pcre(pack[9_072_011])

    b36 = pack[s["base36"]["sid"]]
    gated(b36, s["base36"]["min_name_length"], pack)
    assert s["base36"]["min_length"] == d["base36"]["min_length"]
    assert s["base36"]["min_digits"] == d["base36"]["min_digits"]
    body = pcre(b36)
    assert f"[{d['base36']['alphabet']}]{{{s['base36']['min_length']},{s['base36']['max_length']}}}" in body
    assert f"(?=(?:[a-z]*[0-9]){{{s['base36']['min_digits']}}})" in body
    # 52+ character labels are the long-label rule's.
    assert s["base36"]["max_length"] + 1 == definitions()["long_labels"]["label_length"]
    assert threshold(b36) == (s["base36"]["count"], s["base36"]["seconds"])

    nib = pack[s["nibble_letters"]["sid"]]
    gated(nib, s["nibble_letters"]["min_name_length"], pack)
    assert s["nibble_letters"]["min_length"] == d["nibble_letters"]["min_length"]
    assert f"[{s['nibble_letters']['alphabet']}]{{{s['nibble_letters']['min_length']}}}" in pcre(nib)
    assert threshold(nib) == (s["nibble_letters"]["count"], s["nibble_letters"]["seconds"])


def qtype_content(qtype: int) -> str:
    """End of the question's name, the type, class IN, as a rule content."""
    return f'content:"|00 {qtype >> 8:02x} {qtype & 0xff:02x} 00 01|";'


def test_data_qtype_rules():
    d, pack = definitions()["data_qtypes"], rules()
    s = d["suricata"]

    private = s["private"]
    assert private["from"] == d["private_from"] == 0xFF00
    rule = pack[private["sid"]]
    # The type's high byte is 0xff (65280-65535): the fast pattern, then the
    # PCRE pins it right after the first name; iodine's 65399 has its own rule.
    assert 'content:"|00 ff|"; fast_pattern;' in rule
    assert "\\x00\\xff(?!\\x77)" in pcre(rule) and private["excluded"] == [0xFF77]
    assert threshold(rule) == (private["count"], private["seconds"])

    iodine = s["private_iodine"]
    assert iodine["qtype"] >= d["private_from"]
    assert qtype_content(iodine["qtype"]) in pack[iodine["sid"]]

    rot = s["rotation"]
    assert set(rot["qtypes"]) <= set(d["qtypes"])
    *setters, checker = rot["sids"]
    bits = []
    for sid, qtype in zip(setters, rot["qtypes"], strict=True):
        rule = pack[sid]
        assert qtype_content(qtype) in rule, (sid, qtype)
        assert f"expire {rot['window_seconds']};" in rule
        assert "noalert;" in rule
        # Not a service label: the first label does not start with "_".
        assert "[\\x01-\\x3f][^_]" in pcre(rule)
        bits.append(re.search(r"xbits:set,([\w.]+),", rule).group(1))
    # The checker is asked of the first type (SRV) after the other two were seen.
    check = pack[checker]
    assert qtype_content(rot["qtypes"][0]) in check
    isset = re.findall(r"xbits:isset,([\w.]+),", check)
    assert sorted(isset) == sorted(bits[1:]), (isset, bits)
    assert threshold(check) == (1, rot["window_seconds"])


def test_beacon_rules():
    d, pack = definitions()["c2_beacon"], rules()
    s = d["suricata"]
    assert s["min_label_length"] == d["min_label_length"]
    assert s["window_seconds"] == d["window_seconds"]
    assert s["min_retries"] == d["min_rounds"] * s["retries_per_round"]
    counter, rule = pack[s["counter_sid"]], pack[s["sid"]]
    var = re.search(r"flowint:([\w.]+),\+,1;", counter).group(1)
    assert f"flowint:{var},>,1;" in rule
    assert f"[a-z0-9]{{{s['min_label_length']},{s['max_label_length']}}}" in pcre(rule)
    assert threshold(rule) == (s["min_retries"], s["window_seconds"])


def test_tool_rules_name_their_tool():
    pack = rules()
    for family, sids in definitions()["tool_identification"]["suricata"].items():
        for sid in sids:
            rule = pack[sid]
            meta = metadata(rule)
            assert meta["malware_family"] == family, sid
            assert meta["signature_severity"] == "Major", sid
            msg = re.search(r'msg:"([^"]+)"', rule).group(1).split()
            assert msg[:3] == ["DNSGUARD", msg[1], family] and msg[1] in {"TUNNEL", "C2"}, sid


def test_every_alerting_tunnel_c2_rule_is_compromise_level():
    for sid, rule in rules().items():
        if 9_074_000 <= sid <= 9_074_999:
            meta = metadata(rule)
            expected = "Informational" if "noalert" in rule else "Major"
            assert meta["signature_severity"] == expected, sid
            assert {"created_at", "updated_at", "mitre_technique_id", "confidence"} <= set(meta)


def test_long_label_and_nxdomain_rules():
    d, pack = definitions(), rules()
    ll = d["long_labels"]["suricata"]
    assert ll["label_length"] == d["long_labels"]["label_length"]
    assert f"{{{ll['label_length']},63}}" in pcre(pack[ll["sid"]])
    assert threshold(pack[ll["sid"]]) == (ll["count"], ll["seconds"])
    nx = d["nxdomain_burst"]["suricata"]
    for sid in nx["registered_sids"]:
        assert threshold(pack[sid]) == (nx["registered_count"], nx["registered_seconds"])
    assert set(nx["registered_sids"]) == set(catalogue.NX_REGISTERED_SIDS)
    assert set(nx["burst_sids"]) == set(catalogue.NX_BURST_SIDS)
    for sid in nx["burst_sids"]:
        assert threshold(pack[sid]) == (nx["burst_count"], nx["burst_seconds"])


def test_the_check_sees_drift(monkeypatch):
    """A number changed in the rules (or the definition) alone fails."""
    pack = rules()
    sid = definitions()["encoded_label"]["suricata"]["hex"]["sid"]
    pack[sid] = pack[sid].replace("count 10, seconds 300", "count 11, seconds 300")
    with pytest.raises(AssertionError):
        test_encoded_label_rules(pack)
