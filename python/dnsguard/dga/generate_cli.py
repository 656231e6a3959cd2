"""``dnsguard dga generate`` and ``dnsguard dga forecast``: known-DGA names for analysts."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from dnsguard.dga.families import generate, registry
from dnsguard.dga.families.base import GeneratorError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dga", help="known-DGA generators: list, generate, forecast")
    dsub = p.add_subparsers(dest="dga_command", metavar="ACTION", required=True)
    lst = dsub.add_parser("list", help="implemented families and their metadata")
    lst.set_defaults(func=run_list)
    gen = dsub.add_parser("generate", help="print a family's names for a date")
    gen.add_argument("--family", required=True)
    gen.add_argument("--date", type=_date, default=dt.datetime.now(dt.UTC).date())
    gen.add_argument("--seed")
    gen.add_argument("--variant")
    gen.set_defaults(func=run_generate)
    fc = dsub.add_parser("forecast", help="names of all families for a window of days")
    fc.add_argument("--days-back", type=int, default=7)
    fc.add_argument("--days-ahead", type=int, default=30)
    fc.add_argument("--date", type=_date, default=dt.datetime.now(dt.UTC).date(),
                    help="centre of the window (default: today, UTC)")
    fc.add_argument("--family", action="append", help="only these families (repeatable)")
    fc.add_argument("--output", metavar="FILE",
                    help="write the indicators as CSV to FILE ('-': stdout) instead of the indicator store")
    fc.set_defaults(func=run_forecast)


def run_list(args: argparse.Namespace, config: dict) -> int:
    print(f"{'FAMILY':<18} {'THREAT':<7} {'PERIOD':<9} {'NAMES':>6}  {'ACTIVE':<23} VARIANTS / SEEDS")
    for name, module in registry().items():
        info = module.INFO
        first, last = info.active
        active = f"{first.isoformat()}..{last.isoformat() if last else 'now'}"
        seeds = sum(len(s) for s in info.seeds.values())
        extra = ",".join(info.variants) + (f" / {seeds} seeds" if seeds else "")
        if info.seed_required:
            extra += " (per-sample seeds: not forecast)"
        print(f"{name:<18} {info.threat:<7} {info.period:<9} {info.names_per_period:>6}  {active:<23} {extra}")
    return 0


def run_generate(args: argparse.Namespace, config: dict) -> int:
    try:
        names = generate(args.family, args.date, seed=args.seed, variant=args.variant)
    except GeneratorError as exc:
        print(f"dnsguard: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write("".join(n + "\n" for n in names))
    return 0


def run_forecast(args: argparse.Namespace, config: dict) -> int:
    from dnsguard.dga.forecast import FORECAST_SOURCE, days_around, forecast
    from dnsguard.feeds.allowlist import load_allowlist
    from dnsguard.feeds.settings import FeedsConfigError, feeds_config

    try:
        settings = feeds_config(config)
        # The feeds' allowlist (shipped popular domains and the user's files):
        # a computed name that is a real popular domain must not become an indicator.
        allow = load_allowlist(list(settings.allowlist_files))
    except (FeedsConfigError, OSError) as exc:
        print(f"dnsguard: {exc}", file=sys.stderr)
        return 2
    try:
        result = forecast(days_around(args.date, args.days_back, args.days_ahead), args.family,
                          exclude=allow.covers)
    except GeneratorError as exc:
        print(f"dnsguard: {exc}", file=sys.stderr)
        return 2
    import time

    # Past days stay valid for two more days: a nightly run keeps every name in force.
    indicators = result.to_indicators(not_before=time.time() + 2 * 86400)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    families = len({i.family for i in indicators})
    if args.output:
        rows = ["value,kind,family,threat,confidence,source"]
        rows += [f"{i.value},domain,{i.family},{i.threat},{i.confidence},{i.sources[0]}" for i in indicators]
        text = "\n".join(rows) + "\n"
        if args.output == "-":
            sys.stdout.write(text)
        else:
            from dnsguard.atomic import write_atomic

            write_atomic(args.output, text.encode("utf-8"), create_parents=False)
        print(f"forecast: {len(indicators):,} names from {families} families", file=sys.stderr)
        return 0
    from dnsguard.feeds.store import StoreError, merge_into_store

    try:
        store_path = settings.store_path
        stats = merge_into_store(store_path, indicators, source=FORECAST_SOURCE, replace=True)
    except (FeedsConfigError, StoreError, OSError) as exc:
        print(f"dnsguard: cannot update the indicator store: {exc}", file=sys.stderr)
        return 2
    print(f"forecast: {len(indicators):,} names from {families} families -> {store_path} "
          f"(+{stats.added:,} new, {stats.updated:,} updated, -{stats.removed:,} gone)", file=sys.stderr)
    return 0
