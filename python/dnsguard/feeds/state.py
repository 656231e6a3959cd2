"""Per-feed bookkeeping under the state directory.

``<state>/feeds/<name>/`` holds ``state.json`` (what happened last, for
``status`` and conditional requests), ``last-good`` (the body of the last
copy that passed the health checks: ``--offline`` and quarantine fall
back to it) and ``quarantined`` (the rejected body, kept for a human).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from dnsguard.atomic import write_atomic

STATUSES = ("never", "ok", "not-modified", "offline", "quarantined", "error", "skipped")


@dataclass
class FeedState:
    name: str
    status: str = "never"
    message: str = ""
    last_attempt: float = 0.0
    last_success: float = 0.0
    """Last time the feed was confirmed good (a new copy accepted, or 304)."""
    last_change: float = 0.0
    """Last time a new copy was accepted."""
    etag: str = ""
    last_modified: str = ""
    accepted: int = 0
    """Indicators in the last good copy."""
    rejected: dict[str, int] = field(default_factory=dict)
    """Rejections by reason in the last copy processed (good or quarantined)."""
    ignored: int = 0
    quarantine: str = ""
    """Why the latest copy was quarantined; empty when the latest copy is in force."""
    quarantined_at: float = 0.0
    bytes: int = 0
    good_total: int = 0
    """Entries (accepted + rejected) of the last good copy."""
    good_popular: int = 0
    """Entries of the last good copy rejected as allowlisted or never-listed."""
    quarantines: dict[str, int] = field(default_factory=dict)
    """Quarantined copies since the state was created, by rule (html, empty,
    rejected, shrank, grew, popular, unreadable)."""
    rejected_total: dict[str, int] = field(default_factory=dict)
    """Rejected entries by reason, summed over every copy processed."""


def feed_dir(state_dir: Path, name: str) -> Path:
    return state_dir / "feeds" / name


def read_state(state_dir: Path, name: str) -> FeedState:
    path = feed_dir(state_dir, name) / "state.json"
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return FeedState(name)
    if not isinstance(raw, dict):
        return FeedState(name)
    known = {f.name for f in fields(FeedState)}
    return FeedState(**{k: v for k, v in raw.items() if k in known} | {"name": name})


def write_state(state_dir: Path, state: FeedState) -> None:
    path = feed_dir(state_dir, state.name) / "state.json"
    write_atomic(path, json.dumps(asdict(state), indent=2, sort_keys=True).encode() + b"\n")


def read_last_good(state_dir: Path, name: str) -> bytes | None:
    try:
        return (feed_dir(state_dir, name) / "last-good").read_bytes()
    except FileNotFoundError:
        return None


def write_last_good(state_dir: Path, name: str, body: bytes) -> None:
    write_atomic(feed_dir(state_dir, name) / "last-good", body)


def write_quarantined(state_dir: Path, name: str, body: bytes) -> None:
    write_atomic(feed_dir(state_dir, name) / "quarantined", body)
