"""Write the sensors' copies of the popular-domain list: Zeek's
zeek-scripts/popular-domains.zeek (split into ``DNSGuard::shipped_popular``),
Suricata 8's suricata-rules/datasets/dnsguard-popular.lst (the names of two
and three labels, base64 lines; ``dnsguard.suricata.rules.not_popular``) and
the same names at the end of suricata-rules/dnsguard-nxdomain.lua (Suricata
7's optional Lua twins of the NXDOMAIN rules; the script's code above its
marker line is kept as it is).

The list is what ``dnsguard analyze`` treats as popular
(:func:`dnsguard.feeds.allowlist.shipped_allowlist`: the 2015/2016 top list,
the current popular domains and the never-list), so Zeek and analyze skip the
same names in the NXDOMAIN burst (and Zeek in its channel detections, as
analyze's already did): a name below a popular domain that fails, fails by a
resolver's block policy or a typo (zeek-scripts/popular.zeek,
docs/detections.md).  Suricata 8's NXDOMAIN rules look the question's last
two and three labels up in its sets; Suricata 7's plain rules cannot read the
question on an answer, its optional Lua twins can (docs/detections.md).

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
LUA_SCRIPT = ROOT / "suricata-rules/dnsguard-nxdomain.lua"
LUA_KEY_LENGTH = re.compile(r"^local KEY_LENGTH = (\d+)$", re.MULTILINE)
"""The bucket key's length is the script's own ``KEY_LENGTH`` (3: 16,229 buckets, 3.8 MB per
Lua state after loading; four characters: 50,118 buckets, 7.7 MB, 1.4 % less detection work),
read from its code so that the two cannot disagree."""
LUA_BLOCK = 20_000
"""Bucket assignments per generated Lua function (LuaJIT: at most 65,536 constants each)."""
LUA_MARKER = "-- GENERATED BELOW by tools/popular/build_popular.py; do not edit.\n"
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
    return b"".join(b2a_base64(d.encode("ascii"), newline=True) for d in looked_up(names))


def looked_up(names: list[str]) -> list[str]:
    """The names of the label counts the Suricata rules look up (two and three)."""
    from dnsguard.suricata.rules import POPULAR_LABELS

    return [d for d in names if d.count(".") + 1 in POPULAR_LABELS]


def lua_text(script: str, names: list[str]) -> str:
    """``script`` up to its marker line, then the names in buckets by their first
    ``KEY_LENGTH`` characters (``POPULAR[key]`` is ``"\\n" + names + "\\n"``)."""
    head, marker, _ = script.partition(LUA_MARKER)
    if not marker:
        raise SystemExit(f"{LUA_SCRIPT}: no marker line {LUA_MARKER.strip()!r}")
    key_length = LUA_KEY_LENGTH.search(head)
    if not key_length:
        raise SystemExit(f"{LUA_SCRIPT}: no line 'local KEY_LENGTH = <n>' above the marker")
    width = int(key_length.group(1))
    buckets: dict[str, list[str]] = {}
    for name in looked_up(names):
        buckets.setdefault(name[:width], []).append(name)
    newline = "\\n"  # a Lua escape: the bucket's names end and start with a newline
    lines = [f'POPULAR["{key}"] = "{newline}{newline.join(group)}{newline}"\n' for key, group in sorted(buckets.items())]
    # LuaJIT allows 65,536 constants per function (two per line here): one function per block
    blocks = ("do\nlocal function fill()\n" + "".join(lines[i:i + LUA_BLOCK]) + "end\nfill()\nend\n"
              for i in range(0, len(lines), LUA_BLOCK))
    # the loading code and the source text are garbage now: do not carry them into the first packets
    return head + marker + "".join(blocks) + 'collectgarbage("collect")\n'


def outputs(names: list[str] | None = None) -> dict[Path, bytes]:
    """Path -> content of every copy (``names``: :func:`domains`, computed here if not given)."""
    names = domains() if names is None else names
    return {ZEEK_OUTPUT: zeek_text(names).encode("ascii"), SURICATA_SET: suricata_set(names),
            LUA_SCRIPT: lua_text(LUA_SCRIPT.read_text("ascii"), names).encode("ascii")}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if the file differs from what would be written")
    args = ap.parse_args()
    stale = 0
    names = domains()
    for path, content in outputs(names).items():
        if args.check:
            same = path.exists() and path.read_bytes() == content
            stale += not same
            print(f"{path}: {'up to date' if same else 'differs: run without --check'}")
            continue
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
        entries = len(names) if path == ZEEK_OUTPUT else len(looked_up(names))
        print(f"{path}: {entries} domains")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
