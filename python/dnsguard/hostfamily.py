"""One host-level DGA family rule, shared by ``dnsguard serve`` and ``dnsguard analyze``.

A host's family is decided from all its DGA-like names together, not from
one name: the names are treated as independent draws of one family, so the
host's log-likelihood of family f is the sum of the names' log P(f | name)
(from :func:`dnsguard.dga.family_distribution`, each floored at
:data:`LOG_FLOOR`).  The argmax is named only when it beats the runner-up by
at least ``min_margin`` nats *per name*; otherwise the answer is
``unknown`` (abstain).  A family the attributor never saw often spreads its
names over several seen families, and then the mean margin stays small
(docs/service.md has the measurement behind the default margin).

Pure functions, no state: the service calls them on a host's window of
names, analyze on each host's flagged names at the end of a run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

LOG_FLOOR = math.log(1e-300)
"""Per-name log-probabilities are floored here before summing (as in
bench/dga_eval.py), so one name's near-zero cannot count for more than this."""

FAMILY_MARGIN = 0.75
"""Default abstain threshold, nats per name (``serve.hosts.family_margin``)."""

UNKNOWN = "unknown"


@dataclass(frozen=True)
class FamilyCall:
    """The rule's answer for one host, with the evidence an analyst needs."""

    family: str
    """The named family, or ``unknown`` when the rule abstains."""
    margin: float
    """Mean per-name margin of the best family's summed log-probability over
    the runner-up's (nats); ``inf`` with a single family, 0 with no names."""
    best: str
    """The argmax family, also when the rule abstains ("" with no names)."""
    runner_up: str
    """The second-best family ("" when there is none)."""
    names: int
    """How many names were summed."""
    min_margin: float
    """The abstain threshold applied."""

    @property
    def named(self) -> bool:
        return self.family != UNKNOWN

    def describe(self, display: str | None = None) -> str:
        """One line for reports and notices (``display``: the family's spelling there)."""
        if not self.names:
            return "no DGA-like names with a family distribution"
        margin = "inf" if math.isinf(self.margin) else f"{self.margin:.2f}"
        runner = f" over runner-up {self.runner_up}" if self.runner_up else ""
        if self.named:
            return (f"{display or self.family} by log-sum over {self.names} DGA-like names: margin {margin} nats/name"
                    f"{runner} (named at >= {self.min_margin:g})")
        return (f"unknown: log-sum over {self.names} DGA-like names leans to {self.best} by only {margin} "
                f"nats/name{runner} (named at >= {self.min_margin:g})")


def log_sum_family(
    families: Sequence[str],
    rows: Sequence[np.ndarray] | np.ndarray,
    min_margin: float = FAMILY_MARGIN,
    floor: float = LOG_FLOOR,
) -> FamilyCall:
    """The host's family from its names' per-family log-probabilities.

    ``rows`` is one row per name, one column per entry of ``families``.
    Rows with a NaN (names the model did not score) are left out."""
    logp = np.asarray(rows, dtype=np.float64)
    if logp.ndim == 2 and logp.shape[0]:
        logp = logp[~np.isnan(logp).any(axis=1)]
    if logp.ndim != 2 or logp.shape[0] == 0 or logp.shape[1] == 0:
        return FamilyCall(UNKNOWN, 0.0, "", "", 0, min_margin)
    return family_from_totals(families, np.maximum(logp, floor).sum(axis=0), int(logp.shape[0]), min_margin)


def family_from_totals(families: Sequence[str], total: np.ndarray, names: int,
                       min_margin: float = FAMILY_MARGIN) -> FamilyCall:
    """:func:`log_sum_family` from the per-family sums of ``names`` names'
    floored log-probabilities (for callers that sum in batches)."""
    total = np.asarray(total, dtype=np.float64)
    if names <= 0 or total.ndim != 1 or total.shape[0] == 0:
        return FamilyCall(UNKNOWN, 0.0, "", "", 0, min_margin)
    order = np.argsort(-total, kind="stable")
    best = int(order[0])
    if total.shape[0] == 1:
        margin, runner = math.inf, ""
    else:
        second = int(order[1])
        margin, runner = float(total[best] - total[second]) / names, families[second]
    family = families[best] if margin >= min_margin else UNKNOWN
    return FamilyCall(family, margin, families[best], runner, names, min_margin)


@dataclass(frozen=True)
class LogSumRule:
    """:func:`log_sum_family` with its threshold, as the service configures it."""

    min_margin: float = FAMILY_MARGIN
    floor: float = LOG_FLOOR

    def decide(self, families: Sequence[str], rows: Sequence[np.ndarray] | np.ndarray) -> tuple[str, float]:
        """(family or ``unknown``, mean per-name margin of the best family over the runner-up)."""
        call = self.call(families, rows)
        return call.family, call.margin

    def call(self, families: Sequence[str], rows: Sequence[np.ndarray] | np.ndarray) -> FamilyCall:
        return log_sum_family(families, rows, self.min_margin, self.floor)


def vote(families: list[str], share: float) -> tuple[str, float]:
    """Majority family among attributed names and its share of the votes
    (the fallback for names scored without a distribution)."""
    named = [f for f in families if f and f != UNKNOWN]
    if not named:
        return UNKNOWN, 0.0
    family, n = Counter(named).most_common(1)[0]
    fraction = n / len(named)
    return (family, fraction) if fraction >= share else (UNKNOWN, fraction)


__all__ = ["FAMILY_MARGIN", "LOG_FLOOR", "UNKNOWN", "FamilyCall", "LogSumRule", "family_from_totals", "log_sum_family", "vote"]
