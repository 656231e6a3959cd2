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
from functools import cached_property

import numpy as np

from dnsguard import names as N

_PLAIN = re.compile(r"(?:[a-z0-9_-]{1,63}\.){0,126}[a-z0-9_-]{1,63}\Z")
_HOST_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789-_.\n"
_HOST_BYTE = np.zeros(256, dtype=bool)
_HOST_BYTE[np.frombuffer(_HOST_BYTES, dtype=np.uint8)] = True
_HOST_BYTE.setflags(write=False)
_TRAILING_DOT = re.compile(r"\.$", re.M)
_SMALL_BATCH = 8
"""Batches up to this size take the per-name path: the batch scan's fixed cost
(tens of numpy calls) is more than a few regex matches."""
_MEMO_LIMIT = 65_536
"""Memoised suffix walks before the memo starts again (bounds memory on hostile input)."""


@dataclass(frozen=True)
class Split:
    """A batch of names, column-wise; rejected rows have ``reason != ""``."""

    fqdn: list[str]
    registered: list[str]
    suffix: list[str]
    reason: list[str]
    """Empty for usable names, else the rejection reason."""
    unregistered: list[int] | None = None
    """Indices whose ``registered`` is empty (rejected names, bare public
    suffixes), when the splitter knows them without another pass; else None."""

    @cached_property
    def label(self) -> list[str]:
        """The label left of the public suffix, per row ("" without a registered domain).

        Cut on first use and kept: the scorer cuts labels only for the rows it
        scores (:func:`labels_of`), and callers that index this per row must
        not rebuild the whole list each time."""
        return labels_of(self.registered, self.suffix)


def labels_of(registered: list[str], suffix: list[str]) -> list[str]:
    """The registered domains' own labels (``registered`` less ``.suffix``).

    Why cut on demand: the scorer needs labels only for the names it scores,
    often half a batch or less (the rest are allowlisted), and one string per
    row is a tenth of the split's time."""
    return [r[: len(r) - len(x) - 1] for r, x in zip(registered, suffix, strict=True)]


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
        self._memo: dict[str, int] = {}

    def suffix_count(self, labels: list[str]) -> int:
        """Number of labels of the public suffix (``len(labels) - start(labels)``), memoised.

        Where the walk from the right stops depends only on the labels it
        has read, so the answer for a name of more than three labels whose
        last three are not the tail of a rule is the answer for those three
        (``key`` below); names of at most three labels are their own key."""
        n = len(labels)
        if n > 3:
            key = ".".join(labels[-3:])
            if key in self.tails:
                return n - self.start(labels)  # a deep rule: the whole walk, not memoised
        else:
            key = ".".join(labels)
        return self._memoised(key, labels[-3:] if n > 3 else labels)

    def tail_count(self, last_two: str, deeper: bool) -> int:
        """Labels of the public suffix of a name ending in ``last_two``, memoised on it.

        ``deeper``: the name has a third label from the right and those last
        three labels are not the tail of any rule.  The walk then stops at
        that third label whatever it is, so its answer depends on
        ``last_two`` alone (a NUL label, which no rule has, stands in for
        it).  Without ``deeper`` the name is ``last_two`` itself.  Either way
        a batch of CDN host names under one suffix walks once."""
        key = "\0." + last_two if deeper else last_two
        return self._memoised(key, key.split("."))

    def _memoised(self, key: str, labels: list[str]) -> int:
        """Labels of the public suffix of ``labels``, remembered under ``key``."""
        count = self._memo.get(key)
        if count is None:
            count = len(labels) - self.start(labels)
            if len(self._memo) >= _MEMO_LIMIT:
                self._memo = {}
            self._memo[key] = count
        return count

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
    if len(batch) <= _SMALL_BATCH:
        return _split_each(batch, walker)
    fast = _split_plain_batch(batch, walker)
    return fast if fast is not None else _split_each(batch, walker)


def _split_plain_batch(names: list, walker: SuffixWalker) -> Split | None:
    """All-``str`` ASCII batches: validate the whole batch with one scan of its bytes.

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
    text = joined.lower()
    if ".\n" in text or text.endswith("."):
        text = _TRAILING_DOT.sub("", text)
    parts = text.split("\n")
    scan = _scan(text)
    # Common case, in list comprehensions (no per-name Python statements):
    # registered = last two labels, suffix = TLD, unless the last two labels
    # are the tail of a longer PSL rule or the TLD has a wildcard rule.
    ends = scan.ends
    registered = [text[a:b] for a, b in zip(scan.registered, ends, strict=True)]
    suffix = [text[a:b] for a, b in zip(scan.suffix, ends, strict=True)]
    reason = [""] * len(parts)
    tails = walker.tails
    wild = walker.wildcards.intersection(suffix)
    if wild:
        slow = {i for i, (r, x) in enumerate(zip(registered, suffix, strict=True)) if r in tails or x in wild}
    else:
        slow = {i for i, r in enumerate(registered) if r in tails}
    bad = set(scan.bad)
    no_dot = set(scan.no_dot)
    slow.update(no_dot)
    unregistered: list[int] = []
    suffix_count = walker.suffix_count
    tail_count = walker.tail_count
    third = scan.third
    # Most slow names sit under a two-label suffix (co.uk, cloudfront.net) and
    # have a third label that is not the tail of a rule: the walk then stops at
    # that label whatever it is, so the suffix is decided by the last two
    # labels alone (tail_count, asked once per distinct pair here) and the
    # registered domain is the last three.  Those rows are settled in one
    # light pass; the loop below takes the rest.
    under_two = [i for i in slow.difference(bad, no_dot) if third[i] >= 0]
    if under_two:
        counts = {r: tail_count(r, True) for r in {registered[i] for i in under_two}}
        settled = []
        for i in under_two:
            last_two = registered[i]
            if counts[last_two] == 2 and (last_three := text[third[i] : ends[i]]) not in tails:
                registered[i], suffix[i] = last_three, last_two
                settled.append(i)
        slow.difference_update(settled)
    for i in slow | bad:
        if i in bad:
            result = N.normalize(names[i])
            if isinstance(result, N.Rejected):
                parts[i], reason[i] = result.raw, result.reason
                registered[i] = suffix[i] = ""
                unregistered.append(i)
            else:
                parts[i], registered[i], suffix[i] = result.fqdn, result.registered, result.suffix
                if not result.registered:
                    unregistered.append(i)
            continue
        # Decided from the last two or three labels where that suffices,
        # without splitting the name.
        last_two = registered[i]
        if i not in no_dot and third[i] < 0:  # two labels: a registered domain (the scan's columns stand)
            if tail_count(last_two, False) == 2:  # or a bare public suffix
                registered[i] = ""
                suffix[i] = last_two
                unregistered.append(i)
            continue
        if (i not in no_dot and text[third[i] : ends[i]] not in tails
                and tail_count(last_two, True) == 1):  # (2 was settled above)
            continue
        labels = parts[i].split(".")
        count = suffix_count(labels)
        start = len(labels) - count
        registered[i] = ".".join(labels[start - 1 :]) if start > 0 else ""
        suffix[i] = ".".join(labels[start:])
        if start == 0:
            unregistered.append(i)
    unregistered.sort()
    return Split(parts, registered, suffix, reason, unregistered)


@dataclass(frozen=True)
class _Scan:
    bad: list[int]
    """Lines that are not plain host names."""
    no_dot: list[int]
    """Lines without a dot."""
    registered: list[int]
    """Offset in the text where the last two labels start (the line's start if fewer)."""
    suffix: list[int]
    """Offset where the last label starts."""
    ends: list[int]
    """Offset of each line's end."""
    third: list[int]
    """Offset where the last three labels start, -1 for lines of fewer labels."""


def _scan(text: str) -> _Scan:
    """Bad lines and label offsets of every line of ``text``, with whole-array operations."""
    raw = text.encode("ascii")
    buf = np.frombuffer(raw, dtype=np.uint8)
    size = buf.shape[0]
    seps = np.flatnonzero((buf == 46) | (buf == 10))
    is_newline = buf[seps] == 10
    newlines = seps[is_newline]
    line_starts = np.concatenate(([0], newlines + 1))
    line_ends = np.concatenate((newlines, [size]))
    bad = [np.flatnonzero(line_ends - line_starts > N.MAX_NAME_LENGTH)]
    if raw.translate(None, _HOST_BYTES):  # a byte outside host names: find where (rare, so
        wrong = np.flatnonzero(~_HOST_BYTE[buf])  # bytes.translate's one C pass checks first)
        bad.append(np.searchsorted(newlines, wrong))
    bounds = np.concatenate(([-1], seps, [size]))
    label_len = np.diff(bounds) - 1
    line_of_label = np.concatenate(([0], np.cumsum(is_newline)))
    bad.append(line_of_label[(label_len == 0) | (label_len > N.MAX_LABEL_LENGTH)])
    # separators with a final newline: each line ends at one, its dots come before
    marks = np.concatenate((seps, [size]))
    newline_at = np.flatnonzero(np.concatenate((is_newline, [True])))
    dot = np.concatenate(([False], ~is_newline))  # dot[k + 1]: separator k is a dot
    last = newline_at - 1
    has_last = dot[newline_at]
    has_second = has_last & dot[np.maximum(last, 0)]
    last_dot = np.where(has_last, marks[np.maximum(last, 0)], line_starts - 1)
    second_dot = np.where(has_second, marks[np.maximum(last - 1, 0)], line_starts - 1)
    has_third = has_second & dot[np.maximum(last - 1, 0)]
    third_dot = np.where(has_third, marks[np.maximum(last - 2, 0)], line_starts - 1)
    return _Scan(
        bad=np.unique(np.concatenate(bad)).tolist(),
        no_dot=np.flatnonzero(~has_last).tolist(),
        registered=(second_dot + 1).tolist(),
        suffix=(last_dot + 1).tolist(),
        ends=line_ends.tolist(),
        third=np.where(has_second, third_dot + 1, -1).tolist(),
    )


def _split_each(names: list, walker: SuffixWalker) -> Split:
    """The general path: one name at a time."""
    fqdn: list[str] = []
    registered: list[str] = []
    suffix: list[str] = []
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
                else:
                    registered.append("")
                suffix.append(".".join(labels[s:]))
                continue
        result = N.normalize(raw)
        if isinstance(result, N.Rejected):
            fqdn.append(result.raw)
            registered.append("")
            suffix.append("")
            reason.append(result.reason)
        else:
            fqdn.append(result.fqdn)
            registered.append(result.registered)
            suffix.append(result.suffix)
            reason.append("")
    return Split(fqdn, registered, suffix, reason, [i for i, r in enumerate(registered) if not r])
