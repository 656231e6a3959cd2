"""False-positive and recall figures for the pack's name-shape rules.

A shape rule is only worth shipping if popular, benign registered domains
almost never have that shape.  This applies each shape's regex (the very
string written into the rule's ``pcre``) and the Lua score's Python twin to
``data/benign/top-registered-domains.txt`` and to the family's own names
in ``data/dga``.  Run ``python -m dnsguard.suricata.shapes`` to print the
table kept in ``suricata-rules/README.md``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from dnsguard.suricata import lexical
from dnsguard.suricata.rules import SHAPES, Shape

MAX_SHIPPED_FP_RATE = 0.00005
"""0.005 %: at most ~8 of the 158k benign registered domains."""

REJECTED = {
    "flubot": r"^[a-z]{15}\.(?:com|ru|cn|su)$",
    "ranbyus": r"^[a-z]{17}\.(?:cc|com|in|me|net|pw|su|tw)$",
    "pushdo": r"^[a-z]{9,12}\.kz$",
    "simda": r"^[a-z]{7}\.com$",
    "symmi": r"^[a-z]{8,15}\.ddns\.net$",
}
"""Shapes measured and *not* shipped (too many benign names share them)."""


@dataclass(frozen=True)
class Rate:
    name: str
    recall: float
    fp: int
    benign: int
    examples: tuple[str, ...]

    @property
    def fp_rate(self) -> float:
        return self.fp / self.benign if self.benign else 0.0


def read_names(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.strip().lower() for line in fh if line.strip() and not line.startswith("#")]


def measure(name: str, test: Callable[[str], bool], positives: Iterable[str],
            benign: list[str]) -> Rate:
    pos = list(positives)
    hits = sum(1 for n in pos if test(n))
    fps = [b for b in benign if test(b)]
    return Rate(name, hits / len(pos) if pos else 0.0, len(fps), len(benign), tuple(fps[:3]))


def regex_test(regex: str) -> Callable[[str], bool]:
    compiled = re.compile(regex)
    return lambda n: compiled.search(n) is not None


def shape_groups() -> dict[str, list[Shape]]:
    """Shapes by family: a family may need several rules (one per TLD, so
    each has a fast pattern), and its recall is that of the rules together."""
    groups: dict[str, list[Shape]] = {}
    for shape in SHAPES:
        groups.setdefault(shape.label, []).append(shape)
    return groups


def rate_name(label: str, group: list[Shape]) -> str:
    return f"{label} (sid {', '.join(str(shape.sid) for shape in group)})"


def all_rates(data_dir: Path) -> list[Rate]:
    benign = read_names(data_dir / "benign" / "top-registered-domains.txt")
    out = []
    for label, group in shape_groups().items():
        pos = read_names(data_dir / "dga" / f"{group[0].family}.txt")
        either = regex_test("|".join(f"(?:{shape.regex})" for shape in group))
        out.append(measure(rate_name(label, group), either, pos, benign))
    for family, regex in REJECTED.items():
        pos = read_names(data_dir / "dga" / f"{family}.txt")
        out.append(measure(f"{family} (not shipped)", regex_test(regex), pos, benign))
    every_dga = [n for p in sorted((data_dir / "dga").glob("*.txt")) for n in read_names(p)]
    out.append(measure("Lua lexical score (sid 9073001)", lexical.matches, every_dga, benign))
    return out


def main(argv: list[str]) -> int:
    data_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parents[3] / "data"
    print("| rule | recall on family names | benign FP | FP rate | examples |")
    print("|---|---|---|---|---|")
    for r in all_rates(data_dir):
        ex = ", ".join(r.examples)
        print(f"| {r.name} | {r.recall:.1%} | {r.fp}/{r.benign} | {r.fp_rate:.4%} | {ex} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
