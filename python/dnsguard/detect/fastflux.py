"""Fast flux: one name answered with many short-lived addresses.

Botnets hide a phishing page or a C2 behind a name whose A records rotate
through compromised machines: each answer carries several addresses with a
low TTL, and across queries the addresses come from many unrelated
networks.  CDNs rotate too, but within few networks and for names the
allowlist knows; the thresholds (distinct addresses and distinct /16
networks per name) follow the Zeek package's ``Fast_Flux`` notice.

State is per name and bounded: only answers that already look fluxy (at
least ``min_records`` low-TTL IPv4 addresses) open an entry.

Flux is rotation: the addresses must come from at least ``min_answers``
answers with different address sets.  One answer with 25 addresses in 25
networks is a DNS tunnel's downstream (dnscat2 writes its data into A
records, one never-repeated name per message), not a botnet's rotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FluxSettings:
    max_ttl: float = 300.0
    min_records: int = 3
    min_addresses: int = 25
    min_networks: int = 10
    min_answers: int = 2
    """Distinct answers (address sets) the addresses must come from."""

    @classmethod
    def from_config(cls, config: dict) -> FluxSettings:
        a = config.get("analysis", {})
        return cls(float(a.get("flux_max_ttl", cls.max_ttl)), int(a.get("flux_min_records", cls.min_records)),
                   int(a.get("flux_min_addresses", cls.min_addresses)),
                   int(a.get("flux_min_networks", cls.min_networks)),
                   int(a.get("flux_min_answers", cls.min_answers)))


@dataclass
class FluxFinding:
    name: str
    addresses: int
    networks: int
    answers: int
    min_ttl: float
    first: float
    last: float
    hosts: dict[str, tuple[float, str]]
    """host -> (first ts, uid) of the hosts that resolved the name."""


@dataclass
class _Name:
    addresses: set[str] = field(default_factory=set)
    networks: set[str] = field(default_factory=set)
    answers: int = 0
    min_ttl: float = 1e9
    first: float = 0.0
    last: float = 0.0
    hosts: dict[str, tuple[float, str]] = field(default_factory=dict)
    answer_sets: set[frozenset[str]] = field(default_factory=set)
    """Distinct address sets answered (bounded by :attr:`FastFluxDetector.MAX_SETS`)."""


class FastFluxDetector:
    MAX_NAMES = 50_000
    MAX_ADDRESSES = 1_000
    MAX_HOSTS = 1_000
    MAX_SETS = 64

    def __init__(self, settings: FluxSettings):
        self.s = settings
        self._names: dict[str, _Name] = {}

    def observe(self, host: str, ts: float, fqdn: str, uid: str,
                answers: tuple[str, ...], ttls: tuple[float, ...]) -> None:
        """One answer; cheap to call for every record (most return at once)."""
        if len(answers) < self.s.min_records:
            return
        low = [a for a, t in zip(answers, ttls, strict=False) if t <= self.s.max_ttl and _is_ipv4(a)]
        if len(low) < self.s.min_records:
            return
        entry = self._names.get(fqdn)
        if entry is None:
            if len(self._names) >= self.MAX_NAMES:
                return
            entry = self._names[fqdn] = _Name(first=ts)
        entry.answers += 1
        entry.last = ts
        entry.min_ttl = min(entry.min_ttl, min(ttls[: len(answers)]))
        if len(entry.answer_sets) < self.MAX_SETS:
            entry.answer_sets.add(frozenset(low))
        if len(entry.addresses) < self.MAX_ADDRESSES:
            entry.addresses.update(low)
            entry.networks.update(a.rsplit(".", 2)[0] for a in low)
        if host not in entry.hosts and len(entry.hosts) < self.MAX_HOSTS:
            entry.hosts[host] = (ts, uid)

    def findings(self) -> list[FluxFinding]:
        return [FluxFinding(name, len(e.addresses), len(e.networks), e.answers, e.min_ttl, e.first, e.last,
                            dict(e.hosts))
                for name, e in self._names.items()
                if len(e.addresses) >= self.s.min_addresses and len(e.networks) >= self.s.min_networks
                and len(e.answer_sets) >= self.s.min_answers]


def _is_ipv4(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and int(p) < 256 for p in parts)
