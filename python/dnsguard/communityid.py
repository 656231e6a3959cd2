"""Community ID v1: the flow hash Zeek, Suricata and Security Onion share.

Why compute it here: evidence from a pcap comes from a throw-away sensor run
whose Zeek uids and Suricata flow ids mean nothing on the analyst's grid,
and Zeek's dns.log carries no community id at all.  The Community ID is
the same wherever the flow was seen: Security Onion computes it for every
Zeek record from the 5-tuple (its ``zeek.common`` ingest pipeline) and
Suricata writes it into EVE (``community-id: yes``), both into
``network.community_id``.  Computing it from the 5-tuple makes every
piece of evidence pivotable, whatever sensor, log or run it came from.

The algorithm (https://github.com/corelight/community-id-spec, version 1):
order the two endpoints so the smaller (address, port) comes first, hash
``seed (2 bytes) | src addr | dst addr | proto (1) | 0 (1) | src port (2) |
dst port (2)`` with SHA-1 (all big-endian), and write ``1:`` and the
base64 of the digest.  Only port-based transports (TCP, UDP, SCTP) are
handled: DNS never travels over anything else, and ICMP needs the
type/code mapping the spec adds for it.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
import struct
from functools import lru_cache

PROTOCOLS = {"tcp": 6, "udp": 17, "sctp": 132, "6": 6, "17": 17, "132": 132}
"""Transport names as Zeek (``udp``) and Suricata (``UDP``) log them, lowercased,
or their IANA numbers."""


@lru_cache(maxsize=65_536)
def _packed(address: str) -> bytes | None:
    """Network-order bytes of an IPv4 or IPv6 address; None when it is none.
    Cached: the same resolver and clients come back on every line."""
    try:
        return ipaddress.ip_address(address.strip()).packed
    except ValueError:
        return None


def _port(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        port = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return port if 0 <= port <= 0xFFFF else None


def community_id(src: str, sport: object, dst: str, dport: object, proto: object, seed: int = 0) -> str:
    """``1:<base64 sha1>`` for one flow, or ``""`` when the tuple is not one
    (a missing or bad address or port, an unknown transport): an empty id
    is better than a wrong one that pivots to someone else's traffic.

    Either direction of the flow gives the same id (the query and its
    answer are one flow)."""
    number = PROTOCOLS.get(str(proto).strip().lower())
    a, b = _packed(src), _packed(dst)
    p, q = _port(sport), _port(dport)
    if number is None or a is None or b is None or p is None or q is None or len(a) != len(b):
        return ""
    if (a, p) > (b, q):
        a, b, p, q = b, a, q, p
    digest = hashlib.sha1(struct.pack("!H", seed) + a + b + struct.pack("!BBHH", number, 0, p, q)).digest()
    return "1:" + base64.b64encode(digest).decode("ascii")


_VALID = re.compile(r"1:[A-Za-z0-9+/]{27}=")


def valid(value: object) -> bool:
    """True for a version-1 id as a sensor writes it (base64 of a SHA-1): what
    is accepted from a log as is; anything else is recomputed or dropped."""
    return isinstance(value, str) and _VALID.fullmatch(value) is not None
