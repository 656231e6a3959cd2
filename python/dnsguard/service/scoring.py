"""What the service needs from a DGA scorer, and how it finds the real one.

The service only relies on ``score_batch(list[str])`` returning, per name,
an object with ``score`` (0..1) and ``family`` (and optionally
``family_probability`` and ``reasons``).  Keeping it a Protocol lets the
tests and the benchmark inject a deterministic scorer, and keeps the
service independent of how :mod:`dnsguard.dga` is implemented.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class DgaScorer(Protocol):
    def score_batch(self, names: list[str]) -> Sequence[Any]: ...


@dataclass(frozen=True, slots=True)
class DgaResult:
    score: float
    family: str = "unknown"
    family_probability: float = 0.0
    reasons: tuple[str, ...] = ()


def result_of(item: Any) -> DgaResult:
    """Normalise one scorer answer (a dnsguard.dga Verdict or lookalike)."""
    score = float(getattr(item, "score", 0.0))
    family = getattr(item, "family", None) or "unknown"
    reasons = getattr(item, "reasons", ()) or ()
    return DgaResult(
        min(1.0, max(0.0, score)),
        str(family),
        float(getattr(item, "family_probability", 0.0) or 0.0),
        tuple(str(r) for r in reasons),
    )


def default_scorer(*, band: bool = True) -> DgaScorer:
    """The shipped DGA model (``dnsguard.dga.Scorer``).

    Raises RuntimeError with a clear message when this build has no scorer,
    rather than serving without DGA detection unnoticed.
    """
    try:
        from dnsguard.dga import Scorer  # type: ignore[attr-defined]
    except ImportError as exc:
        raise RuntimeError("dnsguard.dga.Scorer is not available in this build") from exc
    return Scorer(band=band)
