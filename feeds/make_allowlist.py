"""Rebuild python/dnsguard/data/allowlist-top-domains.txt from the popularity list.

Run from the repository root: ``.venv/bin/python feeds/make_allowlist.py``.

The source (data/benign/top-registered-domains.txt: Alexa top-100k 2015/2016,
OpenDNS top-10k and random-10k) is alphabetical, not ranked, so there is no
"top slice" to cut: every entry that is a registered domain under the shipped
Public Suffix List is kept, except dynamic-DNS and free-hosting providers whose
customers get sub-domains that the PSL does not list (allowlisting
``no-ip.com`` would hide every ``victim-c2.no-ip.com`` a feed reports).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dnsguard.feeds.allowlist import DYNAMIC_DNS_PROVIDERS, SHARED_PLATFORM_HOSTS
from dnsguard.names import Rejected, normalize

SOURCE = Path("data/benign/top-registered-domains.txt")
TARGET = Path("python/dnsguard/data/allowlist-top-domains.txt")
RECENT_SOURCES = (Path("data/benign/recent-popular-2025.txt"), Path("data/benign/recent-popular-fqdn-2025.txt"),
                  Path("data/benign/recent-popular-fqdn-2025-more.txt"))
RECENT_TARGET = Path("python/dnsguard/data/popular-recent.txt")

# Dynamic-DNS / free-hosting providers and shared-platform host names: one
# definition, shared with ``dnsguard feeds allowlist refresh``.
EXCLUDED = DYNAMIC_DNS_PROVIDERS

HEADER = """\
# dnsguard allowlist: popular registered domains a feed may never list.
# Derived by feeds/make_allowlist.py from data/benign/top-registered-domains.txt
# (Alexa top-100k 2015/2016, OpenDNS top-10k and random-10k), minus public
# suffixes and dynamic-DNS / free-hosting providers, plus the host names of
# shared platforms (raw.githubusercontent.com...) that the PSL makes registered
# domains of their own (see the script).
# One registered domain a line; it covers the domain and all its sub-domains.
"""


RECENT_HEADER = """\
# dnsguard: registered domains popular in 2024/2025, matched exactly (no sub-domains).
# Derived by feeds/make_allowlist.py from data/benign/recent-popular-2025.txt (ranks
# 1-7,419 of a Tranco-style top list) and the registered domains of
# data/benign/recent-popular-fqdn-2025.txt and recent-popular-fqdn-2025-more.txt (Umbrella's
# top 28,567 host names of 2025-10-22).
# Only the known-DGA forecast reads it: a short-name algorithm (QSnatch: 3-6 letters on
# 100+ suffixes) computes real popular domains (nic.de, ddns.net, gov.ru, cutt.ly), and
# such a name must not become an indicator.  Exact match, so that a dynamic-DNS apex
# listed here (ddns.net) never hides a family's names below it (Symmi's <x>.ddns.net).
"""


def registered_domains(lines: list[str]) -> set[str]:
    """The registered domains of host names, public suffixes and invalid lines left out."""
    out = set()
    for line in lines:
        parsed = normalize(line.strip())
        if not isinstance(parsed, Rejected) and not parsed.is_public_suffix and parsed.registered:
            out.add(parsed.registered)
    return out


def main() -> int:
    kept: list[str] = []
    for line in SOURCE.read_text("utf-8").splitlines():
        parsed = normalize(line.strip())
        if isinstance(parsed, Rejected) or parsed.is_public_suffix:
            continue
        if parsed.registered != parsed.fqdn or parsed.fqdn in EXCLUDED:
            continue
        kept.append(parsed.fqdn)
    for host in SHARED_PLATFORM_HOSTS:
        parsed = normalize(host)
        if not isinstance(parsed, Rejected) and not parsed.is_public_suffix:
            kept.append(parsed.fqdn)
    kept = sorted(set(kept))
    TARGET.write_text(HEADER + "\n".join(kept) + "\n", "utf-8")
    print(f"{TARGET}: {len(kept)} names", file=sys.stderr)
    recent = sorted(registered_domains([line for path in RECENT_SOURCES
                                        for line in path.read_text("utf-8").splitlines()]))
    RECENT_TARGET.write_text(RECENT_HEADER + "\n".join(recent) + "\n", "utf-8")
    print(f"{RECENT_TARGET}: {len(recent)} names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
