"""Publish ``dnsguard-rules.tar.gz``: the one archive a sensor installs.

``dnsguard feeds export --suricata DIR`` writes it with the current feed
sets; ``python -m dnsguard.suricata.package OUT_DIR [URL]`` builds the same
archive from dataset files already on disk (``--datasets DIR``, by default
``OUT_DIR/datasets`` as the export leaves them), for a sensor fed by hand or
an air-gapped copy.  Both go through :func:`publish`, which refuses to write
an archive :func:`dnsguard.suricata.archive.check_members` finds unfit, so
a published archive always passes suricata-update's test step as far as
the pack can know.  Beside the archive: ``<archive>.md5`` (suricata-update
and Security Onion skip an unchanged download with it) and ``index.yaml``
(a ``sources:`` entry for ``suricata-update update-sources``).
What goes in, and why: :mod:`dnsguard.suricata.archive`.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dnsguard.atomic import write_atomic
from dnsguard.suricata.archive import (
    DATASET_SUFFIXES,
    ArchiveError,
    archive_members,
    check_members,
    pack_tarball,
    with_shipped,
)

ARCHIVE_NAME = "dnsguard-rules.tar.gz"
SOURCE_NAME = "dnsguard/rules"
MIN_SURICATA = "7.0.3"


@dataclass(frozen=True)
class ArchiveInfo:
    path: Path
    md5: str
    sha256: str
    members: tuple[str, ...]


def index_entry(url: str, sha256: str, version: str = "") -> dict[str, Any]:
    """The ``sources:`` entry for a suricata-update index (``checksum: true``
    makes suricata-update fetch ``<url>.md5`` and skip unchanged downloads)."""
    entry: dict[str, Any] = {
        "summary": "dnsguard: malware over DNS (feeds, DGA forecasts, family shapes, tunnelling)",
        "description": "Dataset lookups for C2/IAB/botnet/DGA indicators and runtime verdicts, DGA family "
        "shapes, NXDOMAIN bursts and DNS tunnelling, with the feed datasets. SIDs 9070000-9079999.",
        "vendor": "dnsguard",
        "license": "BSD-3-Clause (rules); feed data under each feed's licence (dnsguard feeds list)",
        "url": url,
        "checksum": True,
        "min-version": MIN_SURICATA,
        "sha256": sha256,
    }
    if version:
        entry["version"] = version
    return {"version": 1, "sources": {SOURCE_NAME: entry}}


def publish(members: Mapping[str, bytes], out_dir: Path, url: str = "", mtime: float = 0.0,
            version: str = "", checked: bool = False) -> ArchiveInfo:
    """Check (unless the caller just did: ``checked``), then write the
    archive, ``.md5`` and ``index.yaml`` atomically.

    The archive is written before its ``.md5`` so a reader that sees the new
    checksum finds the new archive; a refused archive writes nothing."""
    problems = [] if checked else check_members(members)
    if problems:
        raise ArchiveError("; ".join(problems))
    blob = pack_tarball(members, int(mtime))
    path = out_dir / ARCHIVE_NAME
    md5 = hashlib.md5(blob).hexdigest()
    sha256 = hashlib.sha256(blob).hexdigest()
    write_atomic(path, blob)
    write_atomic(out_dir / f"{ARCHIVE_NAME}.md5", (md5 + "\n").encode("ascii"))
    entry = index_entry(url or path.resolve().as_uri(), sha256, version)
    write_atomic(out_dir / "index.yaml", yaml.safe_dump(entry, sort_keys=False).encode("utf-8"))
    return ArchiveInfo(path, md5, sha256, tuple(sorted(members)))


def read_datasets(directory: Path) -> dict[str, bytes]:
    """Set files (``*.lst``, and the ``*.json`` sets Suricata 8 loads) of a directory, by name."""
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*")) if p.suffix in DATASET_SUFFIXES}


def main(argv: list[str] | None = None) -> int:
    from dnsguard import __version__
    from dnsguard.paths import suricata_rules_dir
    from dnsguard.suricata.rules import POPULAR_DATASET

    parser = argparse.ArgumentParser(
        prog="python -m dnsguard.suricata.package",
        description=f"Write OUT_DIR/{ARCHIVE_NAME} (+ .md5, index.yaml) from the pack's rules and dataset files.")
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("url", nargs="?", default="", help="URL the archive will be served at (index.yaml)")
    parser.add_argument("--datasets", type=Path, help="directory of *.lst files (default OUT_DIR/datasets, "
                        "as 'dnsguard feeds export --suricata OUT_DIR' writes them)")
    parser.add_argument("--rules-dir", type=Path, help="the rule pack (default: the installed one)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="publish even when the feed sets are empty (rules only)")
    args = parser.parse_args(argv)
    datasets_dir = args.datasets or args.out_dir / "datasets"
    rules_dir = args.rules_dir or suricata_rules_dir()
    datasets = read_datasets(datasets_dir) if datasets_dir.is_dir() else {}
    # A JSON set is never empty (a placeholder line): count names in the .lst
    # feed sets (the shipped popular-domain set is no indicator).
    feeds = [v for k, v in datasets.items() if k.endswith(".lst") and k != f"{POPULAR_DATASET}.lst"]
    if not any(feeds) and not args.allow_empty:
        print(f"package: no indicators in {datasets_dir}/*.lst: run 'dnsguard feeds export --suricata "
              f"{args.out_dir}' (which writes the archive itself), give --datasets, or --allow-empty "
              "for a rules-only archive", file=sys.stderr)
        return 2
    try:
        info = publish(archive_members(rules_dir, with_shipped(rules_dir, datasets)), args.out_dir, args.url, version=__version__)
    except ArchiveError as exc:
        print(f"package: refused: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {info.path} (md5 {info.md5}, {len(info.members)} files) and {args.out_dir / 'index.yaml'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
