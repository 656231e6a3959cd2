"""``dnsguard serve``: argument parsing and wiring, nothing else.

The lead's top-level CLI calls :func:`register` with its subparsers and
later ``args.func(args, config)`` with the loaded configuration dict; the
service's settings are the config's ``serve:`` section (see
:mod:`dnsguard.service.settings`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from dnsguard.service.settings import ServeSettings, SettingsError


def build_settings(config: dict[str, Any], args: argparse.Namespace) -> ServeSettings:
    section = dict(config.get("serve") or {})
    analysis = config.get("analysis") or {}
    settings = ServeSettings.from_dict(section, tuple(analysis.get("indicator_files") or ()), analysis,
                                       config.get("devices"))
    overrides: dict[str, Any] = {}
    if getattr(args, "state_dir", None):
        overrides["state_dir"] = Path(args.state_dir)
    if getattr(args, "eve", None):
        overrides["eve_files"] = tuple(Path(p) for p in args.eve)
    if getattr(args, "no_zeek", False):
        overrides["zeek"] = None
    if getattr(args, "no_suricata", False):
        overrides["suricata"] = None
    if overrides:
        settings = replace(settings, **overrides)
    return settings


def load_guard(config: dict[str, Any]):
    """The feeds' allowlist and never-list (user lists, refreshed top list):
    the service makes no verdict on a name they cover."""
    from dnsguard.feeds.allowlist import load_allowlist
    from dnsguard.feeds.settings import feeds_config

    feeds = feeds_config(config)
    return load_allowlist(list(feeds.allowlist_files), state_dir=feeds.state_dir)


def _load(config: dict[str, Any], args: argparse.Namespace):
    from dnsguard.config import band_stage
    from dnsguard.service.feeds_loader import load_index
    from dnsguard.service.scoring import default_scorer

    settings = build_settings(config, args)
    index, problems = load_index(settings.indicator_files, time.time())
    for p in problems:
        logging.getLogger("dnsguard.serve").warning("feeds: %s", p)
    return settings, default_scorer(band=band_stage(config)), index, load_guard(config)


def run(args: argparse.Namespace, config: dict[str, Any]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings, scorer, index, guard = _load(config, args)
    except (SettingsError, RuntimeError, OSError, ValueError) as exc:
        print(f"dnsguard serve: {exc}")
        return 2
    if args.check:
        print(f"configuration ok: {len(index)} indicators, {len(guard.domains)} allowlisted/never-listed names, "
              f"journal {settings.journal_path}")
        return 0

    def reload():
        # The same file the CLI read (--config, or $DNSGUARD_CONFIG as under systemd).
        from dnsguard.config import load_config

        return _load(load_config(getattr(args, "config", None)), args)

    from dnsguard.service.app import Service
    from dnsguard.service.journal import JournalBusy

    service = Service(settings, scorer, index, reload=reload, guard=guard)
    try:
        return asyncio.run(service.run())
    except (OSError, JournalBusy) as exc:
        print(f"dnsguard serve: {exc}")
        return 2


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "serve",
        help="run the verdict service for Zeek and Suricata",
        description="Score DNS from Zeek (Broker WebSocket) and Suricata (EVE) and push verdicts back.",
    )
    p.add_argument("--state-dir", help="override serve.state_dir (journal location)")
    p.add_argument("--eve", action="append", metavar="FILE", help="follow this eve.json (repeatable)")
    p.add_argument("--no-zeek", action="store_true", help="do not connect to Zeek")
    p.add_argument("--no-suricata", action="store_true", help="do not connect to Suricata's socket")
    p.add_argument("--check", action="store_true", help="validate configuration, feeds and model, then exit")
    p.set_defaults(func=run)
    return p
