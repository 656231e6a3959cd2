"""DGA detection: lexical scoring (``dnsguard.dga.score``) and known generators."""

from __future__ import annotations

from collections.abc import Iterable

from dnsguard.dga.features import LexicalStats, lexical_features
from dnsguard.dga.scoring import BatchScores, FamilyDistribution, Scorer, Verdict

__all__ = [
    "BatchScores",
    "FamilyDistribution",
    "LexicalStats",
    "Scorer",
    "Verdict",
    "family_distribution",
    "lexical_features",
    "score",
]

_default: list[Scorer] = []
"""The lazily built default scorer (the one module-level cache allowed)."""


def default_scorer() -> Scorer:
    """The process-wide scorer with the shipped model and allowlist, built on first use."""
    if not _default:
        _default.append(Scorer())
    return _default[0]


def score(names: Iterable[str | bytes], *, allow: Iterable[str] | None = None) -> list[Verdict]:
    """Score names with the shipped model; ``allow`` adds allowlist entries for this call."""
    return default_scorer().score_batch(names, allow=allow)


def family_distribution(
    names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
) -> FamilyDistribution:
    """Every trained family's log-probability per name, with the shipped model.

    ``score`` reports only each name's top family (and ``unknown`` below the
    model's ``family_min_probability``); this gives the whole distribution,
    for combining several names of one host (sum the rows, take the argmax).
    It costs a second pass over the names, so ask only about the ones you keep."""
    return default_scorer().family_distribution(names, allow=allow)
