"""``dnsguard feeds list | update | status | export``.

The lead wires :func:`register` into ``dnsguard.cli``; each sub-command's
``func(args, config) -> int`` reads only the ``feeds:`` config section.
Exit status: 0 when everything is in order, 1 on a usage or configuration
error, 2 when some feed failed or was quarantined (its last good copy stays
in force, but a human should look).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dnsguard.feeds.allowlist import (
    DEFAULT_TOP,
    TopListError,
    load_allowlist,
    refresh_top_list,
    refreshed_path,
)
from dnsguard.feeds.definitions import DefinitionError, FeedDefinition, load_definitions
from dnsguard.feeds.export import write_suricata_export, write_zeek_intel
from dnsguard.feeds.settings import FeedsConfig, FeedsConfigError, feeds_config
from dnsguard.feeds.state import read_state
from dnsguard.feeds.store import StoreError, load_indicators, read_store
from dnsguard.feeds.update import UpdateSettings, update_feeds
from dnsguard.suricata.archive import ArchiveError

log = logging.getLogger("dnsguard.feeds")


def register(subparsers: Any) -> None:
    feeds = subparsers.add_parser(
        "feeds", help="threat feeds: list, update, status, export",
        description="Fetch threat feeds into the indicator store and export them for Zeek and Suricata.",
    )  # fmt: skip
    sub = feeds.add_subparsers(dest="feeds_command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("list", help="show the feed definitions")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("update", help="fetch feeds and merge them into the store")
    p.add_argument("--offline", action="store_true", help="use the last good copies, no network")
    p.add_argument("--feed", metavar="NAME", help="update only this feed (even if disabled or fresh)")
    p.add_argument("--force", action="store_true", help="ignore refresh intervals")
    p.add_argument("--no-progress", action="store_true", help="never draw a progress bar")
    p.add_argument("--accept", action="store_true",
                   help="with --feed: take the new copy even if it would be quarantined (a real shrink)")  # fmt: skip
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("status", help="per feed: last success, age, counts, rejections, quarantine")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("allowlist", help="the allowlist of popular domains: show it, refresh it from a top list")
    al = p.add_subparsers(dest="allowlist_command", metavar="ACTION")
    al.required = True
    q = al.add_parser("refresh", help="replace the top-domain list with a current Tranco/Umbrella list (offline)",
                      description="Read a ranked top list (rank,domain CSV as Tranco and Cisco Umbrella publish it; "
                      ".zip and .gz fine) and make its first N registered domains the allowlist's top list. "
                      "Written atomically to <state_dir>/allowlist/top-domains.txt; nothing is fetched.")
    q.add_argument("--top-list", metavar="FILE", type=Path, required=True, help="the top list (rank,domain)")
    q.add_argument("--top", metavar="N", type=int, default=DEFAULT_TOP,
                   help=f"how many registered domains to take (default {DEFAULT_TOP:,})")
    q.set_defaults(func=cmd_allowlist_refresh)
    q = al.add_parser("show", help="which lists are in force, where from, how many entries")
    q.set_defaults(func=cmd_allowlist_show)

    p = sub.add_parser("export", help="write the Zeek intel file and Suricata datasets")
    p.add_argument("--zeek", metavar="DIR", type=Path, help="write DIR/dnsguard.intel")
    p.add_argument("--suricata", metavar="DIR", type=Path,
                   help="write DIR/datasets/*.lst and a suricata-update source archive")  # fmt: skip
    p.add_argument("--archive-url", default=None, help="URL the archive will be served at (index.yaml)")
    p.add_argument("--allow-empty", action="store_true",
                   help="export even when the store is missing or holds no indicators (empties the sensors' sets)")
    p.add_argument("--force", action="store_true",
                   help="export even when it holds less than half the indicators of the export it replaces")
    p.set_defaults(func=cmd_export)


def _setup_logging() -> None:
    """Log lines to stderr unless the application configured logging itself."""
    if logging.getLogger().handlers or log.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _load(config: Mapping[str, Any]) -> tuple[FeedsConfig, list[FeedDefinition]]:
    settings = feeds_config(config)
    return settings, load_definitions(list(settings.definition_dirs))


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{int(seconds)}s"
    if seconds < 7200:
        return f"{int(seconds / 60)}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _duration(seconds: int) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def cmd_list(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    try:
        _, definitions = _load(config)
    except (DefinitionError, FeedsConfigError) as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    print(f"{'NAME':<26} {'FORMAT':<15} {'ON':<3} {'THREAT':<8} {'REFRESH':<8} {'AUTH':<20} {'LICENCE':<14} URL")
    for d in definitions:
        auth = f"${d.auth.env}" if d.auth else "-"
        print(f"{d.name:<26} {d.format:<15} {'yes' if d.enabled else 'no':<3} {d.threat:<8} "
              f"{_duration(d.refresh):<8} {auth:<20} {(d.licence or '-'):<14} {d.url or '(internal)'}")  # fmt: skip
    return 0


def cmd_update(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    _setup_logging()
    try:
        settings, definitions = _load(config)
        allowlist = load_allowlist(list(settings.allowlist_files), state_dir=settings.state_dir)
    except (DefinitionError, FeedsConfigError, OSError) as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    for error in allowlist.errors:
        log.warning("allowlist: %s", error)
    update = UpdateSettings(
        state_dir=settings.state_dir,
        store_path=settings.store_path,
        fetch=settings.fetch,
        allowlist=allowlist,
        offline=args.offline,
        force=args.force,
        progress=not args.no_progress,
        accept=args.accept,
    )
    if args.accept and not args.feed:
        print("dnsguard feeds: --accept needs --feed NAME", file=sys.stderr)
        return 1
    try:
        reports = update_feeds(definitions, update, only=args.feed)
    except KeyError:
        names = ", ".join(d.name for d in definitions)
        print(f"dnsguard feeds: no feed named {args.feed!r}; known: {names}", file=sys.stderr)
        return 1
    except StoreError as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    failed = [r.name for r in reports if r.status in ("error", "quarantined")]
    if failed:
        log.warning("%d of %d feeds failed or were quarantined (%s); their last good copies stay in force",
                    len(failed), len(reports), ", ".join(failed))
        return 2
    return 0


def cmd_allowlist_refresh(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    try:
        settings = feeds_config(config)
    except FeedsConfigError as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    try:
        done = refresh_top_list(args.top_list, settings.state_dir, args.top)
    except TopListError as exc:
        print(f"dnsguard feeds allowlist: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"dnsguard feeds allowlist: cannot write: {exc}", file=sys.stderr)
        return 2
    print(f"allowlist: {done.path}: {done.names} registered domains from {done.source} "
          f"({done.rows} rows read, {done.skipped} skipped); run 'dnsguard feeds update --offline' "
          "to re-check the feeds' last good copies against it")  # fmt: skip
    return 0


def cmd_allowlist_show(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    try:
        settings = feeds_config(config)
    except FeedsConfigError as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    _print_allowlist(settings, time.time())
    return 0


def cmd_status(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    try:
        settings, definitions = _load(config)
        store = read_store(settings.store_path)
    except (DefinitionError, FeedsConfigError, StoreError) as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    now = time.time()
    counts = store.counts()
    print(f"store {settings.store_path}: {len(store)} indicators "
          f"({', '.join(f'{k} {v}' for k, v in sorted(counts['threat'].items())) or 'empty'})")  # fmt: skip
    _print_allowlist(settings, now)
    print(f"{'FEED':<26} {'STATUS':<13} {'LAST SUCCESS':<21} {'AGE':>6} {'IN STORE':>9} {'GOOD COPY':>9} {'REJECTED':>9}  NOTES")
    totals: dict[str, int] = {}
    for d in definitions:
        st = read_state(settings.state_dir, d.name)
        success = time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(st.last_success)) if st.last_success else "never"
        age = _age(now - st.last_success) if st.last_success else "-"
        rejected = sum(st.rejected.values())
        notes = []
        if not d.enabled:
            notes.append("disabled")
        if st.quarantine:
            notes.append(f"QUARANTINED: {st.quarantine}")
        elif st.status == "error":
            notes.append(st.message)
        if st.last_success and now - st.last_success > 3 * d.refresh:
            notes.append("stale")
        if rejected:
            every = sorted(st.rejected.items(), key=lambda kv: (-kv[1], kv[0]))
            notes.append("rejections: " + ", ".join(f"{r} {n}" for r, n in every))
        if st.quarantines:
            notes.append(f"quarantined {sum(st.quarantines.values())}x ("
                         + ", ".join(f"{k} {n}" for k, n in sorted(st.quarantines.items())) + ")")
        status = "internal" if d.format == "internal" else st.status
        print(f"{d.name:<26} {status:<13} {success:<21} {age:>6} {counts['source'].get(d.name, 0):>9} "
              f"{st.accepted:>9} {rejected:>9}  {'; '.join(notes)}")  # fmt: skip
        for reason, n in st.rejected_total.items():
            totals[reason] = totals.get(reason, 0) + n
    if totals:
        print("rejected since the state began: " + ", ".join(
            f"{r} {n}" for r, n in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))))  # fmt: skip
    return 0


ALLOWLIST_MAX_AGE = 90 * 86400
"""A refreshed top list older than this is reported stale (refresh monthly)."""


def _print_allowlist(settings: FeedsConfig, now: float) -> None:
    """Which allowlist and never-list are in force, from where, how old."""
    try:
        allowlist = load_allowlist(list(settings.allowlist_files), state_dir=settings.state_dir)
    except OSError as exc:
        print(f"allowlist: cannot read ({exc})")
        return
    refreshed = refreshed_path(settings.state_dir)
    for source in allowlist.sources:
        print(f"allowlist: {source}")
    if refreshed.is_file():
        age = now - refreshed.stat().st_mtime
        if age > ALLOWLIST_MAX_AGE:
            print(f"allowlist: STALE: the refreshed top list is {_age(age)} old; refresh it monthly "
                  "(dnsguard feeds allowlist refresh --top-list FILE)")  # fmt: skip
    else:
        print("allowlist: the shipped top list is from 2015/2016; refresh it from a current Tranco or Umbrella "
              "list (dnsguard feeds allowlist refresh --top-list FILE, docs/feeds.md)")


def drop_listed(indicators: list, allowlist) -> tuple[list, dict[str, int]]:
    """``indicators`` without those the allowlist or never-list covers, and how
    many went per reason.  The store may hold names accepted under an older
    allowlist (chatgpt.com before it was listed): they are never exported."""
    kept = []
    dropped: dict[str, int] = {}
    reason_of = allowlist.indicator_reason
    for ind in indicators:
        reason = reason_of(ind.value, ind.kind)
        if reason is None:
            kept.append(ind)
        else:
            dropped[reason] = dropped.get(reason, 0) + 1
    return kept, dropped


def _previous_export_size(args: argparse.Namespace, settings: FeedsConfig) -> tuple[Path, int] | None:
    """The export about to be replaced, and how many indicators it holds."""
    if args.zeek is not None:
        path = args.zeek / settings.zeek_file
        try:
            with path.open("rb") as fh:
                return path, sum(1 for line in fh if line.strip() and not line.startswith(b"#"))
        except OSError:
            pass
    if args.suricata is not None:
        datasets = args.suricata / "datasets"
        count = 0
        found = None
        for name in ("dnsguard-any.lst", "dnsguard-c2-ip.lst"):
            try:
                with (datasets / name).open("rb") as fh:
                    count += sum(1 for line in fh if line.strip())
                found = datasets / name
            except OSError:
                continue
        if found is not None:
            return found.parent, count
    return None


def _export_refusal(args: argparse.Namespace, settings: FeedsConfig, indicators: list) -> str | None:
    """Why this export must not replace the sensors' files, or None.

    Under cron a job run with another HOME (or before the first update) finds
    no store: exporting it would wipe every indicator from Zeek and Suricata
    with exit 0.  An export losing more than half of what it replaces is as
    suspicious as a feed doing so."""
    for target in (args.zeek, args.suricata):
        if target is None:
            continue
        parent = next((p for p in (target, *target.parents) if p.exists()), None)
        if parent is None or not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
            return f"{target}: not a writable directory"
    if not indicators and not args.allow_empty:
        if not settings.store_path.exists():
            return (f"no indicator store at {settings.store_path} (wrong state_dir or $DNSGUARD_STATE_DIR? "
                    "run 'dnsguard feeds update' first; --allow-empty exports nothing on purpose)")
        return (f"the store {settings.store_path} holds no indicators "
                "(--allow-empty exports nothing on purpose)")
    previous = _previous_export_size(args, settings)
    if indicators and previous is not None and not args.force:
        where, count = previous
        if len(indicators) * 2 < count:
            return (f"{len(indicators)} indicators would replace {count} in {where} "
                    "(more than half lost; --force if that is right)")
    return None


def cmd_export(args: argparse.Namespace, config: Mapping[str, Any]) -> int:
    if args.zeek is None and args.suricata is None:
        print("dnsguard feeds export: give --zeek DIR and/or --suricata DIR", file=sys.stderr)
        return 1
    try:
        settings = feeds_config(config)
        indicators = load_indicators(settings.store_path)
    except (FeedsConfigError, StoreError) as exc:
        print(f"dnsguard feeds: {exc}", file=sys.stderr)
        return 1
    try:
        allowlist = load_allowlist(list(settings.allowlist_files), state_dir=settings.state_dir)
    except OSError as exc:
        print(f"dnsguard feeds: allowlist: {exc}", file=sys.stderr)
        return 1
    indicators, dropped = drop_listed(indicators, allowlist)
    if dropped:
        print("left out (the store holds them from before the current allowlist): "
              + ", ".join(f"{reason} {n}" for reason, n in sorted(dropped.items())), file=sys.stderr)
    refusal = _export_refusal(args, settings, indicators)
    if refusal:
        print(f"dnsguard feeds export: {refusal}; nothing written", file=sys.stderr)
        return 2
    if args.zeek is not None:
        path = args.zeek / settings.zeek_file
        try:
            n = write_zeek_intel(indicators, path)
        except OSError as exc:
            # Disk full, read-only, no permission: the file in place stays whole (atomic write).
            print(f"dnsguard feeds export: cannot write {path}: {exc.strerror or exc}; the previous file is "
                  "left as it was", file=sys.stderr)
            return 2
        print(f"zeek: {path} ({n} indicators)")
    if args.suricata is not None:
        url = args.archive_url if args.archive_url is not None else settings.archive_url
        try:
            info = write_suricata_export(indicators, args.suricata, settings.rules_dir, url)
        except ArchiveError as exc:
            print(f"dnsguard feeds export: the rule archive would not install ({exc}); "
                  "Suricata files left as they were", file=sys.stderr)
            return 2
        except OSError as exc:
            print(f"dnsguard feeds export: cannot write under {args.suricata}: {exc.strerror or exc} "
                  f"({exc.filename or 'a Suricata file'}); files already replaced are complete, the others "
                  "left as they were", file=sys.stderr)
            return 2
        print(f"suricata: {args.suricata / 'datasets'} and {info.path} (md5 {info.md5}, {len(info.members)} files)")
    return 0
