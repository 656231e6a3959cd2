"""The published archive through the real suricata-update 1.3.4 into a real Suricata.

Everything suricata-update owns is private to the test (``-D`` state and
cache, ``-c`` its config, ``-o`` the output) and its one source is the
archive on disk, so nothing is fetched.  The Suricata side is Debian's own
``/etc/suricata/suricata.yaml``, read only: that is "system mode", whose
data directory ``/var/lib/suricata/data`` does not exist on a stock
Debian 12, exactly the setup where a ``state`` dataset failed the test step
(issue 17).  Suricata 8 (``tools/suricata8``) runs the same flow when its
tree is present.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml
from dnsguard.feeds.export import write_suricata_export
from dnsguard.feeds.indicators import Indicator
from dnsguard.suricata import package, refresh
from dnsguard.suricata.archive import ArchiveError, check_members, pack_tarball, unpack_tarball
from suricata_support import (
    PACK,
    T0,
    Exchange,
    read_alerts,
    require_suricata,
    suricata_major,
    write_traffic,
)

SYSTEM_CONF = Path("/etc/suricata/suricata.yaml")
SURICATA8 = Path("/opt/dnsguard-suricata8/wrapper/suricata")
LISTED = "merged-c2.example"
NOW = 1_800_000_000.0


def _indicators(*names: str) -> list[Indicator]:
    return [Indicator(n, "domain", "AsyncRAT", "c2", 90, ("test",), NOW, NOW, None) for n in names]


def _suricata_update() -> str:
    path = shutil.which("suricata-update")
    assert path, "suricata-update is not installed"
    return path


class Updater:
    """suricata-update with private state, config and output; one local source."""

    def __init__(self, root: Path, suricata: str, conf: Path = SYSTEM_CONF):
        self.root = root
        self.data, self.out = root / "su-data", root / "su-out"
        self.config = root / "update.yaml"
        self.config.write_text("{}\n")
        self.data.mkdir(exist_ok=True)
        self.suricata, self.conf = suricata, conf

    @property
    def common(self) -> list[str]:
        return [_suricata_update(), "-D", str(self.data), "-c", str(self.config)]

    def add_source(self, archive: Path) -> None:
        run = subprocess.run([*self.common, "add-source", "dnsguard", archive.as_uri()],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stdout + run.stderr

    @property
    def command(self) -> list[str]:
        return [*self.common, "--suricata-conf", str(self.conf), "--suricata", self.suricata,
                "-o", str(self.out), "--no-reload"]

    def update(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.command, "--now", *extra], capture_output=True, text=True, timeout=600)


def _replace(archive: Path, blob: bytes) -> None:
    """Publish other bytes as the archive, with their ``.md5`` as a server would."""
    archive.write_bytes(blob)
    Path(f"{archive}.md5").write_text(hashlib.md5(blob).hexdigest() + "\n")


def _installed(out: Path) -> dict[str, bytes]:
    """The merged rules and the datasets suricata-update installed."""
    files = {"suricata.rules": (out / "suricata.rules").read_bytes()}
    files.update({f"datasets/{p.name}": p.read_bytes() for p in sorted((out / "datasets").glob("*"))})
    return files


def _check_install(out: Path, listed: list[str]) -> str:
    """The merged rules carry the pack (no Lua, verdict set without ``state``)
    and every dataset they load, the union holding ``listed``."""
    merged = (out / "suricata.rules").read_text("utf-8")
    ours = [line for line in merged.splitlines() if 'msg:"DNSGUARD ' in line]
    pack_rules = [line for line in (PACK / "dnsguard.rules").read_text().splitlines() if line.startswith("alert ")]
    assert len(ours) == len(pack_rules) and all(line.startswith("alert ") for line in ours)  # all enabled
    assert not any("lua:" in line for line in ours)
    verdict = next(line for line in ours if "sid:9070500;" in line)
    assert ",save dnsguard-verdict.lst," in verdict and "state " not in verdict
    assert "load datasets/dnsguard-" not in merged  # rewritten to suricata-update's copies
    loads = refresh.load_targets("\n".join(ours))
    union = []
    for target in loads.values():
        installed = out / target.path
        assert installed.is_file(), target.path  # where Suricata resolves it: beside suricata.rules
        if installed.read_bytes() and target.kind == "string" and target.format == "csv":
            union.extend(base64.b64decode(x).decode() for x in installed.read_bytes().split())
    assert set(listed) <= set(union)
    assert refresh.check_installed(out) == []
    return merged


def _alerts(suricata: str, conf: Path, rules: Path, root: Path, qnames: list[str]) -> list[int]:
    """SIDs raised for one client querying ``qnames``, through the installed rules."""
    pcap, logs, data = root / "q.pcap", root / "logs", root / "sdata"
    logs.mkdir(exist_ok=True)
    data.mkdir(exist_ok=True)
    write_traffic(pcap, [Exchange(ts=T0 + i, client="10.7.0.1", qname=q) for i, q in enumerate(qnames)])
    proc = subprocess.run([suricata, "-c", str(conf), "-S", str(rules), "-l", str(logs), "--data-dir", str(data),
                           "-r", str(pcap), "-k", "none"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return sorted(a.sid for a in read_alerts(logs / "eve.json") if a.client == "10.7.0.1")


@pytest.fixture
def published(tmp_path) -> Path:
    """``feeds export`` of a store holding one C2 name: the published directory."""
    out = tmp_path / "publish"
    write_suricata_export(_indicators(LISTED), out, None, mtime=NOW)
    return out


def test_one_archive_reproducible_without_lua_and_with_filled_sets(tmp_path, published):
    archive = published / package.ARCHIVE_NAME
    assert sorted(p.name for p in published.iterdir()) == [
        "datasets", package.ARCHIVE_NAME, package.ARCHIVE_NAME + ".md5", "index.yaml"]
    blob = archive.read_bytes()
    assert (published / (package.ARCHIVE_NAME + ".md5")).read_text() == hashlib.md5(blob).hexdigest() + "\n"
    again = write_suricata_export(list(reversed(_indicators(LISTED))), tmp_path / "again", None, mtime=NOW)
    assert again.path.read_bytes() == blob  # same store, same bytes: suricata-update's .md5 check skips it
    members = unpack_tarball(blob)
    assert "rules/dnsguard.rules" in members and not any("lua" in name for name in members)
    assert base64.b64decode(members["rules/datasets/dnsguard-any.lst"]).decode() == LISTED
    assert check_members(members) == []
    entry = yaml.safe_load((published / "index.yaml").read_text())["sources"][package.SOURCE_NAME]
    assert entry["checksum"] is True and entry["sha256"] == hashlib.sha256(blob).hexdigest()
    # The package entry point builds the same archive from the exported sets.
    assert package.main([str(published), "https://rules.example.org/dnsguard-rules.tar.gz"]) == 0
    assert unpack_tarball(archive.read_bytes()) == members
    assert package.main([str(tmp_path / "nothing")]) == 2  # no sets: refused unless --allow-empty
    # The pack's own sets hold no indicator (the popular-domain set is no feed).
    assert package.main([str(tmp_path / "nothing"), "--datasets", str(PACK / "datasets")]) == 2


def test_unfit_archives_are_named(tmp_path, published):
    members = unpack_tarball((published / package.ARCHIVE_NAME).read_bytes())
    poisoned = {**members, "rules/datasets/dnsguard-c2.lst": b"merged-c2.example\n"}
    assert any("dnsguard-c2.lst: line 1" in p for p in check_members(poisoned))
    missing = {k: v for k, v in members.items() if not k.endswith("dnsguard-any.lst")}
    assert any("lacks" in p for p in check_members(missing))
    lua = {**members, "rules/x.rules": b'alert dns any any -> any any (msg:"DNSGUARD x"; lua:x.lua; sid:1;)\n'}
    assert any("Lua" in p for p in check_members(lua))
    with pytest.raises(ArchiveError):
        package.publish(poisoned, tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    (tmp_path / "empty.tar.gz").write_bytes(b"")
    assert refresh.check_archive(tmp_path / "empty.tar.gz")
    (tmp_path / "rulesless.tar.gz").write_bytes(pack_tarball({"README": b"x\n"}, 0))
    assert refresh.check_archive(tmp_path / "rulesless.tar.gz")


def _install_and_detect(tmp_path: Path, published: Path, suricata: str, conf: Path, v8: bool = False) -> None:
    up = Updater(tmp_path, suricata, conf)
    up.add_source(published / package.ARCHIVE_NAME)
    run = up.update("--fail")
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert "Testing with suricata -T" in log and "Suricata test failed" not in log
    _check_install(up.out, [LISTED])
    sids = _alerts(suricata, conf, up.out / "suricata.rules", tmp_path, [LISTED, f"cdn.{LISTED}", "benign.example"])
    if not v8:
        assert sids == [9_070_100, 9_070_102]
        return
    # 8.0: the JSON-set twins (SID + 10), the listed name's line in the alert (issue 17 item 3).
    assert sids == [9_070_110, 9_070_112]
    contexts = [json.loads(line)["alert"].get("context") for line in (tmp_path / "logs" / "eve.json").open()
                if '"event_type":"alert"' in line]
    assert contexts == [{"dnsguard": {"domain": LISTED, "family": "AsyncRAT", "threat": "c2",
                                      "confidence": 90, "source": "test"}}] * 2


def test_suricata7_stock_debian_add_source_update_and_alert(tmp_path, published):
    """On a stock Debian 12 (system config, no /var/lib/suricata/data) the test step passes."""
    suricata = require_suricata()
    assert SYSTEM_CONF.exists()
    _install_and_detect(tmp_path, published, suricata, SYSTEM_CONF, v8=suricata_major() >= 8)  # 8.0 first on PATH


@pytest.mark.suricata8
def test_suricata8_add_source_update_and_alert(tmp_path, published):
    """The same archive on Suricata 8.0 (its own /etc/suricata/suricata.yaml inside the tree)."""
    assert Path("/opt/dnsguard-suricata8/tree/tmp", tmp_path.relative_to("/tmp")).exists(), "the Suricata 8 tree does not see /tmp (tools/suricata8/setup.sh mounts it)"
    _install_and_detect(tmp_path, published, str(SURICATA8), SYSTEM_CONF, v8=True)


def test_poisoned_archive_leaves_installed_rules_intact(tmp_path, published):
    """suricata-update's own guard: its test step fails and it restores the last good rules."""
    suricata = require_suricata()
    up = Updater(tmp_path, suricata)
    archive = published / package.ARCHIVE_NAME
    up.add_source(archive)
    assert up.update().returncode == 0
    good = _installed(up.out)
    members = unpack_tarball(archive.read_bytes())
    # The union set: loaded on 7.x and 8.0 alike (8.0 reads the per-type sets as JSON lines).
    members["rules/datasets/dnsguard-any.lst"] = b"not base64 at all\n"
    _replace(archive, pack_tarball(members, 1))
    # suricata-update 1.3.4 sees only rule files: datasets alone changed, it
    # writes them untested ("No changes detected").  --force makes it test.
    run = up.update("--force")
    assert run.returncode == 1 and "Suricata test failed" in run.stdout + run.stderr
    assert _installed(up.out) == good
    lax = up.update()  # without --force: the poisoned set is written, untested
    assert lax.returncode == 0 and "No changes detected" in lax.stdout + lax.stderr
    assert any("not a valid string entry" in p for p in refresh.check_installed(up.out))


class Recorder:
    """The refresh's command runner: runs suricata-update for real, records the rest."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def __call__(self, argv):
        self.calls.append(list(argv))
        if "suricata-update" in Path(argv[0]).name:
            return subprocess.run(list(argv), capture_output=True, timeout=600).returncode
        return 0

    def ran_update(self) -> bool:
        return any("suricata-update" in Path(c[0]).name for c in self.calls)


def test_refresh_installs_new_feeds_and_keeps_last_good_rules_on_any_failure(tmp_path, published):
    suricata = require_suricata()
    up = Updater(tmp_path, suricata)
    archive = published / package.ARCHIVE_NAME
    up.add_source(archive)
    settings = refresh.RefreshSettings(publish_dir=published, rules_dir=up.out, suricata_update=tuple(up.command),
                                       reload=("reload-suricata",), update_feeds=False, export=False)
    rec = Recorder()
    first = refresh.refresh(settings, rec)
    assert first.ok and first.installed and rec.calls[-1] == ["reload-suricata"], first.steps
    assert refresh.refresh(settings, rec).installed is False  # unchanged: no reload
    # New feed data: installed and reloaded.
    write_suricata_export(_indicators(LISTED, "second-c2.example"), published, None, mtime=NOW + 1)
    rec = Recorder()
    assert refresh.refresh(settings, rec).installed and rec.calls[-1] == ["reload-suricata"]
    good = _installed(up.out)
    _check_install(up.out, [LISTED, "second-c2.example"])

    # An empty file, an archive without rules, a poisoned set: refused before suricata-update.
    members = unpack_tarball(archive.read_bytes())
    for bad in (b"", pack_tarball({"rules/README": b"x\n"}, 0),
                pack_tarball({**members, "rules/datasets/dnsguard-any.lst": b"%%%\n"}, 0)):
        _replace(archive, bad)
        rec = Recorder()
        outcome = refresh.refresh(settings, rec)
        assert not outcome.ok and not rec.ran_update() and "archive refused" in outcome.steps[-1]
        assert _installed(up.out) == good

    # suricata-update succeeds but drops the pack (here: disable.conf): restored, no reload.
    _replace(archive, pack_tarball(members, 5))
    disable = tmp_path / "disable.conf"
    disable.write_text("re:DNSGUARD\n")
    drop = refresh.RefreshSettings(**{**settings.__dict__,
                                      "suricata_update": (*up.command, "--disable-conf", str(disable))})
    rec = Recorder()
    outcome = refresh.refresh(drop, rec)
    assert not outcome.ok and rec.ran_update() and ["reload-suricata"] not in rec.calls
    assert "previous rules restored" in outcome.steps[-1]
    assert _installed(up.out) == good

    # The export refusing (exit 2): nothing else runs.
    rec = Recorder()
    refusing = refresh.RefreshSettings(**{**settings.__dict__, "export": True, "dnsguard": ("false",)})
    outcome = refresh.refresh(refusing, lambda argv: 2 if argv[0] == "false" else rec(argv))
    assert not outcome.ok and not rec.ran_update()
    assert _installed(up.out) == good


def test_refresh_systemd_units_run_the_refresh():
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    service = (deploy / "dnsguard-rules-update.service").read_text()
    timer = (deploy / "dnsguard-rules-update.timer").read_text()
    assert "dnsguard.suricata.refresh" in service and "Type=oneshot" in service
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    assert "Unit=dnsguard-rules-update.service" in timer


def test_archive_contains_pack_datasets_for_sets_nobody_exports(tmp_path):
    """A rule loading a set the export does not produce ships the pack's own file."""
    pack = tmp_path / "pack"
    shutil.copytree(PACK, pack)
    (pack / "extra.rules").write_text(
        'alert dns any any -> any any (msg:"DNSGUARD TEST extra"; dns.query; '
        'dataset:isset,dnsguard-extra,type string,load datasets/dnsguard-extra.lst; sid:9079999; rev:1;)\n')
    (pack / "datasets" / "dnsguard-extra.lst").write_bytes(base64.b64encode(b"x.example") + b"\n")
    info = write_suricata_export(_indicators(LISTED), tmp_path / "out", pack, mtime=NOW)
    with tarfile.open(info.path) as tar:
        assert tar.extractfile("rules/datasets/dnsguard-extra.lst").read() == base64.b64encode(b"x.example") + b"\n"


def test_dnsguard_suricata_test_command(tmp_path, capsys):
    import argparse

    from dnsguard.suricata import cli

    args = argparse.Namespace(rules_dir=None, lua=True)
    assert cli.cmd_test(args, {"suricata": {"binary": "suricata", "rules_dir": ""}}) == 0
    broken = tmp_path / "pack"
    shutil.copytree(PACK, broken)
    (broken / "datasets" / "dnsguard-any.lst").write_text("%%%\n")  # loaded on 7.x and 8.0
    args = argparse.Namespace(rules_dir=str(broken), lua=False)
    assert cli.cmd_test(args, {}) == cli.EXIT_ERROR
    assert "dnsguard-any" in capsys.readouterr().err


def test_security_onion_mode_unpacks_datasets_beside_rulecats_rules(tmp_path, published):
    """On a Security Onion manager rulecat installs the rules only: the refresh
    puts the datasets where the merged all.rules loads them from, and
    Suricata accepts rules plus datasets laid out that way."""
    suri = tmp_path / "opt-so-rules-nids-suri"  # /opt/so/rules/nids/suri on the manager
    settings = refresh.RefreshSettings(publish_dir=published, rules_dir=tmp_path / "unused", suricata_update=(),
                                       reload=(), update_feeds=False, export=False, datasets_dir=suri / "datasets")
    rec = Recorder()
    outcome = refresh.refresh(settings, rec)
    assert outcome.ok and rec.calls == [], outcome.steps
    members = unpack_tarball((published / package.ARCHIVE_NAME).read_bytes())
    for name, content in members.items():
        if name.startswith("rules/datasets/"):
            assert (suri / "datasets" / name.rsplit("/", 1)[1]).read_bytes() == content
    # What idstools-rulecat --merged writes: the rule lines as the archive has them.
    (suri / "all.rules").write_bytes(members["rules/dnsguard.rules"])
    suricata = require_suricata()
    proc = subprocess.run([suricata, "-T", "-c", str(SYSTEM_CONF), "-S", str(suri / "all.rules"), "-l", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
