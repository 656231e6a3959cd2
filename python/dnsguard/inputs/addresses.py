"""Client and server addresses in one canonical text form.

Suricata logs IPv6 fully expanded, Zeek compressed; evidence for one host
must land on one key, so every reader canonicalises through here.
"""

from __future__ import annotations

import ipaddress

MAX_IP_CACHE = 65_536


def canonical_ip(text: object) -> str | None:
    try:
        return str(ipaddress.ip_address(str(text)))
    except ValueError:
        return None


class IpCache:
    """Canonical address text per distinct input string, bounded (a network
    has few clients, but a hostile log may have millions of bad ones)."""

    def __init__(self) -> None:
        self.seen: dict[object, str | None] = {}
        """Readable directly by hot loops: a hit is the canonical text."""

    def __call__(self, text: object) -> str | None:
        try:
            hit = self.seen.get(text, False)
        except TypeError:  # a JSON list or object where an address belongs
            return None
        if hit is not False:
            return hit
        value = canonical_ip(text)
        if len(self.seen) >= MAX_IP_CACHE:
            self.seen.clear()
        self.seen[text] = value
        return value
