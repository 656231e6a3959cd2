"""gzip and zip bodies, with a cap on what they expand to.

abuse.ch serves its full exports zipped; some mirrors gzip.  A 100 KB gzip
can expand to 100 GB (a "gzip bomb"), so decompression is streamed and
stops at the definition's ``max_decompressed`` instead of trusting headers.
"""

from __future__ import annotations

import io
import zipfile
import zlib

CHUNK = 1 << 16


class DecodeError(ValueError):
    """A compressed body that is corrupt or expands beyond the cap."""


def _gunzip(data: bytes, cap: int) -> bytes:
    out = bytearray()
    remaining = data
    while remaining:
        decomp = zlib.decompressobj(wbits=47)  # gzip or zlib header, auto-detected
        buf = remaining
        try:
            while buf:
                out += decomp.decompress(buf, CHUNK)
                if len(out) > cap:
                    raise DecodeError(f"decompressed size exceeds the cap of {cap} bytes (gzip bomb?)")
                buf = decomp.unconsumed_tail
            while not decomp.eof:
                piece = decomp.decompress(b"", CHUNK)
                if not piece:
                    break
                out += piece
                if len(out) > cap:
                    raise DecodeError(f"decompressed size exceeds the cap of {cap} bytes (gzip bomb?)")
        except zlib.error as exc:
            raise DecodeError(f"corrupt gzip data: {exc}") from None
        if not decomp.eof:
            raise DecodeError("truncated gzip data")
        remaining = decomp.unused_data  # concatenated gzip members
    return bytes(out)


def _unzip(data: bytes, cap: int, member: str) -> bytes:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DecodeError(f"corrupt zip archive: {exc}") from None
    with archive:
        files = [info for info in archive.infolist() if not info.is_dir()]
        if member:
            files = [info for info in files if info.filename == member]
            if not files:
                raise DecodeError(f"zip archive has no member {member!r}")
        if not files:
            raise DecodeError("zip archive is empty")
        info = files[0]
        if info.file_size > cap:
            raise DecodeError(f"zip member {info.filename} declares {info.file_size} bytes, over the cap of {cap}")
        out = bytearray()
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    out += chunk
                    if len(out) > cap:  # the declared size may lie
                        raise DecodeError(f"decompressed size exceeds the cap of {cap} bytes (zip bomb?)")
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise DecodeError(f"corrupt zip member {info.filename}: {exc}") from None
        return bytes(out)


def decode_body(data: bytes, cap: int, content_encoding: str = "", member: str = "") -> bytes:
    """The feed text: gunzipped/unzipped when the bytes say so (magic numbers,
    not file names: servers mislabel), otherwise ``data`` unchanged."""
    if data[:2] == b"\x1f\x8b" or content_encoding.lower() in ("gzip", "x-gzip"):
        return _gunzip(data, cap)
    if data[:4] == b"PK\x03\x04":
        return _unzip(data, cap, member)
    if len(data) > cap:
        raise DecodeError(f"body of {len(data)} bytes exceeds the cap of {cap}")
    return data
