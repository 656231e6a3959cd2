"""``dnsguard score NAME... | -``: DGA scores for names, as a table or JSON lines.

Names come from the arguments or, with ``-``, from standard input one a
line (read as bytes, so binary junk is reported as invalid rather than
crashing the decoder).  Input is scored in batches so a large file streams.

Every row has a verdict: ``dga`` (score at or above the threshold),
``benign`` (below it), ``unjudged`` (below it, but a name a lexical score
cannot judge: a very short label or two words of a wordlist DGA's lists,
docs/dga-model.md), or ``invalid`` (not a usable DNS name: no score, the
reason instead).  Exit status: 0 when every name was valid, 1 when at least
one was invalid (all the others are still scored), 2 on a usage error or a
model file that cannot be loaded.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from dnsguard.config import band_stage
from dnsguard.dga.judgeable import cannot_judge
from dnsguard.dga.scoring import Scorer, Verdict
from dnsguard.feeds.families import canonical_family

BATCH = 50_000
EXIT_OK, EXIT_INVALID, EXIT_ERROR = 0, 1, 2
DGA, BENIGN, UNJUDGED, INVALID = "dga", "benign", "unjudged", "invalid"
NAME_WIDTH = 40
"""The name column is padded to the batch's longest name, at most this."""

EPILOG = """\
verdicts: dga = score at or above the threshold; benign = below it;
unjudged = below it, but a name a lexical score cannot judge (a label of 6
characters or fewer, as QSnatch's; two words of a wordlist DGA's lists, as
suppobox's and nymaim2's): a low score does not clear it, `dnsguard analyze`
checks such names against the known-DGA forecast and host behaviour;
invalid = not a usable DNS name, no score, the reason is shown.

exit status: 0 every name valid, 1 at least one name invalid (the others are
still scored), 2 usage error or a model file that cannot be loaded."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "score",
        help="score names as DGA-like (lexical model)",
        description="Score DNS names as DGA-like with the shipped lexical model.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("names", nargs="+", metavar="NAME", help="names to score, or - for stdin")
    p.add_argument("--json", action="store_true", help="one JSON object a line")
    p.add_argument("--allow", action="append", default=[], metavar="DOMAIN",
                   help="extra allowlist entry (repeatable)")
    p.add_argument("--allow-file", action="append", default=[], metavar="FILE",
                   help="file of allowlist entries, one a line (repeatable)")
    p.add_argument("--model", metavar="NPZ", help="model file (default: the shipped one)")
    band = p.add_mutually_exclusive_group()
    band.add_argument("--band", dest="band", action="store_true", default=None,
                      help="with the character network's band stage (the default unless "
                      "analysis.dga_band_stage is false; a --model file always goes without it)")
    band.add_argument("--no-band", dest="band", action="store_false",
                      help="the linear model alone")
    p.add_argument("--threshold", type=_unit_interval, metavar="X",
                   help="verdict dga at or above X (default: the model's calibrated threshold, 0.5 "
                   "for the shipped model: 0.1%% of benign names score above it; families and reasons "
                   "are given from the model's threshold up)")
    p.set_defaults(func=run)


def _unit_interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text}")
    return value


def _config_band_stage(config: Any) -> bool:
    """``analysis.dga_band_stage`` of a configuration dict (on when there is none)."""
    return band_stage(config) if isinstance(config, dict) else True


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


def load_model(path: str):
    """The model in ``path``; ValueError with a one-line message when it cannot be used."""
    from dnsguard.dga import model as M
    from dnsguard.dga.allowlist import build

    try:
        model = M.load(path)
        Scorer(model, allowlist=build([]))  # builds the inference tables: checks the shapes
    except OSError as exc:
        raise ValueError(f"cannot read model {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        if "model format" in str(exc):
            raise ValueError(" ".join(str(exc).split())) from None
        raise ValueError(f"{path}: not a dnsguard model file (an .npz written by dnsguard's trainer)") from None
    except Exception:  # a zip that is no npz, arrays missing or of the wrong shape
        raise ValueError(f"{path}: not a dnsguard model file (an .npz written by dnsguard's trainer)") from None
    return model


def judge(v: Verdict, threshold: float) -> tuple[str, str | None]:
    """(verdict, note) of one scored name."""
    if v.reasons and v.reasons[0].startswith("invalid:"):
        return INVALID, v.reasons[0].removeprefix("invalid:")
    if v.score >= threshold:
        return DGA, None
    if v.reasons or not v.registered_domain:  # allowlisted, or a bare public suffix
        return BENIGN, None
    why = cannot_judge(v.registered_domain.split(".", 1)[0])
    return (UNJUDGED, why) if why else (BENIGN, None)


def as_json(v: Verdict, verdict: str, note: str | None, threshold: float) -> str:
    row = v.as_dict()
    if verdict == INVALID:
        row["score"] = None  # not scored: no number that could read as benign
    row["verdict"] = verdict
    row["threshold"] = threshold
    if note:
        row["note"] = note
    return json.dumps(row, ensure_ascii=True)


HEADER = ("verdict", "score", "family", "name", "reasons")


def format_row(v: Verdict, verdict: str, note: str | None, width: int = 0) -> str:
    """One aligned table row: verdict, score (``-`` when invalid), family, name, reasons."""
    if verdict == INVALID:
        score, family, reasons = "-", "-", f"invalid: {note}"
    else:
        score = f"{v.score:.3f}"
        family = f"{canonical_family(v.family)} ({v.family_probability:.2f})" if v.family != "unknown" else "-"
        reasons = ", ".join([*v.reasons, *([f"cannot judge: {note}"] if note else [])])
    return f"{verdict:8s}  {score:>5s}  {family:24s}  {v.name:{width}s}  {reasons}".rstrip()


def header_row(width: int) -> str:
    verdict, score, family, name, reasons = HEADER
    return f"{verdict:8s}  {score:>5s}  {family:24s}  {name:{width}s}  {reasons}"


def run(args: argparse.Namespace, config: Any, stdin: Any = None, out: Any = None) -> int:
    stdin = stdin if stdin is not None else sys.stdin.buffer
    out = out if out is not None else sys.stdout
    try:
        model = load_model(args.model) if args.model else None
    except ValueError as exc:
        print(f"dnsguard score: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        scorer = Scorer(model, allow=[*_config_allowlist(config), *args.allow],
                        allow_files=args.allow_file, band=_config_band_stage(config) if args.band is None else args.band)
    except (OSError, ValueError, KeyError) as exc:
        print(f"dnsguard score: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_ERROR
    threshold = args.threshold if args.threshold is not None else scorer.threshold
    counts = dict.fromkeys((DGA, BENIGN, UNJUDGED, INVALID), 0)
    origin = "the model's calibrated threshold" if args.threshold is None else "--threshold"
    first = True
    for batch in _batches(_inputs(args.names, stdin), BATCH):
        verdicts = scorer.score_batch(batch)
        judged = [judge(v, threshold) for v in verdicts]
        if args.json:
            out.writelines(as_json(v, verdict, note, threshold) + "\n"
                           for v, (verdict, note) in zip(verdicts, judged, strict=True))
        else:
            width = min(NAME_WIDTH, max(len(v.name) for v in verdicts))
            if first:
                out.write(f"threshold {threshold:.3f} ({origin}): verdict dga at or above it\n")
                out.write(header_row(width) + "\n")
            out.writelines(format_row(v, verdict, note, width) + "\n"
                           for v, (verdict, note) in zip(verdicts, judged, strict=True))
        first = False
        for verdict, _ in judged:
            counts[verdict] += 1
    if first and not args.json:  # no names at all (empty stdin)
        out.write(f"threshold {threshold:.3f} ({origin}): verdict dga at or above it\n")
        out.write(header_row(4) + "\n")
    if not args.json and (counts[UNJUDGED] or counts[INVALID]):
        sys.stderr.write(_footer(counts))
    return EXIT_INVALID if counts[INVALID] else EXIT_OK


def _footer(counts: dict[str, int]) -> str:
    lines = []
    if counts[UNJUDGED]:
        lines.append(f"{counts[UNJUDGED]} name(s) unjudged: a lexical score cannot tell them from "
                     "human-made names (docs/dga-model.md); dnsguard analyze checks them against the "
                     "known-DGA forecast and host behaviour")
    if counts[INVALID]:
        lines.append(f"{counts[INVALID]} name(s) invalid: not scored (exit status 1)")
    return "".join(line + "\n" for line in lines)
