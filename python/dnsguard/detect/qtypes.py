"""Query types as numbers, and which of them carry a tunnel's data.

Sensors spell query types differently: Zeek writes ``TXT``, ``NULL`` and
``query-65399`` for a type it has no name for, Suricata ``TXT`` or
``TYPE65399``, logs converted by other tools the number.  The data-carrying
types are ``data_qtypes`` in ``data/detections.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMES = {
    "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "MB": 7, "MG": 8, "MR": 9, "NULL": 10, "WKS": 11, "PTR": 12,
    "HINFO": 13, "MINFO": 14, "MX": 15, "TXT": 16, "RP": 17, "AFSDB": 18, "SIG": 24, "KEY": 25, "AAAA": 28,
    "LOC": 29, "SRV": 33, "NAPTR": 35, "KX": 36, "CERT": 37, "DNAME": 39, "OPT": 41, "DS": 43, "SSHFP": 44,
    "IPSECKEY": 45, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48, "DHCID": 49, "NSEC3": 50, "NSEC3PARAM": 51,
    "TLSA": 52, "SMIMEA": 53, "HIP": 55, "CDS": 59, "CDNSKEY": 60, "OPENPGPKEY": 61, "CSYNC": 62,
    "ZONEMD": 63, "SVCB": 64, "HTTPS": 65, "SPF": 99, "EUI48": 108, "EUI64": 109, "TKEY": 249, "TSIG": 250,
    "IXFR": 251, "AXFR": 252, "MAILB": 253, "MAILA": 254, "ANY": 255, "*": 255, "URI": 256, "CAA": 257,
    "AVC": 258, "DOA": 259, "AMTRELAY": 260, "TA": 32768, "DLV": 32769,
}


def qtype_number(text: str | int | None) -> int | None:
    """``TXT`` / ``16`` / ``query-16`` / ``TYPE16`` -> 16; None when unknown or empty."""
    if text is None:
        return None
    if isinstance(text, int):
        return text if 0 <= text < 65536 else None
    text = text.strip().upper()
    if not text or text == "-":
        return None
    known = NAMES.get(text)
    if known is not None:
        return known
    for prefix in ("QUERY-", "TYPE"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    if text.isdigit() and len(text) <= 5:
        number = int(text)
        return number if number < 65536 else None
    return None


_BY_NUMBER = {n: name for name, n in NAMES.items() if name != "*"}


def qtype_label(number: int | None) -> str:
    """One spelling for a type whatever the sensor wrote: ``TXT``, ``TYPE65399``, ``""`` if unknown."""
    if number is None:
        return ""
    return _BY_NUMBER.get(number) or f"TYPE{number}"


@dataclass(frozen=True)
class DataQtypes:
    """``data_qtypes`` of detections.yaml."""

    qtypes: frozenset[int] = frozenset({5, 6, 10, 15, 16, 33})
    private_from: int = 65280
    unassigned_over: int = 260

    def carries_data(self, qtype: int | None) -> bool:
        """A type a tunnel answers with data, or one no ordinary client asks
        (above ``unassigned_over``: unassigned, private use from ``private_from``)."""
        if qtype is None:
            return False
        return qtype in self.qtypes or qtype > self.unassigned_over


DEFAULT_DATA_QTYPES = DataQtypes()

__all__ = ["DEFAULT_DATA_QTYPES", "DataQtypes", "NAMES", "qtype_label", "qtype_number"]
