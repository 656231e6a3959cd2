"""The ``serve:`` configuration section: keys, defaults, checks.

Every key and its default is in :data:`DEFAULTS` (and documented in
docs/service.md and deploy/serve.example.yaml).  The section is a plain
dict, merged over the defaults; an unknown key is an error so a typo never
silently does nothing.  Reload (SIGHUP) applies thresholds, feeds and the
model; endpoints and paths need a restart.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dnsguard.service.channels import ChannelSettings
from dnsguard.service.decide import DecideSettings
from dnsguard.service.hosts import FAMILY_MARGIN, HostSettings
from dnsguard.service.suricata_link import SuricataSettings
from dnsguard.service.zeek_link import ZeekSettings

DEFAULTS: dict[str, Any] = {
    "zeek": {
        "enabled": True,
        "url": "ws://127.0.0.1:25353/v1/messages/json",
        "candidate_topic": "dnsguard/candidates",
        "verdict_topic": "dnsguard/verdicts",
        "tls_ca": "",
        "tls_cert": "",
        "tls_key": "",
    },
    "suricata": {
        "enabled": True,
        "socket": "/var/run/suricata/suricata-command.socket",
        "dataset": "dnsguard-verdict",
        "probe_interval": 2.0,
        "state_file": "",
    },
    "eve": {
        "files": [],
        "from_end": True,
        "socket": "",
        "socket_users": [],
        "poll_interval": 0.2,
        "max_line": 1 << 20,
    },
    "state_dir": "/var/lib/dnsguard",
    "verdict_log": "/var/log/dnsguard/verdicts.json",
    "metrics": {"enabled": True, "host": "127.0.0.1", "port": 9790},
    "indicator_files": [],
    "queue_size": 100_000,
    "outbox_size": 10_000,
    "batch_size": 2_048,
    "linger": 0.002,
    "verdict_threshold": 0.9,
    "host_threshold": 0.5,
    "verdict_ttl": 86_400,
    "benign_ttl": 3_600,
    "cache_entries": 300_000,
    "journal_max_live": 100_000,
    "host_verdict_ttl": 86_400,
    "hosts": {"window": 600, "min_names": 5, "cooldown": 3_600, "max_hosts": 20_000, "max_names": 32,
              "family_margin": FAMILY_MARGIN},
    "drain_timeout": 10.0,
    "backoff": {"base": 0.25, "cap": 30.0},
    "channels": True,
}


class SettingsError(ValueError):
    pass


def merged(section: dict[str, Any] | None) -> dict[str, Any]:
    """Defaults overlaid with ``section``; unknown keys and wrong types raise."""
    out = copy.deepcopy(DEFAULTS)
    _overlay(out, section or {}, "serve")
    return out


def _overlay(base: dict[str, Any], over: dict[str, Any], where: str) -> None:
    if not isinstance(over, dict):
        raise SettingsError(f"{where} must be a mapping")
    for key, value in over.items():
        path = f"{where}.{key}"
        if key not in base:
            raise SettingsError(f"unknown setting {path}; valid: {', '.join(sorted(base))}")
        current = base[key]
        if isinstance(current, dict):
            _overlay(current, value, path)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise SettingsError(f"{path} must be true or false")
            base[key] = value
        elif isinstance(current, int | float):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SettingsError(f"{path} must be a number")
            base[key] = type(current)(value) if isinstance(current, float) else value
        elif isinstance(current, list):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{path} must be a list of strings")
            base[key] = list(value)
        else:
            if not isinstance(value, str):
                raise SettingsError(f"{path} must be a string")
            base[key] = value


def user_ids(users: list[Any]) -> tuple[int, ...]:
    """User names or numeric ids (``eve.socket_users``) as uids."""
    import pwd

    out = []
    for user in users:
        if isinstance(user, int) or str(user).isdigit():
            out.append(int(user))
            continue
        try:
            out.append(pwd.getpwnam(str(user)).pw_uid)
        except KeyError:
            raise SettingsError(f"serve.eve.socket_users: no such user {user!r}") from None
    return tuple(out)


@dataclass(frozen=True)
class ServeSettings:
    raw: dict[str, Any]
    zeek: ZeekSettings | None
    suricata: SuricataSettings | None
    eve_files: tuple[Path, ...]
    eve_from_end: bool
    eve_socket: Path | None
    eve_socket_uids: tuple[int, ...]
    eve_poll: float
    max_line: int
    state_dir: Path
    verdict_log: Path | None
    metrics: tuple[str, int] | None
    indicator_files: tuple[Path, ...]
    queue_size: int
    outbox_size: int
    batch_size: int
    linger: float
    decide: DecideSettings
    journal_max_live: int
    host_verdict_ttl: float
    drain_timeout: float

    @classmethod
    def from_dict(cls, section: dict[str, Any] | None, extra_indicator_files: tuple[str, ...] = (),
                  analysis: dict[str, Any] | None = None, devices: dict[str, Any] | None = None) -> ServeSettings:
        """``analysis``: the config's ``analysis:`` section, whose channel and
        rotation thresholds (detections.yaml) the service's tunnel and DNS-C2
        detections use, as ``dnsguard analyze`` does; ``devices``: the
        config's ``devices:`` section (NAS vendors' service names)."""
        s = merged(section)
        back = s["backoff"]
        for key in ("queue_size", "outbox_size", "batch_size", "cache_entries", "journal_max_live"):
            if s[key] < 1:
                raise SettingsError(f"serve.{key} must be at least 1")
        if not 0 <= s["host_threshold"] <= 1 or not 0 <= s["verdict_threshold"] <= 1:
            raise SettingsError("serve thresholds must be within 0..1")
        if not 0 <= s["hosts"]["family_margin"] <= 50:
            raise SettingsError("serve.hosts.family_margin must be within 0..50 (nats per name)")
        z, su, e, m, h = s["zeek"], s["suricata"], s["eve"], s["metrics"], s["hosts"]
        if z["enabled"]:
            if not str(z["url"]).startswith(("ws://", "wss://")):
                raise SettingsError(f"serve.zeek.url must start with ws:// or wss://, not {z['url']!r}")
            for key in ("tls_ca", "tls_cert", "tls_key"):
                if z[key] and not Path(z[key]).is_file():
                    raise SettingsError(f"serve.zeek.{key}: no such file {z[key]}")
            if z["tls_key"] and not z["tls_cert"]:
                raise SettingsError("serve.zeek.tls_key needs serve.zeek.tls_cert")
            if z["tls_cert"]:
                from dnsguard.service.zeek_link import tls_context

                try:
                    tls_context("wss://x", z["tls_ca"], z["tls_cert"], z["tls_key"])
                except (OSError, ValueError) as exc:  # ssl.SSLError is an OSError
                    raise SettingsError(f"serve.zeek.tls_cert/tls_key: not a usable certificate and key "
                                        f"({getattr(exc, 'reason', None) or exc})") from None
        return cls(
            raw=s,
            zeek=ZeekSettings(z["url"], z["candidate_topic"], z["verdict_topic"],
                              backoff_base=back["base"], backoff_cap=back["cap"],
                              tls_ca=str(z["tls_ca"]), tls_cert=str(z["tls_cert"]),
                              tls_key=str(z["tls_key"])) if z["enabled"] else None,
            suricata=SuricataSettings(su["socket"], su["dataset"], probe_interval=su["probe_interval"],
                                      backoff_base=back["base"], backoff_cap=back["cap"],
                                      state_file=str(su["state_file"])) if su["enabled"] else None,
            eve_files=tuple(Path(p) for p in e["files"]),
            eve_from_end=e["from_end"],
            eve_socket=Path(e["socket"]) if e["socket"] else None,
            eve_socket_uids=user_ids(e["socket_users"]),
            eve_poll=e["poll_interval"],
            max_line=int(e["max_line"]),
            state_dir=Path(s["state_dir"]),
            verdict_log=Path(s["verdict_log"]) if s["verdict_log"] else None,
            metrics=(m["host"], int(m["port"])) if m["enabled"] else None,
            indicator_files=tuple(Path(p) for p in (*extra_indicator_files, *s["indicator_files"])),
            queue_size=int(s["queue_size"]),
            outbox_size=int(s["outbox_size"]),
            batch_size=int(s["batch_size"]),
            linger=float(s["linger"]),
            decide=DecideSettings(
                verdict_threshold=s["verdict_threshold"],
                host_threshold=s["host_threshold"],
                verdict_ttl=int(s["verdict_ttl"]),
                benign_ttl=float(s["benign_ttl"]),
                cache_entries=int(s["cache_entries"]),
                channels=ChannelSettings.from_section(analysis or {}) if s["channels"] else None,
                devices={k: tuple(v) for k, v in (devices or {}).items() if k != "min_names"},
                device_min_names=int((devices or {}).get("min_names", 2)),
                hosts=HostSettings(
                    window=float(h["window"]), min_names=int(h["min_names"]), cooldown=float(h["cooldown"]),
                    max_hosts=int(h["max_hosts"]), max_names=int(h["max_names"]),
                    family_margin=float(h["family_margin"]),
                ),
            ),
            journal_max_live=int(s["journal_max_live"]),
            host_verdict_ttl=float(s["host_verdict_ttl"]),
            drain_timeout=float(s["drain_timeout"]),
        )

    @property
    def journal_path(self) -> Path:
        return self.state_dir / "verdicts.journal"

    @property
    def control_socket(self) -> Path:
        """Where ``dnsguard verdicts`` reaches the running service."""
        return self.state_dir / "control.sock"
