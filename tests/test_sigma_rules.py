"""The Sigma rules in sigma/ name fields that exist on Security Onion.

Security Onion ingests a Zeek notice under its own field names (``note``
becomes ``notice.note``, ``msg`` ``notice.message``, ``uid`` ``log.id.uid``)
and its Sigma conversion renames some rule fields again (``uid`` becomes
``user.uid``).  A rule selecting on ``note`` therefore never fires.
sigma/security-onion-fields.yaml records both steps from Security Onion's
sources; these tests push every rule through them, and push a notice.log
line written the way the DNSGuard package writes it through the ingest
renames, then check the converted rule matches the document.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
SIGMA = REPO / "sigma"
FIELDS_FILE = SIGMA / "security-onion-fields.yaml"
RULE_FILES = sorted(SIGMA.glob("dnsguard_*.yml"))
MODIFIERS = {"contains", "startswith", "endswith", "all", "re", "cidr", "exists", "windash",
             "base64", "base64offset", "wide", "utf16le", "utf16be", "utf16", "i", "m", "s",
             "lt", "lte", "gt", "gte", "fieldref", "expand"}


def so_fields() -> dict:
    return yaml.safe_load(FIELDS_FILE.read_text())


def load_rule(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def notice_types() -> list[str]:
    """Notice::Type names the Zeek package declares (every ``redef enum Notice::Type`` block)."""
    names: list[str] = []
    for script in sorted((REPO / "zeek-scripts").glob("*.zeek")):
        for block in re.findall(r"redef enum Notice::Type \+= \{(.*?)\};", script.read_text(), re.S):
            code = "\n".join(line.split("#", 1)[0] for line in block.splitlines())
            names += re.findall(r"\b([A-Z][A-Za-z0-9_]+)\s*,?", code)
    return names


def selection_fields(detection: dict) -> list[tuple[str, object]]:
    """(field name without modifiers, value) of every search identifier's map(s)."""
    out: list[tuple[str, object]] = []
    for name, body in detection.items():
        if name == "condition":
            continue
        maps = body if isinstance(body, list) else [body]
        for item in maps:
            assert isinstance(item, dict), f"{name}: only field maps are used by dnsguard rules"
            for key, value in item.items():
                field, *mods = key.split("|")
                assert set(mods) <= MODIFIERS, key
                out.append((field, value))
    return out


def converted(field: str, mapping: dict) -> str:
    """The field a rule field becomes in Security Onion's converted query."""
    return mapping["sigma_field_name_mapping"].get(field, field)


def stored_fields(mapping: dict) -> set[str]:
    return {v for v in mapping["zeek_notice"].values() if v} | set(mapping["zeek_added"])


def ingest_notice(line: dict, mapping: dict) -> dict:
    """A notice.log JSON row as the Elasticsearch document Security Onion stores (flat keys)."""
    doc: dict = {"event.module": "zeek"}
    for column, value in line.items():
        target = mapping["zeek_notice"].get(column)
        if target:
            doc[target] = value
    return doc


def matches(rule: dict, doc: dict, mapping: dict) -> bool:
    """Evaluate the rule's (plain-equality) selections against a flat document."""
    detection = rule["detection"]
    results = {}
    for name, body in detection.items():
        if name == "condition":
            continue
        maps = body if isinstance(body, list) else [body]
        results[name] = any(
            all(doc.get(converted(k, mapping)) in (v if isinstance(v, list) else [v]) for k, v in m.items())
            for m in maps)
    condition = detection["condition"]
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", condition), "dnsguard rules use one selection"
    return results[condition]


def notice_line(note: str, with_conn: bool = True) -> dict:
    """A notice.log row shaped like DNSGuard::report() writes it (zeek-scripts/main.zeek)."""
    line = {"ts": "2026-12-04T10:00:00.000000Z", "note": f"DNSGuard::{note}",
            "msg": "DGA-like name: xjwqkzmv.info [family=necurs threat=dga score=0.97 device=unknown]",
            "sub": "family=necurs;threat=dga;score=0.97;device=unknown;evidence=",
            "actions": ["Notice::ACTION_LOG"], "suppress_for": 3600.0}
    if with_conn:
        line |= {"uid": "CHhAvVGS1DHFjwGM9", "id.orig_h": "10.0.0.5", "id.orig_p": 53211,
                 "id.resp_h": "10.0.0.1", "id.resp_p": 53, "proto": "udp"}
    else:
        # A notice about a host: Zeek's src, and the host at the start of msg.
        line |= {"src": "10.0.0.5", "msg": f"10.0.0.5: {line['msg']}"}
    return line


def test_field_file_names_its_sources():
    text = FIELDS_FILE.read_text()
    for source in ("salt/elasticsearch/files/ingest/zeek.notice", "salt/elasticsearch/files/ingest/zeek.common",
                   "salt/soc/files/soc/sigma_so_pipeline.yaml"):
        assert source in text
    mapping = so_fields()
    assert mapping["zeek_notice"]["note"] == "notice.note"
    assert mapping["zeek_notice"]["msg"] == "notice.message"
    assert mapping["zeek_notice"]["sub"] == "notice.sub_message"
    assert mapping["sigma_field_name_mapping"]["uid"] == "user.uid"


def test_rules_are_found():
    assert len(RULE_FILES) >= 9


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_every_field_exists_on_security_onion(path):
    mapping = so_fields()
    rule = load_rule(path)
    stored = stored_fields(mapping)
    used = [f for f, _ in selection_fields(rule["detection"])] + list(rule.get("fields", []))
    assert used
    for field in used:
        assert field not in mapping["zeek_notice"], (
            f"{path.name}: {field!r} is Zeek's column name; Security Onion stores it as "
            f"{mapping['zeek_notice'][field]!r}")
        target = converted(field, mapping)
        assert target in stored, f"{path.name}: {field!r} becomes {target!r}, which a Zeek notice on Security Onion does not have"


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_fires_on_the_ingested_notice(path):
    mapping = so_fields()
    rule = load_rule(path)
    (field, value), = selection_fields(rule["detection"])
    assert field == "notice.note" and value.startswith("DNSGuard::")
    note = value.split("::", 1)[1]
    for with_conn in (True, False):
        assert matches(rule, ingest_notice(notice_line(note, with_conn), mapping), mapping)
    other = "Host_Verdict" if note != "Host_Verdict" else "Intel_Domain"
    assert not matches(rule, ingest_notice(notice_line(other), mapping), mapping)
    assert not matches(rule, {"dns.query.name": "x.example", "event.module": "zeek"}, mapping)


def test_every_notice_keeps_its_host_on_security_onion():
    """A connection's notice keeps the host as source.ip (id.orig_h); a notice about a
    host has only Zeek's src, which Security Onion drops, so main.zeek's report() puts
    the host at the start of msg (notice.message)."""
    mapping = so_fields()
    assert mapping["zeek_notice"]["src"] is None and mapping["zeek_notice"]["id.orig_h"] == "source.ip"
    with_conn = ingest_notice(notice_line("Intel_Domain"), mapping)
    assert with_conn["source.ip"] == "10.0.0.5"
    host_only = ingest_notice(notice_line("NXDOMAIN_Burst", with_conn=False), mapping)
    assert "source.ip" not in host_only and "10.0.0.5" not in host_only.values()
    # That Zeek writes msg so: testing/tests/nxdomain-burst.zeek and intel-exact-and-parent.zeek.
    assert host_only["notice.message"].startswith("10.0.0.5: ")


def test_the_old_zeek_field_names_never_fired():
    """What issue 18 found: `note` as Zeek writes it is not on the stored document."""
    mapping = so_fields()
    old = {"detection": {"selection": {"note": "DNSGuard::Host_Verdict"}, "condition": "selection"}}
    assert not matches(old, ingest_notice(notice_line("Host_Verdict"), mapping), mapping)
    assert converted("uid", mapping) == "user.uid" not in stored_fields(mapping)


def test_one_rule_per_notice_type():
    notes = sorted(v for p in RULE_FILES for f, v in selection_fields(load_rule(p)["detection"])
                   if f == "notice.note")
    assert notes == sorted(f"DNSGuard::{n}" for n in notice_types())



REQUIRED = ("title", "id", "status", "logsource", "detection", "level")
STATUSES = {"stable", "test", "experimental", "deprecated", "unsupported"}
LEVELS = {"informational", "low", "medium", "high", "critical"}
TAG = re.compile(r"^attack\.(t\d{4}(\.\d{3})?|[a-z]+(-[a-z]+)*)$")


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_rule_structure(path):
    rule = load_rule(path)
    for key in REQUIRED:
        assert key in rule, f"{path.name}: missing {key}"
    assert isinstance(rule["title"], str) and 0 < len(rule["title"]) <= 256
    assert str(uuid.UUID(rule["id"])) == rule["id"] and uuid.UUID(rule["id"]).version == 4
    assert rule["status"] in STATUSES and rule["level"] in LEVELS
    assert rule["logsource"] == {"product": "zeek", "service": "notice"}
    assert isinstance(rule["detection"]["condition"], str)
    for tag in rule.get("tags", []):
        assert TAG.match(tag), tag
    assert isinstance(rule.get("falsepositives", []), list)


def test_rule_ids_are_unique():
    ids = [load_rule(p)["id"] for p in RULE_FILES]
    assert len(ids) == len(set(ids)) == len(notice_types())
