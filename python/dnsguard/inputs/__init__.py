"""Readers that turn sensor output into :mod:`dnsguard.records`.

``read_path`` is the one entry point: it sniffs what a file is (pcap, Zeek
dns.log in TSV or JSON, Suricata eve.json, gzipped or not) and streams its
records, counting what it had to skip instead of stopping.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dnsguard.inputs.detect import InputError, sniff_format
from dnsguard.inputs.eve import read_eve
from dnsguard.inputs.textfile import open_lines
from dnsguard.inputs.zeek import read_zeek_dns
from dnsguard.records import DnsRecord, InputStats, SensorAlert

__all__ = ["InputError", "read_path", "sniff_format"]

Event = DnsRecord | SensorAlert


def read_path(
    path: str | Path,
    stats: InputStats,
    *,
    suricata_binary: str = "suricata",
    rules_dir: Path | None = None,
    timeout: float = 600,
) -> Iterator[Event]:
    """Every record in ``path``; raises :class:`InputError` for unusable files."""
    path = Path(path)
    kind = sniff_format(path)
    if kind == "pcap":
        from dnsguard.suricata.offline import run_pcap

        with run_pcap(path, binary=suricata_binary, rules_dir=rules_dir, timeout=timeout) as run:
            stats.warnings.extend(run.warnings)
            yield from read_eve(open_lines(run.eve_path, stats), stats)
        return
    lines = open_lines(path, stats)
    if kind == "eve":
        yield from read_eve(lines, stats)
    else:
        yield from read_zeek_dns(lines, stats)
