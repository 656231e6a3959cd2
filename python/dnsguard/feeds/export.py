"""Write the store out for the sensors: Zeek intel, Suricata datasets, a suricata-update source.

Every file is written atomically (a sensor reloading mid-export sees the
old file or the new one) and sorted, so an unchanged store gives
byte-identical files and config management sees no spurious change.
"""

from __future__ import annotations

import re
from binascii import b2a_base64
from collections.abc import Iterable, Iterator
from itertools import compress
from json.encoder import encode_basestring_ascii
from operator import attrgetter
from pathlib import Path
from socket import inet_aton

from dnsguard.atomic import write_atomic
from dnsguard.feeds.indicators import Indicator
from dnsguard.paths import suricata_rules_dir
from dnsguard.suricata.archive import (
    ArchiveError,
    archive_members,
    check_members,
    load_targets,
    with_shipped,
)
from dnsguard.suricata.enrich import Listing, encode_line, json_file, placeholder
from dnsguard.suricata.package import ArchiveInfo, publish
from dnsguard.suricata.rules import VALUE_KEY

ZEEK_FIELDS = ("indicator", "indicator_type", "meta.source", "meta.desc", "meta.do_notice")
ZEEK_TYPES = {"domain": "Intel::DOMAIN", "ipv4": "Intel::ADDR", "ipv6": "Intel::ADDR"}
NAME_DATASETS = {
    "c2": "dnsguard-c2",
    "iab": "dnsguard-iab",
    "botnet": "dnsguard-botnet",
    "dga": "dnsguard-dga",
}
"""Threat type -> string dataset (docs/interfaces.md). Phishing names have no
dataset in the pack; they reach Zeek only."""
_ZEEK_DOMAIN, _ZEEK_ADDR = "Intel::DOMAIN", "Intel::ADDR"
UNION_DATASET = "dnsguard-any"
"""Every name of the four sets above: the pack's gate rules look a query up
here once per depth before any per-type set (suricata-rules/README.md)."""
IP_DATASET = "dnsguard-c2-ip"

_UNSAFE = re.compile(r"[\t\n\r]")


def _clean(text: str) -> str:
    """Zeek's reader splits on tabs and lines: never let a feed's text inject either."""
    return _UNSAFE.sub(" ", text).strip() or "-"


def zeek_intel_lines(indicators: Iterable[Indicator]) -> Iterator[str]:
    """The intel file as lines (header first), sorted by type and value."""
    yield "#fields\t" + "\t".join(ZEEK_FIELDS)
    by_value = attrgetter("value")
    domains = sorted((i for i in indicators if i.kind == "domain"), key=by_value)
    addresses = sorted((i for i in indicators if i.kind in ("ipv4", "ipv6")), key=by_value)
    # Everything after the value depends on five fields that a million rows
    # share in a few hundred combinations: build each tail once.
    tails: dict[tuple, str] = {}
    for ind in (*domains, *addresses):
        key = (ind.kind, ind.family, ind.threat, ind.confidence, ind.sources)
        tail = tails.get(key)
        if tail is None:
            tail = tails[key] = _zeek_tail(ind)
        yield ind.value + tail


def _zeek_tail(ind: Indicator) -> str:
    family = _clean(ind.family).replace(";", ",")
    desc = f"family={family};threat={ind.threat};confidence={ind.confidence}"
    source = _clean("dnsguard:" + ",".join(ind.sources)) if ind.sources else "dnsguard"
    return f"\t{_ZEEK_DOMAIN if ind.kind == 'domain' else _ZEEK_ADDR}\t{source}\t{desc}\tT"


def _line_chunks(lines: Iterable[str], counter: list[int], batch: int = 20_000) -> Iterator[bytes]:
    buffer: list[str] = []
    for line in lines:
        buffer.append(line)
        if len(buffer) >= batch:
            counter[0] += len(buffer)
            yield ("\n".join(buffer) + "\n").encode("utf-8")
            buffer.clear()
    counter[0] += len(buffer)
    yield ("\n".join(buffer) + "\n").encode("utf-8") if buffer else b""


def write_zeek_intel(indicators: Iterable[Indicator], path: Path) -> int:
    """Write the intel file atomically, streaming; returns the indicator count."""
    counter = [0]
    write_atomic(path, _line_chunks(zeek_intel_lines(indicators), counter))
    return counter[0] - 1


def suricata_datasets(indicators: Iterable[Indicator]) -> dict[str, bytes]:
    """``<dataset>.lst`` name -> content.

    String sets hold base64 of the name, one a line (Suricata's format for
    ``type string``); the ipv4 set holds dotted quads.  Every file is
    produced, empty when nothing qualifies, so rules that ``load`` it
    always find it.  The union is sorted and encoded once; each per-type
    set is the union's lines filtered in order.

    Each name set also goes out as JSON lines (``dnsguard-<threat>.json``,
    :func:`json_datasets`): Suricata 8.0's rules load those and copy the
    matched name's line (family, threat, confidence, source) into the alert.
    """
    bits = {ds: 1 << n for n, ds in enumerate(NAME_DATASETS.values())}
    by_threat = {threat: bits[ds] for threat, ds in NAME_DATASETS.items()}
    flags: dict[str, int] = {}  # name -> bit set of its datasets
    best: dict[str, dict[str, Indicator]] = {t: {} for t in NAME_DATASETS}  # most confident per name
    addresses: set[str] = set()
    for ind in indicators:
        if ind.kind == "domain":
            bit = by_threat.get(ind.threat)
            if bit is not None:
                flags[ind.value] = flags.get(ind.value, 0) | bit
                chosen = best[ind.threat]
                old = chosen.get(ind.value)
                if old is None or ind.confidence > old.confidence:
                    chosen[ind.value] = ind
        elif ind.kind == "ipv4":
            addresses.add(ind.value)
    union = sorted(flags)
    encoded = [b2a_base64(v.encode("ascii"), newline=True) for v in union]
    codes = list(map(flags.__getitem__, union))
    if set(codes) <= set(bits.values()):
        # Each name in one set (the store's case): one pass puts every line in its set.
        lines: dict[int, list[bytes]] = {bit: [] for bit in bits.values()}
        for line, code in zip(encoded, codes, strict=True):
            lines[code].append(line)
        out = {f"{ds}.lst": b"".join(lines[bit]) for ds, bit in bits.items()}
    else:
        out = {f"{ds}.lst": b"".join(compress(encoded, map(bit.__and__, codes))) for ds, bit in bits.items()}
    out[f"{UNION_DATASET}.lst"] = b"".join(encoded)
    ips = sorted(addresses, key=inet_aton)  # canonical dotted quads: byte order is numeric order
    out[f"{IP_DATASET}.lst"] = "".join(a + "\n" for a in ips).encode("ascii")
    out.update(json_datasets(best))
    return out


def json_datasets(best: dict[str, dict[str, Indicator]]) -> dict[str, bytes]:
    """``dnsguard-<threat>.json`` -> JSON lines, one per listed name, sorted;
    ``best`` is threat -> name -> the record exported for it.

    A set with no name holds the placeholder line: Suricata 8.0.8 refuses a
    JSON set without one entry, and ``suricata -T`` with it (see
    :data:`dnsguard.suricata.enrich.PLACEHOLDER_NAME`).  A million names
    take about a second: the part after the name depends on three fields
    that they share in a few hundred combinations (each encoded once), and
    the lines are sorted rather than the names looked up in sorted order
    (the same order: ``"`` sorts before every character a name holds
    unescaped; a name that needs escaping, which canonical names never do,
    takes the slow path)."""
    out = {}
    for threat in NAME_DATASETS:
        chosen = best.get(threat) or {}
        tails: dict[tuple, str] = {}
        lines = []
        plain = not _NEEDS_ESCAPE.search("".join(chosen))
        for name, ind in (chosen.items() if plain else sorted(chosen.items())):
            key = (ind.family, ind.confidence, ind.sources)
            tail = tails.get(key)
            if tail is None:
                line = encode_line(Listing("", ind.family, threat, ind.confidence, ",".join(ind.sources)))
                tail = tails[key] = line[line.index(',"family"'):] + "\n"
            head = f'"{name}"' if plain else encode_basestring_ascii(name)
            lines.append(f'{{"{VALUE_KEY}":{head}{tail}')
        if plain:
            lines.sort()
        out[json_file(threat)] = "".join(lines or [encode_line(placeholder(threat)) + "\n"]).encode("ascii")
    return out


_NEEDS_ESCAPE = re.compile(r'[^\x20-\x7e]|["\\]')
"""A character a JSON string cannot hold as is (see ``encode_basestring_ascii``)."""


def write_suricata_datasets(indicators: Iterable[Indicator], directory: Path) -> dict[str, int]:
    """Write each dataset file; returns entries per file."""
    counts = {}
    for filename, content in suricata_datasets(indicators).items():
        write_atomic(directory / filename, content)
        counts[filename] = content.count(b"\n")
    return counts


def dataset_paths_in_rules(rule_text: str) -> dict[str, str]:
    """basename -> path as written after ``load`` in the rules (``datasets/x.lst``)."""
    return {base: target.path for base, target in load_targets(rule_text).items()}


def write_suricata_export(
    indicators: list[Indicator],
    directory: Path,
    rules_dir: Path | None,
    archive_url: str = "",
    mtime: float | None = None,
) -> ArchiveInfo:
    """``datasets/*.lst`` and the published archive (``dnsguard-rules.tar.gz``,
    its ``.md5`` and ``index.yaml``, :mod:`dnsguard.suricata.package`) in
    ``directory``.  ``rules_dir`` None means the installed pack.

    The archive is checked before anything is written (a rule loading a set
    the export lacks, a malformed line): a refused archive raises
    :class:`~dnsguard.suricata.archive.ArchiveError` and leaves the previous
    export untouched."""
    datasets = suricata_datasets(indicators)
    if mtime is None:
        # Derived from the content, not the clock: re-exporting an unchanged
        # store gives the same archive, so suricata-update's md5 check skips it.
        mtime = max(map(attrgetter("first_seen"), indicators), default=0.0)
    pack = rules_dir or suricata_rules_dir()
    members = archive_members(pack, with_shipped(pack, datasets))
    problems = check_members(members)
    if problems:
        raise ArchiveError("; ".join(problems))
    for filename, content in datasets.items():
        write_atomic(directory / "datasets" / filename, content)
    return publish(members, directory, archive_url, mtime, checked=True)
