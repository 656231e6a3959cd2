"""Configuration: shipped defaults, overridden by one user YAML file.

The defaults in ``dnsguard/data/default-config.yaml`` document every key.
A user file (``--config FILE`` or ``$DNSGUARD_CONFIG``) overrides any subset.
Keys inside the documented sections are checked, so a misspelt key is an
error instead of a setting that silently does nothing; sections the defaults
do not know (added by a component) are passed through for that component.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ENV_VAR = "DNSGUARD_CONFIG"


class ConfigError(ValueError):
    pass


def default_config() -> dict[str, Any]:
    text = resources.files("dnsguard").joinpath("data/default-config.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _merge(base: dict[str, Any], override: dict[str, Any], where: str, strict: bool) -> None:
    for key, value in override.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in base:
            if strict:
                raise ConfigError(f"unknown setting {path}; valid: {', '.join(sorted(base))}")
            base[key] = value
            continue
        current = base[key]
        if isinstance(current, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"{path} must be a mapping")
            # Top-level sections are checked; device lists may be extended freely.
            _merge(current, value, path, strict=where == "" and key != "devices")
        elif isinstance(current, bool) or isinstance(value, bool):
            if not isinstance(value, bool) or not isinstance(current, bool):
                raise ConfigError(f"{path} must be true or false")
            base[key] = value
        elif isinstance(current, int | float) and not isinstance(value, int | float):
            raise ConfigError(f"{path} must be a number, got {value!r}")
        elif isinstance(current, list) and not isinstance(value, list):
            raise ConfigError(f"{path} must be a list")
        elif isinstance(current, str) and not isinstance(value, str):
            raise ConfigError(f"{path} must be a string")
        else:
            base[key] = value


def load_config(path: str | Path | None = None) -> dict[str, Any]:
    """Defaults merged with ``path`` (or ``$DNSGUARD_CONFIG``, or nothing)."""
    config = copy.deepcopy(default_config())
    chosen = path or os.environ.get(ENV_VAR)
    if not chosen:
        return config
    try:
        text = Path(chosen).read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {chosen}: {exc.strerror or exc}") from None
    try:
        user = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"config {chosen} is not valid YAML: {exc}") from None
    if not isinstance(user, dict):
        raise ConfigError(f"config {chosen} must be a mapping of sections")
    _merge(config, user, "", strict=False)
    return config


def band_stage(config: dict[str, Any]) -> bool:
    """``analysis.dga_band_stage`` (default on; off for part of 2026-12-06, docs/dga-model.md):
    analyze, serve and ``dnsguard score`` read it."""
    value = config.get("analysis", {}).get("dga_band_stage", True)
    if not isinstance(value, bool):
        raise ValueError(f"analysis.dga_band_stage must be true or false, not {value!r}")
    return value


@dataclass(frozen=True)
class AnalysisSettings:
    nxdomain_window: float
    nxdomain_threshold: int
    nxdomain_unique_names: int
    tunnel_label_length: int
    tunnel_min_queries: int
    tunnel_window: float
    dga_threshold: float
    dga_min_names: int
    top_names: int
    demo_feed: bool
    indicator_files: tuple[str, ...]
    allowlist: tuple[str, ...]
    devices: dict[str, tuple[str, ...]]
    device_min_names: int = 2
    channel_window: float = 600.0
    channel_min_names: int = 8
    channel_min_per_domain: int = 3
    rotation_window: float = 600.0
    rotation_min_domains: int = 4
    beacon_window: float = 3600.0
    beacon_min_rounds: int = 4
    beacon_round_gap: float = 30.0
    dga_band_stage: bool = True
    """Use the scorer's band stage (``dnsguard.dga.charnet``; on by default)."""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> AnalysisSettings:
        a = config["analysis"]
        return cls(
            nxdomain_window=float(a["nxdomain_window"]),
            nxdomain_threshold=int(a["nxdomain_threshold"]),
            nxdomain_unique_names=int(a["nxdomain_unique_names"]),
            tunnel_label_length=int(a["tunnel_label_length"]),
            tunnel_min_queries=int(a["tunnel_min_queries"]),
            tunnel_window=float(a["tunnel_window"]),
            dga_threshold=float(a["dga_threshold"]),
            dga_min_names=int(a["dga_min_names"]),
            dga_band_stage=band_stage(config),
            top_names=int(a["top_names"]),
            demo_feed=bool(a["demo_feed"]),
            indicator_files=tuple(a["indicator_files"]),
            allowlist=tuple(a["allowlist"]),
            devices={k: tuple(v) for k, v in config.get("devices", {}).items() if k != "min_names"},
            device_min_names=int(config.get("devices", {}).get("min_names", 2)),
            channel_window=float(a.get("channel_window", cls.channel_window)),
            channel_min_names=int(a.get("channel_min_names", cls.channel_min_names)),
            channel_min_per_domain=int(a.get("channel_min_per_domain", cls.channel_min_per_domain)),
            rotation_window=float(a.get("rotation_window", cls.rotation_window)),
            rotation_min_domains=int(a.get("rotation_min_domains", cls.rotation_min_domains)),
            beacon_window=float(a.get("beacon_window", cls.beacon_window)),
            beacon_min_rounds=int(a.get("beacon_min_rounds", cls.beacon_min_rounds)),
            beacon_round_gap=float(a.get("beacon_round_gap", cls.beacon_round_gap)),
        )
