"""Benign hosts behind a resolver that blocks ad and tracker names with NXDOMAIN.

Why: the NXDOMAIN-burst detections assume an NXDOMAIN means the name does not
exist.  Behind a response-policy zone (RPZ) or an ad blocker in NXDOMAIN mode
(Pi-hole's and AdGuard Home's optional blocking modes) an ordinary web page
collects a dozen NXDOMAIN answers in seconds, for names under domains that
exist (``securepubads.g.doubleclick.net``).  This measures what each path
makes of that, on the 31 benign hosts of ``tools/browsing/recent_browsing.py``
(every name resolves) plus ad-heavy page loads: per host, four page loads
in the hour, each asking for 15 names under 40 ad-tech and tracker domains
within 20 seconds.  ``--answer null`` answers them 0.0.0.0 instead (Pi-hole's
default mode), ``nodata`` with an empty NOERROR, ``refused`` with REFUSED
(AdGuard Home's option): the blocking modes docs/detections.md recommends
instead of NXDOMAIN, measured the same way.

Every host is benign: a host any path flags is a false positive.  The
Suricata rows use whichever Suricata is on PATH (7.0 by default; put
tools/suricata8/setup.sh's wrapper first for 8.0); on 7.x one row runs the
optional Lua twins of the NXDOMAIN rules in place of 9072001/9072003.

    PATH=/opt/zeek/bin:$PATH .venv/bin/python bench/blocking_resolver.py [--seed 0] [--answer nxdomain|null|nodata|refused]
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "browsing"))

import recent_browsing as RB  # noqa: E402
from dnsguard.pcapgen import Answer, Exchange, write_pcap  # noqa: E402

AD_DOMAINS = (
    "doubleclick.net", "googlesyndication.com", "adnxs.com", "criteo.com", "taboola.com",
    "outbrain.com", "rubiconproject.com", "pubmatic.com", "openx.net", "casalemedia.com",
    "adsrvr.org", "moatads.com", "scorecardresearch.com", "quantserve.com", "amazon-adsystem.com",
    "advertising.com", "smartadserver.com", "teads.tv", "yieldmo.com", "33across.com",
    "sharethrough.com", "indexww.com", "bidswitch.net", "contextweb.com", "lijit.com", "sovrn.com",
    "gumgum.com", "triplelift.com", "media.net", "zemanta.com", "mathtag.com", "turn.com",
    "demdex.net", "krxd.net", "bluekai.com", "exelator.com", "agkn.com", "rlcdn.com", "tapad.com",
    "crwdcntrl.net",
)
HOSTS = ("", "securepubads.", "ib.", "cdn.", "sync.", "pixel.")
PAGES_PER_HOUR = 4
NAMES_PER_PAGE = 15
PAGE_SECONDS = 20.0


BLOCK_ANSWERS = {
    "nxdomain": ("NXDOMAIN", []),
    "null": ("NOERROR", [Answer("A", "0.0.0.0", ttl=10)]),
    "nodata": ("NOERROR", []),
    "refused": ("REFUSED", []),
}
"""How a blocking resolver answers a blocked name: Pi-hole's NXDOMAIN, NULL
(its default) and NODATA modes, AdGuard Home's REFUSED."""


def build(seed: int, answer: str) -> tuple[list[Exchange], list[str]]:
    rng = random.Random(seed)
    browsing = RB.build(seed)
    exchanges = list(browsing.exchanges)
    for host in browsing.hosts:
        for _ in range(PAGES_PER_HOUR):
            start = RB.START + rng.random() * 3600
            for domain in rng.sample(AD_DOMAINS, NAMES_PER_PAGE):
                name = rng.choice(HOSTS) + domain
                rcode, answers = BLOCK_ANSWERS[answer]
                exchanges.append(Exchange(ts=start + rng.random() * PAGE_SECONDS, client=host, qname=name,
                                          qtype="A", rcode=rcode, answers=answers))
    exchanges.sort(key=lambda e: e.ts)
    return exchanges, browsing.hosts


def records_verdicts(exchanges: list[Exchange]) -> Counter:
    """Verdicts of analyze on the transactions themselves, as from a dns.log or EVE's dns
    events without any sensor's alerts: analyze's own detections only."""
    from dnsguard.analyze import Analyzer
    from dnsguard.analyze_cli import popular_domains
    from dnsguard.config import AnalysisSettings, default_config
    from dnsguard.dga import Scorer
    from dnsguard.feeds.indicators import IndicatorIndex
    from dnsguard.records import DnsRecord

    scorer = Scorer()
    analyzer = Analyzer(AnalysisSettings.from_config(default_config()), IndicatorIndex.build([]),
                        scorer=scorer.score_batch, popular=popular_domains())
    for e in exchanges:
        addresses = tuple(a.value for a in e.answers if a.rtype in ("A", "AAAA"))
        analyzer.observe(DnsRecord(e.ts, e.client, str(e.qname), str(e.qtype), str(e.rcode), addresses,
                                   tuple(float(a.ttl) for a in e.answers if a.rtype in ("A", "AAAA"))))
    return Counter(h.verdict for h in analyzer.finish())


def alerts_per_host(eve: Path) -> Counter:
    """Alerts per (host, sid) in an EVE file."""
    from dnsguard.inputs.eve import read_eve
    from dnsguard.inputs.textfile import open_lines
    from dnsguard.records import InputStats, SensorAlert

    stats = InputStats()
    return Counter((e.client, e.sid) for e in read_eve(open_lines(eve, stats), stats) if isinstance(e, SensorAlert))


def suricata_alone(pcap: Path) -> Counter:
    """Alerts per (host, sid) from Suricata with the pack's rules."""
    from dnsguard.suricata.offline import run_pcap

    with run_pcap(pcap) as run:
        return alerts_per_host(run.eve_path)


def suricata_lua_twins(pcap: Path, work: Path) -> Counter | None:
    """Alerts per (host, sid) from Suricata 7 with the Lua twins of the NXDOMAIN
    rules in place of 9072001 and 9072003 (dnsguard-lua-nxdomain.rules), as a
    sensor behind such a resolver would run it; None on Suricata 8, which skips
    the twins (its own rules skip popular names)."""
    from dnsguard.paths import suricata_rules_dir
    from dnsguard.suricata import sandbox

    box = sandbox.create(work / "lua-twins", suricata_rules_dir(), lua=True,
                         rule_files=["dnsguard.rules", sandbox.LUA_TWINS_FILE])
    version = subprocess.run([sandbox.suricata_binary(), "-V"], capture_output=True, text=True).stdout
    if "version 7." not in version:
        return None
    sandbox.check(box)  # a script that fails to load is only logged by a pcap run: fail here instead
    return alerts_per_host(sandbox.run_pcap(box, pcap))


def serve_fed_by_suricata(pcap: Path, work: Path, families: dict[str, set[str]] | None = None) -> Counter:
    """Host verdicts of ``dnsguard serve`` following the EVE that Suricata with the
    pack writes (dns records and alerts, as ``serve --eve`` reads it): per host,
    the threats it was judged compromised of (and, into ``families`` when given,
    the families its verdicts named)."""
    import time

    from dnsguard.config import band_stage, default_config
    from dnsguard.feeds.indicators import IndicatorIndex
    from dnsguard.service.app import Service
    from dnsguard.service.cli import load_guard
    from dnsguard.service.model import HostVerdict
    from dnsguard.service.scoring import default_scorer
    from dnsguard.service.settings import ServeSettings
    from dnsguard.suricata.offline import run_pcap

    config = default_config()
    settings = ServeSettings.from_dict({
        "zeek": {"enabled": False}, "suricata": {"enabled": False}, "state_dir": str(work / "serve-state"),
        "verdict_log": str(work / "serve-verdicts.json"), "metrics": {"enabled": False}})
    service = Service(settings, default_scorer(band=band_stage(config)), IndicatorIndex.build([]),
                      guard=load_guard(config))
    service.journal.open(time.time())
    hosts: Counter = Counter()
    with run_pcap(pcap) as run:
        lines = run.eve_path.read_text("utf-8").splitlines()
    for start in range(0, len(lines), 5_000):
        service.ingest_eve(lines[start:start + 5_000])
        for verdict in service.process(service.queue.take_nowait(len(service.queue))):
            if isinstance(verdict, HostVerdict):
                hosts[(verdict.orig_h, verdict.threat)] += 1
                if families is not None:
                    families.setdefault(verdict.orig_h, set()).add(verdict.family)
    return hosts


def zeek_with_serve(pcap: Path, work: Path) -> tuple[int, Counter]:
    """Zeek with the package reads the capture while a real ``dnsguard serve``
    (shipped model, no feeds) answers its candidates over the WebSocket, as
    deployed: the candidates Zeek sent, and per host the service's verdicts
    and Zeek's notices (its own and those carrying the service's verdicts)."""
    import json
    import signal
    import socket

    import yaml

    run = work / "zeek-serve"
    run.mkdir()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (run / "serve.yaml").write_text(yaml.safe_dump({"serve": {
        "zeek": {"url": f"ws://127.0.0.1:{port}/v1/messages/json"}, "suricata": {"enabled": False},
        "state_dir": str(run / "state"), "verdict_log": str(run / "verdicts.json"),
        "metrics": {"enabled": False}, "backoff": {"base": 0.1, "cap": 0.5}}}))
    serve = subprocess.Popen([sys.executable, "-m", "dnsguard", "--config", str(run / "serve.yaml"), "serve",
                              "--no-suricata"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        (run / "link.zeek").write_text("redef DNSGuard::scorer_link_offline = T;\n"
                                       f"redef DNSGuard::scorer_port = {port}/tcp;\n"
                                       'event zeek_done() { print "candidates sent", DNSGuard::candidates_sent; }\n')
        proc = subprocess.run(["zeek", "-b", "-C", "-r", str(pcap), str(ROOT / "zeek-scripts"), "link.zeek"],
                              cwd=run, capture_output=True, text=True, timeout=900)
        if proc.returncode != 0:
            raise SystemExit(f"zeek failed: {proc.stderr[-500:]}")
        sent = proc.stdout.strip().rsplit(" ", 1)[-1]
        if not sent.isdigit() or int(sent) == 0:
            raise SystemExit(f"zeek sent the service no candidate: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=60)
    found: Counter = Counter()
    log = run / "verdicts.json"
    for line in log.read_text().splitlines() if log.exists() else []:
        record = json.loads(line)  # ECS (dnsguard.service.siem_log)
        ip = record.get("source", {}).get("ip")
        if ip:
            found[(ip, f"serve {record['dnsguard']['kind']} verdict")] += 1
    return int(sent), found + notices_per_host(run / "notice.log")


def zeek_alone(pcap: Path, work: Path) -> Counter:
    """Notices per (host, note) from Zeek with the package (bare mode, as the tests run it)."""
    proc = subprocess.run(["zeek", "-b", "-C", "-r", str(pcap), str(ROOT / "zeek-scripts")], cwd=work,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise SystemExit(f"zeek failed: {proc.stderr[-500:]}")
    return notices_per_host(work / "notice.log")


def notices_per_host(log: Path) -> Counter:
    """(source host, note) -> rows of a Zeek notice.log (empty when Zeek wrote none)."""
    notices: Counter = Counter()
    if log.exists():
        cut = subprocess.run(["zeek-cut", "src", "note"], input=log.read_text(), capture_output=True, text=True)
        for line in cut.stdout.splitlines():
            src, note = line.split("\t")
            notices[(src, note)] += 1
    return notices


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--answer", choices=tuple(BLOCK_ANSWERS), default="nxdomain")
    args = ap.parse_args()

    from dnsguard.analyze_cli import analyse
    from dnsguard.config import default_config

    exchanges, hosts = build(args.seed, args.answer)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pcap = work / "blocking.pcap"
        write_pcap(str(pcap), exchanges)
        print(f"{len(exchanges):,} exchanges, {len(hosts)} benign hosts, ad names answered {args.answer}")

        records_only = records_verdicts(exchanges)
        print(f"dnsguard analyze on the DNS records alone (no sensor alerts): "
              f"{records_only.get('compromised', 0)} compromised, {records_only.get('suspicious', 0)} suspicious "
              f"of {len(hosts)}")

        analysis = analyse(pcap, default_config())
        verdicts = Counter(h.verdict for h in analysis.hosts)
        kinds = Counter(k for h in analysis.hosts if h.verdict != "clean"
                        for k, v in h.evidence_counts.items() if v)
        print(f"dnsguard analyze: {verdicts.get('compromised', 0)} compromised, "
              f"{verdicts.get('suspicious', 0)} suspicious of {len(hosts)}; evidence on flagged hosts: "
              + (", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "-"))

        alerts = suricata_alone(pcap)
        by_sid = Counter()
        for _host, sid in alerts:
            by_sid[sid] += 1
        print(f"Suricata alone: {len({h for h, _ in alerts})} of {len(hosts)} hosts alerted; hosts per sid: "
              + (", ".join(f"{sid} {n}" for sid, n in sorted(by_sid.items())) or "-"))

        twins = suricata_lua_twins(pcap, work)
        if twins is None:
            print("Suricata 7 with the Lua NXDOMAIN twins: not run (the Suricata on PATH is not 7.x)")
        else:
            by_sid = Counter(sid for _host, sid in twins)
            print(f"Suricata 7 with the Lua NXDOMAIN twins (9072001/9072003 disabled): "
                  f"{len({h for h, _ in twins})} of {len(hosts)} hosts alerted; hosts per sid: "
                  + (", ".join(f"{sid} {n}" for sid, n in sorted(by_sid.items())) or "-"))

        served = serve_fed_by_suricata(pcap, work)
        print(f"dnsguard serve following Suricata's EVE: {len({h for h, _ in served})} of {len(hosts)} hosts "
              "with a host verdict; threats: "
              + (", ".join(f"{t} {n}" for t, n in Counter(t for _, t in served).most_common()) or "-"))

        sent, paired = zeek_with_serve(pcap, work)
        print(f"Zeek with dnsguard serve ({sent:,} candidates sent): {len({h for h, _ in paired})} of {len(hosts)} "
              "hosts with a notice or a verdict; hosts per kind: "
              + (", ".join(f"{k} {n}" for k, n in Counter(k for _, k in paired).most_common()) or "-"))

        notices = zeek_alone(pcap, work)
        by_note = Counter(note for (_, note) in notices)
        print(f"Zeek alone: {len({h for h, _ in notices})} of {len(hosts)} hosts with a notice; hosts per notice: "
              + (", ".join(f"{n} {c}" for n, c in by_note.most_common()) or "-"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
