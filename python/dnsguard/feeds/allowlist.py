"""Names and addresses no feed may turn into an indicator.

A feed that lists ``google.com`` (it happens: a compromised page, a typo,
a poisoned submission) would make every host on the network an "infected"
host.  The shipped list holds popular registered domains; the user adds
their own (internal zones, partners, sinkholes) in the same format, plus
addresses and networks.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from dnsguard.names import Name, Rejected, normalize, parents

SHIPPED = "data/allowlist-top-domains.txt"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Allowlist:
    domains: frozenset[str] = frozenset()
    """Canonical names; each also covers its sub-domains."""
    networks: tuple[Network, ...] = ()
    errors: tuple[str, ...] = field(default=(), compare=False)
    """Lines of the user's files that were not names or networks."""

    def allows_name(self, name: Name) -> bool:
        domains = self.domains
        if name.registered in domains:
            return True
        return any(p in domains for p in parents(name.fqdn, name.registered))

    def covers(self, fqdn: str) -> bool:
        """``allows_name`` for a canonical name given as a string: the name or
        any parent of it is listed (no public-suffix lookup, so it is cheap
        enough for the forecast's million names)."""
        domains = self.domains
        if fqdn in domains:
            return True
        dot = fqdn.find(".")
        while dot != -1:
            fqdn = fqdn[dot + 1:]
            if fqdn in domains:
                return True
            dot = fqdn.find(".")
        return False

    def allows_address(self, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in net for net in self.networks if net.version == address.version)

    def union(self, other: Allowlist) -> Allowlist:
        return Allowlist(
            self.domains | other.domains, self.networks + other.networks, self.errors + other.errors
        )


def parse_allowlist(text: str, origin: str = "<allowlist>") -> Allowlist:
    """One name, address or CIDR network a line; ``#`` comments."""
    domains: set[str] = set()
    networks: list[Network] = []
    errors: list[str] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
            continue
        except ValueError:
            pass
        parsed = normalize(entry.removeprefix("*."))
        if isinstance(parsed, Rejected):
            errors.append(f"{origin}:{lineno}: {parsed.raw!r}: {parsed.reason}")
            continue
        domains.add(parsed.fqdn)
    return Allowlist(frozenset(domains), tuple(networks), tuple(errors))


@cache
def shipped_allowlist() -> Allowlist:
    """Popular registered domains shipped with the package (read once)."""
    text = resources.files("dnsguard").joinpath(SHIPPED).read_text("utf-8")
    names = frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )
    return Allowlist(names)


def load_allowlist(paths: list[Path], include_shipped: bool = True) -> Allowlist:
    """The shipped list plus the user's files (a missing file is an error)."""
    result = shipped_allowlist() if include_shipped else Allowlist()
    for path in paths:
        result = result.union(parse_allowlist(Path(path).read_text("utf-8"), str(path)))
    return result
