"""Tell what a file is from its first bytes, not its name."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

PCAP_MAGICS = {
    b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",  # microsecond, both byte orders
    b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",  # nanosecond
    b"\x0a\x0d\x0d\x0a",  # pcapng section header
}


class InputError(Exception):
    """A file that cannot be analysed at all; the message says why."""


def _head(path: Path, size: int = 65536) -> bytes:
    try:
        with path.open("rb") as fh:
            raw = fh.read(size)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory (give a file)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            data = zlib.decompressobj(wbits=31).decompress(raw, size)
        except zlib.error:
            raise InputError(f"{path}: corrupt gzip data") from None
        if not data:
            raise InputError(f"{path}: corrupt gzip data (nothing decompresses)")
        return data
    return raw


def sniff_format(path: Path) -> str:
    """``pcap``, ``zeek-tsv``, ``zeek-json`` or ``eve``; InputError otherwise."""
    return sniff_log(path)[0]


def sniff_log(path: Path) -> tuple[str, str | None]:
    """(format, Zeek log) of a file: format as :func:`sniff_format`; the Zeek
    log is ``dns``, ``notice``, ``intel``, another ``#path`` (``conn``...), or
    None when it is not a Zeek log or cannot be told."""
    head = _head(path)
    if not head:
        raise InputError(f"{path}: empty file")
    if head[:4] in PCAP_MAGICS:
        if len(head) < 24:
            raise InputError(f"{path}: truncated pcap (no complete file header)")
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
        except ValueError:
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
