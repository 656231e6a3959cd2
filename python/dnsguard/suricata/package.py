"""The pack as a suricata-update source: ``dnsguard-rules.tar.gz`` and its index entry.

suricata-update downloads a tarball, keeps every ``*.rules`` file, and for
rules with ``dataset:...,load <file>`` copies ``<file>`` (looked up beside
the rule file inside the archive) into ``<output>/datasets/`` and rewrites
the rule.  So the archive holds ``rules/dnsguard.rules`` with
``rules/datasets/*.lst`` and nothing else: the Lua rule is left out on
purpose, since a merged ``suricata.rules`` containing it fails to load on
every sensor that has not enabled Lua rules.

The archive is reproducible (sorted members, fixed mtime and owner), so its
checksum only changes when the rules or datasets do; suricata-update fetches
``<url>.md5`` and skips the download when it matches its cached copy.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ARCHIVE_NAME = "dnsguard-rules.tar.gz"
SOURCE_NAME = "dnsguard/dns"
FIXED_MTIME = 1_700_000_000
EXCLUDED_RULE_FILES = ("dnsguard-lua.rules",)


@dataclass(frozen=True)
class SourceArtifact:
    tarball: Path
    md5_file: Path
    md5: str
    sha256: str
    members: tuple[str, ...]


def pack_members(pack: Path) -> list[tuple[str, Path]]:
    """(archive name, file) pairs: top-level rules (minus Lua) and datasets."""
    members = [(f"rules/{p.name}", p) for p in sorted(pack.glob("*.rules"))
               if p.name not in EXCLUDED_RULE_FILES]
    members += [(f"rules/datasets/{p.name}", p) for p in sorted((pack / "datasets").glob("*.lst"))]
    if (pack / "classification.config").exists():
        members.append(("rules/classification.config", pack / "classification.config"))
    if not any(name.endswith(".rules") for name, _ in members):
        raise FileNotFoundError(f"no .rules files in {pack}")
    return members


def build_tarball(members: list[tuple[str, Path]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, path in members:
            data = path.read_bytes()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = FIXED_MTIME
            info.mode = 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", mtime=FIXED_MTIME, filename="") as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def build_source(pack: Path, out_dir: Path) -> SourceArtifact:
    """Write the tarball and ``<tarball>.md5`` into ``out_dir``."""
    members = pack_members(pack)
    blob = build_tarball(members)
    out_dir.mkdir(parents=True, exist_ok=True)
    tarball = out_dir / ARCHIVE_NAME
    tarball.write_bytes(blob)
    md5 = hashlib.md5(blob).hexdigest()
    md5_file = out_dir / f"{ARCHIVE_NAME}.md5"
    md5_file.write_text(md5 + "\n", encoding="ascii")
    return SourceArtifact(tarball, md5_file, md5, hashlib.sha256(blob).hexdigest(),
                          tuple(name for name, _ in members))


def index_entry(url: str, artifact: SourceArtifact, version: str) -> dict[str, Any]:
    """A ``sources:`` entry for a suricata-update index (``index.yaml``)."""
    return {
        SOURCE_NAME: {
            "summary": "dnsguard: malware over DNS (feeds, DGA forecasts, shapes, tunnelling)",
            "description": (
                "Dataset lookups for C2/IAB/botnet/DGA indicators and runtime verdicts, "
                "DGA family shapes, NXDOMAIN bursts and DNS tunnelling. SIDs 9070000-9079999."
            ),
            "vendor": "dnsguard",
            "license": "BSD-3-Clause",
            "url": url,
            "checksum": True,
            "min-version": "7.0.3",
            "version": version,
            "sha256": artifact.sha256,
        }
    }


def index_yaml(url: str, artifact: SourceArtifact, version: str) -> str:
    return yaml.safe_dump({"version": 1, "sources": index_entry(url, artifact, version)},
                          sort_keys=False)


def main(argv: list[str]) -> int:
    from dnsguard import __version__
    from dnsguard.paths import suricata_rules_dir

    if len(argv) < 2:
        print("usage: python -m dnsguard.suricata.package OUT_DIR [URL]", file=sys.stderr)
        return 2
    out = Path(argv[1])
    artifact = build_source(suricata_rules_dir(), out)
    url = argv[2] if len(argv) > 2 else artifact.tarball.resolve().as_uri()
    (out / "index.yaml").write_text(index_yaml(url, artifact, __version__), encoding="utf-8")
    print(f"wrote {artifact.tarball} (md5 {artifact.md5}) and {out / 'index.yaml'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
