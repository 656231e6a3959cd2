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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
