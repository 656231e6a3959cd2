"""``feeds update``: fetch, check, and merge each feed, keeping the last good copy.

For every feed the sequence is: conditional download (or the last good copy
with ``--offline``) -> decompress -> parse -> validate -> health check ->
either accept (becomes the last good copy, replaces the feed's share of the
store) or quarantine (the previous copy stays in force).  Every outcome ends
with one log line saying what happened and what is in force.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from dnsguard.feeds.allowlist import POPULAR_REASONS, Allowlist
from dnsguard.feeds.decompress import DecodeError, decode_body
from dnsguard.feeds.definitions import FeedDefinition
from dnsguard.feeds.fetch import FetchError, FetchOptions, FetchResult, fetch
from dnsguard.feeds.formats import PARSERS, ParseError, parse_manifest
from dnsguard.feeds.health import Assessment, looks_like_html, quarantine_kind
from dnsguard.feeds.progress import ProgressBar
from dnsguard.feeds.state import (
    FeedState,
    read_last_good,
    read_state,
    write_last_good,
    write_quarantined,
    write_state,
)
from dnsguard.feeds.store import IndicatorStore, read_store, store_lock, write_store
from dnsguard.feeds.validate import ValidationResult, validate_records

log = logging.getLogger("dnsguard.feeds")


@dataclass(frozen=True)
class UpdateSettings:
    state_dir: Path
    store_path: Path
    fetch: FetchOptions
    allowlist: Allowlist
    offline: bool = False
    force: bool = False
    """Ignore each feed's refresh interval."""
    progress: bool = True
    accept: bool = False
    """Take a copy the health checks call abnormal (only for a feed named with
    ``--feed``): after a human checked that a feed really shrank."""


@dataclass(frozen=True)
class FeedReport:
    name: str
    status: str
    message: str
    accepted: int = 0
    rejected: int = 0


def _when(ts: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%SZ", time.gmtime(ts)) if ts else "never"


def _in_force(state: FeedState) -> str:
    if not state.last_change:
        return "no previous copy, the feed contributes nothing"
    return f"keeping the last good copy from {_when(state.last_change)} ({state.accepted} indicators)"


def _summary(result: ValidationResult) -> str:
    if not result.rejected:
        return "none rejected"
    parts = ", ".join(f"{reason}: {n}" for reason, n in result.rejected.most_common())
    return f"{result.rejected_total} rejected ({parts})"


def _popular(result: ValidationResult) -> int:
    return sum(result.rejected.get(reason, 0) for reason in POPULAR_REASONS)


def _auth_hint(definition: FeedDefinition, headers: Mapping[str, str], exc: Exception) -> str:
    """Why a feed answered 401/403: abuse.ch now wants a key for every
    download, and a bare "HTTP 401" sends the user looking in the wrong place."""
    auth = definition.auth
    if auth is None or auth.header in headers or not re.search(r"HTTP 40[13]\b", str(exc)):
        return ""
    return f" (the feed wants an {auth.header}: set ${auth.env}, see docs/feeds.md)"


def one_line(exc: BaseException) -> str:
    """An exception as one log line: a parse error says what it found; anything
    else (a parser bug a hostile feed found) is named by its type too."""
    text = " ".join(str(exc).split()) or "no message"
    return text if isinstance(exc, ParseError | FetchError | DecodeError) else f"{type(exc).__name__}: {text}"


def process_body(
    definition: FeedDefinition, body: bytes, allowlist: Allowlist, now: float
) -> ValidationResult:
    """Parse and validate one feed body (pure: no I/O)."""
    return validate_records(PARSERS[definition.format](body), definition, allowlist, now)


def _download(
    definition: FeedDefinition,
    settings: UpdateSettings,
    headers: Mapping[str, str],
    state: FeedState,
    conditional: bool,
    sleep: Callable[[float], None],
) -> FetchResult:
    options = replace(settings.fetch, max_bytes=definition.max_bytes)
    bar = ProgressBar(definition.name) if settings.progress else None
    try:
        if definition.format == "misp":
            return _download_misp(definition, options, headers, state, conditional, bar, sleep)
        result = fetch(
            definition.url, options, headers,
            etag=state.etag if conditional else "",
            last_modified=state.last_modified if conditional else "",
            progress=bar, sleep=sleep,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    if result.not_modified:
        return result
    body = decode_body(result.body, definition.max_decompressed, result.content_encoding, definition.archive_member)
    return FetchResult(200, body, result.etag, result.last_modified, result.content_type, "", result.url)


def _download_misp(definition, options, headers, state, conditional, bar, sleep) -> FetchResult:
    """Manifest, then the newest ``max_events`` events, as one JSON list."""
    base = definition.url if definition.url.endswith("/") else definition.url.rsplit("/", 1)[0] + "/"
    manifest_url = definition.url if definition.url.endswith(".json") else base + "manifest.json"
    manifest = fetch(
        manifest_url, options, headers,
        etag=state.etag if conditional else "",
        last_modified=state.last_modified if conditional else "",
        progress=bar, sleep=sleep,
    )  # fmt: skip
    if manifest.not_modified:
        return manifest
    text = decode_body(manifest.body, definition.max_decompressed, manifest.content_encoding)
    if looks_like_html(text, manifest.content_type):
        return FetchResult(200, text, content_type=manifest.content_type, url=manifest.url)
    events: list[bytes] = []
    total = 0
    for entry in parse_manifest(text)[: definition.max_events]:
        got = fetch(base + entry.uuid + ".json", options, headers, progress=bar, sleep=sleep)
        body = decode_body(got.body, definition.max_decompressed, got.content_encoding)
        total += len(body)
        if total > definition.max_decompressed:
            raise DecodeError(f"MISP events exceed the cap of {definition.max_decompressed} bytes")
        events.append(body)
    combined = b"[" + b",".join(events) + b"]"
    return FetchResult(200, combined, manifest.etag, manifest.last_modified, "application/json", "", manifest.url)


def update_feed(
    definition: FeedDefinition,
    store: IndicatorStore,
    settings: UpdateSettings,
    now: float,
    env: Mapping[str, str],
    requested: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> FeedReport:
    """Update one feed into ``store``; its state and copies are written here."""
    name = definition.name
    state = read_state(settings.state_dir, name)
    if definition.format == "internal":
        return FeedReport(name, "skipped", "internal source, filled by its producer")
    if not definition.enabled and not requested:
        return FeedReport(name, "skipped", "disabled")
    fresh = state.status in ("ok", "not-modified") and now - state.last_attempt < definition.refresh
    if fresh and not (settings.force or settings.offline or requested):
        return FeedReport(name, "skipped", f"refreshed {int((now - state.last_attempt) / 60)} min ago")

    def finish(status: str, message: str, level: int, result: ValidationResult | None = None) -> FeedReport:
        state.status, state.message, state.last_attempt = status, message, now
        write_state(settings.state_dir, state)
        log.log(level, "feed %s: %s", name, message)
        if result is None:
            return FeedReport(name, status, message, state.accepted)
        return FeedReport(name, status, message, len(result.indicators), result.rejected_total)

    last_good = read_last_good(settings.state_dir, name)
    if settings.offline:
        if last_good is None:
            return finish("error", "offline and no last good copy to use", logging.WARNING)
        try:
            result = process_body(definition, last_good, settings.allowlist, now)
        except Exception as exc:  # noqa: BLE001 - one feed's failure must not stop the others
            return finish("error", f"update aborted: {one_line(exc)} (offline, reading the last good copy)",
                          logging.ERROR)
        store.merge(result.indicators, name, replace=True)
        return finish("offline", f"offline: {len(result.indicators)} indicators from the copy of "
                      f"{_when(state.last_change)}, {_summary(result)}", logging.INFO, result)  # fmt: skip

    headers: dict[str, str] = {}
    if definition.auth is not None:
        key = env.get(definition.auth.env, "")
        if key:
            headers[definition.auth.header] = key
        elif definition.auth.required:
            return finish("error", f"${definition.auth.env} is not set (the feed needs an "
                          f"{definition.auth.header}); {_in_force(state)}", logging.ERROR)  # fmt: skip

    try:
        got = _download(definition, settings, headers, state, last_good is not None, sleep)
    except (FetchError, DecodeError, ParseError) as exc:
        return finish("error", f"update failed: {exc}{_auth_hint(definition, headers, exc)}; {_in_force(state)}",
                      logging.WARNING)  # fmt: skip

    if got.not_modified and last_good is not None:
        try:
            result = process_body(definition, last_good, settings.allowlist, now)
        except Exception as exc:  # noqa: BLE001
            return finish("error", f"update aborted: {one_line(exc)} (not modified, reading the last good copy)",
                          logging.ERROR)
        store.merge(result.indicators, name, replace=True)
        state.last_success = now
        return finish("not-modified", f"not modified since {_when(state.last_change)} "
                      f"({len(result.indicators)} indicators in force)", logging.INFO, result)  # fmt: skip

    body = got.body
    state.bytes = len(body)
    html = looks_like_html(body, got.content_type)
    try:
        result = ValidationResult() if html else process_body(definition, body, settings.allowlist, now)
        reason = Assessment(
            len(result.indicators), result.rejected_total, state.accepted or None, html,
            popular=_popular(result), previous_total=state.good_total, previous_popular=state.good_popular,
            max_growth=definition.max_growth, max_popular_share=definition.max_popular_share,
        ).quarantine_reason()  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - any parser failure quarantines this feed only
        result, reason = ValidationResult(), f"unreadable: {one_line(exc)}"
    state.rejected = dict(result.rejected)
    for reason_text, count in result.rejected.items():
        state.rejected_total[reason_text] = state.rejected_total.get(reason_text, 0) + count
    state.ignored = sum(result.ignored.values())
    if reason is not None and settings.accept and requested and result.indicators and not html:
        log.warning("feed %s: accepting a copy that would be quarantined (%s), as asked", name, reason)
        reason = None
    if reason is not None:
        write_quarantined(settings.state_dir, name, body)
        state.quarantine, state.quarantined_at = reason, now
        kind = quarantine_kind(reason)
        state.quarantines[kind] = state.quarantines.get(kind, 0) + 1
        # The store is left alone: the last good copy's indicators stay until
        # they expire (expire_after since the feed last confirmed them), as
        # after a failed download.
        return finish("quarantined", f"quarantined: {reason}; {_in_force(state)}", logging.WARNING, result)

    write_last_good(settings.state_dir, name, body)
    stats = store.merge(result.indicators, name, replace=True)
    state.etag, state.last_modified = got.etag, got.last_modified
    state.accepted, state.quarantine, state.quarantined_at = len(result.indicators), "", 0.0
    state.good_total = len(result.indicators) + result.rejected_total
    state.good_popular = _popular(result)
    state.last_success = state.last_change = now
    for reason_text, examples in result.examples.items():
        log.debug("feed %s: rejected (%s), e.g. %s", name, reason_text, ", ".join(examples))
    return finish("ok", f"{len(result.indicators)} indicators ({stats.added} new, {stats.removed} "
                  f"withdrawn), {_summary(result)}", logging.INFO, result)  # fmt: skip


def update_feeds(
    definitions: list[FeedDefinition],
    settings: UpdateSettings,
    only: str | None = None,
    now: float | None = None,
    env: Mapping[str, str] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[FeedReport]:
    """Update the chosen feeds and rewrite the store once, under its lock."""
    moment = time.time() if now is None else now
    chosen = [d for d in definitions if only is None or d.name == only]
    if only is not None and not chosen:
        raise KeyError(only)
    reports: list[FeedReport] = []
    with store_lock(settings.store_path):
        store = read_store(settings.store_path)
        for definition in chosen:
            try:
                report = update_feed(definition, store, settings, moment, os.environ if env is None else env,
                                     requested=only is not None, sleep=sleep)  # fmt: skip
            except Exception as exc:  # noqa: BLE001
                # One feed's broken last copy, a parser bug or a full disk must not stop the others.
                message = f"update aborted: {one_line(exc)}"
                log.error("feed %s: %s", definition.name, message)
                report = FeedReport(definition.name, "error", message)
            reports.append(report)
        dropped = store.drop_expired(moment)
        if dropped:
            log.info("store: %d expired indicators dropped", dropped)
        write_store(store, settings.store_path, moment)
    return reports


def reports_json(reports: list[FeedReport]) -> str:
    return json.dumps([r.__dict__ for r in reports], indent=2)
