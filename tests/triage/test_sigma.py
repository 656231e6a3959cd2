"""The Sigma rules in sigma/: well-formed, and exactly one per DNSGuard notice type."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
import yaml

SIGMA = Path(__file__).resolve().parents[2] / "sigma"
REQUIRED = ("title", "id", "status", "logsource", "detection", "level")
STATUSES = {"stable", "test", "experimental", "deprecated", "unsupported"}
LEVELS = {"informational", "low", "medium", "high", "critical"}
TAG = re.compile(r"^attack\.(t\d{4}(\.\d{3})?|[a-z]+(-[a-z]+)*)$")


def notice_types(repo) -> list[str]:
    """The Notice::Type names the Zeek package declares (zeek-scripts/main.zeek)."""
    text = (repo / "zeek-scripts" / "main.zeek").read_text()
    block = re.search(r"redef enum Notice::Type \+= \{(.*?)\};", text, re.S).group(1)
    code = "\n".join(line for line in block.splitlines() if not line.strip().startswith("##"))
    return re.findall(r"\b([A-Z][A-Za-z_]+)\s*,", code)


def rules(repo):
    return {p.name: yaml.safe_load(p.read_text()) for p in sorted((repo / "sigma").glob("*.yml"))}


def test_notice_types_are_found(repo):
    assert {"Intel_Domain", "NXDOMAIN_Burst", "Fast_Flux", "Host_Verdict"} <= set(notice_types(repo))


def test_one_rule_per_notice_type(repo):
    notes = []
    for rule in rules(repo).values():
        for name, selection in rule["detection"].items():
            if name != "condition" and isinstance(selection, dict) and "note" in selection:
                notes.append(selection["note"])
    assert sorted(notes) == sorted(f"DNSGuard::{n}" for n in notice_types(repo))


@pytest.mark.parametrize("name", sorted(p.name for p in SIGMA.glob("*.yml")))
def test_rule_structure(repo, name):
    rule = rules(repo)[name]
    for key in REQUIRED:
        assert key in rule, f"{name}: missing {key}"
    assert isinstance(rule["title"], str) and 0 < len(rule["title"]) <= 256
    assert str(uuid.UUID(rule["id"])) == rule["id"] and uuid.UUID(rule["id"]).version == 4
    assert rule["status"] in STATUSES and rule["level"] in LEVELS
    assert rule["logsource"] == {"product": "zeek", "service": "notice"}
    detection = rule["detection"]
    condition = detection["condition"]
    assert isinstance(condition, str)
    identifiers = set(detection) - {"condition"}
    assert identifiers and set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", condition)) - {"and", "or", "not", "of", "all",
                                                                                     "them"} <= identifiers
    for tag in rule.get("tags", []):
        assert TAG.match(tag), tag
    assert isinstance(rule.get("falsepositives", []), list)


def test_rule_ids_are_unique(repo):
    ids = [r["id"] for r in rules(repo).values()]
    assert len(ids) == len(set(ids)) == len(notice_types(repo))
