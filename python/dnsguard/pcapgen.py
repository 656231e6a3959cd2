"""Synthesise DNS traffic as a classic pcap file.

The sample capture, the Suricata rule tests, the Zeek btests and the
benchmarks all need DNS traffic whose every byte is known.  This module
writes it with the standard library only, so Zeek btests can run it as a
plain script (``python3 pcapgen.py spec.json out.pcap``) without the
package being installed.

A spec is a list of :class:`Exchange` (or, for the script, JSON objects with
the same field names).  Each exchange is one query from ``client`` to
``server`` over UDP/53 and, unless ``respond`` is false, the answer.
Names are given as text (labels split on dots) or as a list of raw byte
labels, so tests can put hostile bytes on the wire.
"""

from __future__ import annotations

import ipaddress
import json
import struct
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

QTYPES = {
    "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
    "AAAA": 28, "SRV": 33, "NULL": 10, "HTTPS": 65, "ANY": 255,
}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}

Name = str | Sequence[bytes]


@dataclass
class Answer:
    rtype: str
    """Record type mnemonic: A, AAAA, CNAME, TXT, NS, PTR, MX, NULL, SRV
    (value ``"priority weight port target"``)."""
    value: str
    ttl: int = 300
    name: Name | None = None
    """Owner name; ``None`` means the question name (written compressed)."""


@dataclass
class Exchange:
    ts: float
    client: str
    qname: Name
    qtype: str | int = "A"
    rcode: str | int = "NOERROR"
    answers: list[Answer] = field(default_factory=list)
    server: str = "10.0.0.53"
    sport: int | None = None
    txid: int | None = None
    respond: bool = True
    rtt: float = 0.012
    """Seconds between query and answer."""


def encode_name(name: Name) -> bytes:
    """Wire-format a name; text names are split on dots and encoded UTF-8."""
    if isinstance(name, str):
        labels = [lab.encode("utf-8") for lab in name.rstrip(".").split(".") if lab]
    else:
        labels = [bytes(lab) for lab in name]
    out = bytearray()
    for label in labels:
        out.append(min(len(label), 63))
        out += label[:63]
    out.append(0)
    return bytes(out)


def _code(table: dict[str, int], value: str | int) -> int:
    return value if isinstance(value, int) else table[value.upper()]


def _rdata(answer: Answer) -> bytes:
    kind = answer.rtype.upper()
    if kind == "A":
        return ipaddress.IPv4Address(answer.value).packed
    if kind == "AAAA":
        return ipaddress.IPv6Address(answer.value).packed
    if kind in ("CNAME", "NS", "PTR"):
        return encode_name(answer.value)
    if kind == "SRV":
        priority, weight, port, target = answer.value.split()
        return struct.pack("!HHH", int(priority), int(weight), int(port)) + encode_name(target)
    if kind == "MX":
        return struct.pack("!H", 10) + encode_name(answer.value)
    if kind in ("TXT", "NULL"):
        raw = answer.value.encode("utf-8")
        if kind == "NULL":
            return raw
        chunks = [raw[i : i + 255] for i in range(0, len(raw), 255)] or [b""]
        return b"".join(bytes([len(c)]) + c for c in chunks)
    raise ValueError(f"unsupported answer type {answer.rtype!r}")


def dns_message(ex: Exchange, txid: int, response: bool) -> bytes:
    """The DNS payload of the query (``response=False``) or of its answer."""
    qtype = _code(QTYPES, ex.qtype)
    rcode = _code(RCODES, ex.rcode) if response else 0
    flags = 0x0100  # RD
    answers = ex.answers if response else []
    if response:
        flags |= 0x8000 | 0x0080 | rcode  # QR, RA
    header = struct.pack("!HHHHHH", txid, flags, 1, len(answers), 0, 0)
    question = encode_name(ex.qname) + struct.pack("!HH", qtype, 1)
    body = bytearray(header + question)
    for ans in answers:
        owner = b"\xc0\x0c" if ans.name is None else encode_name(ans.name)
        rdata = _rdata(ans)
        body += owner + struct.pack("!HHIH", QTYPES[ans.rtype.upper()], 1, ans.ttl, len(rdata))
        body += rdata
    return bytes(body)


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def udp_frame(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    """An Ethernet frame carrying IPv4 or IPv6 UDP, checksums filled in."""
    s, d = ipaddress.ip_address(src), ipaddress.ip_address(dst)
    length = 8 + len(payload)
    if s.version == 4:
        pseudo = s.packed + d.packed + struct.pack("!BBH", 0, 17, length)
    else:
        pseudo = s.packed + d.packed + struct.pack("!IxxxB", length, 17)
    udp = struct.pack("!HHHH", sport, dport, length, 0) + payload
    csum = _checksum(pseudo + udp) or 0xFFFF
    udp = udp[:6] + struct.pack("!H", csum) + udp[8:]
    if s.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0x4000, 64, 17, 0, s.packed, d.packed)
        ip = ip[:10] + struct.pack("!H", _checksum(ip)) + ip[12:]
        ethertype = 0x0800
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, length, 17, 64, s.packed, d.packed)
        ethertype = 0x86DD
    eth = b"\x02\x00\x00\x00\x00\x02" + b"\x02\x00\x00\x00\x00\x01" + struct.pack("!H", ethertype)
    return eth + ip + udp


def packets(exchanges: Iterable[Exchange]) -> list[tuple[float, bytes]]:
    """Every frame of the exchanges, sorted by time."""
    out: list[tuple[float, bytes]] = []
    for i, ex in enumerate(exchanges):
        txid = ex.txid if ex.txid is not None else (i * 7919 + 17) & 0xFFFF
        sport = ex.sport if ex.sport is not None else 20000 + (i * 37) % 40000
        out.append((ex.ts, udp_frame(ex.client, ex.server, sport, 53, dns_message(ex, txid, False))))
        if ex.respond:
            reply = dns_message(ex, txid, True)
            out.append((ex.ts + ex.rtt, udp_frame(ex.server, ex.client, 53, sport, reply)))
    out.sort(key=lambda p: p[0])
    return out


def write_pcap(path: str, exchanges: Iterable[Exchange]) -> int:
    """Write a microsecond pcap (link type Ethernet); returns the packet count."""
    frames = packets(exchanges)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in frames:
            sec = int(ts)
            usec = int(round((ts - sec) * 1_000_000))
            if usec >= 1_000_000:
                sec, usec = sec + 1, usec - 1_000_000
            fh.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    return len(frames)


def exchange_from_json(obj: dict) -> Exchange:
    """Build an exchange from the script's JSON form (answers as objects)."""
    fields = dict(obj)
    fields["answers"] = [Answer(**a) for a in fields.get("answers", [])]
    if isinstance(fields.get("qname"), list):
        fields["qname"] = [bytes.fromhex(h) for h in fields["qname"]]
    return Exchange(**fields)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: pcapgen.py SPEC.json OUT.pcap  (SPEC: a JSON list of exchanges)", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    count = write_pcap(argv[2], [exchange_from_json(o) for o in spec])
    print(f"wrote {count} packets to {argv[2]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
