"""Readers that turn sensor output into :mod:`dnsguard.records`.

``read_path`` is the one entry point: it sniffs what a file is (pcap, Zeek
dns/notice/intel log in TSV or JSON, Suricata eve.json, gzipped or not) and
streams its records, counting what it had to skip instead of stopping.  A
directory (a sensor's log archive) is walked: every file is sniffed on its
own, formats may be mixed, logs the analysis does not use (conn, http...)
are passed over, and a file that cannot be read costs a warning, not the run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from dnsguard.inputs.detect import (
    InputError,
    head_of,
    open_input,
    sniff_format,
    sniff_head,
    sniff_log,
)
from dnsguard.inputs.eve import read_eve
from dnsguard.inputs.progress import Progress
from dnsguard.inputs.textfile import open_blocks, open_lines
from dnsguard.inputs.zeek import DnsJsonRows, DnsRows, read_zeek, read_zeek_blocks, read_zeek_dns
from dnsguard.records import DnsRecord, InputStats, SensorAlert

__all__ = ["InputError", "read_path", "sniff_format", "sniff_log", "read_zeek", "read_zeek_dns",
           "list_inputs", "DnsRows", "DnsJsonRows"]

Event = DnsRecord | SensorAlert
USED_ZEEK_LOGS = ("dns", "notice", "intel")


def list_inputs(directory: Path, stats: InputStats) -> list[tuple[Path, str]]:
    """(file, format) for every usable file under ``directory``, sorted by path
    (Zeek's archive names sort by time within a day)."""
    found: list[tuple[Path, str]] = []
    passed_over: Counter[str] = Counter()
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            try:
                fmt, zeek_path = sniff_log(path)
            except InputError as exc:
                if "unknown format" in str(exc):
                    passed_over["not a log"] += 1
                else:
                    stats.warn(str(exc))
                continue
            if fmt.startswith("zeek") and zeek_path not in USED_ZEEK_LOGS:
                passed_over[f"Zeek {zeek_path or 'unknown'} log"] += 1
                continue
            found.append((path, fmt))
    if passed_over:
        detail = ", ".join(f"{n} {what}" for what, n in passed_over.most_common())
        stats.warn(f"{directory}: passed over {sum(passed_over.values())} file(s) not used ({detail})")
    if not found:
        raise InputError(f"{directory}: no pcap, Zeek dns/notice/intel log or eve.json in this directory")
    return found


def read_path(
    path: str | Path,
    stats: InputStats,
    *,
    suricata_binary: str = "suricata",
    rules_dir: Path | None = None,
    timeout: float = 600,
    progress: Progress | None = None,
    rows: bool = False,
) -> Iterator[Event | DnsRows | DnsJsonRows]:
    """Every record in ``path`` (a file or a directory); raises
    :class:`InputError` for an unusable file or an empty directory.

    ``rows=True`` lets dns.log TSV and JSON come out as :class:`DnsRows` and
    :class:`DnsJsonRows` blocks (the analyzer's fast paths) instead of one
    :class:`DnsRecord` per line."""
    path = Path(path)
    single = None if path.is_dir() else open_input(path)
    try:
        # A single file is sniffed and read through one handle (a rotation in
        # between must not switch files); a directory's files are listed first.
        files = list_inputs(path, stats) if single is None else [(path, sniff_head(head_of(single, path), path)[0])]
        if progress is not None:
            progress.total = max(1, sum(_size(p) for p, _ in files))
        for file, fmt in files:
            stats.files.append(str(file))
            if progress is not None:
                progress.start_file(file.name)
            advance = progress.advance if progress is not None else None
            if fmt == "pcap":
                yield from _read_pcap(file, stats, suricata_binary, rules_dir, timeout, several=len(files) > 1)
                continue
            source = single if single is not None else file
            if fmt == "eve":
                yield from read_eve(open_lines(source, stats, advance), stats)
            elif rows:
                yield from read_zeek_blocks(open_blocks(source, stats, advance), stats)
            else:
                yield from read_zeek(open_lines(source, stats, advance), stats)
    finally:
        if single is not None:
            single.close()
    if progress is not None:
        progress.close()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _read_pcap(path: Path, stats: InputStats, binary: str, rules_dir: Path | None, timeout: float,
               several: bool) -> Iterator[Event]:
    """Suricata always; Zeek too when it is installed.  With both, DNS records
    come from Zeek's dns.log only (one record per transaction, not two) and
    Suricata contributes its alerts."""
    from dnsguard.inputs.zeek_run import read_zeek_dir, zeek_logs
    from dnsguard.suricata.offline import run_pcap

    with zeek_logs(path, stats, timeout) as zeek_dir:
        try:
            with run_pcap(path, binary=binary, rules_dir=rules_dir, timeout=timeout) as run:
                stats.warnings.extend(run.warnings)
                for event in read_eve(open_lines(run.eve_path, stats), stats):
                    if zeek_dir is not None and isinstance(event, DnsRecord):
                        stats.records -= 1
                        continue
                    yield event
        except InputError as exc:
            if not several:
                raise
            stats.warn(str(exc))
            return
        if zeek_dir is not None:
            yield from read_zeek_dir(zeek_dir, stats)
