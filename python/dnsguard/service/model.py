"""The typed values that cross the service's boundaries.

Inputs (Zeek events, EVE records) become :class:`Candidate` and
:class:`HostTag`; decisions leave as :class:`NameVerdict` and
:class:`HostVerdict`.  Everything downstream (cache, journal, sinks) speaks
only these, so a new input or output never touches the scoring code.
"""

from __future__ import annotations

from dataclasses import dataclass

NXDOMAIN = 3

THREATS = ("c2", "iab", "botnet", "dga", "phishing")
"""docs/interfaces.md: the same strings everywhere."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One DNS query worth a look, from Zeek or Suricata."""

    ts: float
    orig_h: str
    query: str | bytes
    """As received: may be hostile (binary, huge, unicode)."""
    qtype: int = 1
    rcode: int = 0
    uid: str = ""
    source: str = "zeek"
    received: float = 0.0
    """time.monotonic() when the service got it (for the latency metric)."""
    answers: tuple[str, ...] = ()
    """As the sensor logged them (EVE; Zeek's candidate event has none)."""

    @property
    def nxdomain(self) -> bool:
        return self.rcode == NXDOMAIN


@dataclass(frozen=True, slots=True)
class HostTag:
    """Zeek's ``DNSGuard::host_tag``: the device type a host revealed."""

    orig_h: str
    device: str
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class NameVerdict:
    """A name the sensors should flag from now on."""

    name: str
    """Canonical form (dnsguard.names)."""
    score: float
    family: str
    threat: str
    expire: int
    """Seconds the sensors keep it (Zeek ``count``)."""
    created: float
    """Epoch seconds; ``created + expire`` is when it lapses everywhere."""
    registered: str = ""
    source: str = "dga"
    """``dga`` or ``feed:<source>``: why the service decided."""
    reasons: tuple[str, ...] = ()
    orig_h: str = ""
    """The host whose query produced it (for the SIEM log)."""

    @property
    def expires_at(self) -> float:
        return self.created + self.expire


@dataclass(frozen=True, slots=True)
class HostVerdict:
    """A host that behaves like a DGA-infected machine."""

    orig_h: str
    family: str
    threat: str
    score: float
    evidence: str
    created: float
    device: str = ""
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Retraction:
    """A name verdict taken back before it lapsed (``dnsguard verdicts
    retract``): Zeek drops its Intel item (``DNSGuard::retract``), Suricata
    gets ``dataset-remove``.  Also sent for names whose verdict lapsed, so a
    sensor that reloaded them from its own state lets them go."""

    name: str
    at: float = 0.0


@dataclass(frozen=True, slots=True)
class TraceDone:
    """Zeek's ``DNSGuard::trace_done``: an offline trace is read and its
    candidates sent; Zeek waits for :class:`Drained` before it exits."""

    candidates: int


@dataclass(frozen=True, slots=True)
class Drained:
    """The answer to :class:`TraceDone`, sent after the verdicts of every
    candidate that came before it (``DNSGuard::scorer_drained``)."""

    candidates: int
