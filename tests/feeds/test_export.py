"""Exports a real Suricata accepts and a Zeek intel file checked field by field."""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
import shutil
import subprocess
import tarfile

import yaml
from dnsguard.feeds.export import (
    ZEEK_FIELDS,
    dataset_paths_in_rules,
    suricata_datasets,
    write_suricata_export,
    write_zeek_intel,
)
from dnsguard.feeds.formats.zeek import parse_zeek_intel
from dnsguard.feeds.indicators import Indicator
from dnsguard.names import Name, normalize
from dnsguard.paths import pack_root

NOW = 1_800_000_000.0
SURICATA = shutil.which("suricata") or "/usr/bin/suricata"

INDICATORS = [
    Indicator("update-check.invoice-portal.test", "domain", "Emotet", "iab", 100, ("threatfox",), NOW, NOW, None),
    Indicator("panel.asyncrat-c2.test", "domain", "AsyncRAT", "c2", 75, ("threatfox", "urlhaus"), NOW, NOW, None),
    Indicator("bots.mirai-loader.test", "domain", "Mirai", "botnet", 50, ("threatfox",), NOW, NOW, None),
    Indicator("qsn7ab.test", "domain", "QSnatch", "dga", 95, ("dga-forecast",), NOW, NOW, None),
    Indicator("secure-login.bank-verify.test", "domain", "unknown", "phishing", 70, ("misp",), NOW, NOW, None),
    Indicator("45.61.136.30", "ipv4", "QakBot", "iab", 90, ("feodo",), NOW, NOW, None),
    Indicator("45.61.136.4", "ipv4", "Dridex", "iab", 90, ("feodo",), NOW, NOW, None),
    Indicator("2a00:1450:4001::5", "ipv6", "unknown", "c2", 60, ("stix",), NOW, NOW, None),
    Indicator("tab.test", "domain", "Bad\tFamily;x", "c2", 60, ("evil\nsource",), NOW, NOW, None),
]  # fmt: skip

DESC = re.compile(r"^family=[^;\t]+;threat=(c2|iab|botnet|dga|phishing);confidence=(\d{1,3})$")


def check_zeek_intel(text: str) -> list[list[str]]:
    """Strict reading of the Zeek Intel input format; returns the data rows."""
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert lines[0] == "#fields\t" + "\t".join(ZEEK_FIELDS)
    rows = []
    for line in lines[1:]:
        assert not line.startswith("#") and "\r" not in line
        cols = line.split("\t")
        assert len(cols) == len(ZEEK_FIELDS), line
        assert all(cols), f"empty field in {line!r} (Zeek wants '-')"
        indicator, kind, source, desc, notice = cols
        if kind == "Intel::DOMAIN":
            parsed = normalize(indicator)
            assert isinstance(parsed, Name) and parsed.fqdn == indicator and parsed.registered
        else:
            assert kind == "Intel::ADDR"
            assert str(ipaddress.ip_address(indicator)) == indicator
        assert source.startswith("dnsguard")
        match = DESC.match(desc)
        assert match and 0 <= int(match.group(2)) <= 100, desc
        assert notice in ("T", "F")
        rows.append(cols)
    return rows


def test_zeek_intel_is_strictly_valid_and_round_trips(tmp_path):
    path = tmp_path / "zeek" / "dnsguard.intel"
    assert write_zeek_intel(INDICATORS, path) == len(INDICATORS)
    text = path.read_text("utf-8")
    rows = check_zeek_intel(text)
    by_value = {r[0]: r for r in rows}
    assert by_value["update-check.invoice-portal.test"][1:] == [
        "Intel::DOMAIN", "dnsguard:threatfox", "family=Emotet;threat=iab;confidence=100", "T"
    ]  # fmt: skip
    assert by_value["45.61.136.30"][1] == "Intel::ADDR" and by_value["2a00:1450:4001::5"][1] == "Intel::ADDR"
    assert by_value["panel.asyncrat-c2.test"][2] == "dnsguard:threatfox,urlhaus"
    assert by_value["tab.test"][3] == "family=Bad Family,x;threat=c2;confidence=60"
    assert by_value["tab.test"][2] == "dnsguard:evil source"
    back = parse_zeek_intel(text.encode())
    assert {(r.value, r.family, r.threat, r.confidence) for r in back.records} >= {
        ("update-check.invoice-portal.test", "Emotet", "iab", 100), ("45.61.136.4", "Dridex", "iab", 90)
    }  # fmt: skip
    # unchanged store, byte-identical file
    write_zeek_intel(list(reversed(INDICATORS)), path)
    assert path.read_text("utf-8") == text


def test_suricata_dataset_contents():
    files = suricata_datasets(INDICATORS)
    assert sorted(files) == [
        "dnsguard-any.lst", "dnsguard-botnet.json", "dnsguard-botnet.lst", "dnsguard-c2-ip.lst", "dnsguard-c2.json",
        "dnsguard-c2.lst", "dnsguard-dga.json", "dnsguard-dga.lst", "dnsguard-iab.json", "dnsguard-iab.lst",
    ]  # fmt: skip
    # Suricata 8's sets: one JSON line per name, what the alert will carry (issue 17 item 3);
    # a feed's tab or newline stays escaped inside its line.
    assert [json.loads(line) for line in files["dnsguard-c2.json"].splitlines()] == [
        {"domain": "panel.asyncrat-c2.test", "family": "AsyncRAT", "threat": "c2", "confidence": 75,
         "source": "threatfox,urlhaus"},
        {"domain": "tab.test", "family": "Bad\tFamily;x", "threat": "c2", "confidence": 60, "source": "evil\nsource"},
    ]
    assert json.loads(files["dnsguard-dga.json"]) == {
        "domain": "qsn7ab.test", "family": "QSnatch", "threat": "dga", "confidence": 95, "source": "dga-forecast"}
    assert b"bank-verify" not in b"".join(v for k, v in files.items() if k.endswith(".json"))
    decode = lambda name: [base64.b64decode(line).decode() for line in files[name].decode().split()]  # noqa: E731
    assert decode("dnsguard-iab.lst") == ["update-check.invoice-portal.test"]
    assert decode("dnsguard-c2.lst") == ["panel.asyncrat-c2.test", "tab.test"]
    assert decode("dnsguard-botnet.lst") == ["bots.mirai-loader.test"]
    assert decode("dnsguard-dga.lst") == ["qsn7ab.test"]
    assert decode("dnsguard-any.lst") == sorted(  # the union the pack's gate rules look up
        decode("dnsguard-iab.lst") + decode("dnsguard-c2.lst") + decode("dnsguard-botnet.lst") + decode("dnsguard-dga.lst"))
    assert files["dnsguard-c2-ip.lst"] == b"45.61.136.4\n45.61.136.30\n"  # numeric order, IPv4 only
    string_sets = [c for name, c in files.items() if name != "dnsguard-c2-ip.lst" and name.endswith(".lst")]
    assert all(b"bank-verify" not in base64.b64decode(line) for c in string_sets for line in c.split())


TEST_RULES = """\
alert dns any any -> any any (msg:"dnsguard c2"; dns.query; dataset:isset,dnsguard-c2,type string,load datasets/dnsguard-c2.lst; sid:9900001; rev:1;)
alert dns any any -> any any (msg:"dnsguard iab"; dns.query; dataset:isset,dnsguard-iab,type string,load datasets/dnsguard-iab.lst; sid:9900002; rev:1;)
alert dns any any -> any any (msg:"dnsguard botnet"; dns.query; dataset:isset,dnsguard-botnet,type string,load datasets/dnsguard-botnet.lst; sid:9900003; rev:1;)
alert dns any any -> any any (msg:"dnsguard dga"; dns.query; dataset:isset,dnsguard-dga,type string,load datasets/dnsguard-dga.lst; sid:9900004; rev:1;)
alert ip any any -> any any (msg:"dnsguard c2 ip"; ip.dst; dataset:isset,dnsguard-c2-ip,type ipv4,load datasets/dnsguard-c2-ip.lst; sid:9900005; rev:1;)
"""


def suricata_test(rule_dir, rule_files, tmp_path, data_dir=None):
    config = tmp_path / "suricata.yaml"
    config.write_text(
        "%YAML 1.1\n---\n"
        + yaml.safe_dump({
            "default-rule-path": str(rule_dir), "rule-files": rule_files, "default-log-dir": str(tmp_path),
            "vars": {"address-groups": {"HOME_NET": "[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16]",
                                        "EXTERNAL_NET": "!$HOME_NET", "DNS_SERVERS": "$HOME_NET"},
                     "port-groups": {"DNS_PORTS": "53"}},
        })  # fmt: skip
    )
    extra = []
    if data_dir is not None:
        data_dir.mkdir(exist_ok=True)
        extra = ["--data-dir", str(data_dir)]
    return subprocess.run(
        [SURICATA, "-T", "-c", str(config), "-l", str(tmp_path), *extra],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip


def test_suricata_accepts_the_exported_datasets(tmp_path):
    out = tmp_path / "suricata"
    write_suricata_export(INDICATORS, out, rules_dir=None, mtime=NOW)
    (out / "dnsguard-test.rules").write_text(TEST_RULES)
    run = suricata_test(out, ["dnsguard-test.rules"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "5 rules successfully loaded, 0 rules failed" in run.stdout + run.stderr


def test_suricata_rejects_a_damaged_dataset(tmp_path):
    """The check above can fail: a plain-text line in a string set is refused."""
    out = tmp_path / "suricata"
    write_suricata_export(INDICATORS, out, rules_dir=None, mtime=NOW)
    (out / "datasets" / "dnsguard-c2.lst").write_text("panel.asyncrat-c2.test\n")
    (out / "dnsguard-test.rules").write_text(TEST_RULES)
    run = suricata_test(out, ["dnsguard-test.rules"], tmp_path)
    assert run.returncode != 0 and "bad base64" in run.stdout + run.stderr


def test_suricata_update_archive_carries_rules_datasets_and_checksum(tmp_path):
    """The published archive (dnsguard-rules.tar.gz): the pack's rules plus any
    other rule file beside them, every dataset where the rules load it, no Lua."""
    rules = tmp_path / "pack-rules"
    shutil.copytree(pack_root() / "suricata-rules", rules, ignore=shutil.ignore_patterns("*.md"))
    (rules / "dnsguard-feeds.rules").write_text(TEST_RULES)
    (rules / "other.rules").write_text("# no datasets here\n")
    (rules / "README.md").write_text("not a rule file\n")
    out = tmp_path / "export"
    url = "https://pack.example.org/dnsguard-rules.tar.gz"
    info = write_suricata_export(INDICATORS, out, rules, archive_url=url, mtime=NOW)
    data = info.path.read_bytes()
    assert info.path.name == "dnsguard-rules.tar.gz"
    assert int.from_bytes(data[4:8], "little") == int(NOW)  # gzip header time is the export's, not the clock's
    assert (out / "dnsguard-rules.tar.gz.md5").read_text() == hashlib.md5(data).hexdigest() + "\n"
    index = yaml.safe_load((out / "index.yaml").read_text())
    entry = index["sources"]["dnsguard/rules"]
    assert entry["url"] == url and entry["checksum"] is True
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    with tarfile.open(info.path) as tar:
        names = sorted(tar.getnames())
        assert names == sorted(info.members)
        assert names == [
            "rules/datasets/dnsguard-any.lst", "rules/datasets/dnsguard-botnet.json",
            "rules/datasets/dnsguard-botnet.lst", "rules/datasets/dnsguard-c2-ip.lst", "rules/datasets/dnsguard-c2.json",
            "rules/datasets/dnsguard-c2.lst", "rules/datasets/dnsguard-dga.json", "rules/datasets/dnsguard-dga.lst",
            "rules/datasets/dnsguard-iab.json", "rules/datasets/dnsguard-iab.lst", "rules/datasets/dnsguard-popular.lst",
            "rules/dnsguard-feeds.rules", "rules/dnsguard.rules", "rules/other.rules",
        ]  # fmt: skip  (no dnsguard-lua.rules, no .lua: suricata-update installs no scripts)
        extract = tmp_path / "unpacked"
        tar.extractall(extract, filter="data")
    # what suricata-update would install: Suricata accepts it as is
    run = suricata_test(extract / "rules", ["dnsguard-feeds.rules", "other.rules"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    # same store, same bytes (suricata-update's md5 check then skips the download)
    again = write_suricata_export(list(reversed(INDICATORS)), tmp_path / "again", rules, mtime=NOW)
    assert again.md5 == info.md5


def test_datasets_go_where_the_rules_load_them():
    rules = 'alert dns any any -> any any (dns.query; dataset:isset,dnsguard-c2, type string, load dnsguard-c2.lst; sid:1;)'
    assert dataset_paths_in_rules(rules) == {"dnsguard-c2.lst": "dnsguard-c2.lst"}


def test_archive_with_the_packs_own_rules_passes_suricata(tmp_path):
    """The real pack (suricata-rules/): its rules load our datasets from the archive."""
    rules_dir = pack_root() / "suricata-rules"
    rule_files = sorted(p.name for p in rules_dir.glob("*.rules") if "lua" not in p.name)
    assert rule_files, "the pack has no rules to test against"
    info = write_suricata_export(INDICATORS, tmp_path / "export", rules_dir, mtime=NOW)
    extract = tmp_path / "unpacked"
    with tarfile.open(info.path) as tar:
        tar.extractall(extract, filter="data")
    loads = set()
    for name in rule_files:
        loads |= set(dataset_paths_in_rules((rules_dir / name).read_text()).values())
    for written in loads:
        assert (extract / "rules" / written).is_file(), written
    run = suricata_test(extract / "rules", rule_files, tmp_path, data_dir=tmp_path / "data")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "0 rules failed" in run.stdout + run.stderr


def test_a_name_under_two_threats_is_in_both_sets_and_once_in_the_union():
    from binascii import b2a_base64

    from dnsguard.feeds.export import suricata_datasets
    from dnsguard.feeds.indicators import Indicator

    both = [Indicator("b.test", "domain", threat="c2"), Indicator("b.test", "domain", threat="dga"),
            Indicator("a.test", "domain", threat="dga"), Indicator("c.test", "domain", threat="phishing")]  # fmt: skip
    files = suricata_datasets(both)
    line = {v: b2a_base64(v.encode(), newline=True) for v in ("a.test", "b.test")}
    assert files["dnsguard-c2.lst"] == line["b.test"]
    assert files["dnsguard-dga.lst"] == line["a.test"] + line["b.test"]
    assert files["dnsguard-any.lst"] == line["a.test"] + line["b.test"]
    assert files["dnsguard-iab.lst"] == files["dnsguard-botnet.lst"] == b""
