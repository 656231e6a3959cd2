"""Hosts running DGA families no model of dnsguard saw, in every path a user runs (issue 19).

Why: ``bench/dga_unseen_hosts.py --published`` judges these hosts through
``analyze`` alone, with the sensors' alerts dropped.  A SOC runs Zeek alone,
Suricata alone, ``dnsguard analyze`` on a capture (sensor alerts and the
forecast included), and ``dnsguard serve`` behind either sensor.  This
script builds the same capture (31 benign browsing hosts of
``tools/browsing/recent_browsing.py`` and the benign hosts of the office
capture, ``dnsguard.testdata.office``, whose DNSBL look-ups, Chrome probes
and failed PTR look-ups answer NXDOMAIN; per family of ``data/dga-unseen``,
three hosts whose bot looks up 10, 30 or 100 consecutive published names,
NXDOMAIN, after 150 popular names of browsing) and runs it through each
path with the shipped files and default settings, as a user would.

Per path it counts the hosts flagged: an alert (Suricata), a notice
(Zeek), a host verdict (serve) or a verdict other than clean (analyze).
Benign hosts flagged are false positives; an infected host not flagged
is a miss.

Usage: PATH=/opt/zeek/bin:$PATH .venv/bin/python bench/dga_unseen_paths.py [--seed 3]   # about 2 minutes
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tools" / "browsing"))
from blocking_resolver import serve_fed_by_suricata, suricata_alone, zeek_alone, zeek_with_serve  # noqa: E402
from dga_unseen_hosts import BOT_LOOKUPS, infected_hosts  # noqa: E402
from dga_unseen_published import unseen_families  # noqa: E402
from dnsguard.pcapgen import write_pcap  # noqa: E402
from dnsguard.testdata.office import build_office  # noqa: E402
from recent_browsing import build, recent_names  # noqa: E402

SERVE = "dnsguard serve following Suricata's EVE (host verdicts)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()

    from dnsguard.analyze_cli import analyse
    from dnsguard.config import default_config

    names_of = unseen_families()
    families = sorted(names_of)
    browsing = build(args.seed * 100)
    bots, infected = infected_hosts(0, families, names_of, recent_names(), random.Random(args.seed))
    # the office capture's benign hosts too: its mail server's DNSBL look-ups, Chrome's
    # probes, failed PTR look-ups, Teams and cloud names with hashed labels (moved to
    # the browsing capture's hour; its infected hosts are left out)
    office = build_office(args.seed)
    office_benign = {h.ip for h in office.hosts if not h.infected}
    shift = browsing.exchanges[0].ts - office.start
    neighbours = [replace(e, ts=e.ts + shift) for e in office.exchanges if e.client in office_benign]
    benign = set(browsing.hosts) | office_benign
    assert not benign & {i.host for i in infected}
    flagged: dict[str, set[str]] = {}
    named: dict[str, dict[str, set[str]]] = {}
    """Per path that names families: host -> the families named for it."""
    detail: dict[str, Counter] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pcap = work / "unseen.pcap"
        write_pcap(str(pcap), sorted(browsing.exchanges + neighbours + bots, key=lambda e: e.ts))
        print(f"# {len(infected)} infected hosts ({len(families)} families never trained on, "
              f"{'/'.join(map(str, BOT_LOOKUPS))} bot look-ups each), {len(benign)} benign "
              f"({len(office_benign)} of them the office's); seed {args.seed}")

        analysis = analyse(pcap, default_config())
        named["dnsguard analyze (sensor alerts, forecast, defaults)"] = {
            h.host: {*h.families} | ({h.family.family} if h.family else set()) for h in analysis.hosts}
        served_families = named[SERVE] = {}
        flagged["dnsguard analyze (sensor alerts, forecast, defaults)"] = {
            h.host for h in analysis.hosts if h.verdict != "clean"}
        detail["dnsguard analyze (sensor alerts, forecast, defaults)"] = Counter(
            f"{h.verdict}" for h in analysis.hosts if h.verdict != "clean")
        for label, found in (("Suricata alone (alerts)", suricata_alone(pcap)),
                             (SERVE, serve_fed_by_suricata(pcap, work, served_families)),
                             ("Zeek with dnsguard serve (notices and verdicts)", zeek_with_serve(pcap, work)[1]),
                             ("Zeek alone (notices)", zeek_alone(pcap, work))):
            flagged[label] = {host for host, _ in found}
            detail[label] = Counter(str(kind) for _, kind in {(h, k) for h, k in found})

    print()
    print("| path | " + " | ".join(f"infected, {n} look-ups" for n in BOT_LOOKUPS) + " | benign flagged | "
          "hosts per signal |")
    print("|---|" + "---|" * len(BOT_LOOKUPS) + "---|---|")
    missed: dict[str, list[str]] = defaultdict(list)
    for label, hosts in flagged.items():
        cells = []
        for n in BOT_LOOKUPS:
            row = [i for i in infected if i.planned == n]
            cells.append(f"{sum(i.host in hosts for i in row)} / {len(row)}")
            if n == 30:
                missed[label] = [i.family for i in row if i.host not in hosts]
        signals = ", ".join(f"{k} {c}" for k, c in detail[label].most_common(6)) or "-"
        print(f"| {label} | " + " | ".join(cells) + f" | {len(hosts & benign)} / {len(benign)} | {signals} |")
    print()
    for label, fams in missed.items():
        print(f"Missed at 30 look-ups by {label}: {', '.join(fams) or 'none'}")
    print()
    for label, by_host in named.items():
        # every family named for these hosts is wrong: no part of dnsguard knows them
        wrong = [f"{i.family} x{i.planned}: {', '.join(sorted(by_host[i.host]))}" for i in infected
                 if by_host.get(i.host, set()) - {"unknown", ""}]
        print(f"{label}: a family named for {len(wrong)} of {len(infected)} infected hosts (all wrong)"
              + "".join(f"\n  {line}" for line in wrong))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
