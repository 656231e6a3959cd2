"""Score names as DGA-like: normalise, allowlist, detect, attribute, explain.

A :class:`Scorer` holds the loaded model, the Public Suffix walker and the
allowlist, so a service builds one and calls :meth:`Scorer.score_batch` for
every batch; nothing is cached at module level except the lazily built
default scorer behind :func:`dnsguard.dga.score`.

Only the label the owner of a name chose (the left-most label of the
registered domain, ``x1b9`` in ``www.x1b9.duckdns.org``) is scored: that is
the part a DGA generates; sub-domains are chosen by whoever runs the domain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dnsguard import names as N
from dnsguard.dga import features as F
from dnsguard.dga import model as M
from dnsguard.dga.allowlist import Allowlist, build, default_allowlist
from dnsguard.dga.fastnames import Split, SuffixWalker, split_names

UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Verdict:
    name: str
    """Canonical name (or the printable raw input when rejected)."""
    registered_domain: str
    """eTLD+1, ``""`` for rejected names and bare public suffixes."""
    score: float
    """DGA-likeness in [0, 1]; at or above ``Scorer.threshold`` counts as DGA-like."""
    family: str
    """Most likely known family, or ``unknown`` (unsure, or not DGA-like)."""
    family_probability: float
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "registered_domain": self.registered_domain,
            "score": round(self.score, 6),
            "family": self.family,
            "family_probability": round(self.family_probability, 6),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class BatchScores:
    """Column-wise results, for callers that want arrays rather than objects."""

    split: Split
    score: np.ndarray
    family: list[str]
    family_probability: np.ndarray
    reasons: list[tuple[str, ...]]

    def verdicts(self) -> list[Verdict]:
        s = self.split
        return [
            Verdict(*row)
            for row in zip(
                s.fqdn,
                s.registered,
                self.score.tolist(),
                self.family,
                self.family_probability.tolist(),
                self.reasons,
                strict=True,
            )
        ]


def explain(stats: F.LexicalStats, i: int) -> tuple[str, ...]:
    """Plain-words reasons a flagged label looks machine-made."""
    reasons = []
    length = int(stats.length[i])
    if stats.entropy[i] >= 3.2:
        reasons.append("high-entropy")
    if stats.consonant_run[i] >= 5:
        reasons.append("long-consonant-run")
    if length >= 6 and stats.vowel_share[i] < 0.2:
        reasons.append("few-vowels")
    if stats.switches[i] >= 3:
        reasons.append("letter-digit-mix")
    if length >= 20:
        reasons.append("long-label")
    if not reasons:
        reasons.append("unusual-ngrams")
    return tuple(reasons)


class Scorer:
    """A loaded model plus allowlist; build once, score many batches."""

    def __init__(
        self,
        model: M.Model | None = None,
        *,
        allow: Iterable[str] = (),
        allow_files: Iterable[Path | str] = (),
        allowlist: Allowlist | None = None,
        suffixes: N.SuffixList | None = None,
    ) -> None:
        self.model = model if model is not None else M.load()
        self.allowlist = (
            allowlist if allowlist is not None else default_allowlist(allow, allow_files)
        )
        self.walker = SuffixWalker(suffixes or N.default_suffix_list())

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def score_arrays(
        self, names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
    ) -> BatchScores:
        """Score a batch column-wise (the fast path)."""
        split = split_names(names, self.walker)
        n = len(split.fqdn)
        extra = build(allow) if allow else None
        reasons: list[tuple[str, ...]] = [()] * n
        scored: list[int] = []
        match = self.allowlist.match_split
        for i, (fqdn, reg, suffix, why) in enumerate(
            zip(split.fqdn, split.registered, split.suffix, split.reason, strict=True)
        ):
            if why:
                reasons[i] = ("invalid:" + why,)
                continue
            hit = match(fqdn, reg, suffix)
            if hit is None and extra is not None:
                hit = extra.match(fqdn)
            if hit:
                reasons[i] = ("allowlisted:" + hit,)
            elif not reg:
                reasons[i] = ("public-suffix",)
            else:
                scored.append(i)
        score = np.zeros(n, dtype=np.float64)
        family = [UNKNOWN] * n
        family_p = np.zeros(n, dtype=np.float64)
        if scored:
            if len(scored) == n:
                labels = split.label
                rows = np.arange(n, dtype=np.int64)
            else:
                labels = [split.label[i] for i in scored]
                rows = np.asarray(scored, dtype=np.int64)
            s = self.model.scores(F.encode(labels))
            score[rows] = s
            flagged = np.flatnonzero(s >= self.model.threshold)
            if flagged.size:
                self._attribute(split, rows, flagged, labels, family, family_p, reasons)
        return BatchScores(split, score, family, family_p, reasons)

    def _attribute(
        self,
        split: Split,
        rows: np.ndarray,
        flagged: np.ndarray,
        labels: Sequence[str],
        family: list[str],
        family_p: np.ndarray,
        reasons: list[tuple[str, ...]],
    ) -> None:
        """Family and reasons for the (few) names above the threshold."""
        model = self.model
        sub = F.encode([labels[k] for k in flagged])
        stats = F.lexical_stats(sub)
        suffixes = [split.suffix[rows[k]] for k in flagged]
        probs = model.family_probabilities(F.tokens(sub, stats), suffixes)
        for j, k in enumerate(flagged.tolist()):
            i = int(rows[k])
            why = explain(stats, j)
            if probs.shape[1]:
                best = int(probs[j].argmax())
                p = float(probs[j, best])
                if p >= model.family_min_probability:
                    family[i] = model.families[best]
                    family_p[i] = p
                else:
                    why = (*why, f"closest-family:{model.families[best]}:{p:.2f}")
            reasons[i] = why

    def score_batch(
        self, names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
    ) -> list[Verdict]:
        """One :class:`Verdict` per input name, in order."""
        return self.score_arrays(names, allow=allow).verdicts()

    def score_one(self, name: str | bytes, *, allow: Iterable[str] | None = None) -> Verdict:
        return self.score_batch([name], allow=allow)[0]
