"""``dnsguard score NAME... | -``: DGA scores for names, as a table or JSON lines.

Names come from the arguments or, with ``-``, from standard input one a
line (read as bytes, so binary junk is reported as invalid rather than
crashing the decoder).  Input is scored in batches so a large file streams.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from dnsguard.dga.scoring import Scorer, Verdict

BATCH = 50_000


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "score",
        help="score names as DGA-like (lexical model)",
        description="Score DNS names as DGA-like with the shipped lexical model.",
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="names to score, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.add_argument("--allow", action="append", default=[], metavar="DOMAIN",
                   help="extra allowlist entry (repeatable)")
    p.add_argument("--allow-file", action="append", default=[], metavar="FILE",
                   help="file of allowlist entries, one a line (repeatable)")
    p.add_argument("--model", metavar="NPZ", help="model file (default: the shipped one)")
    p.set_defaults(func=run)


def _config_allowlist(config: Any) -> list[str]:
    """Allowlist entries of the user's configuration, whatever shape it has."""
    analysis = config.get("analysis", {}) if isinstance(config, dict) else None
    if analysis is None:
        analysis = getattr(config, "analysis", None)
    entries = getattr(analysis, "allowlist", None)
    if entries is None and isinstance(analysis, dict):
        entries = analysis.get("allowlist")
    return [str(e) for e in entries or ()]


def _inputs(names: list[str], stdin: Any) -> Iterator[str | bytes]:
    for name in names:
        if name == "-":
            for line in stdin:
                yield line.rstrip(b"\r\n") if isinstance(line, bytes) else line.rstrip("\r\n")
        else:
            yield name


def _batches(items: Iterable[str | bytes], size: int) -> Iterator[list[str | bytes]]:
    batch: list[str | bytes] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def format_row(v: Verdict) -> str:
    family = f"{v.family} ({v.family_probability:.2f})" if v.family != "unknown" else "unknown"
    return f"{v.score:6.3f}  {family:24s}  {v.name}  {','.join(v.reasons)}"


def run(args: argparse.Namespace, config: Any, stdin: Any = None, out: Any = None) -> int:
    from dnsguard.dga import model as M

    stdin = stdin if stdin is not None else sys.stdin.buffer
    out = out if out is not None else sys.stdout
    try:
        model = M.load(args.model) if args.model else None
        scorer = Scorer(model, allow=[*_config_allowlist(config), *args.allow],
                        allow_files=args.allow_file)
    except (OSError, ValueError, KeyError) as exc:
        print(f"dnsguard score: {exc}", file=sys.stderr)
        return 2
    if not args.json:
        out.write(f"{'score':>6}  {'family':24s}  name  reasons\n")
    for batch in _batches(_inputs(args.names, stdin), BATCH):
        for v in scorer.score_batch(batch):
            if args.json:
                out.write(json.dumps(v.as_dict(), ensure_ascii=True) + "\n")
            else:
                out.write(format_row(v) + "\n")
    return 0
