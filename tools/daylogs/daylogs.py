#!/usr/bin/env python3
"""A deterministic multi-host day of Zeek dns.log, with its ground truth.

Triage has to be judged on a network, not on one capture: hundreds of benign
hosts around a handful of infected ones, so a false positive on any benign
host shows.  This writes one day of hourly rotated Zeek logs (Zeek's archive
naming, TSV with the full dns.log header, or JSON lines) for ``hosts``
internal hosts and ``truth.json`` saying what every host is.

Infected hosts use the real generators of :mod:`dnsguard.dga.families` for
the day (so the known-DGA forecast can match them), the fictional demo-feed
indicators, a hex DNS tunnel and a fast-flux name; one DGA host uses a seed
nobody published (only behaviour and the lexical score can find it).  The
malicious activity is the same whatever ``lines`` asks for; ``lines`` only
sets the benign background volume, so the small test day and the
10-million-line benchmark day share their ground truth.

    python tools/daylogs/daylogs.py OUT_DIR [--hosts 200] [--lines 10000000] [--json] [--no-gzip]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dnsguard.dga.families import generate, registry

RESOLVER = "10.20.0.1"
DAY = dt.date(2026, 11, 2)

FIELDS = ["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "trans_id", "rtt", "query", "qclass", "qclass_name", "qtype", "qtype_name", "rcode", "rcode_name", "AA", "TC", "RD", "RA", "Z", "answers", "TTLs", "rejected"]
TYPES = ["time", "string", "addr", "port", "addr", "port", "enum", "count", "interval", "string", "count", "string", "count", "string", "count", "string", "bool", "bool", "bool", "bool", "count", "vector[string]", "vector[interval]", "bool"]
QTYPES = {"A": 1, "AAAA": 28, "TXT": 16, "PTR": 12, "SRV": 33, "MX": 15, "HTTPS": 65}
RCODES = {"NOERROR": 0, "NXDOMAIN": 3, "SERVFAIL": 2}

POPULAR = ["google.com", "www.google.com", "mail.google.com", "fonts.googleapis.com", "www.youtube.com", "i.ytimg.com", "www.microsoft.com", "login.microsoftonline.com", "outlook.office365.com", "teams.microsoft.com", "www.bing.com", "github.com", "api.github.com", "www.wikipedia.org", "en.wikipedia.org", "www.amazon.com", "www.linkedin.com", "slack.com", "www.dropbox.com", "zoom.us", "www.apple.com", "icloud.com", "www.reddit.com", "stackoverflow.com", "www.bbc.co.uk", "www.nytimes.com", "cdn.jsdelivr.net", "www.cloudflare.com", "update.microsoft.com", "ocsp.digicert.com", "time.windows.com", "connectivity-check.ubuntu.com"]
CDN = ["e1234.a.akamaiedge.net", "d1tv14yrkl9pc0.cloudfront.net", "rr3---sn-p5qlsndk.googlevideo.com", "s3.dualstack.us-east-1.amazonaws.com", "a1843.dscb.akamai.net", "cs9.wac.phicdn.net"]
WORDS = ["blue", "hill", "bakery", "garden", "north", "river", "stone", "city", "auto", "parts", "family", "dental", "clinic", "green", "valley", "farm", "market", "lake", "view", "home", "build", "smart", "travel", "club", "music", "school", "sport", "coffee", "house", "mountain", "bike", "pixel", "cloud", "data", "media", "news", "daily", "local", "shop", "craft", "wood", "metal", "print", "studio", "design", "photo", "light", "sun", "star", "ocean", "bay", "harbor", "bridge", "tower"]
QNAP_SERVICES = ("update.qnap.com", "api.myqnapcloud.com", "download.qnap.com", "www.myqnapcloud.com")
SYNOLOGY_SERVICES = ("update7.synology.com", "global.quickconnect.to", "checkip.synology.com")
FEED_NAMES = {"feed-emotet": ("telemetry-sync.example", "Emotet", "iab"),
              "feed-mirai": ("panel.bot-herder.example", "Mirai", "botnet"),
              "feed-asyncrat": ("a7.stats-collector.example", "AsyncRAT", "c2")}
FORECAST_FAMILIES = {"dga-qakbot": ("qakbot", "default"), "dga-necurs": ("necurs", "default"),
                     "dga-pykspa": ("pykspa", "improved"), "dga-murofet": ("murofet", "v3")}
TUNNEL_DOMAIN = "dnsexfil-collector.example"
UID_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
FLUX_NAME = "cheap-pills-flux.example"


@dataclass(frozen=True)
class HostTruth:
    """What the analysis must say about one host."""

    host: str
    role: str
    verdict: str
    families: dict[str, str] = field(default_factory=dict)
    device: str = "unknown"
    kinds: tuple[str, ...] = ()
    """Evidence kinds the report must show for this host."""


@dataclass(frozen=True)
class DaySpec:
    hosts: int = 200
    lines: int = 60_000
    """Roughly how many lines the whole day has (benign background fills the rest)."""
    seed: int = 20261102
    day: dt.date = DAY
    json: bool = False
    gzip: bool = True


def host_ip(i: int) -> str:
    return f"10.20.{1 + i // 250}.{10 + i % 250}"


def roles(n: int) -> dict[str, str]:
    """Host address -> role; the first hosts carry the interesting roles."""
    special = ["nas-qsnatch", "nas-qsnatch", "nas-qnap-clean", "nas-synology-clean",
               *FORECAST_FAMILIES, "dga-unknown", *FEED_NAMES, "tunnel", "flux", "flux",
               "mailserver"]
    if n < len(special) + 2:
        raise ValueError(f"need at least {len(special) + 2} hosts")
    order = list(range(n))
    random.Random(n).shuffle(order)  # infected hosts are not the first addresses
    out = {}
    for k, i in enumerate(order):
        out[host_ip(i)] = special[k] if k < len(special) else "workstation"
    return dict(sorted(out.items(), key=lambda kv: tuple(int(p) for p in kv[0].split("."))))


def truth_for(host: str, role: str) -> HostTruth:
    fam = {name: registry()[name].INFO.threat for name in ("qsnatch",)}
    if role == "nas-qsnatch":
        return HostTruth(host, role, "compromised", fam, "nas-qnap", ("forecast", "nxdomain-burst"))
    if role == "nas-qnap-clean":
        return HostTruth(host, role, "clean", {}, "nas-qnap")
    if role == "nas-synology-clean":
        return HostTruth(host, role, "clean", {}, "nas-synology")
    if role in FORECAST_FAMILIES:
        family = FORECAST_FAMILIES[role][0]
        return HostTruth(host, role, "compromised", {family: registry()[family].INFO.threat}, "unknown",
                         ("forecast", "nxdomain-burst"))
    if role == "dga-unknown":
        # Repeated bursts alone make it compromised; the lexical model must
        # also flag its random-looking names.
        return HostTruth(host, role, "compromised", {}, "unknown", ("dga", "nxdomain-burst"))
    if role in FEED_NAMES:
        _, family, threat = FEED_NAMES[role]
        return HostTruth(host, role, "compromised", {family: threat}, "unknown", ("feed",))
    if role == "tunnel":
        return HostTruth(host, role, "compromised", {}, "unknown", ("tunnel",))
    if role == "flux":
        return HostTruth(host, role, "suspicious", {}, "unknown", ("fast-flux",))
    return HostTruth(host, role, "clean")


# --------------------------------------------------------------------------- events

@dataclass(slots=True)
class Query:
    ts: float
    host: str
    name: str
    qtype: str = "A"
    rcode: str = "NOERROR"
    answers: tuple[str, ...] = ()
    ttls: tuple[float, ...] = ()


def _ip(rng: random.Random) -> str:
    return f"{rng.choice((23, 34, 52, 93, 104, 142, 151, 172, 185))}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _benign_pool(rng: random.Random, role: str) -> list[str]:
    tail = [f"{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(('', 's', 'hub', 'online'))}."
            f"{rng.choice(('com', 'net', 'org', 'de', 'io', 'co.uk'))}" for _ in range(40)]
    pool = POPULAR + CDN + ["www." + t for t in tail[:20]] + tail[20:]
    if role.startswith("nas-qnap") or role == "nas-qsnatch":
        pool += list(QNAP_SERVICES) * 5
    if role == "nas-synology-clean":
        pool += list(SYNOLOGY_SERVICES) * 5
    return pool


def benign(rng: random.Random, pool: list[str], host: str, role: str, start: float, count: int) -> Iterator[Query]:
    """One hour of browsing with realistic odds and ends: AAAA, a few typos, TXT, PTR."""
    for _ in range(count):
        ts = start + rng.random() * 3600
        roll = rng.random()
        if roll < 0.004:
            yield Query(ts, host, rng.choice(("www.gooogle.com", "intranet.corp", "wpad.corp.example")),
                        rcode="NXDOMAIN")
        elif roll < 0.01:
            yield Query(ts, host, f"{rng.randrange(1, 254)}.0.20.10.in-addr.arpa", "PTR",
                        answers=("printer.corp.example",), ttls=(3600.0,))
        elif roll < 0.012 or (role == "mailserver" and roll < 0.2):
            sel = rng.choice(("selector1", "google", "s1", "k1"))
            yield Query(ts, host, f"{sel}._domainkey.{rng.choice(WORDS)}{rng.choice(WORDS)}.com", "TXT",
                        answers=("v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4",), ttls=(3600.0,))
        else:
            name = rng.choice(pool)
            qtype = "AAAA" if roll > 0.8 else "A"
            answers = (_ip(rng),) if qtype == "A" else ("2606:4700::6810:84e5",)
            yield Query(ts, host, name, qtype, answers=answers, ttls=(float(rng.choice((60, 300, 3600))),))


def nxdomain_run(rng: random.Random, host: str, start: float, names: list[str],
                 found: str | None = None) -> Iterator[Query]:
    """A bot walking its DGA list until one name resolves."""
    t = start
    for name in names:
        yield Query(t, host, name, rcode="NXDOMAIN")
        t += rng.uniform(0.3, 2.5)
    if found:
        yield Query(t, host, found, answers=("198.51.100.77",), ttls=(300.0,))


def malicious(rng: random.Random, host: str, role: str, t0: float, day: dt.date) -> Iterator[Query]:
    if role == "nas-qsnatch":
        names = generate("qsnatch", day, variant="a")
        for hour in range(0, 24, 3):
            batch = rng.sample(names, 45)
            yield from nxdomain_run(rng, host, t0 + hour * 3600 + rng.uniform(0, 1800), batch[:-1], batch[-1])
    elif role in FORECAST_FAMILIES:
        family, variant = FORECAST_FAMILIES[role]
        names = generate(family, day, variant=variant)
        for hour in range(1, 24, 4):
            yield from nxdomain_run(rng, host, t0 + hour * 3600 + rng.uniform(0, 1800), rng.sample(names, 30))
    elif role == "dga-unknown":
        # ranbyus with a seed that is not published: never in the forecast.
        names = generate("ranbyus", day, seed="5EED0BAD", variant="september")
        for hour in range(2, 24, 4):
            yield from nxdomain_run(rng, host, t0 + hour * 3600 + rng.uniform(0, 1800), rng.sample(names, 30))
    elif role in FEED_NAMES:
        name = FEED_NAMES[role][0]
        for i in range(0, 86400, 600):  # a beacon every ten minutes
            yield Query(t0 + i + rng.uniform(0, 30), host, name, answers=("203.0.113.66",), ttls=(60.0,))
    elif role == "tunnel":
        secret = rng.randbytes(30 * 300)
        start = t0 + 14 * 3600
        for seq in range(300):
            chunk = secret[seq * 30:(seq + 1) * 30].hex()
            yield Query(start + seq * 2.0, host, f"{chunk}.{seq:04d}.{TUNNEL_DOMAIN}", "TXT",
                        answers=(f"ok{seq}",), ttls=(0.0,))
    elif role == "flux":
        for i in range(0, 86400, 1800):
            answers = tuple(f"{rng.randrange(1, 224)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                            for _ in range(5))
            yield Query(t0 + i + rng.uniform(0, 600), host, FLUX_NAME, answers=answers, ttls=(120.0,) * 5)


# --------------------------------------------------------------------------- writing

def _tsv(q: Query, uid: str, port: int, trans: int) -> str:
    answers = ",".join(q.answers) if q.answers else "-"
    ttls = ",".join(f"{t:.6f}" for t in q.ttls) if q.ttls else "-"
    aa = "T" if q.rcode == "NOERROR" and q.answers else "F"
    return (f"{q.ts:.6f}\t{uid}\t{q.host}\t{port}\t{RESOLVER}\t53\tudp\t{trans}\t0.001234\t{q.name}\t1\tC_INTERNET\t"
            f"{QTYPES.get(q.qtype, 1)}\t{q.qtype}\t{RCODES[q.rcode]}\t{q.rcode}\t{aa}\tF\tT\tT\t0\t{answers}\t{ttls}\tF\n")


def _json(q: Query, uid: str, port: int, trans: int) -> str:
    obj = {"ts": round(q.ts, 6), "uid": uid, "id.orig_h": q.host, "id.orig_p": port, "id.resp_h": RESOLVER,
           "id.resp_p": 53, "proto": "udp", "trans_id": trans, "query": q.name, "qclass": 1,
           "qclass_name": "C_INTERNET", "qtype": QTYPES.get(q.qtype, 1), "qtype_name": q.qtype,
           "rcode": RCODES[q.rcode], "rcode_name": q.rcode, "AA": False, "TC": False, "RD": True,
           "RA": True, "Z": 0, "rejected": False}
    if q.answers:
        obj["answers"] = list(q.answers)
        obj["TTLs"] = list(q.ttls)
    return json.dumps(obj, separators=(",", ":")) + "\n"


def _header(day: dt.date, hour: int) -> str:
    opened = dt.datetime.combine(day, dt.time(hour), dt.UTC).strftime("%Y-%m-%d-%H-%M-%S")
    return ("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
            f"#open\t{opened}\n#fields\t" + "\t".join(FIELDS) + "\n#types\t" + "\t".join(TYPES) + "\n")


def _open_out(path: Path, compress: bool) -> _Closing:
    """A text file, gzipped with a zero timestamp so the bytes never change."""
    raw = path.open("wb")
    stream = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) if compress else raw
    wrapper = io.TextIOWrapper(stream, encoding="utf-8", newline="")
    return _Closing(wrapper, raw if compress else None)


class _Closing:
    """Context manager closing the text wrapper, then the file under a GzipFile."""

    def __init__(self, wrapper: io.TextIOWrapper, raw):
        self.wrapper, self.raw = wrapper, raw

    def __enter__(self) -> io.TextIOWrapper:
        return self.wrapper

    def __exit__(self, *exc) -> None:
        self.wrapper.close()
        if self.raw is not None:
            self.raw.close()


def generate_day(out_dir: Path, spec: DaySpec = DaySpec()) -> dict[str, HostTruth]:
    """Write the day's hourly logs into ``out_dir``; return the ground truth.

    Malicious events (a few thousand) are made up front; benign traffic is
    made hour by hour, so one hour of the day is in memory at a time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    t0 = dt.datetime.combine(spec.day, dt.time(), dt.UTC).timestamp()
    plan = roles(spec.hosts)
    truth = {host: truth_for(host, role) for host, role in plan.items()}
    per_hour = max(2, spec.lines // spec.hosts // 24)
    host_seeds = {host: rng.randrange(2**32) for host in plan}
    pools = {host: _benign_pool(random.Random(host_seeds[host]), role) for host, role in plan.items()}
    bad_by_hour: list[list[Query]] = [[] for _ in range(24)]
    for host, role in plan.items():
        for q in malicious(random.Random(host_seeds[host] + 1), host, role, t0, spec.day):
            bad_by_hour[min(23, max(0, int((q.ts - t0) // 3600)))].append(q)
    ext = ".log" if not spec.json else ".json"
    render = _json if spec.json else _tsv
    urng = random.Random(spec.seed + 1)
    written = 0
    for hour in range(24):
        events = bad_by_hour[hour]
        for host, role in plan.items():
            hrng = random.Random(host_seeds[host] * 31 + hour)
            events.extend(benign(hrng, pools[host], host, role, t0 + hour * 3600, per_hour))
        events.sort(key=lambda q: q.ts)
        name = f"dns.{hour:02d}:00:00-{(hour + 1) % 24:02d}:00:00{ext}" + (".gz" if spec.gzip else "")
        with _open_out(out_dir / name, spec.gzip) as fh:
            if not spec.json:
                fh.write(_header(spec.day, hour))
            chunk = []
            for q in events:
                uid = "C" + "".join(urng.choices(UID_CHARS, k=17))
                chunk.append(render(q, uid, urng.randrange(1024, 65535), urng.randrange(65536)))
                if len(chunk) >= 10000:
                    fh.write("".join(chunk))
                    chunk.clear()
            fh.write("".join(chunk))
            if not spec.json:
                closed = dt.datetime.combine(spec.day, dt.time(hour), dt.UTC) + dt.timedelta(hours=1)
                fh.write(f"#close\t{closed.strftime('%Y-%m-%d-%H-%M-%S')}\n")
        written += len(events)
        bad_by_hour[hour] = []
    (out_dir / "truth.json").write_text(json.dumps(
        {"lines": written, "hosts": {h: asdict(t) for h, t in truth.items()}}, indent=1) + "\n")
    return truth


def load_truth(out_dir: Path) -> dict[str, HostTruth]:
    data = json.loads((out_dir / "truth.json").read_text())
    return {h: HostTruth(**{**t, "kinds": tuple(t["kinds"])}) for h, t in data["hosts"].items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out_dir", type=Path)
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--lines", type=int, default=60_000)
    p.add_argument("--seed", type=int, default=DaySpec.seed)
    p.add_argument("--json", action="store_true", help="JSON lines instead of TSV")
    p.add_argument("--no-gzip", action="store_true")
    args = p.parse_args(argv)
    truth = generate_day(args.out_dir, DaySpec(args.hosts, args.lines, args.seed, DAY, args.json, not args.no_gzip))
    bad = sum(1 for t in truth.values() if t.verdict != "clean")
    print(f"wrote {args.out_dir}: {len(truth)} hosts, {bad} not clean (truth.json)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
