"""Write the sensors' copies of the popular-domain list: Zeek's
zeek-scripts/popular-domains.zeek (split into ``DNSGuard::shipped_popular``) and
Suricata 8's suricata-rules/datasets/dnsguard-popular.lst (the names of two
and three labels, base64 lines; ``dnsguard.suricata.rules.not_popular``).

The list is what ``dnsguard analyze`` treats as popular
(:func:`dnsguard.feeds.allowlist.shipped_allowlist`: the 2015/2016 top list,
the current popular domains and the never-list), so Zeek and analyze skip the
same names in the NXDOMAIN burst (and Zeek in its channel detections, as
analyze's already did): a name below a popular domain that fails, fails by a
resolver's block policy or a typo (zeek-scripts/popular.zeek,
docs/detections.md).  Suricata 8's NXDOMAIN rules look the question's last
two and three labels up in its sets; Suricata 7 has no copy
(docs/detections.md says why).

    python tools/popular/build_popular.py           # write the files
    python tools/popular/build_popular.py --check   # exit 1 if one differs

tests/triage/test_blocked_popular.py fails when a file is not what this produces.
"""

from __future__ import annotations

import argparse
import re
import sys
from binascii import b2a_base64
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ZEEK_OUTPUT = ROOT / "zeek-scripts/popular-domains.zeek"
SURICATA_SET = ROOT / "suricata-rules/datasets/dnsguard-popular.lst"
_PLAIN = re.compile(r"[a-z0-9_.-]+")
ZEEK_HEADER = ("# GENERATED FILE: python tools/popular/build_popular.py writes it from\n"
               "# dnsguard.feeds.allowlist.shipped_allowlist(); do not edit.  Loaded by popular.zeek,\n"
               "# whose zeek_init splits the strings (one literal per domain cost 67 MB).\n"
               "\n"
               "module DNSGuard;\n"
               "\n"
               "global popular_domain_chunks: vector of string = vector(\n")
ZEEK_CHUNK = 2_000
"""Domains per string (space-separated)."""


def domains() -> list[str]:
    from dnsguard.feeds.allowlist import shipped_allowlist

    # Zeek compares the registered domains of plain host names, and each entry
    # becomes a string literal: host-name characters only.
    return sorted(d for d in shipped_allowlist().domains if _PLAIN.fullmatch(d))


def zeek_text(names: list[str]) -> str:
    chunks = (" ".join(names[i:i + ZEEK_CHUNK]) for i in range(0, len(names), ZEEK_CHUNK))
    return ZEEK_HEADER + ",\n".join(f'\t"{c}"' for c in chunks) + "\n);\n"


def suricata_set(names: list[str]) -> bytes:
    """The names of the label counts the rules look up, base64 lines."""
    from dnsguard.suricata.rules import POPULAR_LABELS

    return b"".join(b2a_base64(d.encode("ascii"), newline=True) for d in names
                    if d.count(".") + 1 in POPULAR_LABELS)


def outputs() -> dict[Path, bytes]:
    names = domains()
    return {ZEEK_OUTPUT: zeek_text(names).encode("ascii"), SURICATA_SET: suricata_set(names)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be written")
    args = ap.parse_args()
    stale = 0
    count = len(domains())
    for path, content in outputs().items():
        if args.check:
            same = path.exists() and path.read_bytes() == content
            stale += not same
            print(f"{path}: {'up to date' if same else 'differs: run without --check'}")
            continue
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        entries = count if path == ZEEK_OUTPUT else content.count(b"\n")
        print(f"{path}: {entries} domains")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
