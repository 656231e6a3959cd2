"""A realistic office DNS capture with per-host ground truth.

One hour (by default) of DNS between 44 clients and the office resolver,
built deterministically from a seed: the same seed, date and length give the
same exchanges, the same pcap bytes and the same truth file on every run.

The benign side is what makes DNS detection hard in a real office: Teams
and Alexa names with 52-63 character hashed labels, cloud endpoints with
hashed account names, Chrome's random intranet-redirect probes, a mail
server's DNSBL lookups (hundreds of NXDOMAINs, 117+ in 67 s during a spam
wave), a monitoring host's failing PTR sweeps, Kubernetes search-domain
expansions, workstations that browse Synology's and QNAP's web sites, and a
real (clean) Synology NAS.  The infected side runs at realistic rates: a
QNAP NAS with QSnatch, and Pykspa, Necurs (standing in for Locky), Ramnit,
newGOZ (standing in for Zloader) and an iodine-like base32 tunnel, each host
also doing its ordinary traffic.  DGA names come from
:mod:`dnsguard.dga.families` for the capture date.

API::

    office = build_office(seed=DEFAULT_SEED, minutes=60, date=DEFAULT_DATE)
    office.exchanges        # list[pcapgen.Exchange], time-ordered
    office.hosts            # list[HostTruth]
    office.truth()          # the ground-truth dict (what --truth writes)
    office.spec()           # pcapgen's JSON list (what --spec writes)
    write_office(pcap, truth=None, spec=None, seed=..., minutes=..., date=...) -> Office
    read_dns(pcap)          # parse a pcap back into DnsPacket rows (tests)

Every name an infected host resolves that is not a DGA or tunnel name is
also resolved by some benign host, so per-name evidence is what separates
them.  Addresses in answers are derived from a hash of the name inside
each provider's real prefixes, so a name always gets the same few
addresses (no accidental fast flux).  Malicious answers use TEST-NET
addresses (RFC 5737); the tunnel uses the reserved ``.example`` TLD.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import random
import struct
from collections.abc import Iterator
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

from dnsguard.dga.families import generate
from dnsguard.pcapgen import Answer, Exchange, write_pcap

DEFAULT_SEED = 20261116
DEFAULT_DATE = dt.date(2026, 11, 16)
DEFAULT_MINUTES = 60
START_TIME = dt.time(8, 30)
RESOLVER = "10.10.0.10"
AD_DOMAIN = "corp.example.com"
TENANT = "northwindtraders"
NEGATIVE_TTL = 300
"""Seconds a stub resolver caches an NXDOMAIN (Windows: MaxNegativeCacheTtl)."""

DNSBL_ZONES = ("zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net", "dnsbl.sorbs.net")
SPAM_WAVE_NXDOMAINS = 117
SPAM_WAVE_SECONDS = 67

# --------------------------------------------------------------------- truth


@dataclass
class HostTruth:
    ip: str
    hostname: str
    role: str
    infected: bool = False
    family: str | None = None
    """The malware as analysts name it (``Locky``), or None."""
    generator: str | None = None
    """The :mod:`dnsguard.dga.families` generator whose names the host queries."""
    stands_in_for: str | None = None
    """Set when ``generator`` replaces a family dnsguard has no generator for."""
    device: str | None = None
    """Device tag a detector should give (``nas-qnap``), if any."""
    expected_evidence: list[str] = field(default_factory=list)
    """Evidence kinds (analyze's names) the host should produce."""
    traps: list[str] = field(default_factory=list)
    """For benign hosts: the detections its traffic could wrongly trigger."""
    notes: str = ""


@dataclass
class Office:
    seed: int
    date: dt.date
    minutes: int
    start: float
    exchanges: list[Exchange]
    hosts: list[HostTruth]

    def truth(self) -> dict:
        return {
            "capture": {
                "seed": self.seed, "date": self.date.isoformat(), "minutes": self.minutes,
                "start": self.start, "end": self.start + self.minutes * 60, "resolver": RESOLVER,
                "ad_domain": AD_DOMAIN, "exchanges": len(self.exchanges),
                "benign_hosts": sum(not h.infected for h in self.hosts),
                "infected_hosts": sum(h.infected for h in self.hosts),
            },
            "hosts": [asdict(h) for h in self.hosts],
        }

    def spec(self) -> list[dict]:
        return [exchange_to_json(ex) for ex in self.exchanges]

    def host(self, ip: str) -> HostTruth:
        return next(h for h in self.hosts if h.ip == ip)


_EX_DEFAULTS = {f.name: f.default for f in fields(Exchange) if f.default is not MISSING}


def exchange_to_json(ex: Exchange) -> dict:
    """pcapgen's JSON form of an exchange (fields at their default left out)."""
    out: dict = {"ts": ex.ts, "client": ex.client, "qname": ex.qname}
    for name in ("qtype", "rcode", "server", "sport", "txid", "respond", "rtt"):
        value = getattr(ex, name)
        if value != _EX_DEFAULTS.get(name):
            out[name] = value
    if ex.answers:
        out["answers"] = [{k: v for k, v in asdict(a).items() if not (k == "name" and v is None)}
                          for a in ex.answers]
    return out


# ------------------------------------------------------------- the resolver

# provider: (v4 /16 prefixes, v6 prefix or "", TTL choices, records per answer)
_PROVIDERS: dict[str, tuple[tuple[str, ...], str, tuple[int, ...], int]] = {
    "google": (("142.250", "172.217", "216.58", "142.251"), "2a00:1450:4001:", (300, 300, 60), 1),
    "microsoft": (("13.107", "20.190", "52.96", "40.126", "52.113", "20.42"), "2620:1ec:", (60, 300, 3600), 2),
    "aws": (("52.94", "54.239", "3.5", "18.64", "52.216", "13.32", "3.33", "54.230"), "2600:9000:", (60,), 3),
    "akamai": (("23.32", "23.45", "104.86", "2.16", "184.24"), "2a02:26f0:", (20,), 2),
    "facebook": (("157.240", "31.13"), "2a03:2880:", (60,), 1),
    "apple": (("17.253", "17.248", "17.57"), "2620:149:", (300, 3600), 2),
    "cloudflare": (("104.16", "104.18", "172.67", "188.114"), "2606:4700:", (300,), 2),
    "fastly": (("151.101", "199.232"), "2a04:4e42:", (300, 3600), 2),
    "other": (("185.199", "93.184", "198.35", "45.60", "64.233", "195.201", "81.169", "91.198"), "", (300, 3600), 1),
}
_SUFFIX_PROVIDER = {
    **dict.fromkeys(("google.com", "gstatic.com", "googleapis.com", "youtube.com", "ytimg.com", "googlevideo.com",
                     "googleusercontent.com", "doubleclick.net", "google-analytics.com", "googletagmanager.com",
                     "appspot.com", "run.app", "ggpht.com", "pki.goog", "youtube-nocookie.com", "gvt1.com",
                     "gvt2.com", "googlesyndication.com"), "google"),
    **dict.fromkeys(("microsoft.com", "office.com", "office365.com", "office.net", "microsoftonline.com", "live.com",
                     "msftauth.net", "skype.com", "windows.net", "windowsupdate.com", "msedge.net", "azureedge.net",
                     "azurewebsites.net", "bing.com", "msn.com", "sharepoint.com", "trafficmanager.net",
                     "msftncsi.com", "msftconnecttest.com", "azure.com", "windows.com", "azurefd.net", "svc.ms",
                     "officeapps.live.com", "cloud.microsoft", "msidentity.com", "onenote.com", "sfx.ms",
                     "windowsazure.com", "outlook.com", "akadns.net"), "microsoft"),
    **dict.fromkeys(("amazonaws.com", "on.aws", "cloudfront.net", "amazon.com", "a2z.com", "amazonalexa.com",
                     "media-amazon.com", "ssl-images-amazon.com", "amazon.dev"), "aws"),
    **dict.fromkeys(("akamaiedge.net", "akamai.net", "akamaized.net", "edgekey.net", "edgesuite.net",
                     "adobe.io", "adobe.com", "adobedtm.com", "samsungcloudsolution.com", "samsungacr.com"), "akamai"),
    **dict.fromkeys(("fbcdn.net", "facebook.com", "facebook.net", "instagram.com", "whatsapp.net",
                     "cdninstagram.com"), "facebook"),
    **dict.fromkeys(("apple.com", "icloud.com", "apple-dns.net", "mzstatic.com", "aaplimg.com", "cdn-apple.com",
                     "icloud-content.com"), "apple"),
    **dict.fromkeys(("cloudflare.com", "cdnjs.cloudflare.com", "jsdelivr.net", "cookielaw.org", "onetrust.com",
                     "docker.io", "docker.com", "npmjs.org", "discord.com", "zoom.us", "hotjar.com", "slack.com",
                     "slack-edge.com", "medium.com", "quickconnect.to", "ezviz7.com", "ezvizlife.com"),
                    "cloudflare"),
    **dict.fromkeys(("fastly.net", "pypi.org", "pythonhosted.org", "reddit.com", "redditstatic.com", "redd.it",
                     "nyt.com", "nytimes.com", "githubassets.com", "githubusercontent.com", "github.com",
                     "sstatic.net", "stackoverflow.com", "bbc.co.uk", "bbci.co.uk", "guim.co.uk",
                     "theguardian.com", "wikipedia.org", "wikimedia.org", "python.org", "ft.com",
                     "nflxvideo.net", "netflix.com"), "fastly"),
}

# Names whose answers start with a CNAME chain (as the real services answer).
_CNAMES: dict[str, tuple[str, ...]] = {
    "outlook.office365.com": ("outlook.ms-acdc.office.com",),
    "outlook.office.com": ("substrate.office.com", "outlook.ms-acdc.office.com"),
    "login.microsoftonline.com": ("login.mso.msidentity.com", "ak.privatelink.msidentity.com",
                                  "www.tm.ak.prd.aadg.trafficmanager.net"),
    "www.microsoft.com": ("www.microsoft.com-c-3.edgekey.net", "www.microsoft.com-c-3.edgekey.net.globalredir.akadns.net",
                          "e13678.dscb.akamaiedge.net"),
    "teams.microsoft.com": ("teams.office.com", "s-0005.s-msedge.net"),
    "www.apple.com": ("www.apple.com.edgekey.net", "www.apple.com.edgekey.net.globalredir.akadns.net",
                      "e6858.dscx.akamaiedge.net"),
    "www.bing.com": ("www-bing-com.dual-a-0001.a-msedge.net", "dual-a-0001.a-msedge.net"),
    "config.edge.skype.com": ("config.edge.skype.com.trafficmanager.net", "l-0007.config.skype.com",
                              "l-0007.l-msedge.net"),
    "settings-win.data.microsoft.com": ("atm-settingsfe-prod-geo2.trafficmanager.net",
                                        "settings-prod-weu-2.westeurope.cloudapp.azure.com"),
    f"{TENANT}.sharepoint.com": ("187170-ipv4v6w.farm.dprodmgd105.aa-rt.sharepoint.com",
                                 "dual-spo-0005.spo-msedge.net"),
    f"{TENANT}-my.sharepoint.com": ("187170-ipv4v6w.farm.dprodmgd105.aa-rt.sharepoint.com",
                                    "dual-spo-0005.spo-msedge.net"),
    "www.linkedin.com": ("www-linkedin-com.l-0005.l-msedge.net", "l-0005.l-msedge.net"),
    "assets.msn.com": ("assets.msn.com.edgekey.net", "e28578.d.akamaiedge.net"),
    "img-s-msn-com.akamaized.net": ("a1834.dscg2.akamai.net",),
    "www.adobe.com": ("www.adobe.com.edgekey.net", "e28542.a.akamaiedge.net"),
    "www.youtube.com": ("youtube-ui.l.google.com",),
    "www.facebook.com": ("star-mini.c10r.facebook.com",),
    "static.xx.fbcdn.net": ("scontent.xx.fbcdn.net",),
    "gateway.icloud.com": ("gateway.fe2.apple-dns.net",),
    "mask.icloud.com": ("mask.apple-dns.net",),
    "time.samsungcloudsolution.com": ("time-eu.samsungcloudsolution.com",),
    "ctldl.windowsupdate.com": ("ctldl.windowsupdate.com.delivery.microsoft.com", "wu-b-net.trafficmanager.net",
                                "cs11.wpc.v0cdn.net"),
    "tlu.dl.delivery.mp.microsoft.com": ("tlu.dl.delivery.mp.microsoft.com-c.edgesuite.net", "a1621.g.akamai.net"),
}


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=32).digest()


def provider_of(name: str) -> str:
    labels = name.lower().rstrip(".").split(".")
    for i in range(len(labels) - 1):
        found = _SUFFIX_PROVIDER.get(".".join(labels[i:]))
        if found:
            return found
    return "other"


def _addresses(name: str, count: int, v6: bool = False) -> list[str]:
    v4s, prefix6, _, _ = _PROVIDERS[provider_of(name)]
    h = _digest(name)
    if v6:
        return [str(ipaddress.IPv6Address(f"{prefix6}{h[3]:x}{h[4]:02x}::{h[5 + i]:x}{h[6 + i]:02x}"))
                for i in range(count)]
    net = v4s[h[0] % len(v4s)]
    third = 1 + h[1] % 254
    return [f"{net}.{third}.{1 + h[2 + i] % 254}" for i in range(count)]


def resolve(name: str, qtype: str | int) -> tuple[str, list[Answer]]:
    """How the office resolver answers an ordinary existing name."""
    chain = _CNAMES.get(name, ())
    final = chain[-1] if chain else name
    v4s, prefix6, ttls, per = _PROVIDERS[provider_of(final)]
    h = _digest(final, "ttl")
    ttl = ttls[h[0] % len(ttls)]
    answers: list[Answer] = []
    owner: str | None = None
    for target in chain:
        answers.append(Answer("CNAME", target, 300 if owner is None else 60, owner))
        owner = target
    count = 1 + h[1] % per
    if qtype == "A":
        answers += [Answer("A", a, ttl, owner) for a in _addresses(final, count)]
    elif qtype == "AAAA" and prefix6:
        answers += [Answer("AAAA", a, ttl, owner) for a in _addresses(final, min(count, 2), v6=True)]
    return "NOERROR", answers


# ------------------------------------------------------------------ clients


class _Net:
    def __init__(self, seed: int, start: float, minutes: int):
        self.seed = seed
        self.start = start
        self.end = start + minutes * 60
        self.exchanges: list[Exchange] = []

    def client(self, ip: str) -> _Client:
        return _Client(self, ip, random.Random(f"{self.seed}/{ip}"))


class _Client:
    """One host's stub resolver: it caches answers for their TTL."""

    def __init__(self, net: _Net, ip: str, rng: random.Random):
        self.net = net
        self.ip = ip
        self.rng = rng
        self.cache: dict[tuple[str, str | int], float] = {}

    def q(self, ts: float, name: str, qtype: str | int = "A", rcode: str | None = None,
          answers: list[Answer] | None = None, cache: bool = True, slow: bool = False) -> bool:
        """One query (and its answer) unless the host's cache still holds it."""
        if not self.net.start <= ts < self.net.end:
            return False
        key = (name, qtype)
        if cache and ts < self.cache.get(key, 0.0):
            return False
        if rcode is None and answers is None:
            rcode, answers = resolve(name, qtype)
        answers = answers or []
        rcode = rcode or "NOERROR"
        ttl = min((a.ttl for a in answers), default=NEGATIVE_TTL)
        self.cache[key] = ts + max(ttl, 1)
        rng = self.rng
        if slow or rcode != "NOERROR":
            rtt = rng.uniform(0.015, 0.160)
        else:
            rtt = rng.uniform(0.0003, 0.002) if rng.random() < 0.7 else rng.uniform(0.008, 0.090)
        self.net.exchanges.append(Exchange(
            round(ts, 6), self.ip, name, qtype, rcode, answers, server=RESOLVER,
            sport=rng.randint(49152, 65535), txid=rng.randint(0, 65535), rtt=round(rtt, 6)))
        return True

    def lookup(self, ts: float, name: str, types: tuple[str | int, ...] = ("A", "AAAA"), **kw) -> None:
        for i, qtype in enumerate(types):
            self.q(ts + i * 0.0004, name, qtype, **kw)

    def nx(self, ts: float, name: str, qtype: str | int = "A", cache: bool = True) -> bool:
        return self.q(ts, name, qtype, "NXDOMAIN", [], cache=cache)

    def times(self, t0: float, mean: float, t1: float | None = None, first: float | None = None) -> Iterator[float]:
        """Poisson arrivals from t0 until t1 (default: the capture's end); with
        ``first``, the first one is within that many seconds of t0 (a service
        that checks in soon after the capture starts)."""
        end = self.net.end if t1 is None else min(t1, self.net.end)
        t = t0 + (self.rng.uniform(0, first) if first is not None else self.rng.expovariate(1 / mean))
        while t < end:
            yield t
            t += self.rng.expovariate(1 / mean)


# ------------------------------------------------------------- name shapes

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_HEX = "0123456789abcdef"


def _rand(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def trouter_name(rng: random.Random) -> str:
    """Teams' per-endpoint Trouter registration names: one 52-60 char hashed label."""
    return f"{_rand(rng, _ALNUM, rng.randint(52, 60))}.trouter.teams.microsoft.com"


def minerva_name(rng: random.Random) -> str:
    """Alexa devices: 63-character hex labels under minerva.devices.a2z.com."""
    return f"{_rand(rng, _HEX, 63)}.minerva.devices.a2z.com"


def blob_name(rng: random.Random, kind: str = "blob") -> str:
    """Azure storage: 24-character hashed account names."""
    return f"{_rand(rng, _ALNUM, 24)}.{kind}.core.windows.net"


def cloudfront_name(rng: random.Random) -> str:
    return f"d{_rand(rng, _ALNUM, 13)}.cloudfront.net"


def execute_api_name(rng: random.Random, region: str = "us-east-1") -> str:
    return f"{_rand(rng, _ALNUM, 10)}.execute-api.{region}.amazonaws.com"


def lambda_url_name(rng: random.Random, region: str = "us-east-1") -> str:
    return f"{_rand(rng, _ALNUM, 32)}.lambda-url.{region}.on.aws"


def elb_name(rng: random.Random, app: str, region: str = "us-east-1", internal: bool = True) -> str:
    pre = "internal-" if internal else ""
    return f"{pre}{app}-{rng.randint(1_000_000_000, 2_147_483_647)}.{region}.elb.amazonaws.com"


def iot_name(rng: random.Random, region: str = "us-east-1") -> str:
    """AWS IoT Core endpoints: a 14-character account prefix and ``-ats``."""
    return f"{_rand(rng, _ALNUM, 14)}-ats.iot.{region}.amazonaws.com"


def run_app_name(rng: random.Random, service: str) -> str:
    return f"{service}-{_rand(rng, 'abcdefghijklmnopqrstuvwxyz', 10)}-ew.a.run.app"


def azurewebsites_name(rng: random.Random, app: str) -> str:
    return f"{app}-{_rand(rng, _ALNUM, 16)}.westeurope-01.azurewebsites.net"


def googlevideo_name(rng: random.Random) -> str:
    return f"rr{rng.randint(1, 8)}---sn-{_rand(rng, _ALNUM, 8)}.googlevideo.com"


def fbcdn_name(rng: random.Random) -> str:
    pop = rng.choice(("ams4-1", "ams2-1", "fra3-1", "fra5-2", "lhr8-1", "lhr6-2", "cdg4-2"))
    return f"{rng.choice(('scontent', 'video'))}-{pop}.xx.fbcdn.net"


def akamaiedge_name(rng: random.Random) -> str:
    return f"e{rng.randint(100, 99999)}.{rng.choice(('a', 'b', 'd', 'dscb', 'dsce9', 'dscx', 'dscg'))}.akamaiedge.net"


def hashed_label_name(rng: random.Random, suffix: str, alphabet: str = _ALNUM, lo: int = 52, hi: int = 60) -> str:
    return f"{_rand(rng, alphabet, rng.randint(lo, hi))}.{suffix}"


def chrome_probe_labels(rng: random.Random) -> list[str]:
    """Chrome's intranet-redirect detector: three random 7-15 letter labels."""
    return [_rand(rng, "abcdefghijklmnopqrstuvwxyz", rng.randint(7, 15)) for _ in range(3)]


def reverse_v4(ip: str) -> str:
    return ".".join(reversed(ip.split("."))) + ".in-addr.arpa"


def reverse_v6(ip: str) -> str:
    return ipaddress.IPv6Address(ip).reverse_pointer


# ------------------------------------------------------------- name pools

_SITES: dict[str, tuple[str, ...]] = {
    "www.google.com": ("www.gstatic.com", "apis.google.com", "ogs.google.com", "play.google.com"),
    "www.bing.com": ("th.bing.com", "r.bing.com"),
    "www.linkedin.com": ("static.licdn.com", "media.licdn.com", "platform.linkedin.com", "px.ads.linkedin.com"),
    "www.bbc.co.uk": ("static.files.bbci.co.uk", "ichef.bbci.co.uk", "emp.bbc.co.uk", "nav.files.bbci.co.uk"),
    "www.nytimes.com": ("static01.nyt.com", "a.et.nytimes.com", "securepubads.g.doubleclick.net"),
    "en.wikipedia.org": ("upload.wikimedia.org", "meta.wikimedia.org"),
    "www.amazon.com": ("m.media-amazon.com", "images-na.ssl-images-amazon.com", "fls-na.amazon.com",
                       "completion.amazon.com"),
    "github.com": ("github.githubassets.com", "avatars.githubusercontent.com", "api.github.com",
                   "collector.github.com"),
    "stackoverflow.com": ("cdn.sstatic.net", "i.sstatic.net"),
    "www.youtube.com": ("i.ytimg.com", "yt3.ggpht.com", "jnn-pa.googleapis.com", "@googlevideo", "@googlevideo"),
    "www.reddit.com": ("www.redditstatic.com", "styles.redditmedia.com", "preview.redd.it", "gql.reddit.com"),
    "www.theguardian.com": ("assets.guim.co.uk", "i.guim.co.uk", "api.nextgen.guardianapps.co.uk"),
    "www.salesforce.com": ("c1.sfdcstatic.com", "login.salesforce.com", f"{TENANT}.my.salesforce.com"),
    f"{TENANT}.atlassian.net": ("api.atlassian.com", "id.atlassian.com", "aui-cdn.atlassian.com"),
    "app.slack.com": ("edgeapi.slack.com", "a.slack-edge.com", "wss-primary.slack.com", "slack.com"),
    "zoom.us": ("us05web.zoom.us", "st1.zoom.us"),
    "www.dropbox.com": ("cfl.dropboxstatic.com", "www.dropboxstatic.com", "bolt.dropbox.com"),
    "mail.google.com": ("ssl.gstatic.com", "lh3.googleusercontent.com"),
    "docs.google.com": ("lh3.googleusercontent.com", "ssl.gstatic.com", "clients6.google.com"),
    "www.facebook.com": ("static.xx.fbcdn.net", "@fbcdn", "connect.facebook.net"),
    "www.office.com": ("res-1.cdn.office.net", "res.cdn.office.net"),
    "www.apple.com": ("securemetrics.apple.com", "www.apple.com"),
    "www.adobe.com": ("assets.adobedtm.com", "cc-api-data.adobe.io", "adobeid-na1.services.adobe.com"),
    "news.ycombinator.com": (),
    "www.ft.com": ("www.ft.com", "images.ft.com", "consent-notice.ft.com"),
    "www.booking.com": ("cf.bstatic.com", "q-xx.bstatic.com"),
    "www.espn.com": ("a.espncdn.com", "secure.espn.com"),
    "www.weather.com": ("s.w-x.co", "dsx.weather.com"),
    "medium.com": ("miro.medium.com", "cdn-client.medium.com"),
    "www.ebay.com": ("ir.ebaystatic.com", "i.ebayimg.com"),
}
# Vendor sites only two workstations read (they are not NAS devices), with what their pages load.
_VENDOR_SITES: dict[str, tuple[str, ...]] = {
    "www.synology.com": ("fonts.googleapis.com", "www.googletagmanager.com", "cdn.cookielaw.org",
                         "global.synologydownload.com"),
    "kb.synology.com": ("www.synology.com", "fonts.gstatic.com"),
    "community.synology.com": ("www.synology.com",),
    "www.qnap.com": ("cdn.cookielaw.org", "www.googletagmanager.com", "fonts.googleapis.com"),
    "docs.qnap.com": ("www.qnap.com",),
}
_COMMON_DEPS = (
    "fonts.googleapis.com", "fonts.gstatic.com", "www.google-analytics.com", "www.googletagmanager.com",
    "cdn.cookielaw.org", "geolocation.onetrust.com", "ajax.googleapis.com", "cdnjs.cloudflare.com",
    "cdn.jsdelivr.net", "connect.facebook.net", "bat.bing.com", "static.hotjar.com", "ocsp.digicert.com",
    "ocsp.pki.goog", "r11.o.lencr.org", "c.pki.goog", "ocsp.sectigo.com", "stats.g.doubleclick.net",
)
_TEAMS = (
    "teams.microsoft.com", "teams.cloud.microsoft", "presence.teams.microsoft.com", "teams.events.data.microsoft.com",
    "statics.teams.cdn.office.net", "api.flightproxy.teams.microsoft.com", "go.trouter.teams.microsoft.com",
    "pub-ent-euwe-06-t.trouter.teams.microsoft.com", "authsvc.teams.microsoft.com",
    "emea.ng.msg.teams.microsoft.com", "chatsvcagg.teams.microsoft.com", "teams.office.com",
    "config.teams.microsoft.com", "augloop.office.com", "euno-prod.asyncgw.teams.microsoft.com",
)
_O365 = (
    "outlook.office365.com", "outlook.office.com", "login.microsoftonline.com", "aadcdn.msftauth.net",
    "graph.microsoft.com", "substrate.office.com", "officeclient.microsoft.com", "ecs.office.com",
    "nexusrules.officeapps.live.com", "self.events.data.microsoft.com", "res.cdn.office.net",
    "autodiscover-s.outlook.com", f"{TENANT}.sharepoint.com", f"{TENANT}-my.sharepoint.com", "login.live.com",
    "roaming.officeapps.live.com", "ocws.officeapps.live.com", "config.edge.skype.com", "g.live.com",
    "oneclient.sfx.ms", "my.microsoftpersonalcontent.com", "k-ring.msedge.net", "l-ring.msedge.net",
    "s-ring.msedge.net", "fp-afd.azureedge.net",
)
_WINDOWS = (
    "settings-win.data.microsoft.com", "v10.events.data.microsoft.com", "v20.events.data.microsoft.com",
    "ctldl.windowsupdate.com", "fe3cr.delivery.mp.microsoft.com", "slscr.update.microsoft.com",
    "tlu.dl.delivery.mp.microsoft.com", "geo.prod.do.dsp.mp.microsoft.com", "kv601.prod.do.dsp.mp.microsoft.com",
    "disc601.prod.do.dsp.mp.microsoft.com", "wdcp.microsoft.com", "wdcpalt.microsoft.com",
    "smartscreen-prod.microsoft.com", "nav.smartscreen.microsoft.com", "displaycatalog.mp.microsoft.com",
    "arc.msn.com", "ris.api.iris.microsoft.com", "edge.microsoft.com", "msedge.b.tlu.dl.delivery.mp.microsoft.com",
    "go.microsoft.com", "client.wns.windows.com", "fs.microsoft.com", "api.msn.com", "assets.msn.com",
    "img-s-msn-com.akamaized.net", "winatp-gw-weu.microsoft.com", "manage.microsoft.com",
    "fef.msub05.manage.microsoft.com", "swda01-mscdn.azureedge.net", "naprodimedatapri.azureedge.net",
)
_DELIVERY = tuple(f"array6{i:02d}.prod.do.dsp.mp.microsoft.com" for i in range(1, 25)) + tuple(
    f"{i}.tlu.dl.delivery.mp.microsoft.com" for i in range(1, 10)) + tuple(
    f"{i}.au.download.windowsupdate.com" for i in range(1, 10))
_DEV = (
    "github.com", "api.github.com", "codeload.github.com", "objects.githubusercontent.com", "raw.githubusercontent.com",
    "registry.npmjs.org", "pypi.org", "files.pythonhosted.org", "registry-1.docker.io", "auth.docker.io",
    "production.cloudflare.docker.com", "proxy.golang.org", "sum.golang.org", "sts.us-east-1.amazonaws.com",
    "console.aws.amazon.com", "signin.aws.amazon.com", "s3.us-east-1.amazonaws.com", "portal.azure.com",
    "management.azure.com", "console.cloud.google.com", "oauth2.googleapis.com", "storage.googleapis.com",
    "marketplace.visualstudio.com", "update.code.visualstudio.com", "vscode-sync.trafficmanager.net",
    "default.exp-tas.com", "copilot-proxy.githubusercontent.com", "api.openai.com", "dev.azure.com",
)
_TYPOS_NX = (
    "www.gooogle.con", "outlok.office365.com", "teams.microsft.com", "sharepoint.corp", "www.linkedin.cmo",
    "intranet.corp", f"intranet.{AD_DOMAIN.split('.', 1)[1]}.local", "githhub.co", "www.bbc.co.ik",
    f"prnter01.{AD_DOMAIN}", "wikipedia.rog", "mail.gogle.con",
)


def _expand(c: _Client, dep: str) -> str:
    if dep == "@googlevideo":
        return googlevideo_name(c.rng)
    if dep == "@fbcdn":
        return fbcdn_name(c.rng)
    return dep


# -------------------------------------------------------- host behaviours


@dataclass
class _Profile:
    os: str = "windows"
    """windows, mac, linux, android, ios."""
    joined: bool = True
    """Domain-joined (AD logon lookups, suffix on single-label names)."""
    teams: bool = True
    office: bool = True
    dev: bool = False
    admin: bool = False
    browse_mean: float = 60.0
    """Mean seconds between page visits while the user browses."""
    arrive: float | None = None
    """Minute the machine starts (logon, browser start); None: already running."""
    network_changes: tuple[float, ...] = ()
    """Minutes at which a laptop changes network (Chrome probes again)."""
    sites: tuple[str, ...] = ()
    """Extra sites this user visits often."""
    typos: int = 1
    """Upper bound of typo NXDOMAINs."""
    trouter: int = 3
    """Distinct hashed Trouter names the Teams client registers."""
    https_rr: bool = True
    """Browser asks for the HTTPS record of the page's own name too."""


def _chrome_probes(c: _Client, ts: float, suffix: str | None) -> None:
    for i, label in enumerate(chrome_probe_labels(c.rng)):
        name = f"{label}.{suffix}" if suffix else label
        c.nx(ts + 0.002 * i, name, cache=False)


def _logon(c: _Client, ts: float) -> None:
    site = "Default-First-Site-Name"
    dc = [f"dc01.{AD_DOMAIN}", f"dc02.{AD_DOMAIN}"]
    srv = [Answer("SRV", f"0 100 389 {d}", 600) for d in dc]
    c.q(ts, f"_ldap._tcp.{site}._sites.dc._msdcs.{AD_DOMAIN}", "SRV", answers=srv)
    c.q(ts + 0.01, f"_ldap._tcp.dc._msdcs.{AD_DOMAIN}", "SRV", answers=srv)
    c.q(ts + 0.02, f"_kerberos._tcp.{site}._sites.dc._msdcs.{AD_DOMAIN}", "SRV",
        answers=[Answer("SRV", f"0 100 88 {d}", 600) for d in dc])
    c.q(ts + 0.03, dc[0], answers=[Answer("A", "10.10.0.10", 1200)])
    c.q(ts + 0.04, dc[1], answers=[Answer("A", "10.10.0.11", 1200)])
    c.nx(ts + 0.05, f"wpad.{AD_DOMAIN}")
    c.q(ts + 0.3, "dns.msftncsi.com", answers=[Answer("A", "131.107.255.255", 30)])
    c.q(ts + 0.31, "www.msftconnecttest.com")
    c.q(ts + 0.5, "time.windows.com")
    c.q(ts + 0.6, reverse_v4("10.10.0.10"), "PTR", answers=[Answer("PTR", f"dc01.{AD_DOMAIN}", 1200)])


def _workstation(c: _Client, p: _Profile) -> None:
    rng, net = c.rng, c.net
    t_on = net.start + (p.arrive * 60 if p.arrive is not None else 0.0)
    suffix = AD_DOMAIN if (p.joined and p.os == "windows") else None
    types: tuple[str | int, ...] = ("A", "AAAA", "HTTPS") if p.https_rr else ("A", "AAAA")
    if p.arrive is not None:
        if p.joined and p.os == "windows":
            _logon(c, t_on)
        if p.os in ("mac", "ios"):
            c.nx(t_on, "_dns.resolver.arpa", 64, cache=False)
        _chrome_probes(c, t_on + rng.uniform(20, 90), suffix)
    for minute in p.network_changes:
        t = net.start + minute * 60
        if p.os in ("mac", "ios"):
            c.nx(t, "_dns.resolver.arpa", 64, cache=False)
        _chrome_probes(c, t + rng.uniform(1, 4), suffix)
        c.cache.clear()  # a new network: the OS flushes its cache
    # Background services: they re-resolve when their cached answer expires.
    background: list[str] = []
    if p.os == "windows":
        background += rng.sample(_WINDOWS, 14) + rng.sample(_DELIVERY, 3)
    if p.office:
        background += rng.sample(_O365, 16)
    if p.teams:
        background += rng.sample(_TEAMS, 10) + [trouter_name(rng) for _ in range(p.trouter)]
    if p.os in ("mac", "ios"):
        background += ["gateway.icloud.com", f"{rng.randint(1, 50)}-courier.push.apple.com", "init.push.apple.com",
                       "gsa.apple.com", "mesu.apple.com", "gdmf.apple.com", "configuration.apple.com",
                       "api.smoot.apple.com", "weather-data.apple.com", "mask.icloud.com", "mask-h2.icloud.com",
                       "gsp64-ssl.ls.apple.com", "p53-contacts.icloud.com", "keyvalueservice.icloud.com"]
    if p.dev:
        background += rng.sample(_DEV, 12)
    if "www.adobe.com" in p.sites:  # Creative Cloud desktop
        background += ["cc-api-data.adobe.io", "p13n.adobe.io", "ims-na1.adobelogin.com", "cc-collab.adobe.io",
                       *(hashed_label_name(rng, "adobe.io", _HEX, 52, 56) for _ in range(3))]
    for name in background:
        for t in c.times(t_on, rng.uniform(180, 1200)):
            c.lookup(t, name, ("A", "AAAA") if p.os != "windows" or rng.random() < 0.5 else ("A",))
    # Browsing: sessions of page visits with idle gaps.
    def visit(t: float, site: str) -> None:
        c.lookup(t, site, types)
        deps = list(_SITES.get(site) or _VENDOR_SITES.get(site, ())) + rng.sample(_COMMON_DEPS, rng.randint(1, 5))
        for j, dep in enumerate(deps):
            c.lookup(t + 0.15 + 0.03 * j, _expand(c, dep), types[:2] if rng.random() < 0.6 else types[:1])

    sites = list(_SITES) + list(p.sites) * 4
    t = t_on + rng.uniform(30, 300)
    while t < net.end:
        if rng.random() < 0.15:
            t += rng.uniform(300, 900)  # a meeting, a call, lunch
            continue
        visit(t, rng.choice(sites))
        t += rng.expovariate(1 / p.browse_mean)
    for site in p.sites:  # the user's own sites at least once
        visit(rng.uniform(t_on, net.end - 5), site)
    for _ in range(rng.randint(0, p.typos)):
        c.nx(rng.uniform(t_on, net.end), rng.choice(_TYPOS_NX))
    # PTR for internal servers (file shares, printers), sometimes unanswered.
    for _ in range(rng.randint(1, 3)):
        host = rng.choice((("10.10.0.20", f"fs01.{AD_DOMAIN}"), ("10.10.3.13", f"prn-floor2.{AD_DOMAIN}"),
                           ("10.10.1.200", None)))
        ts = rng.uniform(t_on, net.end)
        if host[1]:
            c.q(ts, reverse_v4(host[0]), "PTR", answers=[Answer("PTR", host[1], 1200)])
        else:
            c.nx(ts, reverse_v4(host[0]), "PTR")
    if p.office and p.os == "windows" and rng.random() < 0.4:
        # A mail add-in checks the sender's DMARC policy of a reported message.
        d = rng.choice(_MAIL_DOMAINS)
        c.q(rng.uniform(t_on, net.end), f"_dmarc.{d}", "TXT", answers=[Answer("TXT", "v=DMARC1; p=reject", 3600)])
    if p.admin:
        _admin_lookups(c, t_on)


_MAIL_DOMAINS = (
    "gmail.com", "outlook.com", "yahoo.com", "amazonses.com", "sendgrid.net", "salesforce.com", "docusign.net",
    "linkedin.com", "github.com", "atlassian.net", "zoom.us", "microsoft.com", "google.com", "stripe.com",
    "hubspot.com", "mailgun.org", "paypal.com", "fedex.com", "ups.com", "dhl.com", "mailchimp.com",
    "mcsv.net", "zendesk.com", "slack.com", "dropbox.com", "adobe.com", "apple.com", "booking.com",
    "contoso-supplies.com", "fabrikam.com", "tailspintoys.com", "wingtiptoys.com", "litwareinc.com",
    "adventure-works.com", "woodgrovebank.com", "proseware.com", "lucernepublishing.com", "margiestravel.com",
    "alpineskihouse.com", "blueyonderairlines.com", "coho-winery.com", "fourthcoffee.com", "relecloud.com",
    "treyresearch.net", "wideworldimporters.com", "graphicdesigninstitute.com", "humongousinsurance.com",
    "bing.com", "intuit.com", "quickbooks.com", "xero.com", "dhl.de", "hmrc.gov.uk", "gov.uk", "bbc.co.uk",
)
_DKIM_SELECTORS = ("selector1", "selector2", "google", "s1", "s2", "k1", "default", "mail", "smtpapi", "pf2023")


def _dkim_value(rng: random.Random) -> str:
    key = base64.b64encode(rng.randbytes(270)).decode()
    return f"v=DKIM1; k=rsa; p={key}"


def _admin_lookups(c: _Client, t_on: float) -> None:
    """An IT admin checking mail records, a PTR, SRV records."""
    rng = c.rng
    t = rng.uniform(t_on, c.net.end - 60)
    for d in rng.sample(_MAIL_DOMAINS, 4):
        c.q(t, f"_dmarc.{d}", "TXT", answers=[Answer("TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@" + d, 3600)])
        c.q(t + 1.5, d, "MX", answers=[Answer("MX", f"mx1.{d}", 3600)])
        c.q(t + 3, d, "TXT", answers=[Answer("TXT", "v=spf1 include:spf.protection.outlook.com -all", 3600)])
        t += rng.uniform(20, 90)
    c.q(t, f"_dmarc.{AD_DOMAIN.split('.', 1)[1]}", "TXT",
        answers=[Answer("TXT", "v=DMARC1; p=quarantine; pct=100", 3600)])
    c.q(t + 5, f"selector1._domainkey.{AD_DOMAIN.split('.', 1)[1]}", "TXT",
        answers=[Answer("TXT", _dkim_value(rng), 3600)])
    c.q(t + 9, f"_sip._tls.{AD_DOMAIN.split('.', 1)[1]}", "SRV",
        answers=[Answer("SRV", "100 1 443 sipdir.online.lync.com", 3600)])
    c.q(t + 12, reverse_v4("40.107.22.95"), "PTR",
        answers=[Answer("PTR", "mail-am6eur05on2095.outbound.protection.outlook.com", 300)])
    c.nx(t + 15, reverse_v4("185.220.101.47"), "PTR")


def _mail_server(c: _Client) -> dict:
    """Postfix with postscreen: four DNSBLs per connecting client, PTR and
    forward confirmation, SPF/DKIM/DMARC of senders, MX of recipients.  A
    spam wave at ~40 % of the capture puts 117+ DNSBL NXDOMAINs in 67 s."""
    rng, net = c.rng, c.net
    info: dict = {}

    def public_ip(botnet: bool) -> str:
        if botnet:
            first = rng.choice((185, 45, 91, 5, 177, 186, 190, 200, 103, 117, 14, 36, 113, 115, 222, 41, 197, 94))
        else:
            first = rng.choice((40, 52, 54, 209, 74, 167, 198, 193, 149, 159, 168, 13, 18))
        return f"{first}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"

    def dnsbl(ts: float, ip: str, listed: dict[str, str]) -> int:
        nx = 0
        for i, zone in enumerate(DNSBL_ZONES):
            name = ".".join(reversed(ip.split("."))) + "." + zone
            if zone in listed:
                c.q(ts + 0.001 * i, name, answers=[Answer("A", listed[zone], 900)], cache=False, slow=True)
            else:
                c.nx(ts + 0.001 * i, name, cache=False)
                nx += 1
        return nx

    def connection(ts: float, botnet: bool) -> int:
        ip = public_ip(botnet)
        listed: dict[str, str] = {}
        if botnet:
            if rng.random() < 0.45:
                listed["zen.spamhaus.org"] = rng.choice(("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.11"))
            if rng.random() < 0.25:
                listed["b.barracudacentral.org"] = "127.0.0.2"
            if rng.random() < 0.15:
                listed["bl.spamcop.net"] = "127.0.0.2"
            if rng.random() < 0.10:
                listed["dnsbl.sorbs.net"] = rng.choice(("127.0.0.6", "127.0.0.7", "127.0.0.10"))
        elif rng.random() < 0.04:
            listed["dnsbl.sorbs.net"] = "127.0.0.10"  # a dynamic-IP listing of a small sender
        nx = dnsbl(ts, ip, listed)
        ptr = reverse_v4(ip)
        if botnet or rng.random() < 0.2:
            c.nx(ts + 0.004, ptr, "PTR", cache=False)
        else:
            host = f"mail-{ip.replace('.', '-')}.{rng.choice(_MAIL_DOMAINS)}"
            c.q(ts + 0.004, ptr, "PTR", answers=[Answer("PTR", host, 3600)], cache=False)
            c.q(ts + 0.05, host, answers=[Answer("A", ip, 3600)], cache=False)
            sender = rng.choice(_MAIL_DOMAINS)
            c.q(ts + 1.2, sender, "TXT", answers=[Answer("TXT", "v=spf1 include:_spf.google.com ~all", 3600)])
            c.q(ts + 1.5, f"{rng.choice(_DKIM_SELECTORS)}._domainkey.{sender}", "TXT",
                answers=[Answer("TXT", _dkim_value(rng), 3600)])
            c.q(ts + 1.6, f"_dmarc.{sender}", "TXT",
                answers=[Answer("TXT", f"v=DMARC1; p={rng.choice(('none', 'quarantine', 'reject'))}", 3600)])
        return nx

    for t in c.times(net.start, 30.0):
        connection(t, botnet=rng.random() < 0.15)
    for t in c.times(net.start, 45.0):  # outbound mail: MX of the recipient, then its address
        d = rng.choice(_MAIL_DOMAINS)
        mx = f"{d.replace('.', '-')}.mail.protection.outlook.com" if rng.random() < 0.4 else f"mx1.{d}"
        if c.q(t, d, "MX", answers=[Answer("MX", mx, 3600)]):
            c.q(t + 0.03, mx, answers=[Answer("A", _addresses(mx, 1)[0], 300)])
    # The spam wave: connections from a botnet, DNSBL lookups for each.
    wave = net.start + (net.end - net.start) * 0.4
    t, nx = wave, 0
    while t < wave + 62:
        nx += connection(t, botnet=True)
        t += rng.uniform(0.8, 1.9)
    while nx < SPAM_WAVE_NXDOMAINS + 8:  # an unlucky draw listed too many: more of the wave
        nx += connection(wave + rng.uniform(0, 62), botnet=True)
    info["spam_wave"] = [wave, wave + 62]
    # Housekeeping: its own names.
    for t in c.times(net.start, 300):
        c.lookup(t, rng.choice(("api.spamhaus.org", "security.debian.org", "deb.debian.org", "ntp.ubuntu.com",
                                "updates.clamav.net", "database.clamav.net")))
    return info


def _monitoring(c: _Client) -> None:
    """Every five minutes: PTR for every monitored address, most unanswered."""
    rng, net = c.rng, c.net
    named = {"10.10.0.10": "dc01", "10.10.0.11": "dc02", "10.10.0.20": "fs01", "10.10.2.10": "mail01",
             "10.10.2.40": "ci01", "10.10.2.60": "backup01", "10.10.2.70": "app01", "10.10.3.13": "prn-floor2"}
    targets = (list(named) + [f"10.10.1.{i}" for i in rng.sample(range(11, 80), 20)]
               + [f"10.10.3.{i}" for i in range(10, 18)] + [f"10.10.9.{i}" for i in rng.sample(range(1, 250), 6)]
               + ["203.0.113.10", "203.0.113.11", "198.51.100.23", "192.0.2.44"])
    v6 = [f"2001:db8:10a:1::{rng.randint(0x10, 0xfff):x}" for _ in range(5)]
    for k, t0 in enumerate(range(int(net.start) + 17, int(net.end), 300)):
        t = float(t0)
        for ip in targets:
            name = reverse_v4(ip)
            if ip in named:
                c.q(t, name, "PTR", answers=[Answer("PTR", f"{named[ip]}.{AD_DOMAIN}", 3600)], cache=False)
            elif ip.startswith(("203.", "198.", "192.0.")):
                c.q(t, name, "PTR", "SERVFAIL", [], cache=False, slow=True)
            else:
                c.nx(t, name, "PTR", cache=False)
            t += rng.uniform(0.05, 0.6)
        for ip in v6 if k % 2 == 0 else v6[:2]:
            c.nx(t, reverse_v6(ip), "PTR", cache=False)
            t += rng.uniform(0.05, 0.3)
        c.q(t, "grafana.com", cache=False)
        c.q(t + 0.5, "api.pagerduty.com")


def _k8s_node(c: _Client) -> None:
    """A Kubernetes node (ndots:5, search list ends in the AD domain): every
    external name is first tried with the suffix, and names already in the
    AD domain get it twice (``x.corp.example.com.corp.example.com``)."""
    rng = c.rng
    external = ("api.github.com", "registry-1.docker.io", "sts.us-east-1.amazonaws.com", "quay.io",
                "login.microsoftonline.com", "graph.microsoft.com", "api.datadoghq.eu", "hooks.slack.com",
                "gcr.io", "ghcr.io", "pkg-containers.githubusercontent.com", "vault.hashicorp.com")
    internal = (f"dc01.{AD_DOMAIN}", f"ldap.{AD_DOMAIN}", f"sql01.{AD_DOMAIN}", f"fs01.{AD_DOMAIN}",
                f"smtp.{AD_DOMAIN}", f"jira.{AD_DOMAIN}")
    for name in external + internal:
        for t in c.times(c.net.start, rng.uniform(150, 420), first=600):
            for qtype in ("A", "AAAA"):
                c.nx(t, f"{name}.{AD_DOMAIN}", qtype, cache=False)
                if name in internal:
                    c.q(t + 0.002, name, qtype, answers=[Answer("A", f"10.10.0.{20 + internal.index(name)}", 1200)]
                        if qtype == "A" else [], cache=False)
                else:
                    c.q(t + 0.003, name, qtype, cache=False)


def _ci_server(c: _Client) -> None:
    rng = c.rng
    apis = [execute_api_name(rng, r) for r in ("us-east-1", "eu-west-1", "eu-central-1")]
    lambdas = [lambda_url_name(rng, r) for r in ("us-east-1", "eu-west-1")]
    elbs = [elb_name(rng, "build-cache"), elb_name(rng, "artifactory-prod", "eu-west-1"),
            elb_name(rng, "grafana-ext", "eu-west-1", internal=False)]
    fronts = [cloudfront_name(rng) for _ in range(4)]
    buckets = [f"{TENANT}-ci-artifacts.s3.amazonaws.com", f"{TENANT}-terraform-state.s3.eu-west-1.amazonaws.com",
               "prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com"]
    pool = (list(_DEV) + apis + lambdas + elbs + fronts + buckets
            + [f"{rng.randint(10**11, 10**12 - 1)}.dkr.ecr.us-east-1.amazonaws.com", "api.ecr.us-east-1.amazonaws.com"])
    cloud = apis + lambdas + elbs + fronts + buckets
    for k, t in enumerate(c.times(c.net.start, 420, first=120)):  # a pipeline run
        run = cloud if k == 0 else rng.sample(pool, rng.randint(8, 20))  # the first one deploys everything
        for j, name in enumerate(run):
            c.lookup(t + j * rng.uniform(0.5, 6), name)


def _app_server(c: _Client) -> None:
    rng = c.rng
    names = [azurewebsites_name(rng, "reporting-api"), azurewebsites_name(rng, "timesheets"),
             f"{TENANT}-portal.azurewebsites.net", f"{TENANT}-cdn.azureedge.net",
             f"{TENANT}-prod-ep.azureedge.net", f"{TENANT}-crm.appspot.com",
             f"20261102t0815{rng.randint(10, 59)}-dot-{TENANT}-crm.appspot.com", run_app_name(rng, "invoice-render"),
             run_app_name(rng, "pdf-export"), execute_api_name(rng, "eu-west-1"), "login.microsoftonline.com",
             "graph.microsoft.com", "oauth2.googleapis.com", "storage.googleapis.com", "api.stripe.com",
             "api.hubapi.com", blob_name(rng), "vault.azure.net", f"{TENANT}-kv.vault.azure.net"]
    for name in names:
        for t in c.times(c.net.start, rng.uniform(120, 600), first=600):
            c.lookup(t, name, ("A",))


def _backup_server(c: _Client) -> None:
    rng = c.rng
    accounts = [blob_name(rng) for _ in range(5)] + [blob_name(rng, "queue"), blob_name(rng, "table")]
    fixed = ["login.microsoftonline.com", "management.azure.com", "pod01-manag1.weu.backup.windowsazure.com",
             "pod01-prot1.weu.backup.windowsazure.com", "pod01-rec2.weu.backup.windowsazure.com"]
    for name in accounts + fixed:
        for t in c.times(c.net.start, rng.uniform(200, 900), first=600):
            c.lookup(t, name, ("A",))


def _synology_nas(c: _Client) -> None:
    rng = c.rng
    qc_id = f"{TENANT}-nas"
    names = [f"{qc_id}.quickconnect.to", "global.quickconnect.to", "ukc.quickconnect.to",
             f"{qc_id}.direct.quickconnect.to", f"{qc_id}.fr.quickconnect.to",
             "checkip.synology.com", "update7.synology.com", "global.download.synology.com",
             "account.synology.com", "dataupdate7.synology.com", "pool.ntp.org", "time.google.com",
             "payment.synology.com", "synoconfkms.synology.com"]
    for name in names:
        for t in c.times(c.net.start, rng.uniform(180, 900), first=300):
            c.lookup(t, name, ("A", "AAAA"))


_QNAP_SERVICES = ("update.qnap.com", "download.qnap.com", "api.myqnapcloud.com", "www.myqnapcloud.com",
                  "qtsnews.qnap.com", "edge.api.myqnapcloud.com", "license.qnap.com", "pool.ntp.org",
                  "checkip.dyndns.org", "dl.qnap.com", "app-api.qnap.com")


def _echo(c: _Client) -> None:
    rng = c.rng
    names = ["api.amazonalexa.com", "avs-alexa-14-na.amazon.com", "device-metrics-us-2.amazon.com",
             "msh.amazon.com", "unagi-na.amazon.com", "det-ta-g7g.amazon.com", "todo-ta-g7g.amazon.com",
             "arcus-uswest.amazon.com", "dcape-na.amazon.com", "ntp-g7g.amazon.com", "spectrum.s3.amazonaws.com",
             "fireoscaptiveportal.com", cloudfront_name(rng)]
    for name in names:
        for t in c.times(c.net.start, rng.uniform(150, 600), first=600):
            c.lookup(t, name, ("A",))
    for t in c.times(c.net.start, 200, first=240):  # a fresh minerva name per upload session
        c.lookup(t, minerva_name(rng), ("A",))


def _ezviz_camera(c: _Client) -> None:
    rng = c.rng
    names = ["litedev.ezviz7.com", "apiieu.ezvizlife.com", "euauth.ezvizlife.com", "pool.ntp.org",
             "alarm.eu.s3.amazonaws.com"]
    for name in names:
        for t in c.times(c.net.start, rng.uniform(120, 400), first=600):
            c.lookup(t, name, ("A",), cache=False)  # a tiny stub: no cache at all
    for t in c.times(c.net.start, 300, first=240):
        c.lookup(t, hashed_label_name(rng, "ezviz7.com"), ("A",))


def _smart_tv(c: _Client) -> None:
    rng = c.rng
    names = ["time.samsungcloudsolution.com", "log-config.samsungacr.com", "acr-eu-prd.samsungcloud.tv",
             "osb-eussapi.samsungqbe.com", "lcprd1.samsungcloudsolution.net", "www.samsungotn.net",
             "ichnaea-web.netflix.com", "api-global.netflix.com", "www.youtube.com", "i.ytimg.com",
             akamaiedge_name(rng), akamaiedge_name(rng)]
    for name in names:
        for t in c.times(c.net.start, rng.uniform(200, 900), first=600):
            c.lookup(t, name, ("A",))
    for t in c.times(c.net.start + 1500, 90, c.net.start + 2700):  # a YouTube video in a meeting
        c.lookup(t, googlevideo_name(rng), ("A",))
    for _ in range(3):
        c.lookup(c.rng.uniform(c.net.start, c.net.end), f"ipv4-c{rng.randint(1, 199):03d}-ams001-ix.1.oca.nflxvideo.net",
                 ("A",))


def _printer(c: _Client) -> None:
    rng = c.rng
    for name in ("xmpp006.hpeprint.com", "chat.hpeprint.com", "h10141.www1.hp.com", "time.nist.gov"):
        for t in c.times(c.net.start, rng.uniform(300, 1200), first=600):
            c.lookup(t, name, ("A",), cache=False)
    for t in c.times(c.net.start, 600):
        c.nx(t, f"wpad.{AD_DOMAIN}", cache=False)
        c.q(t + 0.1, f"_ipp._tcp.{AD_DOMAIN}", "SRV", "NXDOMAIN", [], cache=False)


def _iot_sensor(c: _Client) -> None:
    rng = c.rng
    endpoint = iot_name(rng)
    creds = f"{_rand(rng, _ALNUM, 14)}.credentials.iot.us-east-1.amazonaws.com"
    for t in c.times(c.net.start, 240, first=240):  # reconnect after each keep-alive timeout
        c.lookup(t, endpoint, ("A",), cache=False)
    for t in c.times(c.net.start, 900, first=240):
        c.lookup(t, creds, ("A",), cache=False)
        c.lookup(t + 1, "pool.ntp.org", ("A",), cache=False)


def _hvac(c: _Client) -> None:
    rng = c.rng
    endpoints = [iot_name(rng), iot_name(rng, "eu-west-1")]
    for name in endpoints + ["connect.sauter-cloud.com", "pool.ntp.org"]:
        for t in c.times(c.net.start, rng.uniform(300, 700), first=600):
            c.lookup(t, name, ("A",), cache=False)


def _phone(c: _Client) -> None:
    rng = c.rng
    for name in ("rps.yealink.com", "dm.yealink.com", "teams.microsoft.com", "login.microsoftonline.com",
                 "pool.ntp.org", trouter_name(rng)):
        for t in c.times(c.net.start, rng.uniform(200, 900), first=600):
            c.lookup(t, name, ("A",))


def _android(c: _Client, arrive: float) -> None:
    rng = c.rng
    t0 = c.net.start + arrive * 60
    c.lookup(t0, "connectivitycheck.gstatic.com", ("A", "AAAA"))
    c.lookup(t0 + 0.2, "www.google.com", ("A", "AAAA"))
    for name in ("mtalk.google.com", "android.clients.google.com", "play.googleapis.com", "i.instagram.com",
                 "graph.instagram.com", "g.whatsapp.net", "mmg.whatsapp.net", "scontent.cdninstagram.com",
                 "firebaseinstallations.googleapis.com", "app-measurement.com"):
        for t in c.times(t0, rng.uniform(200, 800), first=600):
            c.lookup(t, name, ("A", "AAAA"))
    for t in c.times(t0, 45):
        c.lookup(t, rng.choice((fbcdn_name(rng), googlevideo_name(rng), f"instagram.f{rng.choice(('ams', 'fra'))}"
                                f"{rng.randint(2, 4)}-{rng.randint(1, 2)}.fna.fbcdn.net")), ("A", "AAAA"))


# ---------------------------------------------------------------- infected


def _dga_query(c: _Client, ts: float, name: str, found: str | None) -> None:
    if found:
        c.q(ts, name, answers=[Answer("A", found, 300)], cache=False, slow=True)
    else:
        c.nx(ts, name, cache=False)


def _qsnatch(c: _Client, day: dt.date) -> dict:
    """Rounds every ten minutes of 14-22 names, 4-12 s apart; the bot stops
    at the first name that resolves (round four) and then only re-resolves it."""
    rng, net = c.rng, c.net
    names = generate("qsnatch", day, variant="a")
    for name in _QNAP_SERVICES:
        for t in c.times(net.start, rng.uniform(240, 900), first=300):
            c.lookup(t, name, ("A",))
    rounds = max(1, int((net.end - net.start - 300) // 600))
    hit_round = min(3, rounds - 1)
    i, c2 = 0, None
    for r in range(rounds):
        t = net.start + 300 + r * 600 + rng.uniform(0, 60)
        count = rng.randint(14, 22)
        for k in range(count):
            hit = r == hit_round and k == count - 1
            _dga_query(c, t, names[i], "198.51.100.77" if hit else None)
            if hit:
                c2 = names[i]
            i += 1
            t += rng.uniform(4, 12)
        if c2:
            for t2 in range(int(t) + 300, int(net.end), 300):
                c.q(t2 + rng.uniform(0, 5), c2, answers=[Answer("A", "198.51.100.77", 300)], cache=False)
            break
    return {"dga_names": i, "resolved": [c2] if c2 else []}


def _steady_dga(c: _Client, names: list[str], mean_gap: float, hits: dict[int, str],
                on: float = 0.0, off: float = 0.0) -> dict:
    """Names in order, one every ``mean_gap`` seconds on average; with ``on``
    and ``off`` (seconds) the bot alternates active and quiet periods."""
    rng, net = c.rng, c.net
    t = net.start + rng.uniform(30, 120)
    i, resolved = 0, []
    period_start = t
    while t < net.end and i < len(names):
        if on and t - period_start > on:
            t += off
            period_start = t
            continue
        found = hits.get(i)
        _dga_query(c, t, names[i], found)
        if found:
            resolved.append(names[i])
        i += 1
        t += rng.uniform(0.5, 1.5) * mean_gap
    return {"dga_names": i, "resolved": resolved}


def _tunnel(c: _Client, domain: str) -> dict:
    """iodine-like: NULL queries, the first character the user id, data in
    iodine's base32 alphabet, dots every 57 characters; idle pings every
    4-9 s, two uploads of a few hundred queries at about one per second."""
    rng, net = c.rng, c.net
    b32 = "abcdefghijklmnopqrstuvwxyz012345"
    t = net.start + rng.uniform(60, 120)
    c.q(t, f"vaaakar{_rand(rng, b32, 6)}.{domain}", "NULL", answers=[Answer("NULL", "VACK" + _rand(rng, b32, 8), 0)],
        cache=False)
    for cmd in ("l", "i", "z", "y", "y", "o", "s"):
        t += rng.uniform(0.1, 0.4)
        c.q(t, f"{cmd}{_rand(rng, b32, rng.randint(8, 24))}.{domain}", "NULL",
            answers=[Answer("NULL", _rand(rng, b32, rng.randint(10, 200)), 0)], cache=False)
    uploads = [net.start + (net.end - net.start) * f for f in (0.3, 0.72)]
    data_queries = 0
    while t < net.end:
        if uploads and t >= uploads[0]:
            uploads.pop(0)
            for _ in range(rng.randint(180, 260)):
                payload = _rand(rng, b32, rng.randint(150, 200))
                labels = ".".join(payload[j:j + 57] for j in range(0, len(payload), 57))
                c.q(t, f"0{labels}.{domain}", "NULL", answers=[Answer("NULL", _rand(rng, b32, 16), 0)], cache=False)
                data_queries += 1
                t += rng.uniform(0.4, 1.6)
            continue
        c.q(t, f"0p{_rand(rng, b32, 7)}.{domain}", "NULL",
            answers=[Answer("NULL", _rand(rng, b32, rng.randint(0, 40)), 0)], cache=False)
        t += rng.uniform(4, 9)
    return {"domain": domain, "data_queries": data_queries}


# ------------------------------------------------------------------ the office

_WS = [  # ip, hostname, profile overrides
    ("10.10.1.11", "ws-reception", dict(browse_mean=90, arrive=2)),
    ("10.10.1.12", "ws-finance-01", dict(browse_mean=70, arrive=5)),
    ("10.10.1.13", "ws-finance-02", dict(browse_mean=80)),
    ("10.10.1.14", "ws-hr-01", dict(browse_mean=100, arrive=12, typos=2)),
    ("10.10.1.15", "ws-sales-01", dict(browse_mean=45, network_changes=(25,), typos=2)),
    ("10.10.1.16", "ws-sales-02", dict(browse_mean=50, arrive=8)),
    ("10.10.1.17", "ws-sales-03", dict(browse_mean=60, trouter=5)),
    ("10.10.1.18", "ws-marketing", dict(browse_mean=40, sites=("www.adobe.com", "www.facebook.com",
                                                               "www.linkedin.com"))),
    ("10.10.1.19", "ws-legal", dict(browse_mean=120, arrive=20)),
    ("10.10.1.20", "dev-laptop-01", dict(dev=True, browse_mean=50, network_changes=(14, 41))),
    ("10.10.1.21", "dev-laptop-02", dict(dev=True, browse_mean=55, arrive=1)),
    ("10.10.1.22", "dev-linux-03", dict(os="linux", joined=False, dev=True, teams=False, office=False,
                                        browse_mean=45, arrive=3)),
    ("10.10.1.23", "ws-itadmin", dict(admin=True, browse_mean=60, typos=2)),
    ("10.10.1.25", "ws-ops-01", dict(browse_mean=75)),
    ("10.10.1.26", "ws-ops-02", dict(browse_mean=85, arrive=30)),
    ("10.10.1.27", "ws-pm", dict(browse_mean=65, trouter=4)),
    ("10.10.1.28", "ws-ceo", dict(browse_mean=110, arrive=15)),
    ("10.10.1.30", "mac-design", dict(os="mac", joined=False, teams=True, browse_mean=55, arrive=4,
                                      sites=("www.adobe.com",))),
    ("10.10.1.40", "ws-it-storage", dict(browse_mean=50, sites=("www.synology.com", "kb.synology.com",
                                                                "community.synology.com"))),
    ("10.10.1.41", "ws-procurement", dict(browse_mean=60, sites=("www.qnap.com", "docs.qnap.com"))),
]


def _infected_workstation(net: _Net, ip: str, **profile) -> _Client:
    c = net.client(ip)
    _workstation(c, _Profile(**profile))
    return c


def build_office(seed: int = DEFAULT_SEED, minutes: int = DEFAULT_MINUTES,
                 date: dt.date = DEFAULT_DATE) -> Office:
    """The office capture for ``date`` from 08:30 UTC, ``minutes`` long."""
    if minutes < 10:
        raise ValueError("minutes must be at least 10")
    start = dt.datetime.combine(date, START_TIME, dt.UTC).timestamp()
    net = _Net(seed, start, minutes)
    hosts: list[HostTruth] = []

    def benign(ip: str, hostname: str, role: str, traps: list[str], notes: str, device: str | None = None) -> _Client:
        hosts.append(HostTruth(ip, hostname, role, device=device, traps=traps, notes=notes))
        return net.client(ip)

    # Workstations.
    for ip, hostname, over in _WS:
        p = _Profile(**over)  # type: ignore[arg-type]
        traps = ["tunnel (hashed Trouter labels)"] if p.teams else []
        if "www.adobe.com" in p.sites:
            traps.append("tunnel (hashed adobe.io labels)")
        notes = f"{p.os} workstation"
        if p.arrive is not None or p.network_changes:
            traps.append("nxdomain-burst (Chrome random probes)")
        if p.dev:
            traps.append("dga (hashed cloud endpoint names)")
            notes += ", developer (AWS/Azure/GCP, registries)"
        if p.admin:
            notes += ", IT admin (DMARC/DKIM/SPF TXT, SRV, PTR)"
        if "www.synology.com" in p.sites:
            traps.append("device nas-synology (reads synology.com)")
            notes += ", reads Synology's web site and KB (not a NAS)"
        if "www.qnap.com" in p.sites:
            traps.append("device nas-qnap (reads qnap.com)")
            notes += ", reads QNAP's web site and docs (not a NAS)"
        if p.os == "mac":
            notes += ", _dns.resolver.arpa SVCB at join"
        hosts.append(HostTruth(ip, hostname, "workstation", traps=traps, notes=notes))
        _workstation(net.client(ip), p)

    _mail = benign("10.10.2.10", "mail01", "mail server (Postfix, postscreen DNSBLs)",
                   ["nxdomain-burst (DNSBL lookups)", "dga (reversed-octet names)"],
                   "inbound: PTR + 4 DNSBLs per client, SPF/DKIM/DMARC TXT; outbound: MX")
    mail_info = _mail_server(_mail)
    _monitoring(benign("10.10.2.20", "mon01", "monitoring (PTR sweeps)", ["nxdomain-burst (failed PTR sweeps)"],
                       "every 5 min PTR for ~45 addresses, most NXDOMAIN, some SERVFAIL, plus ip6.arpa"))
    _k8s_node(benign("10.10.2.30", "k8s-node-01", "Kubernetes node (search-domain expansion)",
                     ["nxdomain-burst (search suffix NXDOMAINs)"],
                     f"ndots:5: every name first tried as name.{AD_DOMAIN}, A and AAAA"))
    _ci_server(benign("10.10.2.40", "ci01", "CI runner (AWS, registries)",
                      ["dga (execute-api, lambda-url, cloudfront, ELB names)"],
                      "pipeline runs every ~7 min: ECR, S3, execute-api, lambda-url, ELB, CloudFront"))
    _synology_nas(benign("10.10.2.50", "nas-syno", "Synology NAS (clean)", ["device nas-synology: one weak sign would make a NAS compromised"],
                         "QuickConnect, checkip/update7/global.download.synology.com", device="nas-synology"))
    _backup_server(benign("10.10.2.60", "backup01", "backup server (Azure Backup / blob storage)",
                          ["dga (24-char hashed storage accounts)"], "blob/queue/table accounts with hashed names"))
    _app_server(benign("10.10.2.70", "app01", "line-of-business app server",
                       ["dga (azurewebsites/run.app/appspot hashed names)"],
                       "Azure App Service unique hostnames, Cloud Run, App Engine versions"))
    _echo(benign("10.10.3.10", "echo-boardroom", "Amazon Echo (meeting room)",
                 ["tunnel (63-char hex minerva labels)"], "a new 63-hex-char minerva.devices.a2z.com name every few minutes"))
    _ezviz_camera(benign("10.10.3.11", "cam-lobby", "EZVIZ camera", ["tunnel (52-60 char hashed ezviz7.com labels)"],
                         "no DNS cache; hashed ezviz7.com names"))
    _smart_tv(benign("10.10.3.12", "tv-boardroom", "Samsung smart TV", ["dga (googlevideo/akamaiedge names)"],
                     "Samsung cloud, Netflix OCA, YouTube googlevideo during a meeting"))
    _printer(benign("10.10.3.13", "prn-floor2", "HP printer", ["nxdomain-burst (WPAD and IPP SRV NXDOMAINs, no cache)"], "ePrint XMPP, WPAD and IPP SRV NXDOMAINs"))
    c = benign("10.10.3.14", "teams-room", "Microsoft Teams Rooms console",
               ["tunnel (hashed Trouter labels)"], "Windows + Teams all day, many Trouter names")
    _workstation(c, _Profile(browse_mean=900, trouter=8, typos=0, https_rr=False))
    _iot_sensor(benign("10.10.3.15", "env-sensor", "AWS IoT sensor", ["dga (14-char IoT account prefix)"],
                       "MQTT reconnects to <14 chars>-ats.iot.us-east-1.amazonaws.com"))
    _hvac(benign("10.10.3.16", "hvac-ctrl", "building controller (AWS IoT)", ["dga (14-char IoT account prefix)"],
                 "two IoT endpoints, no cache"))
    _phone(benign("10.10.3.17", "phone-lobby", "Yealink Teams phone", ["tunnel (hashed Trouter label)"],
                  "Teams phone"))
    c = benign("10.10.4.20", "iphone-ceo", "iPhone on staff Wi-Fi", ["nxdomain-burst (_dns.resolver.arpa)", "tunnel (hashed Trouter labels)"],
               "_dns.resolver.arpa at each join, Apple push/iCloud")
    _workstation(c, _Profile(os="ios", joined=False, teams=True, office=True, browse_mean=150, arrive=9,
                             network_changes=(33,), typos=0))
    _android(benign("10.10.4.21", "android-sales", "Android phone", ["dga (fbcdn/googlevideo names)"],
                    "Instagram/WhatsApp/YouTube CDN names"), arrive=6)
    c = benign("10.10.4.22", "guest-laptop", "visitor laptop on guest Wi-Fi (not domain-joined)",
               ["nxdomain-burst (bare single-label Chrome probes, three network changes)", "tunnel (hashed Trouter labels)"],
               "Chrome probes as bare single labels at start and each network change")
    _workstation(c, _Profile(joined=False, teams=True, office=True, browse_mean=70, arrive=10,
                             network_changes=(22, 38, 51), typos=2))

    # Infected hosts.
    day = date
    c = net.client("10.10.2.51")
    qs = _qsnatch(c, day)
    hosts.append(HostTruth("10.10.2.51", "nas-qnap", "QNAP NAS", True, "QSnatch", "qsnatch", None, "nas-qnap",
                           ["forecast", "nxdomain-burst"],
                           notes=f"QNAP service names; {qs['dga_names']} QSnatch variant-a names of {day} in rounds "
                                 f"every 10 min; resolves {', '.join(qs['resolved']) or 'none'} (198.51.100.77)"))

    pyk = generate("pykspa", day, variant="improved", seed="1")
    c = _infected_workstation(net, "10.10.1.24", browse_mean=70)
    info = _steady_dga(c, pyk, 20.0, {37: "203.0.113.21", 121: "203.0.113.22"})
    hosts.append(HostTruth("10.10.1.24", "ws-finance-03", "workstation", True, "Pykspa", "pykspa", None, None,
                           ["forecast", "dga", "nxdomain-burst"],
                           notes=f"{info['dga_names']} Pykspa (improved, seed 1) names, one every ~20 s; resolves "
                                 f"{', '.join(info['resolved'])} (sinkhole)"))

    nec = generate("necurs", day)
    c = _infected_workstation(net, "10.10.1.33", browse_mean=55)
    info = _steady_dga(c, nec, 18.0, {61: "203.0.113.31"}, on=480, off=420)
    hosts.append(HostTruth("10.10.1.33", "ws-sales-04", "workstation", True, "Locky", "necurs", "Locky",
                           None, ["forecast", "dga", "nxdomain-burst"],
                           notes=f"dnsguard has no Locky generator: Necurs (the botnet that spread Locky) names "
                                 f"instead; {info['dga_names']} names, 8 min active / 7 min quiet; resolves "
                                 f"{', '.join(info['resolved'])}"))

    ram_seed = "16647BB4"
    ram = [n for n in generate("ramnit", day, seed=ram_seed, variant="v1") if n.endswith(".com")]
    c = _infected_workstation(net, "10.10.1.34", browse_mean=80)
    info = _steady_dga(c, ram, 30.0, {17: "203.0.113.41"})
    hosts.append(HostTruth("10.10.1.34", "ws-ops-03", "workstation", True, "Ramnit", "ramnit", None, None,
                           ["forecast", "dga"],
                           notes=f"{info['dga_names']} Ramnit v1 names (seed {ram_seed}, .com), one every ~30 s; "
                                 f"resolves {', '.join(info['resolved'])}"))

    goz = generate("newgoz", day)
    c = _infected_workstation(net, "10.10.1.35", browse_mean=90)
    info = _steady_dga(c, goz, 25.0, {88: "203.0.113.51"})
    hosts.append(HostTruth("10.10.1.35", "ws-hr-02", "workstation", True, "Zloader", "newgoz", "Zloader", None,
                           ["forecast", "dga"],
                           notes=f"dnsguard has no Zloader generator: newGOZ (GameOver Zeus, Zloader's Zeus "
                                 f"lineage) names instead; {info['dga_names']} names, one every ~25 s; resolves "
                                 f"{', '.join(info['resolved'])}"))

    c = _infected_workstation(net, "10.10.1.36", dev=True, browse_mean=60)
    info = _tunnel(c, "t.cloudsync-relay.example")
    hosts.append(HostTruth("10.10.1.36", "dev-laptop-04", "workstation", True, "iodine", None, None, None,
                           ["tunnel"],
                           notes=f"iodine-like NULL tunnel to {info['domain']}: base32 (iodine alphabet) labels "
                                 f"of 57 chars, {info['data_queries']} data queries in two uploads, pings every 4-9 s"))

    mail = next(h for h in hosts if h.ip == "10.10.2.10")
    mail.notes += f"; spam wave {mail_info['spam_wave'][0] - start:.0f}-{mail_info['spam_wave'][1] - start:.0f} s"
    hosts.sort(key=lambda h: ipaddress.IPv4Address(h.ip))
    exchanges = sorted(net.exchanges, key=lambda e: (e.ts, e.client, str(e.qname), str(e.qtype)))
    return Office(seed, date, minutes, start, exchanges, hosts)


def write_office(pcap: str | Path, truth: str | Path | None = None, spec: str | Path | None = None,
                 seed: int = DEFAULT_SEED, minutes: int = DEFAULT_MINUTES, date: dt.date = DEFAULT_DATE) -> Office:
    """Build the office and write the pcap (and, if asked, truth and spec JSON)."""
    import json

    office = build_office(seed, minutes, date)
    write_pcap(str(pcap), office.exchanges)
    if truth is not None:
        Path(truth).write_text(json.dumps(office.truth(), indent=1) + "\n", encoding="utf-8")
    if spec is not None:
        Path(spec).write_text(json.dumps(office.spec(), separators=(",", ":")) + "\n", encoding="utf-8")
    return office


# ------------------------------------------------------------ reading back


@dataclass(frozen=True)
class DnsPacket:
    ts: float
    src: str
    dst: str
    response: bool
    txid: int
    qname: str
    qtype: int
    rcode: int
    answers: int


def read_dns(path: str | Path) -> Iterator[DnsPacket]:
    """The DNS packets of a classic Ethernet pcap (IPv4/IPv6 UDP), first question only."""
    data = Path(path).read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    if magic != 0xA1B2C3D4:
        raise ValueError("not a little-endian microsecond pcap")
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ethertype = struct.unpack("!H", frame[12:14])[0]
        if ethertype == 0x0800:
            ihl = (frame[14] & 0x0F) * 4
            src, dst = (str(ipaddress.IPv4Address(frame[26:30])), str(ipaddress.IPv4Address(frame[30:34])))
            udp = 14 + ihl
        elif ethertype == 0x86DD:
            src, dst = str(ipaddress.IPv6Address(frame[22:38])), str(ipaddress.IPv6Address(frame[38:54]))
            udp = 54
        else:
            continue
        dns = frame[udp + 8:]
        txid, flags, _qd, an = struct.unpack("!HHHH", dns[:8])
        labels, i = [], 12
        while dns[i]:
            labels.append(dns[i + 1:i + 1 + dns[i]].decode("utf-8", "replace"))
            i += 1 + dns[i]
        qtype = struct.unpack("!H", dns[i + 1:i + 3])[0]
        yield DnsPacket(sec + usec / 1e6, src, dst, bool(flags & 0x8000), txid, ".".join(labels), qtype,
                        flags & 0x000F, an)


__all__ = ["AD_DOMAIN", "DEFAULT_DATE", "DEFAULT_MINUTES", "DEFAULT_SEED", "DNSBL_ZONES", "DnsPacket", "HostTruth",
           "Office", "RESOLVER", "build_office", "exchange_to_json", "read_dns", "resolve", "write_office"]
