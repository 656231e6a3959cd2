"""Answers that carry data rather than addresses (``data_answers`` in
``data/detections.yaml``).

A tunnel's server answers with its downstream data: Saitama's A records
read as ASCII (``70.109.111.114`` is ``Fmor``), RogueRobin's AAAA records
spell text, dnscat2's CNAME/MX/TXT answers are hex.  One such answer means
nothing (``52.96.x.x`` reads ``4```), several distinct ones to one host from
domains that are not popular are supporting evidence and a tool's
fingerprint; never a verdict on their own.  Counted per host across its
unpopular domains, not per domain: Saitama spreads its answers over three
C2 domains (3 + 3 + 3 printable A records in one upload).
"""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field

from dnsguard.detect.encoding import name_encoding


def _printable(data: bytes) -> bool:
    return all(0x20 <= b <= 0x7E for b in data)


def answer_data(answer: str) -> str | None:
    """What kind of data ``answer`` (one answer as Zeek or Suricata logs it)
    carries: ``printable-a``, ``printable-aaaa``, ``encoded-txt``,
    ``encoded-name``, or None for an ordinary answer."""
    answer = answer.strip()
    if not answer:
        return None
    if answer.startswith("TXT "):  # Zeek: "TXT <length> <text>"
        parts = answer.split(" ", 2)
        text = parts[2] if len(parts) == 3 else ""
        return "encoded-txt" if text and name_encoding(text.split(".")) else None
    try:
        address = ipaddress.ip_address(answer)
    except ValueError:
        if " " in answer:  # TXT text as EVE writes it, or other free text
            return "encoded-txt" if name_encoding(answer.split()) else None
        return "encoded-name" if name_encoding(answer.rstrip(".").split(".")) else None
    raw = address.packed
    if address.version == 4:
        return "printable-a" if _printable(raw) else None
    text = raw.rstrip(b"\0")  # the tool pads its last record with zero bytes
    return "printable-aaaa" if len(text) >= 8 and _printable(text) else None


@dataclass
class DataAnswersFinding:
    host: str
    domains: Counter[str]
    """Registered domain -> distinct data-carrying answers from it."""
    first: float
    last: float
    kinds: Counter[str]
    """Kind of data (``printable-a``...) -> distinct answers."""
    sample: list[str] = field(default_factory=list)

    @property
    def answers(self) -> int:
        return sum(self.kinds.values())

    def describe(self) -> str:
        kinds = ", ".join(f"{k} {n}" for k, n in self.kinds.most_common())
        doms = ", ".join(d for d, _ in self.domains.most_common(4))
        return (f"{self.answers} distinct answers from {doms} carry data ({kinds}); "
                f"e.g. {', '.join(self.sample[:3])}")


@dataclass
class _Host:
    first: float
    last: float
    seen: set[str] = field(default_factory=set)
    kinds: Counter[str] = field(default_factory=Counter)
    domains: Counter[str] = field(default_factory=Counter)


def is_address(text: str) -> bool:
    """An A or AAAA answer as sensors log it (not a name, TXT text or ``<unknown type>``)."""
    if ":" in text:
        return all(c in "0123456789abcdefABCDEF:." for c in text)
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() for p in parts)


class DataAnswersDetector:
    """Distinct data-carrying answers per host (the caller gives only answers
    to names below unpopular domains)."""

    MAX_HOSTS = 100_000
    MAX_SEEN = 1_000

    def __init__(self, min_distinct_answers: int = 4):
        self.min_distinct_answers = min_distinct_answers
        self._hosts: dict[str, _Host] = {}

    def observe(self, host: str, ts: float, registered: str, answers: tuple[str, ...]) -> None:
        for answer in answers:
            kind = answer_data(answer)
            if kind is None:
                continue
            state = self._hosts.get(host)
            if state is None:
                if len(self._hosts) >= self.MAX_HOSTS:
                    return
                state = self._hosts[host] = _Host(ts, ts)
            state.first, state.last = min(state.first, ts), max(state.last, ts)
            if answer not in state.seen and len(state.seen) < self.MAX_SEEN:
                state.seen.add(answer)
                state.kinds[kind] += 1
                state.domains[registered] += 1

    def findings(self) -> list[DataAnswersFinding]:
        return [DataAnswersFinding(host, s.domains, s.first, s.last, s.kinds, sorted(s.seen)[:3])
                for host, s in self._hosts.items() if len(s.seen) >= self.min_distinct_answers]


__all__ = ["DataAnswersDetector", "DataAnswersFinding", "answer_data", "is_address"]
