"""Tell what a file is from its first bytes, not its name."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",  # microsecond, both byte orders
    b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",  # nanosecond
    b"\x0a\x0d\x0d\x0a",  # pcapng section header
}


class InputError(Exception):
    """A file that cannot be analysed at all; the message says why."""


def open_input(path: Path) -> BinaryIO:
    """``path`` opened for reading, or :class:`InputError` saying why not.

    A log is sniffed and read through this one handle: Zeek may rotate
    dns.log between two opens, and the second would read another file."""
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory (give a file)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return fh


def head_of(fh: BinaryIO, path: Path, size: int = 65536) -> bytes:
    """The first ``size`` bytes of an open input (decompressed when gzipped);
    the handle is left at the start."""
    try:
        raw = fh.read(size)
        fh.seek(0)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return _decompressed_head(raw, path, size)


def _head(path: Path, size: int = 65536) -> bytes:
    with open_input(path) as fh:
        return head_of(fh, path, size)


def _decompressed_head(raw: bytes, path: Path, size: int) -> bytes:
    if raw[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(wbits=31).decompress(raw, size)
        except zlib.error:
            raise InputError(f"{path}: corrupt gzip data") from None
        if not data:
            raise InputError(f"{path}: corrupt gzip data (nothing decompresses)")
        return data
    return raw


_PACKET_BLOCKS = {2, 3, 6}
"""pcapng block types that carry a packet: obsolete Packet, Simple Packet, Enhanced Packet."""


def first_packet_problem(head: bytes) -> str | None:
    """Why a capture whose first bytes are ``head`` (up to 64 KiB) holds no
    readable packet, or None.  Only what the head proves is reported: a
    capture longer than the head whose first packet lies beyond it passes."""
    magic = head[:4]
    if magic == b"\x0a\x0d\x0d\x0a":
        return _pcapng_problem(head)
    order = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    if len(head) == 24:
        return "the capture holds no packets (only a pcap file header)"
    if len(head) < 40:
        return "truncated pcap (the first packet record is incomplete)"
    (caplen,) = struct.unpack_from(order + "I", head, 32)
    if caplen > 0x4000000:  # 64 MiB: libpcap refuses such a record too
        return f"damaged pcap (first packet record claims {caplen} bytes)"
    if len(head) < 65536 and 40 + caplen > len(head):
        return "truncated pcap (the first packet record is incomplete)"
    return None


def _pcapng_problem(head: bytes) -> str | None:
    if len(head) < 12:
        return "truncated pcapng (no complete section header)"
    bom = head[8:12]
    if bom == b"\x4d\x3c\x2b\x1a":
        order = "<"
    elif bom == b"\x1a\x2b\x3c\x4d":
        order = ">"
    else:
        return "damaged pcapng (bad byte-order magic)"
    offset = 0
    while offset + 12 <= len(head):
        kind, length = struct.unpack_from(order + "II", head, offset)
        if length < 12 or length % 4:
            return "damaged pcapng (bad block length)"
        if kind in _PACKET_BLOCKS:
            if offset + length > len(head) and len(head) < 65536:
                return "truncated pcapng (the first packet block is incomplete)"
            return None
        offset += length
    if len(head) < 65536:
        return "the capture holds no packets (only pcapng header blocks)"
    return None


def sniff_format(path: Path) -> str:
    """``pcap``, ``zeek-tsv``, ``zeek-json`` or ``eve``; InputError otherwise."""
    return sniff_log(path)[0]


def sniff_log(path: Path) -> tuple[str, str | None]:
    """(format, Zeek log) of a file: format as :func:`sniff_format`; the Zeek
    log is ``dns``, ``notice``, ``intel``, another ``#path`` (``conn``...), or
    None when it is not a Zeek log or cannot be told."""
    return sniff_head(_head(path), path)


def sniff_head(head: bytes, path: Path) -> tuple[str, str | None]:
    """:func:`sniff_log` of a file whose first bytes are ``head`` (:func:`head_of`)."""
    if not head:
        raise InputError(f"{path}: empty file")
    if head[:4] in PCAP_MAGICS:
        if len(head) < 24:
            raise InputError(f"{path}: truncated pcap (no complete file header)")
        problem = first_packet_problem(head)
        if problem:
            # Suricata's reader thread fails on such a file and Suricata
            # then waits a minute before printing raw thread errors.
            raise InputError(f"{path}: {problem}; nothing to analyse")
        return "pcap", None
    text = head.decode("utf-8", errors="replace")
    if text.startswith("#separator"):
        zeek_path = None
        for line in text.splitlines()[:12]:
            if line.startswith("#path"):
                zeek_path = line.split(None, 1)[1].strip() if len(line.split(None, 1)) > 1 else None
            elif line.startswith("#fields") and zeek_path is None:
                from dnsguard.inputs.zeek import fields_log_kind

                zeek_path = fields_log_kind(line.split("\t")[1:])
        return "zeek-tsv", zeek_path
    for line in text.splitlines()[:20]:
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # a line nested too deeply tells nothing either
            continue
        if isinstance(obj, dict):
            if "event_type" in obj:
                return "eve", None
            from dnsguard.inputs.zeek import json_log_kind

            kind = json_log_kind(obj)
            if kind is not None:
                return "zeek-json", kind
            if "ts" in obj and ("uid" in obj or "_path" in obj):
                return "zeek-json", str(obj.get("_path") or "other")
    raise InputError(
        f"{path}: unknown format (expected a pcap, a Zeek dns.log in TSV or JSON, "
        "or a Suricata eve.json; gzip is fine)"
    )
