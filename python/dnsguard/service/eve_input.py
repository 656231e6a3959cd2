"""EVE lines (from eve.json or the EVE socket) as service candidates.

Parsing EVE (DNS v2 and v3, query/answer pairing) is
:func:`dnsguard.inputs.eve.read_eve`'s job; this module only maps its
:class:`DnsRecord` to :class:`Candidate`.  Each batch of lines is parsed on
its own, so a query whose answer arrives in the next batch yields two
candidates (the second with its rcode); the name cache makes that cheap.

:func:`eve_items` also keeps the pack's listed-name and Major tunnel/C2
``alert`` records (:mod:`dnsguard.service.eve_alerts`), in line order.
"""

from __future__ import annotations

import time

from dnsguard.inputs.eve import read_eve
from dnsguard.records import DnsRecord, InputStats, SensorAlert
from dnsguard.service.eve_alerts import AlertHit, alert_hit
from dnsguard.service.model import Candidate

RCODES = {
    "NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5,
    "YXDOMAIN": 6, "YXRRSET": 7, "NXRRSET": 8, "NOTAUTH": 9, "NOTZONE": 10,
}
QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "NULL": 10, "PTR": 12, "MX": 15, "TXT": 16,
          "AAAA": 28, "SRV": 33, "HTTPS": 65, "SVCB": 64, "ANY": 255}


def _code(table: dict[str, int], value: str | None) -> int:
    if not value:
        return 0
    if value.isdigit():
        return int(value)
    return table.get(value.upper(), 0)


def candidate_of(rec: DnsRecord, received: float = 0.0) -> Candidate:
    return Candidate(
        rec.ts, rec.client, rec.query, _code(QTYPES, rec.qtype), _code(RCODES, rec.rcode), rec.uid, "suricata",
        received, rec.answers,
    )


def eve_candidates(lines: list[str], stats: InputStats) -> list[Candidate]:
    """Candidates in ``lines``; bad lines are counted in ``stats``, never raised."""
    now = time.monotonic()
    return [candidate_of(r, now) for r in read_eve(lines, stats, community_ids=False)
            if isinstance(r, DnsRecord)]


def eve_items(lines: list[str], stats: InputStats) -> list[Candidate | AlertHit]:
    """Candidates and usable alerts in ``lines``, in order; other alerts are
    dropped, bad lines counted in ``stats``, never raised."""
    now = time.monotonic()
    out: list[Candidate | AlertHit] = []
    for r in read_eve(lines, stats, community_ids=False):
        if isinstance(r, DnsRecord):
            out.append(candidate_of(r, now))
        elif isinstance(r, SensorAlert):
            hit = alert_hit(r)
            if hit is not None:
                out.append(hit)
    return out
