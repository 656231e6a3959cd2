"""What the shipped band stage changes: the scorer with and without it, name by name.

The stage is off by default since 2026-12-06 (docs/dga-model.md, "The suffix
token, calibrated on recent names"); the file is still shipped, calibrated
for the shipped linear model, for ``--band`` and ``analysis.dga_band_stage``.
The recent lists' calibration half placed both models' cuts, so read their
rates on the other half (``bench/dga_unseen_published.py``) for figures.

The gain on families never trained on is measured by
``bench/dga_charnn_eval.py`` (leave-families-out, a network per fold).  This
script checks the *shipped* files on what they can be checked on here:

* benign names no model trained on (the recent popularity lists of
  data/benign): the share flagged, with and without the stage, and the
  names the stage newly flags or clears;
* every training family's names (data/dga): the share flagged, with and
  without, per family.  These names were trained on (the network kept six
  family groups out to pick its epoch), so this is a regression check, not
  a detection figure;
* how many names of each kind reach the network (lie in the band).

Usage: .venv/bin/python bench/dga_band_check.py [--show 15]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from dnsguard.dga import model as M
from dnsguard.dga.scoring import Scorer
from dnsguard.dga.train import RECENT_LISTS, RESERVED, family_of

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=15, help="list this many names the stage newly flags / clears")
    args = ap.parse_args()
    with_band = Scorer(band=True)
    if with_band.band is None:
        raise SystemExit("the shipped band stage is missing or does not fit the shipped linear model")
    without = Scorer(with_band.model, allowlist=with_band.allowlist, band=False)
    low, high = M.sigmoid(np.array([with_band.band.low, with_band.band.high]))
    t = with_band.threshold

    def both(names: list[str]) -> tuple[np.ndarray, np.ndarray]:
        return with_band.score_arrays(names).score, without.score_arrays(names).score

    print("| benign list (never trained on) | names | in the band | flagged, linear | flagged, with band | "
          "newly flagged | cleared |")
    print("|---|---|---|---|---|---|---|")
    new_fp: list[tuple[float, str]] = []
    cleared_fp: list[tuple[float, str]] = []
    pooled = [0, 0, 0, 0]
    for file in RECENT_LISTS:
        names = (ROOT / "data/benign" / file).read_text().split()
        s, s0 = both(names)
        band = (s0 > low) & (s0 <= high)
        new, gone = (s >= t) & (s0 < t), (s < t) & (s0 >= t)
        new_fp += [(float(s[i]), names[i]) for i in np.flatnonzero(new)]
        cleared_fp += [(float(s0[i]), names[i]) for i in np.flatnonzero(gone)]
        for k, v in enumerate((len(names), int((s0 >= t).sum()), int((s >= t).sum()), int(band.sum()))):
            pooled[k] += v
        print(f"| {file} | {len(names)} | {band.mean():.2%} | {(s0 >= t).mean():.3%} | {(s >= t).mean():.3%} | "
              f"{int(new.sum())} | {int(gone.sum())} |")
    n, f0, f1, b = pooled
    print(f"| all four | {n} | {b / n:.2%} | {f0 / n:.3%} ({f0}) | {f1 / n:.3%} ({f1}) | {len(new_fp)} | "
          f"{len(cleared_fp)} |")
    print()
    print(f"Benign names the stage newly flags (top {args.show} by score): "
          + ", ".join(f"{name} {score:.2f}" for score, name in sorted(new_fp, reverse=True)[: args.show]))
    print(f"Benign names it clears (top {args.show} by linear score): "
          + ", ".join(f"{name} {score:.2f}" for score, name in sorted(cleared_fp, reverse=True)[: args.show]))
    print()
    print("| training family (trained on: a regression check) | names | in the band | flagged, linear | "
          "flagged, with band |")
    print("|---|---|---|---|---|")
    by_family: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data/dga").glob("*.txt")):
        family = family_of(path.stem)
        if family in RESERVED:
            continue
        by_family.setdefault(family, []).extend(path.read_text().split())
    rates = []
    for family, names in sorted(by_family.items()):
        s, s0 = both(names)
        band = (s0 > low) & (s0 <= high)
        rates.append(((s0 >= t).mean(), (s >= t).mean()))
        print(f"| {family} | {len(names)} | {band.mean():.1%} | {(s0 >= t).mean():.3f} | {(s >= t).mean():.3f} |")
    r0, r1 = np.mean(rates, axis=0)
    print(f"| macro over {len(rates)} families | | | {r0:.3f} | {r1:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
