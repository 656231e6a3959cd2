"""The records every input is turned into, whatever sensor produced it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MIN_TS = 0.0
MAX_TS = 4_102_444_800.0
"""Time stamps a sensor can have written: 1970-01-01 to 2100-01-01 UTC.  A
line outside (Zeek ``ts`` 1e20, an EVE time stamp in year 9999, NaN or
infinity) is a bad line: the analysis computes dates from time stamps
(the DGA forecast for that day), which a year beyond 9999 cannot have."""


def plausible_ts(ts: float) -> bool:
    """True for a finite time stamp between :data:`MIN_TS` and :data:`MAX_TS` (NaN is not)."""
    return MIN_TS <= ts < MAX_TS


@dataclass(frozen=True, slots=True)
class DnsRecord:
    """One DNS transaction as a sensor saw it."""

    ts: float
    client: str
    """The internal host that asked (canonical IP text)."""
    query: str
    """The name as logged (not yet normalised: it may be hostile)."""
    qtype: str = ""
    rcode: str | None = None
    """``NOERROR``, ``NXDOMAIN``...; None when no answer was seen."""
    answers: tuple[str, ...] = ()
    ttls: tuple[float, ...] = ()
    uid: str = ""
    """Zeek uid or Suricata flow id: valid on the sensor that wrote it only
    (a pcap's throw-away run makes new ones each time)."""
    server: str = ""
    community_id: str = ""
    """Community ID v1 of the flow (:mod:`dnsguard.communityid`): the same on
    every sensor and in Security Onion (``network.community_id``), so this is
    what the report pivots on.  Empty when the log lacks the 5-tuple."""


@dataclass(frozen=True, slots=True)
class SensorAlert:
    """An alert a sensor raised (Suricata alert, Zeek notice or intel hit)."""

    ts: float
    client: str
    signature: str
    sid: int = 0
    query: str = ""
    uid: str = ""
    metadata: dict[str, list[str]] = field(default_factory=dict)
    sensor: str = "suricata"
    """``suricata`` (eve alert), ``zeek-notice`` (a DNSGuard notice, ``metadata``
    has ``note``, ``family``, ``threat``, ``score``, ``device``) or ``zeek-intel``
    (an intel.log match, ``metadata`` has ``sources`` and ``where``)."""
    community_id: str = ""
    """Community ID v1 of the flow the alert is about (empty: no flow, e.g. a
    notice about many queries)."""


@dataclass
class InputStats:
    """What an input reader read and what it had to skip, with reasons."""

    records: int = 0
    alerts: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    """Files read (a directory input lists each one)."""

    def skip(self, reason: str) -> None:
        self.skipped[reason] += 1

    def warn(self, message: str) -> None:
        if len(self.warnings) < 50:
            self.warnings.append(message)
