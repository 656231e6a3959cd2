"""data/dga-unseen stays what its README says: test names of families no model trained on.

Why: the per-name figure on families never trained on (issue 19 item 2,
bench/dga_unseen_published.py) is only worth anything while no training
path can read these names and no trained family hides among them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from dnsguard.dga import train as T
from dnsguard.dga.families import registry
from dnsguard.dga.scoring import Scorer

ROOT = Path(__file__).resolve().parents[2]
UNSEEN = ROOT / "data" / "dga-unseen"
NAME = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


def _families() -> dict[str, list[str]]:
    return {p.stem: p.read_text("utf-8").split("\n") for p in sorted(UNSEEN.glob("*.txt"))}


def test_files_hold_clean_unique_names():
    families = _families()
    assert len(families) >= 20
    for family, lines in families.items():
        names = [n for n in lines if n]
        assert lines[-1] == "" and len(names) == len(lines) - 1, f"{family}: blank line inside or no final newline"
        assert len(set(names)) == len(names), family
        assert all(NAME.match(n) for n in names), [n for n in names if not NAME.match(n)][:3]


def test_every_file_has_provenance():
    with (UNSEEN / "PROVENANCE.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["family"] for r in rows} == set(_families())
    assert all(re.fullmatch(r"[0-9a-f]{40}", r["commit"]) and "/" in r["repo"] for r in rows)


def test_no_family_is_trained_on():
    unseen = set(_families())
    corpus = T.load_corpus(ROOT, use_generators=True)
    assert not unseen & set(corpus.family)
    assert not unseen & set(Scorer(band=False).model.families)
    assert not unseen & set(registry())  # no generator either (the forecast would know them)
    trained_names = {f"{lab}.{suf}" for lab, suf, fam in zip(corpus.labels, corpus.suffixes, corpus.family,
                                                              strict=True) if fam}
    overlap = {n for names in _families().values() for n in names if n in trained_names}
    assert not overlap, sorted(overlap)[:5]
