"""The ``dnsguard`` command line.

Each subcommand lives beside the code it drives and exposes
``register(subparsers)``; the parser gives every subcommand the loaded
configuration.  Errors the user can fix print one line and exit 2; the
tool exits 0 whenever it ran, whatever it found, except ``score``, which
exits 1 when an input name is invalid (it still scores the others).
``report`` is ``analyze`` with PATH required (report_cli).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from dnsguard import __version__
from dnsguard.config import ConfigError, load_config

EXIT_OK = 0
EXIT_ERROR = 2


def _registrars():
    from dnsguard import analyze_cli, report_cli
    from dnsguard.dga import cli as score_cli
    from dnsguard.dga import generate_cli
    from dnsguard.feeds import cli as feeds_cli
    from dnsguard.service import cli as serve_cli
    from dnsguard.service import verdicts_cli
    from dnsguard.suricata import cli as suricata_cli

    return [analyze_cli.register, score_cli.register, generate_cli.register, feeds_cli.register,
            suricata_cli.register, serve_cli.register, verdicts_cli.register, report_cli.register]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dnsguard",
        description="Find hosts whose DNS traffic gives away malware (DGA, C2, tunnelling).",
    )
    parser.add_argument("--version", action="version", version=f"dnsguard {__version__}")
    parser.add_argument("--config", metavar="FILE",
                        help="YAML file overriding the defaults (also $DNSGUARD_CONFIG)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _registrars():
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(f"dnsguard: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        return int(args.func(args, config) or 0)
    except KeyboardInterrupt:
        print("dnsguard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
