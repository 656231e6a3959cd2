"""Run Zeek with the DNSGuard package over a pcap, when Zeek is installed.

Zeek adds what Suricata's EVE does not have: the package's notices (bursts,
tunnels, fast flux, device tags as the sensor would raise them) and intel
matches.  It runs in a private temporary directory with the package from
``zeek-scripts/``, the scorer link off (nothing listens on a port), and the
logs are read like any other Zeek logs.  Zeek is optional: without it on
PATH this module is never used.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dnsguard.inputs.textfile import open_lines
from dnsguard.inputs.zeek import read_zeek
from dnsguard.paths import pack_root
from dnsguard.records import DnsRecord, InputStats, SensorAlert

ZEEK_LOGS = ("dns.log", "notice.log", "intel.log")


def zeek_available() -> bool:
    return shutil.which("zeek") is not None


def zeek_command(pcap: Path, scripts: Path) -> list[str]:
    return ["zeek", "-C", "-r", str(pcap.resolve()), str(scripts.resolve()),
            "DNSGuard::scorer_link=F", "LogAscii::use_json=F"]


@contextlib.contextmanager
def zeek_logs(pcap: Path, stats: InputStats, timeout: float = 600) -> Iterator[Path | None]:
    """The directory holding Zeek's logs for ``pcap``; None when Zeek is not
    installed or failed (the warning says why)."""
    if not zeek_available():
        yield None
        return
    scripts = pack_root() / "zeek-scripts"
    with tempfile.TemporaryDirectory(prefix="dnsguard-zeek-") as tmp:
        try:
            proc = subprocess.run(zeek_command(pcap, scripts), cwd=tmp, capture_output=True,
                                  text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            stats.warn(f"{pcap}: Zeek did not finish within {timeout:.0f} s; Suricata's view only")
            yield None
            return
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
            stats.warn(f"{pcap}: Zeek failed ({last}); Suricata's view only")
            yield None
            return
        yield Path(tmp)


def read_zeek_dir(logs: Path, stats: InputStats) -> Iterator[DnsRecord | SensorAlert]:
    for name in ZEEK_LOGS:
        log = logs / name
        if log.exists():
            yield from read_zeek(open_lines(log, stats), stats)
