"""Batch name splitting for the scorer, equal to :func:`dnsguard.names.normalize`.

``dnsguard.names.normalize`` is the reference, but at one Python call with
per-label regexes and a left-to-right suffix search it manages ~130,000
names a second, less than half the scorer's budget.  Almost every name on the
wire is already plain lower-case ASCII, so this module takes that case on a
short path (one regex for the whole name, a right-to-left Public Suffix
walk that stops as soon as no longer rule can match) and hands everything
else (bytes, non-ASCII, anything the regex refuses) to ``normalize`` so the
result and the rejection reasons stay identical.  A property test checks the
two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from dnsguard import names as N

_PLAIN = re.compile(r"(?:[a-z0-9_-]{1,63}\.){0,126}[a-z0-9_-]{1,63}\Z")
_HOST_BYTE = np.zeros(256, dtype=bool)
_HOST_BYTE[np.frombuffer(b"abcdefghijklmnopqrstuvwxyz0123456789-_.\n", dtype=np.uint8)] = True
_HOST_BYTE.setflags(write=False)
_TRAILING_DOT = re.compile(r"\.$", re.M)


@dataclass(frozen=True)
class Split:
    """A batch of names, column-wise; rejected rows have ``reason != ""``."""

    fqdn: list[str]
    registered: list[str]
    suffix: list[str]
    label: list[str]
    reason: list[str]
    """Empty for usable names, else the rejection reason."""


class SuffixWalker:
    """Public suffix lookup from the right, stopping early."""

    def __init__(self, psl: N.SuffixList) -> None:
        self.rules = psl.rules
        self.wildcards = psl.wildcards
        self.exceptions = psl.exceptions
        tails: set[str] = set()
        for entry in (*psl.rules, *psl.wildcards, *psl.exceptions):
            parts = entry.split(".")
            for i in range(len(parts)):
                tails.add(".".join(parts[i:]))
        self.tails = frozenset(tails)

    def start(self, labels: list[str]) -> int:
        """Index where the public suffix starts (same answer as ``SuffixList.public_suffix``).

        ``SuffixList`` returns the smallest index whose candidate is an
        exception, a rule or the child of a wildcard; walking from the TLD we
        keep the last such index and stop once the candidate is not the tail
        of any rule, since no longer candidate can then match.
        """
        n = len(labels)
        result = n - 1
        i = n - 1
        cand = labels[i]
        prev = ""
        while True:
            if cand in self.exceptions:
                result = i + 1
            elif cand in self.rules or (prev and prev in self.wildcards):
                result = i
            if i == 0 or cand not in self.tails:
                return result
            i -= 1
            prev = cand
            cand = labels[i] + "." + cand


def split_names(names: Iterable[str | bytes], walker: SuffixWalker) -> Split:
    """Normalise and split a batch; never raises on hostile input."""
    batch = names if isinstance(names, list) else list(names)
    fast = _split_plain_batch(batch, walker)
    return fast if fast is not None else _split_each(batch, walker)


def _split_plain_batch(names: list, walker: SuffixWalker) -> Split | None:
    """All-``str`` ASCII batches: validate the whole batch with one regex scan.

    Returns None when the batch is not of that kind (bytes, non-ASCII, a
    newline inside a name); lines the scan refuses go to ``normalize`` one
    by one so their rejection reasons are the reference ones.
    """
    if not names:
        return Split([], [], [], [], [])
    try:
        joined = "\n".join(names)
    except TypeError:
        return None
    if len(joined) > 300 * len(names) or not joined.isascii():
        return None
    if joined.count("\n") != len(names) - 1:
        return None
    text = _TRAILING_DOT.sub("", joined.lower())
    parts = text.split("\n")
    bad = set(_bad_lines(text).tolist())
    # Common case, in list comprehensions (no per-name Python statements):
    # registered = last two labels, suffix = TLD, unless the last two labels
    # are the tail of a longer PSL rule or the TLD has a wildcard rule.
    registered = [t[t.rfind(".", 0, t.rfind(".")) + 1 :] for t in parts]
    suffix = [t[t.rfind(".") + 1 :] for t in parts]
    label = [r[: r.find(".")] for r in registered]
    reason = [""] * len(parts)
    tails = walker.tails
    wild = walker.wildcards.intersection(suffix)
    slow = [
        i
        for i, (r, x) in enumerate(zip(registered, suffix, strict=True))
        if r in tails or x in wild or "." not in r
    ]
    for i in set(slow) | bad:
        if i in bad:
            result = N.normalize(names[i])
            if isinstance(result, N.Rejected):
                parts[i], reason[i] = result.raw, result.reason
                registered[i] = label[i] = suffix[i] = ""
            else:
                parts[i], registered[i] = result.fqdn, result.registered
                label[i], suffix[i] = result.label, result.suffix
            continue
        labels = parts[i].split(".")
        start = walker.start(labels)
        registered[i] = ".".join(labels[start - 1 :]) if start > 0 else ""
        label[i] = labels[start - 1] if start > 0 else ""
        suffix[i] = ".".join(labels[start:])
    return Split(parts, registered, suffix, label, reason)


def _bad_lines(text: str) -> np.ndarray:
    """Indices of the lines of ``text`` that are not plain host names.

    Plain: characters ``a-z0-9-_`` in labels of 1..63 separated by single
    dots, at most 253 characters (which also bounds the label count at 127).
    Vectorised over the bytes, so the common all-good batch costs a few
    array passes instead of a regex call per name.
    """
    buf = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    newlines = np.flatnonzero(buf == 10)
    line_starts = np.concatenate(([0], newlines + 1))
    line_ends = np.concatenate((newlines, [buf.shape[0]]))
    bad = [np.flatnonzero(line_ends - line_starts > N.MAX_NAME_LENGTH)]
    wrong = np.flatnonzero(~_HOST_BYTE[buf])
    if wrong.size:
        bad.append(np.searchsorted(newlines, wrong))
    seps = np.flatnonzero((buf == 46) | (buf == 10))
    bounds = np.concatenate(([-1], seps, [buf.shape[0]]))
    label_len = np.diff(bounds) - 1
    line_of_label = np.concatenate(([0], np.cumsum(buf[seps] == 10)))
    bad.append(line_of_label[(label_len == 0) | (label_len > N.MAX_LABEL_LENGTH)])
    return np.unique(np.concatenate(bad))


def _split_each(names: list, walker: SuffixWalker) -> Split:
    """The general path: one name at a time."""
    fqdn: list[str] = []
    registered: list[str] = []
    suffix: list[str] = []
    label: list[str] = []
    reason: list[str] = []
    plain = _PLAIN.match
    start_of = walker.start
    for raw in names:
        text = raw
        if type(text) is str and len(text) <= 254 and text.isascii():
            text = text.lower()
            if text.endswith("."):
                text = text[:-1]
            if len(text) <= N.MAX_NAME_LENGTH and plain(text):
                labels = text.split(".")
                s = start_of(labels)
                fqdn.append(text)
                reason.append("")
                if s > 0:
                    registered.append(".".join(labels[s - 1 :]))
                    label.append(labels[s - 1])
                else:
                    registered.append("")
                    label.append("")
                suffix.append(".".join(labels[s:]))
                continue
        result = N.normalize(raw)
        if isinstance(result, N.Rejected):
            fqdn.append(result.raw)
            registered.append("")
            suffix.append("")
            label.append("")
            reason.append(result.reason)
        else:
            fqdn.append(result.fqdn)
            registered.append(result.registered)
            suffix.append(result.suffix)
            label.append(result.label)
            reason.append("")
    return Split(fqdn, registered, suffix, label, reason)
