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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from dnsguard.names import Rejected, normalize

if TYPE_CHECKING:
    from dnsguard.dga.shapes import FamilyShapes

LOG_FLOOR = math.log(1e-300)
"""Per-name log-probabilities are floored here before summing (as in
bench/dga_eval.py), so one name's near-zero cannot count for more than this."""

FAMILY_MARGIN = 0.75
"""Default abstain threshold, nats per name (``serve.hosts.family_margin``)."""

MIN_SHAPE_SUPPORT = 0.9
"""Share of a host's names that must each fit a source of the named family
(:mod:`dnsguard.dga.shapes`).  Generated names of every trained family, every
variant, on dates from 2016 to 2026, fit their own family's shapes (31,981
groups of 5 or 10 names, none under 0.9); on families left out of training
the check cuts the hosts given a wrong family from about two in three to
one in four (docs/dga-model.md, "Families the model never saw, per host")."""

CLOSEST = "closest known family"
"""How a named family is qualified in reports and evidence: the rule can only pick
among the families the model was trained on, and a family it never saw is named
as its nearest one (docs/dga-model.md)."""

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
    best_index: int = -1
    """Column of ``best`` in the family list the rule was given (-1: none)."""
    shape_support: float | None = None
    """Share of the names that fit a source of ``best`` (:func:`check_shapes`);
    None when not checked."""
    min_shape_support: float = MIN_SHAPE_SUPPORT
    summed: str = "DGA-like names"
    """What the summed names were, for :meth:`describe` (analyze adds its hosts'
    NXDOMAIN-burst names)."""

    @property
    def shapes_fit(self) -> bool:
        return self.shape_support is None or self.shape_support >= self.min_shape_support

    @property
    def named(self) -> bool:
        return self.family != UNKNOWN

    def describe(self, display: str | None = None) -> str:
        """One line for reports and notices (``display``: the family's spelling there)."""
        if not self.names:
            return f"no {self.summed} with a family distribution"
        margin = "inf" if math.isinf(self.margin) else f"{self.margin:.2f}"
        runner = f" over runner-up {self.runner_up}" if self.runner_up else ""
        if not self.named and self.margin >= self.min_margin and not self.shapes_fit:
            return (f"unknown: log-sum over {self.names} {self.summed} leans to {self.best} by {margin} "
                    f"nats/name{runner}, but only {self.shape_support:.0%} of the names fit {self.best}'s "
                    f"known suffixes, lengths and characters (named at >= {self.min_shape_support:.0%}): "
                    "a family the model does not know")
        if self.named:
            return (f"{display or self.family} ({CLOSEST}) by log-sum over {self.names} {self.summed}: "
                    f"margin {margin} nats/name{runner} (named at >= {self.min_margin:g})")
        return (f"unknown: log-sum over {self.names} {self.summed} leans to {self.best} by only {margin} "
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
    return FamilyCall(family, margin, families[best], runner, names, min_margin, best)


def label_suffix_pairs(names: Iterable[str]) -> list[tuple[str, str]]:
    """(label, public suffix) of each registrable name, for :func:`check_shapes`."""
    out = []
    for raw in names:
        name = normalize(raw)
        if not isinstance(name, Rejected) and name.registered:
            out.append((name.label, name.suffix))
    return out


def check_shapes(call: FamilyCall, support: float | None,
                 min_support: float = MIN_SHAPE_SUPPORT) -> FamilyCall:
    """``call`` with the shape check applied: a named family whose recipe fits
    fewer than ``min_support`` of the names becomes ``unknown``.

    ``support`` is :meth:`dnsguard.dga.shapes.FamilyShapes.support` for
    ``call.best`` and the summed names (None: no shapes known, no check)."""
    family = call.family if support is None or support >= min_support else UNKNOWN
    return replace(call, family=family, shape_support=support, min_shape_support=min_support)


def shape_checked(call: FamilyCall, shapes: FamilyShapes | None, families: Sequence[str],
                  names: Iterable[str]) -> FamilyCall:
    """:func:`check_shapes` as analyze and the service apply it: ``families`` are the
    model's family ids in the order the rule was given them (the call may carry
    the report's spelling), ``names`` the summed names.  No shapes, no check."""
    if shapes is None or call.best_index < 0:
        return call
    return check_shapes(call, shapes.support(families[call.best_index], label_suffix_pairs(names)))


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


__all__ = ["FAMILY_MARGIN", "LOG_FLOOR", "MIN_SHAPE_SUPPORT", "UNKNOWN", "FamilyCall", "LogSumRule", "check_shapes",
           "family_from_totals", "label_suffix_pairs", "log_sum_family", "shape_checked", "vote"]
