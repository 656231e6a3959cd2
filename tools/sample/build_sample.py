"""Build the bundled sample capture, byte for byte the same on every run.

Usage: python tools/sample/build_sample.py [OUT]   (default: python/dnsguard/data/sample.pcap)

The network and what each host does is described in README.md beside this
script, with the verdicts `dnsguard analyze` must reach.  Randomness comes
from one seeded generator, and the QSnatch names from dnsguard's own QSnatch
generator for the capture's date, so the forecast can attribute them.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from dnsguard.dga.families import get
from dnsguard.pcapgen import Answer, Exchange, write_pcap

REPO = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO / "python" / "dnsguard" / "data" / "sample.pcap"
START = dt.datetime(2026, 11, 2, 8, 0, 0, tzinfo=dt.UTC)
RESOLVER = "192.168.10.1"

WORKSTATIONS = ["192.168.10.21", "192.168.10.22", "192.168.10.23", "192.168.10.24"]
NAS = "192.168.10.50"
C2_HOST = "192.168.10.31"
TUNNEL_HOST = "192.168.10.40"

POPULAR = [
    "www.google.com", "www.youtube.com", "www.wikipedia.org", "en.wikipedia.org", "www.amazon.com",
    "www.reddit.com", "outlook.office365.com", "login.microsoftonline.com", "www.linkedin.com",
    "github.com", "api.github.com", "slack.com", "app.slack.com", "zoom.us", "www.bbc.co.uk",
    "www.nytimes.com", "news.ycombinator.com", "stackoverflow.com", "docs.python.org",
    "pypi.org", "files.pythonhosted.org", "www.apple.com", "www.microsoft.com", "update.microsoft.com",
    "ocsp.digicert.com", "clients4.google.com", "fonts.googleapis.com", "fonts.gstatic.com",
    "www.dropbox.com", "teams.microsoft.com", "www.salesforce.com", "www.atlassian.com",
]
CDN = [
    "e1234.a.akamaiedge.net", "d1tv14yrkl9pc0.cloudfront.net", "rr3---sn-p5qlsndk.googlevideo.com",
    "s3.dualstack.us-east-1.amazonaws.com", "a1887.dscq.akamai.net", "dualstack.ng-ms-1234567.elb.amazonaws.com",
    "prod-eu-west-1-a.azureedge.net", "i.ytimg.com", "static.xx.fbcdn.net",
]
# Benign names with long or odd labels that must not look like tunnelling.
ODD_BENIGN = [
    ("_dmarc.example.com", "TXT"), ("selector1._domainkey.microsoft.com", "TXT"),
    ("10.10.168.192.in-addr.arpa", "PTR"), ("_ldap._tcp.dc._msdcs.corp.example.com", "SRV"),
    ("wpad.corp.example.com", "A"),
]
QNAP_SERVICES = ["update.qnap.com", "download.qnap.com", "www.myqnapcloud.com", "api.myqnapcloud.com",
                 "qtsnews.qnap.com", "pool.ntp.org"]
C2_NAMES = ["telemetry-sync.example", "a1.cdn-update-check.example", "telemetry-sync.example"]
TUNNEL_DOMAIN = "x.dnsexfil-collector.example"


def ip(rng: random.Random) -> str:
    return f"{rng.randint(20, 220)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def browsing(rng: random.Random, host: str, t0: float, minutes: int) -> list[Exchange]:
    out = []
    t = t0
    while t < t0 + minutes * 60:
        name = rng.choice(POPULAR + CDN)
        out.append(Exchange(t, host, name, answers=[Answer("A", ip(rng), rng.choice([60, 300, 3600]))],
                            server=RESOLVER))
        t += rng.uniform(2, 20)
    for name, qtype in ODD_BENIGN:
        value = {"TXT": "v=DMARC1; p=none", "PTR": "printer.corp.example.com",
                 "SRV": "dc1.corp.example.com", "A": "192.168.10.5"}[qtype]
        rtype = "CNAME" if qtype == "SRV" else qtype
        out.append(Exchange(t0 + rng.uniform(0, minutes * 60), host, name, qtype=qtype,
                            answers=[Answer(rtype, value, 300)], server=RESOLVER))
    # A couple of typos: a few NXDOMAINs are normal and must not make a burst.
    for typo in ("www.gooogle.com", "intranet.corp"):
        out.append(Exchange(t0 + rng.uniform(0, minutes * 60), host, typo, rcode="NXDOMAIN", server=RESOLVER))
    return out


def nas(rng: random.Random, t0: float) -> list[Exchange]:
    out = [Exchange(t0 + 30 * i, NAS, name, answers=[Answer("A", ip(rng), 300)], server=RESOLVER)
           for i, name in enumerate(QNAP_SERVICES)]
    day = dt.datetime.fromtimestamp(t0, dt.UTC).date()
    names = get("qsnatch").generate(day, variant="a")[:60]
    t = t0 + 600
    for i, name in enumerate(names):
        found = i == len(names) - 1  # the bot stops at the first name that resolves
        out.append(Exchange(t, NAS, name, rcode="NOERROR" if found else "NXDOMAIN",
                            answers=[Answer("A", "198.51.100.77", 300)] if found else [], server=RESOLVER))
        t += rng.uniform(0.5, 3.0)
    return out


def c2(rng: random.Random, t0: float) -> list[Exchange]:
    out = []
    for i in range(12):  # a beacon every five minutes
        name = C2_NAMES[i % len(C2_NAMES)]
        out.append(Exchange(t0 + 300 * i + rng.uniform(0, 5), C2_HOST, name,
                            answers=[Answer("A", "203.0.113.66", 60)], server=RESOLVER))
    return out


def tunnel(rng: random.Random, t0: float) -> list[Exchange]:
    out = []
    secret = rng.randbytes(40 * 30)
    for seq in range(40):
        chunk = secret[seq * 30 : (seq + 1) * 30].hex()  # 60 hex characters
        name = f"{chunk}.{seq:04d}.{TUNNEL_DOMAIN}"
        out.append(Exchange(t0 + seq * 1.5, TUNNEL_HOST, name, qtype="TXT",
                            answers=[Answer("TXT", f"ok{seq}", 0)], server=RESOLVER))
    return out


def build(out: Path) -> int:
    rng = random.Random(20261102)
    t0 = START.timestamp()
    exchanges: list[Exchange] = []
    for host in WORKSTATIONS + [C2_HOST, TUNNEL_HOST]:
        exchanges += browsing(rng, host, t0, 60)
    exchanges += nas(rng, t0 + 120)
    exchanges += c2(rng, t0 + 200)
    exchanges += tunnel(rng, t0 + 1800)
    return write_pcap(str(out), exchanges)


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    count = build(out)
    print(f"wrote {count} packets, {out.stat().st_size:,} bytes to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
