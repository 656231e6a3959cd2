"""The pack as a suricata-update source, merged with Debian's rules, then loaded."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
from pathlib import Path

import yaml
from dnsguard.suricata import package
from dnsguard.suricata import rules as catalogue
from suricata_support import (
    PACK,
    T0,
    Exchange,
    read_alerts,
    require_suricata,
    write_dataset,
    write_traffic,
)

SYSTEM_CONF = Path("/etc/suricata/suricata.yaml")


def _suricata_update() -> str:
    path = shutil.which("suricata-update")
    assert path, "suricata-update is not installed"
    return path


def test_tarball_is_reproducible_and_complete(tmp_path):
    a = package.build_source(PACK, tmp_path / "a")
    b = package.build_source(PACK, tmp_path / "b")
    assert a.md5 == b.md5 and a.tarball.read_bytes() == b.tarball.read_bytes()
    assert a.md5_file.read_text().strip() == hashlib.md5(a.tarball.read_bytes()).hexdigest()
    with tarfile.open(a.tarball) as tar:
        names = set(tar.getnames())
    assert "rules/dnsguard.rules" in names
    assert "rules/dnsguard-lua.rules" not in names
    assert {f"rules/datasets/dnsguard-{t}.lst" for t in ("c2", "iab", "botnet", "dga", "c2-ip")} <= names
    entry = yaml.safe_load(package.index_yaml("https://example.org/x.tar.gz", a, "1.0"))
    src = entry["sources"][package.SOURCE_NAME]
    assert src["url"] == "https://example.org/x.tar.gz" and src["checksum"] is True
    assert src["sha256"] == a.sha256


def _merged_conf(tmp: Path, rules_dir: Path, data_dir: Path) -> Path:
    """Debian's suricata.yaml pointed at the output and a private data dir."""
    text = SYSTEM_CONF.read_text("utf-8")
    lines = [f"default-rule-path: {rules_dir}" if line.startswith("default-rule-path:") else line
             for line in text.splitlines()]
    conf = tmp / "suricata.yaml"
    conf.write_text("\n".join(lines) + f"\ndefault-data-dir: {data_dir}\n", "utf-8")
    return conf


def test_add_source_update_and_merged_ruleset_loads_and_alerts(tmp_path):
    suricata = require_suricata()
    update = _suricata_update()
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    write_dataset(pack / "datasets" / "dnsguard-c2.lst", ["merged-c2.example"])
    write_dataset(pack / "datasets" / "dnsguard-any.lst", ["merged-c2.example"])  # the union
    artifact = package.build_source(pack, tmp_path / "src")
    data, out, sdata = tmp_path / "data", tmp_path / "out", tmp_path / "sdata"
    for d in (data, out, sdata):
        d.mkdir()
    config = tmp_path / "update.yaml"
    config.write_text("{}\n")
    conf = _merged_conf(tmp_path, out, sdata)
    common = ["-D", str(data), "-c", str(config)]
    add = subprocess.run([update, "add-source", *common, "dnsguard", artifact.tarball.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert add.returncode == 0, add.stderr
    run = subprocess.run([update, *common, "--suricata-conf", str(conf), "--suricata", suricata,
                          "-o", str(out), "--no-reload", "--fail"],
                         capture_output=True, text=True, timeout=300)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    assert "Testing with suricata -T" in log and "Suricata test failed" not in log
    merged = (out / "suricata.rules").read_text("utf-8")
    ours = [line for line in merged.splitlines() if 'msg:"DNSGUARD' in line]
    assert len(ours) == len(catalogue.FILES["dnsguard.rules"][1]())
    assert merged.count('msg:"SURICATA ') > 300  # Debian's decoder/app-layer event rules
    assert "datasets/dnsguard-c2.lst" not in merged  # rewritten to suricata-update's copies
    assert len(list((out / "datasets").iterdir())) == 6  # four feed sets, their union, C2 IPs

    # And the merged output detects: one query for the listed name.
    pcap = tmp_path / "q.pcap"
    write_traffic(pcap, [Exchange(ts=T0, client="10.7.0.1", qname="cdn.merged-c2.example")])
    logs = tmp_path / "logs"
    logs.mkdir()
    proc = subprocess.run([suricata, "-c", str(conf), "-S", str(out / "suricata.rules"),
                           "-l", str(logs), "--data-dir", str(sdata), "-r", str(pcap), "-k", "none"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    sids = sorted(a.sid for a in read_alerts(logs / "eve.json") if a.client == "10.7.0.1")
    assert sids == [9_070_102]


def test_dnsguard_suricata_test_command(tmp_path, capsys):
    import argparse

    from dnsguard.suricata import cli

    args = argparse.Namespace(rules_dir=None, lua=True)
    assert cli.cmd_test(args, {"suricata": {"binary": "suricata", "rules_dir": ""}}) == 0
    broken = tmp_path / "pack"
    shutil.copytree(PACK, broken)
    (broken / "datasets" / "dnsguard-dga.lst").write_text("%%%\n")
    args = argparse.Namespace(rules_dir=str(broken), lua=False)
    assert cli.cmd_test(args, {}) == cli.EXIT_ERROR
    assert "dnsguard-dga" in capsys.readouterr().err
