"""``dnsguard report PATH``: an alias of ``dnsguard analyze`` that requires PATH.

``analyze`` is the command for every input; with no PATH it analyses the
bundled sample capture (a demonstration).  ``report`` is the same command,
same options and same output, except that PATH is required: a script that
runs ``dnsguard report "$DIR"`` with an empty ``$DIR`` fails (exit 2)
instead of handing over a report of the demo capture.  It is kept for the
scripts and guides written against it.
"""

from __future__ import annotations

import argparse

from dnsguard.analyze_cli import PATH_HELP, add_output_arguments, run

HELP = "alias of analyze that requires PATH (never the bundled sample)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help=HELP,
                       description="Same as `dnsguard analyze PATH` (same options, same output), but PATH "
                       "is required: an empty or missing PATH is an error (exit 2) rather than a report "
                       "of the bundled sample capture.  Use it in scripts and hand-overs.")
    p.add_argument("path", help=PATH_HELP)
    add_output_arguments(p)
    p.set_defaults(func=run)
