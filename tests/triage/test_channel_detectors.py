"""The tunnel and DNS-C2 building blocks as pure functions (issue 15):
lexical tests on raw labels, query types, data-carrying answers, the three
channel detections, tool identification, raw names, fast flux versus a
dnscat2 A answer, and how analyze turns them into a verdict."""

from __future__ import annotations

from collections import Counter

import pytest
from dnsguard.analyze import Analyzer, judge, major_alert
from dnsguard.config import AnalysisSettings, load_config
from dnsguard.detect.answers import DataAnswersDetector, answer_data
from dnsguard.detect.channel import (
    BeaconDetector,
    ChannelDetector,
    ChannelName,
    RotationDetector,
    reversed_ipv4,
)
from dnsguard.detect.encoding import label_encoding, name_encoding, shannon_entropy
from dnsguard.detect.fastflux import FastFluxDetector, FluxSettings
from dnsguard.detect.qtypes import DEFAULT_DATA_QTYPES, qtype_label, qtype_number
from dnsguard.detect.tools import UNKNOWN_TOOL, ChannelProfile, identify, roguerobin_label
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.names import split_raw
from dnsguard.records import DnsRecord, SensorAlert
from hypothesis import given, settings
from hypothesis import strategies as st

# ------------------------------------------------------------------ lexical tests


@pytest.mark.parametrize("label,expected", [
    ("1eabaenpjygi6m7aabbxw++70midbvvffg169m8d3z7sadjhageysateah5emu", "raw"),  # iodine base64 upload
    ("zir2aa-aaahhh-drink-mal-ein-j\xe4germeister-", "raw"),  # iodine's 8-bit case check
    ("ab\\xe4cd", "raw"),  # an escape left in the text (EVE)
    ("dGhpcyBpcyBkYXRh==", "raw"),  # dns2tcp padding
    ("ec38010f85c0ceaf43240b00c85aaac014", "hex"),  # dnscat2 MSG
    ("dcikhhikiirkikqkjjekiknkpjekojekooclllmmkl", "nibble_letters"),  # RogueRobin .NET
    ("dcikhhiijjivnknpndnqololockikhockhockhocki-2c", "nibble_letters"),  # with its counter suffix
    ("102-12039-411-ls0tls1crudjtibpuevou1niifbssvzbveugs0vzl", "base36"),  # RogueRobin PowerShell framing
    ("dxlbbbbo0g46emoiphsd4uqmii2nbh46", "base36"),  # Saitama
    ("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpi", "base32"),
])
def test_encoded_labels(label, expected):
    assert label_encoding(label) == expected


@pytest.mark.parametrize("label", [
    "www", "googletagmanager", "connectivitycheck", "lucernepublishing", "microsoftonlineservices",
    "xohlbfalakacbvbinhmj",  # a Chrome probe: random letters, no pairs
    "deadbeefcafebabe",  # 16 hex letters, no digit: a word-like hex string
    "1234567890123456",  # digits only: a phone number, an id
    "s1", "_domainkey", "selector1-contoso-com", "autodiscover",
])
def test_ordinary_labels_are_not_encoded(label):
    assert label_encoding(label) is None


def test_a_name_is_encoded_when_one_label_is_and_the_strongest_wins():
    assert name_encoding(("ec38010f85c0ceaf43240b00c85aaac014", "git")) == "hex"
    assert name_encoding(("mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpi", "a+b")) == "raw"
    assert name_encoding(("www", "static")) is None


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_label_encoding_never_raises_and_returns_a_known_test(text):
    assert label_encoding(text) in (None, "raw", "hex", "nibble_letters", "base32", "base36")


@given(st.text(alphabet="0123456789abcdef", min_size=16, max_size=63))
def test_hex_needs_a_digit_and_a_letter(label):
    found = label_encoding(label)
    mixed = any(c.isdigit() for c in label) and any(c.isalpha() for c in label)
    assert (found == "hex") == mixed


@given(st.text(alphabet=st.characters(codec="ascii"), min_size=1, max_size=40))
def test_a_byte_no_host_name_has_is_raw(label):
    odd = any(not (c.isalnum() or c in "_-") for c in label.lower())
    assert (label_encoding(label) == "raw") == odd


def test_entropy():
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == pytest.approx(2.0)


# ------------------------------------------------------------------ raw names and query types


def test_raw_names_keep_their_labels_and_find_the_registered_domain():
    raw = split_raw("1eab+70/mid==.Q.hacker-iodine.com.")
    assert raw is not None and raw.registered == "hacker-iodine.com" and raw.labels == ("1eab+70/mid==", "q")
    assert split_raw("x\xe4.evil.co.uk").registered == "evil.co.uk"
    assert split_raw("evil.com") is None  # no subdomain
    assert split_raw("a+b.c+d") is None  # no valid registered domain on the right
    assert split_raw("x" * 2000) is None


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_split_raw_never_raises(text):
    raw = split_raw(text)
    assert raw is None or (raw.labels and raw.registered)


def test_qtypes():
    assert [qtype_number(x) for x in ("TXT", "16", "query-65399", "TYPE65399", "NULL", "", "-", "bogus", None)] == \
        [16, 16, 65399, 65399, 10, None, None, None, None]
    assert qtype_label(65399) == "TYPE65399" and qtype_label(10) == "NULL" and qtype_label(None) == ""
    carries = DEFAULT_DATA_QTYPES.carries_data
    assert all(carries(q) for q in (5, 6, 10, 15, 16, 33, 65399, 65280, 300))
    assert not any(carries(q) for q in (1, 28, 12, 65, 64, 255, None))


# ------------------------------------------------------------------ data-carrying answers


def test_answers_that_carry_data():
    assert answer_data("70.109.111.114") == "printable-a"  # Saitama: "Fmor"
    assert answer_data("192.168.5.5") is None
    assert answer_data("4a47:5a70:6247:5645:6233:6475:6247:3968") == "printable-aaaa"
    assert answer_data("6a6c:6e6e:6e71:6e63:6e6c:6e6e:6e71::") == "printable-aaaa"  # zero padding
    assert answer_data("2600:1417:3::5f64:aa31") is None
    assert answer_data("TXT 34 dca8010f85018623d0bfd3ffff840e95c5") == "encoded-txt"
    assert answer_data("TXT 2 ok") is None
    assert answer_data("a618010f85851ec987c499ffff840e95c5.hacker-dnscat.com") == "encoded-name"
    assert answer_data("download.windowsupdate.com") is None


def test_data_answers_need_several_distinct_ones_per_host():
    det = DataAnswersDetector(4)
    for i, a in enumerate(("70.109.111.114", "72.95.75.101", "121.115.92.69")):
        det.observe("h", float(i), "uber-asia.example", (a, a))
    assert det.findings() == []
    det.observe("h", 9.0, "other.example", ("68.50.53.53",))
    (found,) = det.findings()
    assert found.answers == 4 and set(found.domains) == {"uber-asia.example", "other.example"}


# ------------------------------------------------------------------ the three detections


def cname(text: str, registered: str, encoding: str | None = None, service: bool = False) -> ChannelName:
    labels = tuple(text[: -len(registered) - 1].split("."))
    return ChannelName(text, registered, labels, encoding, service, reversed_ipv4(labels))


def test_channel_needs_distinct_names_counted_across_domains():
    det = ChannelDetector(600, 8, 3)
    # 8 distinct hex names over 3 domains (3 + 3 + 2): the 2-name domain does not count yet.
    for i in range(8):
        dom = f"c2-{i % 3}.example"
        det.observe("h", float(i), cname(f"{i:040x}.{dom}", dom, "hex"), "TXT")
    assert det.findings() == []
    found = det.observe("h", 8.0, cname(f"{99:040x}.c2-2.example", "c2-2.example", "hex"), "TXT")
    assert found is not None and found.names == 9 and len(found.domains) == 3
    assert found.encodings["hex"] == 9 and found.qtypes["TXT"] == 9


def test_channel_ignores_repeats_and_slow_names():
    det = ChannelDetector(600, 8, 3)
    for i in range(50):  # the same name again and again: a service, not a tunnel
        det.observe("h", float(i), cname("a1b2c3d4e5f6a7b8c9.dev.example", "dev.example", "hex"), "TXT")
    for i in range(20):  # one new name every 11 minutes: never 8 in a window
        det.observe("g", i * 660.0, cname(f"{i:032x}.dev.example", "dev.example", "hex"), "TXT")
    assert det.findings() == []


def test_channel_finding_stays_open_then_a_new_episode():
    det = ChannelDetector(600, 8, 3)
    for i in range(10):
        det.observe("h", float(i), cname(f"{i:032x}.t.example", "t.example", "hex"), "NULL")
    for i in range(10, 15):
        det.observe("h", 100.0 + i, cname(f"{i:032x}.t.example", "t.example", "hex"), "NULL")
    for i in range(20, 30):
        det.observe("h", 5000.0 + i, cname(f"{i:032x}.t.example", "t.example", "hex"), "NULL")
    first, second = sorted(det.findings(), key=lambda f: f.start)
    assert first.names == 15 and first.end == 114.0 and second.start >= 5000


def test_rotation_needs_one_label_below_several_domains():
    det = RotationDetector(600, 4)
    for i, dom in enumerate(("0nedrive.example", "corewindows.example", "onedrive.example")):
        det.observe("h", i * 30.0, cname(f"amhonc.{dom}", dom))
        det.observe("h", i * 30.0, cname(f"www.{dom}", dom))  # common labels never count
    assert det.findings() == []
    found = det.observe("h", 100.0, cname("amhonc.sharepoint.example", "sharepoint.example"))
    assert found is not None and found.labels["amhonc"][-1] == "sharepoint.example" and found.domains == 4
    det.observe("h", 101.0, cname("amhonc.skydrive.example", "skydrive.example"))
    assert det.findings()[0].domains == 5


def test_rotation_window_and_eligibility():
    det = RotationDetector(600, 4)
    for i in range(6):  # one domain every 15 minutes: never 4 in 10 minutes
        dom = f"d{i}.example"
        det.observe("h", i * 900.0, cname(f"amhonc.{dom}", dom))
    for i in range(6):  # service labels and short labels never count
        dom = f"e{i}.example"
        det.observe("g", float(i), cname(f"_dmarc.{dom}", dom, service=True))
        det.observe("g", float(i), cname(f"ab.{dom}", dom))
    assert det.findings() == []


def test_beacon_rounds_never_answered():
    det = BeaconDetector(3600, 4, 30)
    name = cname("1r1ns5eblk.asiaworldremit.example", "asiaworldremit.example")
    for start in (0.0, 393.0, 821.0, 1252.0, 1621.0):  # Saitama's rounds, with retries
        for retry in (0.0, 1.0, 3.0, 7.0):
            det.observe("h", start + retry, name, False)
    (found,) = det.findings()
    assert found.rounds == 5 and found.name == name.text


def test_beacon_not_for_answered_or_word_like_or_retried_names():
    det = BeaconDetector(3600, 4, 30)
    answered = cname("ab12cd34ef.c2.example", "c2.example")
    for i in range(6):
        det.observe("h", i * 400.0, answered, i == 3)  # one address back: not a dead rendezvous
        det.observe("h", i * 400.0, cname("telemetry.c2.example", "c2.example"), False)  # no digits
        det.observe("h", float(i), cname("zz99yy88xx.c2.example", "c2.example"), False)  # one round of retries
    assert det.findings() == []


# ------------------------------------------------------------------ tool identification


def profile(names, qtypes, **extra) -> ChannelProfile:
    p = ChannelProfile()
    for labels, qtype in zip(names, qtypes, strict=True):
        p.add(tuple(labels), name_encoding(labels), qtype)
    for key, value in extra.items():
        setattr(p, key, value)
    return p


def test_dnscat2_and_symbiote_by_framing_and_query_types():
    frames = [[f"{i:04x}010f85{i * 7919 % 65536:04x}00c85aaac014"] for i in range(12)]
    call = identify(profile(frames, ["TXT", "CNAME", "MX"] * 4))
    assert call.family == "dnscat2" and call.confidence == "high" and call.features
    call = identify(profile(frames, ["TXT"] * 12))
    assert call.family == "Symbiote"
    symbiote = [["11111", "875486667", f"{i:060x}", "x3206"] for i in range(5)]
    assert identify(profile(symbiote, ["A"] * 5)).family == "Symbiote"


def test_iodine_rogue_robin_saitama_dns2tcp():
    iodine = [["yrbx0e"], ["ytbx0h"], ["paeacesy"], ["vaaaakarcha"], ["1eab+70mid"]]
    assert identify(profile(iodine, ["NULL", "TXT", "NULL", "NULL", "TYPE65399"])).family == "iodine"
    nibble = [["dcikhhikiirkikqkjjekiknkpjekojekooclllmmkl" + c] for c in "abcd"]
    call = identify(profile(nibble, ["TXT"] * 4, rotated_labels=1))
    assert call.family == "RogueRobin" and call.confidence == "high"
    assert identify(profile([], [], beacons=1)).family == "Saitama"
    b64 = [[f"dGhpcyBp{i}cyBkYXRh/w=="] for i in range(4)]
    assert identify(profile(b64, ["TXT"] * 4)).family == "dns2tcp"


def test_rotation_names_rogue_robin_only_with_its_labels_or_data_in_names():
    """Any client of a domain list rotates: Fosniw's DGA asks app2.winsoft<n>.com
    for n = 0, 1, 2 ... (NXDOMAIN), a rotation with no data in the names and
    no RogueRobin label.  Before 2026-12-05 that alone named RogueRobin, an
    APT tool, for a commodity DGA host."""
    assert [roguerobin_label(x) for x in ("bikc", "dcikhh-x1", "2320", "app2", "appx", "www", "")] == \
        [True, True, True, False, False, False, False]
    assert identify(profile([], [], rotated_labels=1)).family == UNKNOWN_TOOL
    call = identify(profile([], [], rotated_labels=1, rotated_own=1))
    assert call.family == "RogueRobin" and call.confidence == "medium"
    hexdata = [[f"{i:02x}9c3f1e0a7b55d2c4e8f1a6b3c9d0e7f2a4"] for i in range(4)]
    assert identify(profile(hexdata, ["TXT"] * 4, rotated_labels=2)).family == "RogueRobin"


def test_unknown_tool():
    hexes = [[f"{i:04x}a5{i * 7919:034x}"] for i in range(10)]  # hex, but no tool's framing (type a5)
    call = identify(profile(hexes, ["A"] * 10))
    assert call.family == UNKNOWN_TOOL and call.confidence == "low"


# ------------------------------------------------------------------ fast flux versus dnscat2's A answer


def test_one_answer_with_25_addresses_is_not_fast_flux():
    det = FastFluxDetector(FluxSettings())
    dnscat = tuple(f"{k + 1}.{k * 9 % 256}.{k * 17 % 256}.{k}" for k in range(25))
    det.observe("10.0.0.7", 0.0, "e4a1010f8585aaee.hacker-dnscat.example", "C1", dnscat, (1.0,) * 25)
    assert det.findings() == []
    # The same addresses answered twice (a retry) are still one address set.
    det.observe("10.0.0.7", 1.0, "e4a1010f8585aaee.hacker-dnscat.example", "C2", dnscat, (1.0,) * 25)
    assert det.findings() == []
    assert FluxSettings.from_config(load_config(None)).min_answers == 2


# ------------------------------------------------------------------ analyze: verdicts and merges


def test_judge_channel_kinds_and_major_alerts():
    for kind in ("dns-channel", "c2-rotation", "c2-beacon", "sensor-major"):
        assert judge(Counter({kind: 1}), "unknown", 5)[0] == "compromised"
    assert judge(Counter({"data-answers": 3}), "unknown", 5)[0] == "clean"
    assert major_alert({"signature_severity": ["Major"]})
    assert major_alert({"dnsguard_verdict": ["compromised"]})
    assert not major_alert({"signature_severity": ["Minor"]}) and not major_alert({})


def analyzer(popular=None) -> Analyzer:
    return Analyzer(AnalysisSettings.from_config(load_config(None)), IndicatorIndex.build([]), popular=popular)


def tunnel_records(client="10.0.0.7", domain="t.example", n=12, start=1_800_000_000.0):
    return [DnsRecord(start + i, client, f"{i:04x}010f85{i:04x}00c85aaac014.{domain}", "TXT", "NOERROR",
                      ("TXT 18 aabbccddeeff001122",), (0.0,), f"C{i}") for i in range(n)]


def test_analyze_makes_a_tunnel_host_compromised_with_its_tool():
    a = analyzer()
    for rec in tunnel_records():
        a.observe(rec)
    (host,) = a.finish()
    assert host.verdict == "compromised" and host.evidence_counts.get("dns-channel") == 1
    assert host.family.source == "tool" and host.family.family == "Symbiote"  # dnscat2 framing, TXT only
    assert host.families["Symbiote"] == "c2"


def test_popular_domains_and_raw_names():
    a = analyzer(popular=lambda d: d == "t.example")
    for rec in tunnel_records():
        a.observe(rec)
    assert a.finish()[0].verdict == "clean"
    # base64 names normalisation rejects still reach the channel, never the scorer.
    b = analyzer()
    b.scorer = lambda names: pytest.fail(f"raw names reached the DGA scorer: {names}")
    for i in range(10):
        b.observe(DnsRecord(1_800_000_000.0 + i, "10.0.0.8", f"abc{i}+x/y==.b64.example", "TXT", "NOERROR"))
    (host,) = b.finish()
    assert host.verdict == "compromised" and sum(b.rejected.values()) == 10
    assert host.family.family == "dns2tcp"


def test_a_zeek_notice_and_the_own_finding_are_one_piece_of_evidence():
    a = analyzer()
    a.observe(SensorAlert(1_800_000_005.0, "10.0.0.7", "channel", query="t.example", sensor="zeek-notice",
                          metadata={"note": ["DNSGuard::DNS_Channel"], "evidence": ["9 names"]}))
    for rec in tunnel_records():
        a.observe(rec)
    (host,) = a.finish()
    (ev,) = [e for e in host.evidence if e.kind == "dns-channel"]
    assert ev.source == "zeek, dnsguard" and "dnsguard:" in ev.detail
    assert host.evidence_counts["dns-channel"] == 1


def test_state_is_bounded_and_forgets_what_is_stale(monkeypatch):
    monkeypatch.setattr(RotationDetector, "MAX_LABELS", 10)
    monkeypatch.setattr(BeaconDetector, "MAX_NAMES", 10)
    rot, beacon = RotationDetector(600, 4), BeaconDetector(3600, 4, 30)
    for i in range(10):  # an hour of unrelated labels fills the tables
        dom = f"d{i}.example"
        rot.observe("h", float(i), cname(f"label{i}.{dom}", dom))
        beacon.observe("h", float(i), cname(f"ab12cd{i:02d}ef.{dom}", dom), False)
    name = cname("amhonc.c2-0.example", "c2-0.example")
    rot.observe("h", 5000.0, name)  # the stale labels make room
    assert ("h", "amhonc") in rot._labels
    poll = cname("1r1ns5eblk.c2.example", "c2.example")
    for start in (9000.0, 9400.0, 9800.0, 10200.0):
        beacon.observe("h", start, poll, False)
    assert [f.name for f in beacon.findings()] == [poll.text]
    det = ChannelDetector(600, 8, 3)
    monkeypatch.setattr(ChannelDetector, "MAX_RECENT", 50)
    for i in range(500):  # two names per domain: never a channel, never more than the cap
        dom = f"x{i // 2}.example"
        det.observe("h", float(i) / 100, cname(f"{i:032x}.{dom}", dom, "hex"), "TXT")
    assert len(det._hosts["h"].recent) <= 51 and det.findings() == []


def test_a_major_suricata_alert_alone_makes_a_host_compromised():
    a = analyzer()
    a.observe(SensorAlert(1_800_000_000.0, "10.0.0.9", "DNSGUARD TUNNEL iodine", 9074011, "x.t.example",
                          metadata={"signature_severity": ["Major"], "malware_family": ["iodine"]}))
    a.observe(SensorAlert(1_800_000_000.0, "10.0.0.10", "DNSGUARD DGA score", 9073001, "x.example",
                          metadata={"signature_severity": ["Minor"]}))
    verdicts = {h.host: (h.verdict, dict(h.evidence_counts)) for h in a.finish()}
    assert verdicts["10.0.0.9"] == ("compromised", {"sensor-major": 1})
    assert verdicts["10.0.0.10"] == ("suspicious", {"sensor-alert": 1})


def test_every_notice_of_the_episode_merges_into_one_piece_of_evidence():
    a = analyzer()
    for ts in (1_800_000_003.0, 1_800_000_009.0):  # Zeek raised it twice (two epochs of one episode)
        a.observe(SensorAlert(ts, "10.0.0.7", "channel", query=f"t.example {ts}", sensor="zeek-notice",
                              metadata={"note": ["DNSGuard::DNS_Channel"], "evidence": ["9 names"]}))
    a.observe(SensorAlert(1_800_090_000.0, "10.0.0.7", "channel", query="later.example", sensor="zeek-notice",
                          metadata={"note": ["DNSGuard::DNS_Channel"], "evidence": ["a day later"]}))
    for rec in tunnel_records():
        a.observe(rec)
    (host,) = a.finish()
    channel = sorted((e for e in host.evidence if e.kind == "dns-channel"), key=lambda e: e.ts)
    assert [e.source for e in channel] == ["zeek, dnsguard", "zeek"]  # the later episode stays its own
    assert host.evidence_counts["dns-channel"] == 2 and channel[0].count == 2


def test_one_owner_under_several_tlds_is_not_a_rotation():
    """Zeek's dns-edns-ecs trace: a resolver asks pdns154.ultradns.{net,biz,com,org}."""
    det = RotationDetector(600, 4)
    for i, tld in enumerate(("net", "biz", "com", "org", "info")):
        det.observe("h", float(i), cname(f"pdns154.ultradns.{tld}", f"ultradns.{tld}"))
    assert det.findings() == []


# --------------------------------------------------------------------------- c2_rotation counts unanswered names only


def test_rotation_counts_only_names_that_got_no_address():
    from dnsguard.detect.channel import rotation_counts

    a, aaaa, https, mx, txt = 1, 28, 65, 15, 16
    assert not rotation_counts(a, True, True)  # an address came back
    assert not rotation_counts(aaaa, True, False)  # empty NOERROR AAAA: an IPv4-only service
    assert not rotation_counts(https, True, False)
    assert rotation_counts(a, True, False)  # NOERROR without an address (NODATA)
    assert rotation_counts(a, False, False) and rotation_counts(aaaa, False, False)  # NXDOMAIN, SERVFAIL, no reply
    assert rotation_counts(mx, True, True) and rotation_counts(txt, True, True)  # RogueRobin's other types
    assert rotation_counts(None, False, False)
    # unknown answers (Zeek's candidates): a NOERROR answer to an address query is taken as answered
    assert not rotation_counts(a, True, None) and rotation_counts(a, False, None)


def _prod_browsing(answered: bool) -> list[DnsRecord]:
    """One host asks prod.<company> below five companies' domains in ten minutes."""
    out = []
    for i, dom in enumerate(("amazon-prod.example", "nbcuott.example", "cloud-sap.example", "cnn-tv.example",
                             "uidapi.example")):
        name = f"prod.{dom}"
        if answered:
            out.append(DnsRecord(100.0 + 60 * i, "10.0.0.5", name, "A", "NOERROR", ("192.0.2.10",), (60.0,)))
            out.append(DnsRecord(100.5 + 60 * i, "10.0.0.5", name, "AAAA", "NOERROR"))
        else:
            out.append(DnsRecord(100.0 + 60 * i, "10.0.0.5", name, "A", "SERVFAIL"))
    return out


def test_a_browsing_host_is_not_a_rotation_but_unanswered_names_are():
    settings = AnalysisSettings.from_config(load_config(None))
    for answered, expected in ((True, "clean"), (False, "compromised")):
        analyzer = Analyzer(settings, IndicatorIndex.build([]))
        for rec in _prod_browsing(answered):
            analyzer.observe(rec)
        (report,) = analyzer.finish()
        assert report.verdict == expected, answered
        assert bool(report.evidence_counts.get("c2-rotation")) is (not answered)


def test_benign_browsing_seeds_that_made_a_rotation_are_clean():
    """Before rotation counted answered names, these seeds of the recent-browsing
    capture (tools/browsing) each had one benign host called compromised for
    ``prod`` (or ``us-east-1``) asked below four to six companies' domains."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "browsing"))
    import recent_browsing

    settings = AnalysisSettings.from_config(load_config(None))
    for seed in (15, 33, 59, 66, 101, 105, 145, 171, 500):
        analyzer = Analyzer(settings, IndicatorIndex.build([]))
        for e in recent_browsing.build(seed).exchanges:
            addresses = tuple(a.value for a in e.answers if a.rtype in ("A", "AAAA"))
            analyzer.observe(DnsRecord(e.ts, e.client, e.qname, e.qtype, e.rcode, addresses))
        flagged = [(r.host, dict(r.evidence_counts)) for r in analyzer.finish() if r.evidence_counts.get("c2-rotation")]
        assert flagged == [], seed
