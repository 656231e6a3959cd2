"""``dnsguard report PATH``: the triage report of ``analyze``, for a SOC hand-over.

Same analysis and options as ``dnsguard analyze`` (terminal table, ``--json``,
``--html``), but PATH is required: a report is about the user's network
(a sensor's log directory, a capture), never the bundled sample.
"""

from __future__ import annotations

import argparse

from dnsguard.analyze_cli import PATH_HELP, add_output_arguments, run


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="triage report (terminal, JSON, HTML with plots) of captures or logs",
                       description="Per-host triage report of a pcap, Zeek logs, eve.json or a directory "
                       "of them: verdicts, families, evidence with uids, next steps, and a network summary. "
                       "--html writes a self-contained page with plots.")
    p.add_argument("path", help=PATH_HELP)
    add_output_arguments(p)
    p.set_defaults(func=run)
