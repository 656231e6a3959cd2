"""Write zeek-scripts/public-suffixes.zeek (``DNSGuard::public_suffixes``)
from the shipped Public Suffix List and detections.yaml.

The table holds every rule of the PSL's ICANN section of exactly two labels
(IDN rules in punycode) and the private-section rules listed under
``registered_domain: zeek_private_suffixes`` in
python/dnsguard/data/detections.yaml (each must be a two-label rule of the
private section).  Why only two labels: detections.yaml, ``approximations:
zeek``.

    python tools/suffixes/build_zeek_suffixes.py           # write the file
    python tools/suffixes/build_zeek_suffixes.py --check   # exit 1 if it differs

tests/test_registered_domain_places.py fails when the file is not what this
produces.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PSL = ROOT / "python/dnsguard/data/public_suffix_list.dat"
DEFINITIONS = ROOT / "python/dnsguard/data/detections.yaml"
OUTPUT = ROOT / "zeek-scripts/public-suffixes.zeek"

END_ICANN = "// ===END ICANN DOMAINS==="


def to_ascii(rule: str) -> str:
    """A PSL rule as DNS carries it: lower case, IDN labels in punycode."""
    rule = rule.lower()
    if rule.isascii():
        return rule
    return ".".join(label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
                    for label in rule.split("."))


def sections(text: str) -> tuple[set[str], set[str]]:
    """(ICANN rules, private rules), as written (``*.`` and ``!`` kept), in ASCII."""
    icann, private = text.split(END_ICANN, 1)

    def rules(part: str) -> set[str]:
        out = set()
        for line in part.splitlines():
            rule = line.strip().split(" ", 1)[0]
            if rule and not rule.startswith("//"):
                out.add(to_ascii(rule))
        return out

    return rules(icann), rules(private)


def private_suffixes(definitions: dict) -> list[str]:
    listed = definitions["registered_domain"]["zeek_private_suffixes"]
    return [s for group in listed.values() for s in group]


def table(psl_text: str, private: list[str]) -> list[str]:
    icann, psl_private = sections(psl_text)
    wrong = [s for s in private if s not in psl_private or s.count(".") != 1]
    if wrong:
        raise ValueError(f"not two-label rules of the PSL's private section: {wrong}")
    two = {r for r in icann if r.count(".") == 1 and r[0] not in "*!"}
    return sorted(two | set(private))


HEADER = """\
# GENERATED FILE - do not edit.  Written by tools/suffixes/build_zeek_suffixes.py
# from python/dnsguard/data/public_suffix_list.dat (ICANN section: every rule
# of exactly two labels) and the registered_domain section of
# python/dnsguard/data/detections.yaml (private-section suffixes that matter
# for detection).  Regenerate with:
#
#     python tools/suffixes/build_zeek_suffixes.py
#
# tests/test_registered_domain_places.py fails when this file differs.

module DNSGuard;

export {
	## Public suffixes the registered domain is cut at: the label left of
	## the longest listed suffix is the one the attacker chose, the one
	## scored; with no listed suffix matching, the last two labels are the
	## registered domain.  Generated from the Public Suffix List shipped
	## with dnsguard (``dnsguard.names``, authoritative): every two-label
	## ICANN rule (IDN ones in punycode) and the private-section suffixes
	## detections.yaml lists (dynamic DNS, free subdomains, NAS vendors'
	## DDNS).  Rules of three or more labels and wildcard rules are left
	## out: entries of two labels keep every query on the fast path.
	## Redefine to add or remove entries (longer entries work, at a cost
	## per query).
	option public_suffixes: set[string] = {
"""


def render(psl_text: str, definitions: dict) -> str:
    body = "".join(f'\t\t"{s}",\n' for s in table(psl_text, private_suffixes(definitions)))
    return HEADER + body + "\t};\n}\n"


def build() -> str:
    return render(PSL.read_text("utf-8"), yaml.safe_load(DEFINITIONS.read_text("utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is not up to date")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if OUTPUT.read_text() != text:
            print(f"{OUTPUT.relative_to(ROOT)} is out of date: run {Path(__file__).relative_to(ROOT)}",
                  file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {text.count(chr(10) + chr(9) + chr(9))} suffixes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
