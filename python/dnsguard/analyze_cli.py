"""``dnsguard analyze [PATH]``: per-host verdicts for a pcap or a log."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import sys
from importlib import resources
from itertools import compress
from operator import attrgetter, not_
from pathlib import Path

from dnsguard.analyze import Analysis, run_analysis
from dnsguard.atomic import write_atomic
from dnsguard.config import AnalysisSettings
from dnsguard.detect.fastflux import FluxSettings
from dnsguard.dga.families.base import GeneratorError
from dnsguard.feeds.fastbuild import make_indicator
from dnsguard.feeds.gcpause import gc_paused
from dnsguard.feeds.indicators import KINDS, Indicator, IndicatorIndex, read_indicator_csv
from dnsguard.feeds.settings import FeedsConfigError, feeds_config
from dnsguard.feeds.store import StoreError
from dnsguard.feeds.store import load_indicators as load_store
from dnsguard.inputs import InputError, read_path
from dnsguard.inputs.progress import Progress
from dnsguard.paths import PackNotFound
from dnsguard.records import InputStats
from dnsguard.report import render_text, write_json_atomic
from dnsguard.report_html import render_html

SAMPLE = "data/sample.pcap"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse a pcap, Zeek logs, Suricata eve.json or a directory of them",
                       description="Per-host verdicts: which family, which evidence, how sure, what next. "
                       "With no PATH, analyses the bundled sample capture (`dnsguard report PATH` is "
                       "this command with PATH required).")
    p.add_argument("path", nargs="?", help=PATH_HELP)
    add_output_arguments(p)
    p.set_defaults(func=run)


PATH_HELP = ("pcap, Zeek dns/notice/intel log (TSV/JSON, .gz ok), Suricata eve.json, "
             "or a directory of them (a sensor's log archive)")


def add_output_arguments(p: argparse.ArgumentParser) -> None:
    """Options shared by ``analyze`` and ``report``."""
    p.add_argument("--json", metavar="FILE", help="also write the full result as JSON")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report with plots")
    p.add_argument("--all", action="store_true", help="list clean hosts too")
    p.add_argument("--no-forecast", action="store_true", help="skip known-DGA forecast matching")
    p.add_argument("--since", metavar="TIME", type=parse_time,
                   help="only records at or after TIME (ISO 8601 such as 2026-11-16T08:30Z, or epoch "
                   "seconds; no zone means UTC)")
    p.add_argument("--until", metavar="TIME", type=parse_time,
                   help="only records before TIME (same forms as --since; a date alone is its midnight UTC)")


def parse_time(text: str) -> float:
    """Epoch seconds from epoch seconds or ISO 8601 (a time without a zone is UTC)."""
    text = text.strip()
    try:
        value = float(text)
    except ValueError:
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is neither ISO 8601 (2026-11-16T08:30:00Z) nor epoch seconds") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        value = when.timestamp()
    if not math.isfinite(value) or not 0 <= value < 4_102_444_800:  # 1970 .. 2100, as plausible_ts
        raise argparse.ArgumentTypeError(f"{text!r} is outside 1970-2100")
    return value


def family_margin(config: dict) -> float:
    """The host-family abstain margin, shared with the service (``serve.hosts.family_margin``)."""
    from dnsguard.hostfamily import FAMILY_MARGIN

    hosts = (config.get("serve") or {}).get("hosts") or {}
    try:
        value = float(hosts.get("family_margin", FAMILY_MARGIN))
    except (TypeError, ValueError):
        return FAMILY_MARGIN
    return value if 0 <= value <= 50 else FAMILY_MARGIN


def load_indicators(settings: AnalysisSettings) -> tuple[list[Indicator], list[str]]:
    """Bundled demo feed plus the user's indicator files; errors are per line."""
    indicators: list[Indicator] = []
    problems: list[str] = []
    if settings.demo_feed:
        text = resources.files("dnsguard").joinpath("data/demo-feed.csv").read_text("utf-8")
        good, bad = read_indicator_csv(text, "demo")
        indicators += good
        problems += bad
    for name in settings.indicator_files:
        try:
            text = Path(name).read_text("utf-8")
        except OSError as exc:
            problems.append(f"{name}: cannot read ({exc.strerror})")
            continue
        good, bad = read_indicator_csv(text, Path(name).name)
        indicators += good
        problems += bad
    return indicators, problems


def load_feed_store(config: dict) -> tuple[list[Indicator], str | None]:
    """The threat-feed indicators ``dnsguard feeds update`` merged into the store.

    The store's share of the known-DGA forecast (source ``dga-forecast``) is
    left out: analyze computes the forecast itself for the days its input
    covers (the store holds the window of the last ``dnsguard dga
    forecast`` run, and ``--no-forecast`` must mean no forecast).  A name
    another source lists too is kept, credited to that source only.

    Returns the indicators and a one-line problem, or None.  No store yet
    (feeds never fetched) is no problem; a store that cannot be read or
    decoded, or a bad ``feeds:`` section, costs the store's indicators only.
    """
    from dnsguard.dga.forecast import FORECAST_SOURCE

    try:
        path = feeds_config(config).store_path
    except FeedsConfigError as exc:
        return [], f"threat-feed store not read: {exc}"
    try:
        stored = load_store(path)
    except StoreError as exc:
        return [], f"threat-feed store not read: {exc}"
    except OSError as exc:
        return [], f"threat-feed store not read: {path}: {exc.strerror or exc}"
    with gc_paused():  # up to millions of new objects, no cycles
        kept, malformed = _without_forecast(stored, FORECAST_SOURCE)
    problem = f"threat-feed store {path}: {malformed} malformed indicators skipped" if malformed else None
    return kept, problem


def _well_formed(indicators: list[Indicator]) -> bool:
    """Every field analyze uses has its type (a damaged store can still decode)."""
    try:
        return (set(map(type, map(attrgetter("value"), indicators))) <= {str}
                and set(map(attrgetter("kind"), indicators)) <= set(KINDS)
                and set(map(type, map(attrgetter("family"), indicators))) <= {str}
                and set(map(type, map(attrgetter("threat"), indicators))) <= {str}
                and set(map(type, map(attrgetter("confidence"), indicators))) <= {int}
                and all(type(s) is tuple and s and all(type(x) is str for x in s)
                        for s in set(map(attrgetter("sources"), indicators))))
    except TypeError:  # an unhashable kind or source list
        return False


def _without_forecast(stored: list[Indicator], forecast_source: str) -> tuple[list[Indicator], int]:
    """``stored`` minus ``forecast_source``'s share, and how many malformed indicators were dropped."""
    if not _well_formed(stored):
        good = [ind for ind in stored if _well_formed([ind])]
        return _without_forecast(good, forecast_source)[0], len(stored) - len(good)
    forecast_lists = {s for s in set(map(attrgetter("sources"), stored)) if forecast_source in s}
    if not forecast_lists:
        return stored, 0
    sources = attrgetter("sources")
    kept = list(compress(stored, map(not_, map(forecast_lists.__contains__, map(sources, stored)))))
    shared = {s for s in forecast_lists if len(s) > 1}
    for ind in compress(stored, map(shared.__contains__, map(sources, stored))):
        # Another source lists the name too: keep it, credited to that source only.
        others = tuple(s for s in ind.sources if s != forecast_source)
        kept.append(make_indicator(ind.value, ind.kind, ind.family, ind.threat, ind.confidence, others,
                                   ind.first_seen, ind.last_seen, ind.expires))
    return kept, 0


def forecaster(days):
    """The known-DGA names of ``days``, less the shipped popular domains that
    short-name algorithms (QSnatch) also compute: those are real sites."""
    from dnsguard.dga.forecast import forecast
    from dnsguard.feeds.allowlist import shipped_allowlist

    result = forecast(days, exclude=shipped_allowlist().covers)
    return {name: (item.family, item.threat) for name, item in result.names.items()}


def popular_domains():
    """Whether a registered domain is popular (the shipped allowlist: top
    lists, current popular services, infrastructure): the tunnel and DNS-C2
    detections never count names below those."""
    from dnsguard.feeds.allowlist import shipped_allowlist

    return shipped_allowlist().covers


def analyse(path: Path, config: dict, use_forecast: bool = True, since: float | None = None,
            until: float | None = None) -> Analysis:
    settings = AnalysisSettings.from_config(config)
    indicators, problems = load_indicators(settings)
    stats = InputStats()
    for problem in problems:
        stats.warn(f"indicator file: {problem}")
    from_store, store_problem = load_feed_store(config)
    indicators += from_store
    if store_problem:
        store_problem = " ".join(store_problem.split())  # one line, whatever the exception said
        stats.warn(store_problem)
        print(f"dnsguard: warning: {store_problem}", file=sys.stderr)
    sur = config.get("suricata", {})
    rules_dir = Path(sur["rules_dir"]) if sur.get("rules_dir") else None
    events = read_path(path, stats, suricata_binary=sur.get("binary", "suricata"), rows=True,
                       rules_dir=rules_dir, timeout=float(sur.get("timeout", 600)), progress=Progress(0))
    from dnsguard.dga import Scorer

    scorer = Scorer(band=settings.dga_band_stage)
    allow = list(settings.allowlist)
    return run_analysis(events, stats, settings, IndicatorIndex.build(indicators),
                        forecaster=forecaster if use_forecast else None,
                        scorer=lambda names: scorer.score_batch(names, allow=allow),
                        flux=FluxSettings.from_config(config),
                        family_distribution=lambda names: scorer.family_distribution(names, allow=allow),
                        family_margin=family_margin(config), since=since, until=until,
                        popular=popular_domains(), family_shapes=scorer.family_shapes)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def output_problem(outputs: list[str], source: Path) -> str | None:
    """Why an output path cannot be used, found before the run (which may take
    minutes): an output that is the input (``analyze x.log --json x.log`` would
    replace the log with its report), two outputs on one path, a directory, or a
    directory that does not exist or cannot be written."""
    seen: list[Path] = []
    for name in outputs:
        out = Path(name)
        if _same_file(out, source) or (source.is_dir() and out.resolve() == source.resolve()):
            return f"{name}: is the input; refusing to overwrite it"
        if any(_same_file(out, other) for other in seen):
            return f"{name}: given for two outputs"
        seen.append(out)
        if out.is_dir():
            return f"cannot write {name}: is a directory"
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            return f"cannot write {name}: no such directory {parent}"
        if not os.access(parent, os.W_OK | os.X_OK):
            return f"cannot write {name}: directory {parent} is not writable"
    return None


def run(args: argparse.Namespace, config: dict) -> int:
    if args.path is not None and not args.path.strip():
        # ``dnsguard report "$DIR"`` with an empty $DIR: an error, never the demo capture
        print(f"dnsguard: empty PATH {args.path!r}; give a pcap, a log or a directory of them",
              file=sys.stderr)
        return 2
    path = Path(args.path) if args.path is not None else Path(str(resources.files("dnsguard").joinpath(SAMPLE)))
    problem = output_problem([p for p in (args.json, getattr(args, "html", None)) if p], path)
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    if not problem and since is not None and until is not None and until <= since:
        problem = "--until must be later than --since"
    if problem:
        print(f"dnsguard: {problem}", file=sys.stderr)
        return 2
    try:
        analysis = analyse(path, config, use_forecast=not args.no_forecast, since=since, until=until)
    except (InputError, PackNotFound, GeneratorError) as exc:
        print(f"dnsguard: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(render_text(analysis, str(path), verbose=args.all))
    outputs = []
    if args.json:
        outputs.append((args.json, lambda: write_json_atomic(Path(args.json), analysis.to_dict())))
    if getattr(args, "html", None):
        threshold = AnalysisSettings.from_config(config).dga_threshold
        outputs.append((args.html, lambda: write_atomic(
            args.html, render_html(analysis, str(path), threshold).encode("utf-8"), create_parents=False)))
    for name, write in outputs:
        try:
            write()
        except OSError as exc:
            print(f"dnsguard: cannot write {name}: {exc.strerror}", file=sys.stderr)
            return 2
    return 0
