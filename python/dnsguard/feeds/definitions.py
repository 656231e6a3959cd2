"""Feed definitions: YAML files that say where a feed is and how to read it.

Definitions are data, not code, so a user adds a feed (or disables one)
without touching Python.  Parsing is strict: an unknown key, a bad duration
or an unknown format is an error naming the file and the key, because a
silently ignored typo means a feed that never updates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

THREAT_TYPES = ("c2", "iab", "botnet", "dga", "phishing")
KINDS = ("domain", "ipv4", "ipv6")
FORMATS = (
    "threatfox-csv",
    "threatfox-json",
    "urlhaus-csv",
    "feodo-csv",
    "feodo-json",
    "plain",
    "hosts",
    "misp",
    "stix",
    "zeek-intel",
    "internal",
)
"""``internal`` feeds are filled through the store API (the DGA forecast)."""

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw]?)\s*$")
_DURATION_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?i?b?)\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


class DefinitionError(ValueError):
    """A definition file that cannot be used; the message names file and key."""


@dataclass(frozen=True)
class Auth:
    header: str
    """HTTP header carrying the key (``Auth-Key`` for abuse.ch)."""
    env: str
    """Environment variable holding the key: secrets never live in YAML."""
    required: bool = False
    """When true and the variable is unset the feed is skipped with an error."""


@dataclass(frozen=True)
class FeedDefinition:
    name: str
    format: str
    url: str = ""
    description: str = ""
    auth: Auth | None = None
    refresh: int = 3600
    """Seconds between updates; ``update`` skips a feed refreshed more recently
    unless asked for by name."""
    confidence: int = 50
    min_confidence: int = 0
    threat: str = "c2"
    threat_map: Mapping[str, str] = field(default_factory=dict)
    """Feed's threat label (ThreatFox ``threat_type``...) -> our threat type."""
    family: str = "unknown"
    family_map: Mapping[str, str] = field(default_factory=dict)
    """Feed's spelling (lower case) -> ours."""
    family_threat: Mapping[str, str] = field(default_factory=dict)
    """Family (lower case) -> threat type, e.g. ``mirai: botnet``."""
    kinds: tuple[str, ...] = KINDS
    expire_after: int = 7 * 86400
    max_bytes: int = 64 << 20
    max_decompressed: int = 256 << 20
    archive_member: str = ""
    max_events: int = 500
    max_growth: float = 2.0
    """Quarantine a copy with more than this many times the last good copy's
    indicators (and at least 50 more); 0 turns the check off."""
    max_popular_share: float = 0.2
    """Quarantine a copy whose share of allowlisted / never-listed entries is
    above this and twice the last good copy's; 1 turns the check off."""
    licence: str = ""
    enabled: bool = True
    origin: str = ""
    """The file the definition came from (for messages)."""


_KEYS = {
    "name", "format", "url", "description", "auth", "refresh", "confidence",
    "min_confidence", "threat", "threat_map", "family", "family_map",
    "family_threat", "kinds", "expire_after", "max_bytes", "max_decompressed",
    "archive_member", "max_events", "licence", "license", "enabled", "max_growth", "max_popular_share",
}  # fmt: skip


def parse_duration(value: Any, where: str) -> int:
    """``90``, ``"30m"``, ``"6h"``, ``"7d"``, ``"2w"`` -> seconds."""
    if isinstance(value, bool):
        raise DefinitionError(f"{where}: expected a duration like 6h or 7d, got {value!r}")
    if isinstance(value, int) and value > 0:
        return value
    match = _DURATION.match(str(value))
    if not match or int(match.group(1)) <= 0:
        raise DefinitionError(f"{where}: expected a duration like 6h or 7d, got {value!r}")
    return int(match.group(1)) * _DURATION_UNITS[match.group(2)]


def parse_size(value: Any, where: str) -> int:
    """``1048576``, ``"64MB"``, ``"512k"`` -> bytes."""
    if isinstance(value, bool):
        raise DefinitionError(f"{where}: expected a size like 64MB, got {value!r}")
    if isinstance(value, int) and value > 0:
        return value
    match = _SIZE.match(str(value))
    if not match or int(match.group(1)) <= 0:
        raise DefinitionError(f"{where}: expected a size like 64MB, got {value!r}")
    return int(match.group(1)) * _SIZE_UNITS[match.group(2)[:1].lower()]


def _threat(value: Any, where: str) -> str:
    if value not in THREAT_TYPES:
        raise DefinitionError(f"{where}: threat must be one of {', '.join(THREAT_TYPES)}, got {value!r}")
    return str(value)


def _str_map(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise DefinitionError(f"{where}: expected a mapping")
    return {str(k).strip().lower(): str(v).strip() for k, v in value.items()}


def _percent(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise DefinitionError(f"{where}: expected an integer 0-100, got {value!r}")
    return value


def parse_definition(raw: Mapping[str, Any], origin: str = "<definition>") -> FeedDefinition:
    """Check one definition mapping and build the dataclass."""
    if not isinstance(raw, Mapping):
        raise DefinitionError(f"{origin}: a feed definition must be a mapping")
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise DefinitionError(f"{origin}: unknown key(s) {', '.join(map(str, unknown))}")
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise DefinitionError(f"{origin}: name must be lower-case letters, digits, . _ - (got {name!r})")
    where = f"{origin}: feed {name}"
    fmt = raw.get("format")
    if fmt not in FORMATS:
        raise DefinitionError(f"{where}: format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    url = raw.get("url", "")
    if fmt != "internal" and (not isinstance(url, str) or not re.match(r"^(https?|file)://", url)):
        raise DefinitionError(f"{where}: url must start with https://, http:// or file://")
    auth = None
    if raw.get("auth") is not None:
        a = raw["auth"]
        if not isinstance(a, Mapping) or not a.get("header") or not a.get("env"):
            raise DefinitionError(f"{where}: auth needs header and env")
        auth = Auth(str(a["header"]), str(a["env"]), bool(a.get("required", False)))
    kinds = tuple(raw.get("kinds", KINDS))
    if not kinds or any(k not in KINDS for k in kinds):
        raise DefinitionError(f"{where}: kinds must be a list of {', '.join(KINDS)}")
    family_threat = _str_map(raw.get("family_threat"), f"{where}.family_threat")
    for fam, threat in family_threat.items():
        _threat(threat, f"{where}.family_threat.{fam}")
    threat_map = _str_map(raw.get("threat_map"), f"{where}.threat_map")
    for label, threat in threat_map.items():
        _threat(threat, f"{where}.threat_map.{label}")
    max_events = raw.get("max_events", 500)
    if isinstance(max_events, bool) or not isinstance(max_events, int) or max_events <= 0:
        raise DefinitionError(f"{where}: max_events must be a positive integer")
    max_growth = raw.get("max_growth", 2.0)
    if isinstance(max_growth, bool) or not isinstance(max_growth, int | float) or not (
            max_growth == 0 or 1 <= max_growth < float("inf")):
        raise DefinitionError(f"{where}: max_growth must be 0 (off) or a number of at least 1")
    share = raw.get("max_popular_share", 0.2)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise DefinitionError(f"{where}: max_popular_share must be a fraction between 0 and 1")
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        raise DefinitionError(f"{where}: enabled must be true or false")
    return FeedDefinition(
        name=name,
        format=fmt,
        url=url or "",
        description=str(raw.get("description", "")).strip(),
        auth=auth,
        refresh=parse_duration(raw.get("refresh", "1h"), f"{where}.refresh"),
        confidence=_percent(raw.get("confidence", 50), f"{where}.confidence"),
        min_confidence=_percent(raw.get("min_confidence", 0), f"{where}.min_confidence"),
        threat=_threat(raw.get("threat", "c2"), f"{where}.threat"),
        threat_map=threat_map,
        family=str(raw.get("family", "unknown")),
        family_map=_str_map(raw.get("family_map"), f"{where}.family_map"),
        family_threat=family_threat,
        kinds=kinds,
        expire_after=parse_duration(raw.get("expire_after", "7d"), f"{where}.expire_after"),
        max_bytes=parse_size(raw.get("max_bytes", "64MB"), f"{where}.max_bytes"),
        max_decompressed=parse_size(raw.get("max_decompressed", "256MB"), f"{where}.max_decompressed"),
        archive_member=str(raw.get("archive_member", "")),
        max_events=max_events,
        max_growth=float(max_growth),
        max_popular_share=float(share),
        licence=str(raw.get("licence", raw.get("license", ""))),
        enabled=enabled,
        origin=origin,
    )


def parse_definitions_text(text: str, origin: str) -> list[FeedDefinition]:
    """A YAML document holding one definition, or ``feeds: [...]``."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{origin}: not valid YAML: {exc}") from None
    if isinstance(doc, Mapping) and "feeds" in doc:
        items = doc["feeds"]
        if not isinstance(items, list):
            raise DefinitionError(f"{origin}: feeds must be a list")
        return [parse_definition(item, origin) for item in items]
    return [parse_definition(doc, origin)]


def load_definitions(directories: list[Path]) -> list[FeedDefinition]:
    """Every ``*.yaml``/``*.yml`` in ``directories``; a later directory's feed
    of the same name replaces an earlier one (site overrides shipped)."""
    by_name: dict[str, FeedDefinition] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
            for definition in parse_definitions_text(path.read_text("utf-8"), str(path)):
                by_name[definition.name] = definition
    return sorted(by_name.values(), key=lambda d: d.name)
