"""Helpers for the Suricata tests: traffic building, eve parsing, sandboxes.

Every test runs the real Suricata binary; a missing binary is a failure.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import shutil
import struct
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dnsguard.pcapgen import QTYPES, RCODES, Exchange, dns_message, packets, udp_frame
from dnsguard.suricata import sandbox

REPO = Path(__file__).resolve().parents[2]
PACK = REPO / "suricata-rules"
TRACES = REPO / "tests" / "data" / "traces"
T0 = 1_780_000_000.0


def require_suricata() -> str:
    path = shutil.which("suricata")
    assert path, "Suricata is not installed: these tests need the real binary (make install)"
    return path


@cache
def suricata_major() -> int:
    """Major version of the Suricata on PATH: CI runs 7.0; the same tests run on
    8.0 with tools/suricata8/setup.sh's wrapper first on PATH."""
    out = subprocess.run([require_suricata(), "-V"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"version (\d+)\.", out)
    assert found, out
    return int(found.group(1))


# The rules that exist twice, a 7.x and an 8.0 variant (requires: version): four
# behaviour rules, and the feed rules (8.0: JSON-lines sets, SID + 10).
V8_TWIN = {9_072_001: 9_072_002, 9_072_003: 9_072_004, 9_072_020: 9_072_021, 9_072_030: 9_072_031,
           **{base + depth: base + 10 + depth for base in (9_070_100, 9_070_200, 9_070_300, 9_070_400)
              for depth in (0, 2, 3)}}


def for_this_suricata(sids: Iterable[int]) -> list[int]:
    """The SIDs that alert on the Suricata under test for a case written with the 7.x SIDs."""
    if suricata_major() < 8:
        return list(sids)
    return sorted(V8_TWIN.get(s, s) for s in sids)


@dataclass(frozen=True)
class Alert:
    src: str
    dst: str
    sport: int
    sid: int
    msg: str
    metadata: dict

    @property
    def client(self) -> str:
        """The querying host: the side not on port 53."""
        return self.dst if self.sport == 53 else self.src


def read_alerts(eve: Path) -> list[Alert]:
    out = []
    for line in eve.read_text("utf-8").splitlines():
        event = json.loads(line)
        if event.get("event_type") != "alert":
            continue
        a = event["alert"]
        # Suricata writes IPv6 addresses uncompressed; compare canonical forms.
        src, dst = (str(ipaddress.ip_address(event[k])) for k in ("src_ip", "dest_ip"))
        out.append(Alert(src, dst, int(event.get("src_port", 0)),
                         a["signature_id"], a["signature"], a.get("metadata", {})))
    return out


def alerts_by_client(alerts: Iterable[Alert]) -> dict[str, list[int]]:
    """Sorted SIDs per querying host."""
    per: dict[str, list[int]] = defaultdict(list)
    for a in alerts:
        per[a.client].append(a.sid)
    return {k: sorted(v) for k, v in per.items()}


def write_dataset(path: Path, values: Iterable[str], settype: str = "string") -> None:
    lines = []
    for v in values:
        lines.append(base64.b64encode(v.encode()).decode() if settype == "string" else v)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def _write_frames(path: Path, frames: list[tuple[float, bytes]]) -> None:
    frames = sorted(frames, key=lambda f: f[0])
    with path.open("wb") as fh:
        fh.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in frames:
            sec = int(ts)
            usec = int(round((ts - sec) * 1_000_000)) % 1_000_000
            fh.write(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)


def iterative_frames(exchanges: Iterable[Exchange]) -> list[tuple[float, bytes]]:
    """Frames like :func:`pcapgen.packets` but with RD clear, as a resolver
    sends to authoritative servers (pcapgen always sets RD)."""
    out = []
    for i, ex in enumerate(exchanges):
        txid = (i * 7919 + 101) & 0xFFFF
        sport = ex.sport or 30000 + i % 30000
        for response, (src, dst, sp, dp, ts) in (
            (False, (ex.client, ex.server, sport, 53, ex.ts)),
            (True, (ex.server, ex.client, 53, sport, ex.ts + ex.rtt)),
        ):
            msg = bytearray(dns_message(ex, txid, response))
            msg[2] &= 0xFE
            out.append((ts, udp_frame(src, dst, sp, dp, bytes(msg))))
    return out


def write_traffic(path: Path, exchanges: list[Exchange],
                  iterative: list[Exchange] | None = None) -> None:
    frames = packets(exchanges) + iterative_frames(iterative or [])
    _write_frames(path, frames)


def make_box(root: Path, **kwargs) -> sandbox.Sandbox:
    require_suricata()
    return sandbox.create(root, PACK, **kwargs)


__all__ = ["QTYPES", "RCODES", "Exchange"]
