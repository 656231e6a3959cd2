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

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np

from dnsguard import names as N
from dnsguard.dga import charnet as CN
from dnsguard.dga import features as F
from dnsguard.dga import model as M
from dnsguard.dga.allowlist import Allowlist, build, default_allowlist
from dnsguard.dga.fastnames import Split, SuffixWalker, labels_of, split_names
from dnsguard.dga.shapes import FamilyShapes
from dnsguard.dga.shapes import load_shipped as load_shipped_shapes
from dnsguard.feeds.gcpause import gc_paused

UNKNOWN = "unknown"
BAND_REASON = "character-model"
"""Reason added to names the band stage flags and the linear model alone would not
(they score exactly the threshold): :mod:`dnsguard.dga.charnet`."""


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


@dataclass(frozen=True)
class FamilyDistribution:
    """The attributor's full answer for a batch: one log-probability per family.

    ``log_probability[i, j]`` is log P(family ``families[j]`` | name i), a
    log-softmax computed from the logits (finite even where the softmax
    rounds to 0).  Rows of names that were not scored (allowlisted, invalid,
    bare public suffix) are NaN.  The distribution is given for every scored
    name, DGA-like or not; it only means something for DGA-like names."""

    families: tuple[str, ...]
    log_probability: np.ndarray
    """float64 [names, families]."""


REASON_WORDS = ("high-entropy", "long-consonant-run", "few-vowels", "letter-digit-mix", "long-label")


def reason_masks(stats: F.LexicalStats) -> np.ndarray:
    """Bit k set when ``REASON_WORDS[k]`` describes the label (vectorised)."""
    conditions = (
        stats.entropy >= 3.2,
        stats.consonant_run >= 5,
        (stats.length >= 6) & (stats.vowel_share < 0.2),
        stats.switches >= 3,
        stats.length >= 20,
    )
    mask = np.zeros(stats.length.shape[0], dtype=np.int64)
    for bit, cond in enumerate(conditions):
        mask |= cond.astype(np.int64) << bit
    return mask


def reason_words(mask: int) -> tuple[str, ...]:
    """Plain-words reasons a flagged label looks machine-made."""
    words = tuple(w for bit, w in enumerate(REASON_WORDS) if mask >> bit & 1)
    return words or ("unusual-ngrams",)


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
        band: CN.BandStage | bool = True,
    ) -> None:
        """``band``: the character network's band stage (:mod:`dnsguard.dga.charnet`;
        on by default again since 2026-12-06, when it learned to add the linear
        model's suffix weight to the network's logit: docs/dga-model.md).  True
        uses the shipped one when it was calibrated for this linear model (a
        retrained or test model goes without); a
        :class:`~dnsguard.dga.charnet.BandStage` must fit the model."""
        self.model = model if model is not None else M.load()
        if band is True:
            shipped = CN.load()
            band = shipped if shipped is not None and shipped.fits(self.model) else False
            if band is False and model is None:  # the shipped linear model deserves its stage
                logging.getLogger("dnsguard.dga").warning(
                    "the DGA scorer runs without its band stage: %s", "the package has no dga-charnet.npz"
                    if shipped is None else "dga-charnet.npz was calibrated for another dga-model.npz "
                    "(run tools/train_dga_charnet.py --recalibrate)")
        elif band is not False and not band.fits(self.model):
            raise ValueError("this band stage was calibrated for another linear model")
        self.band: CN.BandStage | None = band or None
        self.family_shapes: FamilyShapes | None = load_shipped_shapes() if model is None else None
        """The shipped model's family recipes (:mod:`dnsguard.dga.shapes`), for the host-level
        family rule; None for any other model (its families' shapes are not known here)."""
        self.allowlist = (
            allowlist if allowlist is not None else default_allowlist(allow, allow_files)
        )
        self.walker = SuffixWalker(suffixes or N.default_suffix_list())
        # the inference tables (and the attributor's self-check, ~50 ms) now, not in
        # the first batch
        self.model.detector_tables()
        self.model.family_tables()

    @property
    def threshold(self) -> float:
        return self.model.threshold

    def _split(
        self, names: Iterable[str | bytes], allow: Iterable[str] | None
    ) -> tuple[Split, list[str | None], list[int], np.ndarray]:
        """Names split and allowlisted: (split, allowlist hit per name, indices of the
        allowlisted names, indices of the names the model sees: valid, registrable
        and not allowlisted)."""
        split = split_names(names, self.walker)
        unregistered = split.unregistered
        if unregistered is None:
            unregistered = [i for i, r in enumerate(split.registered) if not r]
        hits, hit_rows = self.allowlist.match_indices(
            split.fqdn, split.registered, split.suffix, unregistered
        )
        if allow:
            extra = build(allow)
            hits = [h or extra.match(f) for h, f in zip(hits, split.fqdn, strict=True)]
            hit_rows = [i for i, h in enumerate(hits) if h]
        n = len(split.fqdn)
        if hit_rows or unregistered:
            keep = np.ones(n, dtype=bool)
            keep[hit_rows] = False
            keep[unregistered] = False
            scored = np.flatnonzero(keep)
        else:
            scored = np.arange(n)
        return split, hits, hit_rows, scored

    def score_arrays(
        self, names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
    ) -> BatchScores:
        """Score a batch column-wise (the fast path)."""
        with gc_paused():  # ~10 acyclic objects per name: collections here find nothing
            return self._score_arrays(names, allow)

    def _score_arrays(self, names: Iterable[str | bytes], allow: Iterable[str] | None) -> BatchScores:
        split, hits, hit_rows, scored = self._split(names, allow)
        n = len(split.fqdn)
        reasons: list[tuple[str, ...]] = [()] * n
        for i in hit_rows:
            reasons[i] = ("allowlisted:" + hits[i],)
        for i in split.unregistered if split.unregistered is not None else range(n):
            if split.registered[i]:
                continue
            why = split.reason[i]
            if why:
                reasons[i] = ("invalid:" + why,)
            elif not hits[i]:
                reasons[i] = ("public-suffix",)
        score = np.zeros(n, dtype=np.float64)
        family = [UNKNOWN] * n
        family_p = np.zeros(n, dtype=np.float64)
        if scored.size:
            every = scored.size == n
            suffixes = split.suffix if every else _pick(split.suffix, scored)
            enc = F.encode(labels_of(split.registered if every else _pick(split.registered, scored), suffixes))
            stats = F.lexical_stats(enc, entropy=False)
            z = self.model.logits(enc, stats, suffixes if self.model.detector_suffix else None)
            lifted = None
            if self.band is not None:
                model = self.model

                def suffix_weights(rows: np.ndarray) -> np.ndarray:
                    return model.suffix_weights([suffixes[i] for i in rows.tolist()], rows.size)
                linear, z = z, self.band.rescore(enc, z, suffix_weights if model.detector_suffix else None)
                lifted = np.flatnonzero((z >= 0.0) & (linear < 0.0))
            s = M.sigmoid(z)
            score[scored] = s
            flagged = np.flatnonzero(s >= self.model.threshold)
            if flagged.size:
                self._attribute(split, scored, flagged, enc, stats, family, family_p, reasons)
            if lifted is not None:
                for i in scored[lifted].tolist():
                    reasons[i] = (*reasons[i], BAND_REASON)
        return BatchScores(split, score, family, family_p, reasons)

    def _attribute(
        self,
        split: Split,
        rows: np.ndarray,
        flagged: np.ndarray,
        batch: F.Encoded,
        batch_stats: F.LexicalStats,
        family: list[str],
        family_p: np.ndarray,
        reasons: list[tuple[str, ...]],
    ) -> None:
        """Family and reasons for the (few) names above the threshold."""
        model = self.model
        sub = batch if flagged.size == batch.count else F.subset(batch, flagged)
        stats = F.select_stats(batch_stats, flagged, sub)
        where = rows[flagged]
        suffixes = _pick(split.suffix, where)
        masks = reason_masks(stats)
        words = _WORDS
        if not model.families:
            for i, m in zip(where.tolist(), masks.tolist(), strict=True):
                reasons[i] = words[m]
            return
        probs = M.softmax(model.family_logits_encoded(sub, suffixes, stats))
        best_arr = probs.argmax(axis=1)
        top_arr = probs[np.arange(probs.shape[0]), best_arr]
        named = top_arr >= model.family_min_probability
        family_p[where[named]] = top_arr[named]
        names = model.families
        ok = np.flatnonzero(named)
        for i, b, m in zip(where[ok].tolist(), best_arr[ok].tolist(), masks[ok].tolist(), strict=True):
            family[i] = names[b]
            reasons[i] = words[m]
        unsure = np.flatnonzero(~named)
        for i, b, m, p in zip(where[unsure].tolist(), best_arr[unsure].tolist(), masks[unsure].tolist(),
                              top_arr[unsure].tolist(), strict=True):
            reasons[i] = (*words[m], f"closest-family:{names[b]}:{p:.2f}")

    def family_distribution(
        self, names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
    ) -> FamilyDistribution:
        """Per-name log-probability of every trained family (see :class:`FamilyDistribution`).

        A separate call so that :meth:`score_arrays` / :meth:`score_batch`
        pay nothing for it; callers ask only about the names they keep (the
        service: names at or above its host threshold)."""
        split, _, _, rows = self._split(names, allow)
        model = self.model
        out = np.full((len(split.fqdn), len(model.families)), np.nan, dtype=np.float64)
        if rows.size and model.families:
            suffixes = _pick(split.suffix, rows)
            enc = F.encode(labels_of(_pick(split.registered, rows), suffixes))
            out[rows] = M.log_softmax(model.family_logits_encoded(enc, suffixes, F.lexical_stats(enc)))
        return FamilyDistribution(model.families, out)

    def score_batch(
        self, names: Iterable[str | bytes], *, allow: Iterable[str] | None = None
    ) -> list[Verdict]:
        """One :class:`Verdict` per input name, in order."""
        with gc_paused():
            return self._score_arrays(names, allow).verdicts()

    def score_one(self, name: str | bytes, *, allow: Iterable[str] | None = None) -> Verdict:
        return self.score_batch([name], allow=allow)[0]


def _pick(values: Sequence[str], rows: np.ndarray) -> list[str]:
    """``[values[i] for i in rows]``, faster."""
    if rows.size == 1:
        return [values[int(rows[0])]]
    return list(itemgetter(*rows.tolist())(values)) if rows.size else []


_WORDS = tuple(reason_words(m) for m in range(1 << len(REASON_WORDS)))
"""``reason_words(mask)`` for every mask."""
