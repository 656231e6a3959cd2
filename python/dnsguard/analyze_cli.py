"""``dnsguard analyze [PATH]``: per-host verdicts for a pcap or a log."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path

from dnsguard.analyze import Analysis, run_analysis
from dnsguard.atomic import write_atomic
from dnsguard.config import AnalysisSettings
from dnsguard.detect.fastflux import FluxSettings
from dnsguard.dga.families.base import GeneratorError
from dnsguard.feeds.indicators import Indicator, IndicatorIndex, read_indicator_csv
from dnsguard.inputs import InputError, read_path
from dnsguard.inputs.progress import Progress
from dnsguard.paths import PackNotFound
from dnsguard.records import InputStats
from dnsguard.report import render_text, write_json_atomic
from dnsguard.report_html import render_html

SAMPLE = "data/sample.pcap"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyze", help="analyse a pcap, Zeek logs or Suricata eve.json",
                       description="Per-host verdicts: which family, which evidence, how sure, what next. "
                       "With no PATH, analyses the bundled sample capture.")
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


def forecaster(days):
    from dnsguard.dga.forecast import forecast

    result = forecast(days)
    return {name: (item.family, item.threat) for name, item in result.names.items()}


def analyse(path: Path, config: dict, use_forecast: bool = True) -> Analysis:
    settings = AnalysisSettings.from_config(config)
    indicators, problems = load_indicators(settings)
    stats = InputStats()
    for problem in problems:
        stats.warn(f"indicator file: {problem}")
    sur = config.get("suricata", {})
    rules_dir = Path(sur["rules_dir"]) if sur.get("rules_dir") else None
    events = read_path(path, stats, suricata_binary=sur.get("binary", "suricata"), rows=True,
                       rules_dir=rules_dir, timeout=float(sur.get("timeout", 600)), progress=Progress(0))
    from dnsguard.dga import Scorer

    scorer = Scorer()
    allow = list(settings.allowlist)
    return run_analysis(events, stats, settings, IndicatorIndex.build(indicators),
                        forecaster=forecaster if use_forecast else None,
                        scorer=lambda names: scorer.score_batch(names, allow=allow),
                        flux=FluxSettings.from_config(config))


def run(args: argparse.Namespace, config: dict) -> int:
    path = Path(args.path) if args.path else Path(str(resources.files("dnsguard").joinpath(SAMPLE)))
    try:
        analysis = analyse(path, config, use_forecast=not args.no_forecast)
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
