"""The ``feeds:`` section of the dnsguard configuration.

Every key is optional; ``{}`` (or no section at all) gives working
defaults.  Documented in docs/feeds.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnsguard import paths
from dnsguard.feeds.fetch import FetchOptions

STORE_FILE = "indicators.msgpack"
ZEEK_FILE = "dnsguard.intel"


class FeedsConfigError(ValueError):
    pass


@dataclass(frozen=True)
class FeedsConfig:
    state_dir: Path
    store_path: Path
    definition_dirs: tuple[Path, ...]
    allowlist_files: tuple[Path, ...]
    fetch: FetchOptions
    archive_url: str = ""
    zeek_file: str = ZEEK_FILE
    rules_dir: Path | None = None


_DEFAULTS: dict[str, Any] = {
    "state_dir": "",
    "store": "",
    "definitions": [],
    "shipped_definitions": True,
    "allowlist": [],
    "ca_file": "",
    "connect_timeout": 10,
    "read_timeout": 30,
    "total_timeout": 600,
    "retries": 2,
    "backoff": 2,
    "archive_url": "",
    "zeek_file": ZEEK_FILE,
    "rules_dir": "",
}


def _pack_dir(name: str) -> Path | None:
    try:
        found = paths.pack_root() / name
    except paths.PackNotFound:
        return None
    return found if found.exists() else None


def feeds_config(config: Mapping[str, Any] | None) -> FeedsConfig:
    """Read ``config["feeds"]`` (any subset of the keys in docs/feeds.md)."""
    section = dict((config or {}).get("feeds") or {})
    unknown = sorted(set(section) - set(_DEFAULTS))
    if unknown:
        raise FeedsConfigError(f"unknown setting(s) feeds.{', feeds.'.join(unknown)}; valid: {', '.join(_DEFAULTS)}")
    s = {**_DEFAULTS, **section}
    for key in ("definitions", "allowlist"):
        if isinstance(s[key], str):
            s[key] = [s[key]] if s[key] else []
        if not isinstance(s[key], list):
            raise FeedsConfigError(f"feeds.{key} must be a list of paths")
    for key in ("connect_timeout", "read_timeout", "total_timeout", "backoff", "retries"):
        if isinstance(s[key], bool) or not isinstance(s[key], int | float) or s[key] < 0:
            raise FeedsConfigError(f"feeds.{key} must be a non-negative number")
    state_dir = Path(s["state_dir"]).expanduser() if s["state_dir"] else paths.state_dir()
    store = Path(s["store"]).expanduser() if s["store"] else state_dir / STORE_FILE
    if not isinstance(s["shipped_definitions"], bool):
        raise FeedsConfigError("feeds.shipped_definitions must be true or false")
    shipped = _pack_dir("feeds")
    use_shipped = shipped is not None and s["shipped_definitions"]
    definition_dirs = ((shipped,) if use_shipped else ()) + tuple(Path(p).expanduser() for p in s["definitions"])
    site_allowlist = shipped / "allowlist.txt" if shipped and (shipped / "allowlist.txt").is_file() else None
    allowlist = ((site_allowlist,) if site_allowlist else ()) + tuple(Path(p).expanduser() for p in s["allowlist"])
    rules_dir = Path(s["rules_dir"]).expanduser() if s["rules_dir"] else _pack_dir("suricata-rules")
    return FeedsConfig(
        state_dir=state_dir,
        store_path=store,
        definition_dirs=definition_dirs,
        allowlist_files=allowlist,
        fetch=FetchOptions(
            connect_timeout=float(s["connect_timeout"]),
            read_timeout=float(s["read_timeout"]),
            total_timeout=float(s["total_timeout"]),
            retries=int(s["retries"]),
            backoff=float(s["backoff"]),
            ca_file=str(Path(s["ca_file"]).expanduser()) if s["ca_file"] else None,
        ),
        archive_url=str(s["archive_url"]),
        zeek_file=str(s["zeek_file"]),
        rules_dir=rules_dir,
    )
