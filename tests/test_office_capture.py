"""The office capture builder (dnsguard.testdata.office, tools/office/build_office.py):
deterministic, parseable, and the hosts and shapes the detection tests rely on."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections import defaultdict

import pytest
from dnsguard.dga.families import generate
from dnsguard.pcapgen import exchange_from_json, write_pcap
from dnsguard.testdata.office import (
    AD_DOMAIN,
    DEFAULT_DATE,
    DNSBL_ZONES,
    build_office,
    read_dns,
    write_office,
)

NXDOMAIN, SERVFAIL = 3, 2
MAIL, MON, K8S = "10.10.2.10", "10.10.2.20", "10.10.2.30"
SYNO_NAS, QNAP_NAS = "10.10.2.50", "10.10.2.51"
SYNO_VISITOR, QNAP_VISITOR = "10.10.1.40", "10.10.1.41"


@pytest.fixture(scope="module")
def office():
    return build_office()


@pytest.fixture(scope="module")
def capture(tmp_path_factory, office):
    """The default capture written to disk, and its answers parsed back."""
    root = tmp_path_factory.mktemp("office")
    pcap = root / "office.pcap"
    write_pcap(str(pcap), office.exchanges)
    answers = [p for p in read_dns(pcap) if p.response]
    return pcap, answers


def by_host(answers):
    out = defaultdict(list)
    for p in answers:
        out[p.dst].append(p)
    return out


def max_in_window(times, seconds):
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] > seconds:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a, b, c = tmp_path / "a.pcap", tmp_path / "b.pcap", tmp_path / "c.pcap"
    write_office(a, tmp_path / "a.json", seed=7, minutes=20)
    write_office(b, tmp_path / "b.json", seed=7, minutes=20)
    write_office(c, tmp_path / "c.json", seed=8, minutes=20)
    assert a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_cli_writes_pcap_truth_and_a_spec_pcapgen_replays(repo, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, str(repo / "tools/office/build_office.py"), "--pcap", str(out / "o.pcap"),
         "--truth", str(out / "t.json"), "--spec", str(out / "s.json"), "--minutes", "15", "--seed", "3",
         "--date", "2026-12-01"],
        capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    truth = json.loads((out / "t.json").read_text())
    assert truth["capture"]["date"] == "2026-12-01" and truth["capture"]["minutes"] == 15
    # The spec is pcapgen's JSON: the btests' `$PYTHON $PCAPGEN spec.json trace.pcap` gives the same bytes.
    replay = tmp_path / "replay.pcap"
    subprocess.run([sys.executable, str(repo / "python/dnsguard/pcapgen.py"), str(out / "s.json"), str(replay)],
                   check=True, capture_output=True, timeout=60)
    assert replay.read_bytes() == (out / "o.pcap").read_bytes()


def test_spec_round_trips_in_process(office, capture, tmp_path):
    pcap, _ = capture
    again = tmp_path / "again.pcap"
    write_pcap(str(again), [exchange_from_json(json.loads(json.dumps(o))) for o in office.spec()])
    assert again.read_bytes() == pcap.read_bytes()


def test_generation_is_fast_and_modest():
    began = time.perf_counter()
    office = build_office()
    assert time.perf_counter() - began < 5
    assert 10_000 < len(office.exchanges) < 30_000
    assert office.exchanges == sorted(office.exchanges, key=lambda e: e.ts)
    assert office.exchanges[-1].ts - office.exchanges[0].ts < 3600


def test_pcap_parses_and_is_a_few_mb(office, capture):
    pcap, answers = capture
    assert pcap.stat().st_size < 6_000_000
    assert len(answers) == len(office.exchanges)
    assert {p.src for p in answers} == {"10.10.0.10"}


@pytest.mark.usefixtures("suricata_required")
def test_suricata_reads_every_packet(capture, tmp_path):
    pcap, answers = capture
    rules = tmp_path / "empty.rules"
    rules.write_text("")
    logs = tmp_path / "logs"
    logs.mkdir()
    proc = subprocess.run(["suricata", "-r", str(pcap), "-S", str(rules), "-l", str(logs), "-k", "none"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    stats = [json.loads(line) for line in (logs / "eve.json").read_text().splitlines()
             if '"event_type":"stats"' in line][-1]["stats"]
    assert stats["decoder"]["pkts"] == 2 * len(answers)
    assert stats["decoder"]["invalid"] == 0
    dns_events = sum('"event_type":"dns"' in line for line in (logs / "eve.json").read_text().splitlines())
    assert dns_events >= 0.99 * 2 * len(answers)


def test_hosts_benign_and_infected(office, capture):
    _, answers = capture
    seen = set(by_host(answers))
    benign = [h for h in office.hosts if not h.infected]
    infected = {h.family: h for h in office.hosts if h.infected}
    assert len(benign) >= 30
    assert set(infected) == {"QSnatch", "Pykspa", "Locky", "Ramnit", "Zloader", "iodine"}
    assert {h.ip for h in office.hosts} <= seen  # every host has traffic
    assert len({h.ip for h in office.hosts}) == len(office.hosts)
    # Families without a generator are replaced by one that exists, and the truth says so.
    assert infected["Locky"].generator == "necurs" and infected["Locky"].stands_in_for == "Locky"
    assert infected["Zloader"].generator == "newgoz" and infected["Zloader"].stands_in_for == "Zloader"
    assert infected["QSnatch"].ip == QNAP_NAS and infected["QSnatch"].device == "nas-qnap"
    truth = office.truth()
    assert truth["capture"]["benign_hosts"] == len(benign)
    assert all(h["expected_evidence"] for h in truth["hosts"] if h["infected"])
    assert all(h["traps"] for h in truth["hosts"] if not h["infected"])


def test_dga_hosts_query_their_familys_names_at_realistic_rates(office, capture):
    _, answers = capture
    hosts = by_host(answers)
    for h in office.hosts:
        if not h.generator:
            continue
        names = set(generate(h.generator, DEFAULT_DATE))
        dga = [p for p in hosts[h.ip] if p.qname in names]
        nx = [p for p in dga if p.rcode == NXDOMAIN]
        resolved = {p.qname for p in dga if p.rcode == 0 and p.answers}
        assert len(nx) >= 50, h.family
        assert 1 <= len(resolved) <= 2, (h.family, resolved)
        # Realistic rates: tens per five minutes, never a burst of hundreds.
        assert max_in_window([p.ts for p in nx], 300) <= 30, h.family
        # Each infected host also does its ordinary traffic.
        assert len(hosts[h.ip]) - len(dga) >= 40, h.family


def test_qsnatch_nas_resolves_qnap_services(capture):
    _, answers = capture
    names = {p.qname for p in by_host(answers)[QNAP_NAS]}
    assert {"update.qnap.com", "api.myqnapcloud.com"} <= names


def test_tunnel_host(office, capture):
    _, answers = capture
    ip = next(h.ip for h in office.hosts if h.family == "iodine")
    queries = [p for p in by_host(answers)[ip] if p.qname.endswith(".t.cloudsync-relay.example")]
    long_ones = {p.qname for p in queries if max(map(len, p.qname.split("."))) >= 50}
    assert len(long_ones) >= 100
    assert all(re.fullmatch(r"[a-z0-5]+", p.qname.split(".")[0]) for p in queries)
    assert all(p.qtype == 10 for p in queries)  # NULL
    assert max_in_window([p.ts for p in queries], 60) <= 120  # modest: about one query a second at most


def test_dnsbl_host(capture):
    _, answers = capture
    mail = by_host(answers)[MAIL]
    dnsbl = [p for p in mail if p.qname.endswith(DNSBL_ZONES)]
    nx = [p for p in dnsbl if p.rcode == NXDOMAIN]
    assert len(nx) >= 300
    assert max_in_window([p.ts for p in nx], 67) >= 117
    assert {p.qname.split(".", 4)[4] for p in nx} == set(DNSBL_ZONES)
    assert any(p.rcode == 0 and p.answers for p in dnsbl)  # some listings answer 127.0.0.x
    assert all(re.fullmatch(r"(\d{1,3}\.){4}.+", p.qname) for p in dnsbl)
    qtypes = {p.qtype for p in mail}
    assert {15, 16, 12} <= qtypes  # MX, TXT (SPF/DKIM/DMARC), PTR
    names = {p.qname for p in mail}
    assert any(n.startswith("_dmarc.") for n in names) and any("._domainkey." in n for n in names)


def test_monitoring_ptr_failures(capture):
    _, answers = capture
    mon = by_host(answers)[MON]
    failed = [p for p in mon if p.qname.endswith(".in-addr.arpa") and p.rcode in (NXDOMAIN, SERVFAIL)]
    assert len(failed) >= 300
    assert any(p.rcode == SERVFAIL for p in failed)
    assert any(p.qname.endswith(".ip6.arpa") for p in mon)


def test_hashed_label_names(capture):
    _, answers = capture
    names = {p.qname for p in answers}

    def longest(suffix):
        return max((max(map(len, n[: -len(suffix)].split("."))) for n in names if n.endswith(suffix)), default=0)

    for suffix in (".trouter.teams.microsoft.com", ".minerva.devices.a2z.com", ".ezviz7.com", ".adobe.io"):
        assert longest(suffix) >= 52, suffix
    assert any(re.fullmatch(r"[0-9a-f]{63}\.minerva\.devices\.a2z\.com", n) for n in names)
    shapes = {
        "cloudfront": r"d[a-z0-9]{13}\.cloudfront\.net",
        "blob": r"[a-z0-9]{24}\.blob\.core\.windows\.net",
        "iot": r"[a-z0-9]{14}-ats\.iot\.us-east-1\.amazonaws\.com",
        "execute-api": r"[a-z0-9]{10}\.execute-api\.[a-z0-9-]+\.amazonaws\.com",
        "s3": r"[a-z0-9.-]+\.s3(\.[a-z0-9-]+)?\.amazonaws\.com",
        "elb": r"internal-[a-z-]+-\d{10}\.us-east-1\.elb\.amazonaws\.com",
        "lambda-url": r"[a-z0-9]{32}\.lambda-url\.[a-z0-9-]+\.on\.aws",
        "azureedge": r"[a-z0-9-]+\.azureedge\.net",
        "azurewebsites": r"[a-z0-9-]+\.(westeurope-01\.)?azurewebsites\.net",
        "appspot": r"[a-z0-9-]+\.appspot\.com",
        "run.app": r"[a-z-]+-[a-z]{10}-ew\.a\.run\.app",
        "googlevideo": r"rr\d---sn-[a-z0-9]{8}\.googlevideo\.com",
        "fbcdn": r"[a-z]+-[a-z]{3}\d-\d\.xx\.fbcdn\.net",
        "akamaiedge": r"e\d+\.[a-z0-9]+\.akamaiedge\.net",
        "msedge": r"[a-z]-ring\.msedge\.net",
        "sharepoint": r"[a-z]+(-my)?\.sharepoint\.com",
        "delivery optimisation": r"[a-z0-9]+\.prod\.do\.dsp\.mp\.microsoft\.com",
    }
    for what, pattern in shapes.items():
        assert any(re.fullmatch(pattern, n) for n in names), what
    assert {"outlook.office365.com", "login.microsoftonline.com", "teams.microsoft.com"} <= names


def test_chrome_probes(capture):
    _, answers = capture
    bare = defaultdict(int)
    suffixed = defaultdict(int)
    for p in answers:
        if p.rcode != NXDOMAIN:
            continue
        if re.fullmatch(r"[a-z]{7,15}", p.qname):
            bare[p.dst] += 1
        elif re.fullmatch(r"[a-z]{7,15}\." + re.escape(AD_DOMAIN), p.qname):
            suffixed[p.dst] += 1
    assert len(bare) + len(suffixed) >= 5
    assert max(bare.values()) >= 9  # a laptop changing networks probes again each time


def test_search_suffix_and_apple_and_ad(capture):
    _, answers = capture
    hosts = by_host(answers)
    doubled = [p for p in hosts[K8S] if p.qname.endswith(f".{AD_DOMAIN}.{AD_DOMAIN}") and p.rcode == NXDOMAIN]
    assert len(doubled) >= 20
    resolver_arpa = {p.dst for p in answers if p.qname == "_dns.resolver.arpa" and p.qtype == 64}
    assert len(resolver_arpa) >= 2
    assert any(p.qname.startswith("_ldap._tcp.") and p.qtype == 33 and p.answers for p in answers)
    assert any(p.qtype == 65 for p in answers) and any(p.qtype == 28 and p.answers for p in answers)


def test_vendor_sites_and_nas(capture):
    _, answers = capture
    hosts = by_host(answers)
    syno_visitor = {p.qname for p in hosts[SYNO_VISITOR]}
    qnap_visitor = {p.qname for p in hosts[QNAP_VISITOR]}
    assert {"www.synology.com", "kb.synology.com", "community.synology.com"} <= syno_visitor
    assert {"www.qnap.com", "docs.qnap.com"} <= qnap_visitor
    assert not any(n.endswith(("quickconnect.to", "myqnapcloud.com")) for n in syno_visitor | qnap_visitor)
    nas = {p.qname for p in hosts[SYNO_NAS]}
    assert {"checkip.synology.com", "update7.synology.com", "global.download.synology.com"} <= nas
    assert any(n.endswith(".quickconnect.to") for n in nas)
    # Nobody else reads the vendors' sites.
    others = {p.dst for p in answers if p.qname in ("www.synology.com", "www.qnap.com")}
    assert others == {SYNO_VISITOR, QNAP_VISITOR}


def test_other_date_gives_that_dates_qsnatch_names():
    day = DEFAULT_DATE.replace(day=20)
    office = build_office(minutes=20, date=day)
    names = set(generate("qsnatch", day, variant="a"))
    asked = {e.qname for e in office.exchanges if e.client == QNAP_NAS and e.rcode == "NXDOMAIN"}
    assert asked and asked <= names
