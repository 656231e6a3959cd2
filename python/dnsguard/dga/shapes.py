"""What the names of each trained DGA family look like: the check behind a host's family.

Why: the host-level family rule (:mod:`dnsguard.hostfamily`) sums each
name's family probabilities, and a softmax attributor always spreads its
probability over the families it knows.  A host infected with a family the
model never saw is therefore often given a *wrong* family with a clear
margin: in ``bench/dga_unseen_hosts.py`` (families left out of training,
judged by ``analyze``) Qakbot hosts were named Murofet, Ranbyus hosts
Necurs, Dyre hosts Bamital.  A wrong family sends the analyst to the wrong
playbook, which is worse than ``unknown``.

Every DGA draws its names from a fixed recipe: a list of suffixes, a range
of label lengths, an alphabet.  So a family can only be named for a host
whose names fit that family's recipes: each name must fit one of the
family's sources (a data file or a generator, each a sample of one or
more variants).  The recipe kept here is the
training names' own: the suffixes seen, the shortest and longest label,
and whether digits or hyphens ever appear.  It is deliberately coarse: it
never rejects names its family produced (every generator's names for dates
far from its training window fit, ``tests/dga/test_shapes.py``) and it
rejects a wrong family whenever the unknown family draws from other
suffixes, lengths or characters.

The file (``data/dga-family-shapes.json``) is built from the training
corpus by ``python -m dnsguard.dga.shapes``, next to the model.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dnsguard.atomic import write_atomic

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
DEFAULT_FILE = "data/dga-family-shapes.json"


@dataclass(frozen=True)
class Shape:
    """The recipe of one source of a family's training names."""

    source: str
    suffixes: frozenset[str]
    min_length: int
    max_length: int
    digits: bool
    """Whether any label has a digit."""
    hyphen: bool
    """Whether any label has a hyphen."""

    def fits(self, label: str, suffix: str) -> bool:
        return (
            suffix in self.suffixes
            and self.min_length <= len(label) <= self.max_length
            and (self.digits or not any(c.isdigit() for c in label))
            and (self.hyphen or "-" not in label)
        )


@dataclass(frozen=True)
class FamilyShapes:
    """The shapes of every trained family, keyed by the model's family name."""

    by_family: dict[str, tuple[Shape, ...]]

    def support(self, family: str, names: Sequence[tuple[str, str]]) -> float | None:
        """The share of ``names`` ((label, suffix) pairs) that some source of ``family``
        could have produced; None when the family or the names are unknown.

        Per name, any source: a source is a data file or a generator, not
        exactly one variant, so one host's names may straddle two sources'
        samples of its variant.  Requiring one source for all of them cost
        the test split's groups a fifth of their families (docs/dga-model.md)."""
        shapes = self.by_family.get(family)
        if not shapes or not names:
            return None
        return sum(any(s.fits(label, suffix) for s in shapes) for label, suffix in names) / len(names)


def build(rows: Iterable[tuple[str, str, str, str]]) -> FamilyShapes:
    """Shapes from (label, suffix, family, source) rows; rows without a family are skipped."""
    acc: dict[tuple[str, str], list] = {}
    for label, suffix, family, source in rows:
        if not family:
            continue
        a = acc.setdefault((family, source), [set(), len(label), len(label), False, False])
        a[0].add(suffix)
        a[1] = min(a[1], len(label))
        a[2] = max(a[2], len(label))
        a[3] = a[3] or any(c.isdigit() for c in label)
        a[4] = a[4] or "-" in label
    by_family: dict[str, list[Shape]] = {}
    for (family, source), (suffixes, lo, hi, digits, hyphen) in sorted(acc.items()):
        by_family.setdefault(family, []).append(Shape(source, frozenset(suffixes), lo, hi, digits, hyphen))
    return FamilyShapes({f: tuple(s) for f, s in by_family.items()})


def to_json(shapes: FamilyShapes) -> bytes:
    doc = {
        "format_version": FORMAT_VERSION,
        "families": {
            family: [
                {"source": s.source, "suffixes": sorted(s.suffixes), "min_length": s.min_length,
                 "max_length": s.max_length, "digits": s.digits, "hyphen": s.hyphen}
                for s in shapes_of
            ]
            for family, shapes_of in sorted(shapes.by_family.items())
        },
    }
    return (json.dumps(doc, indent=1, sort_keys=True) + "\n").encode()


def from_json(data: bytes | str) -> FamilyShapes:
    """Parse a shapes file; a malformed one raises ValueError (never a half-read table)."""
    try:
        doc = json.loads(data)
        if doc.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"format_version {doc.get('format_version')!r}, expected {FORMAT_VERSION}")
        by_family = {
            str(family): tuple(
                Shape(str(s["source"]), frozenset(str(x) for x in s["suffixes"]), int(s["min_length"]),
                      int(s["max_length"]), bool(s["digits"]), bool(s["hyphen"]))
                for s in entries
            )
            for family, entries in doc["families"].items()
        }
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"malformed family shapes: {exc}") from exc
    return FamilyShapes(by_family)


def load(path: Path | str | None = None) -> FamilyShapes:
    """The shipped shapes (or ``path``'s)."""
    if path is None:
        return from_json(resources.files("dnsguard").joinpath(DEFAULT_FILE).read_bytes())
    return from_json(Path(path).read_bytes())


def load_shipped() -> FamilyShapes | None:
    """The shipped shapes, or None (logged) when the file is missing or broken:
    host families are then named without the check, as before it existed."""
    try:
        return load()
    except (OSError, ValueError) as exc:
        log.warning("DGA family shapes unreadable, host families are named without the shape check: %s", exc)
        return None


def main(argv: list[str] | None = None) -> int:
    from dnsguard.dga import train as T

    ap = argparse.ArgumentParser(description="Build the DGA family shapes from the training corpus.")
    ap.add_argument("--out", type=Path, default=T.repo_root() / "python" / "dnsguard" / DEFAULT_FILE)
    args = ap.parse_args(argv)
    corpus = T.load_corpus(T.repo_root())
    shapes = build(zip(corpus.labels, corpus.suffixes, corpus.family, corpus.source, strict=True))
    write_atomic(args.out, to_json(shapes))
    print(f"{args.out}: {len(shapes.by_family)} families, "
          f"{sum(len(v) for v in shapes.by_family.values())} sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
