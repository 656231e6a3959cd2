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

from dnsguard.names import Rejected, normalize

SOURCE = Path("data/benign/top-registered-domains.txt")
TARGET = Path("python/dnsguard/data/allowlist-top-domains.txt")

# Providers that hand out sub-domains to anyone (malware C2 lives there) and
# are not public suffixes in the PSL snapshot we ship.
EXCLUDED = frozenset(
    ["000webhost.com", "3322.org", "8866.org", "afraid.org", "byethost.com", "changeip.com", "ddns.vc", "dlinkddns.com", "duia.com", "dyn.com", "dyndns.com", "dynu.com", "freehostia.com", "gicp.net", "mooo.com", "no-ip.com", "noip.com", "oray.com", "oray.net", "weebly.com", "x10host.com"]
)

# Host names of big shared platforms that the PSL makes registered domains of
# their own (githubusercontent.com is a public suffix): URLhaus lists malware
# *files* there, but as DNS indicators these names would flag every developer.
SHARED_PLATFORM_HOSTS = (
    "raw.githubusercontent.com", "objects.githubusercontent.com",
    "gist.githubusercontent.com", "avatars.githubusercontent.com",
    "user-images.githubusercontent.com", "release-assets.githubusercontent.com",
    "codeload.github.com", "cdn.discordapp.com", "media.discordapp.net",
    "dl.dropboxusercontent.com", "firebasestorage.googleapis.com",
    "storage.googleapis.com", "bitbucket.org", "gitlab.com", "transfer.sh",
    "1drv.ms", "onedrive.live.com", "ipfs.io", "cloudflare-ipfs.com",
)

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
