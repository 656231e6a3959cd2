"""Refresh a sensor's dnsguard rules and keep the last good ones if anything fails.

Run by ``deploy/dnsguard-rules-update.service`` (timer): ``dnsguard feeds
update``, ``dnsguard feeds export --suricata PUBLISH_DIR`` (which writes
``dnsguard-rules.tar.gz``, the file suricata-update's ``dnsguard`` source
points at), ``suricata-update``, then a rule reload.  Each guard exists
because a step can fail in a way the next one would not notice:

* a feed failing is not fatal (the store keeps each feed's last good copy);
* the export refuses an empty or halved store and an archive that would not
  load (exit 2, nothing written), and then nothing is installed;
* the published archive is read back and checked (:func:`check_archive`)
  before suricata-update sees it: a truncated, empty or hand-poisoned file
  is refused here, because suricata-update treats a non-archive as a rules
  file with no rules and would *drop* the dnsguard rules with its test
  passing;
* suricata-update's own test step (``suricata -T`` on the merged rules)
  guards the swap, and it restores its backup when the test fails.  But
  suricata-update 1.3.4 decides "No changes detected" from the rule files
  alone: an archive whose only change is in its datasets (every feed
  refresh) gets its dataset files written with *no* test and no reload.  So
  whenever the published archive differs from the last one installed, it
  runs with ``--force``, which always tests (and restores on failure);
* after it, the installed ``suricata.rules`` must still hold the dnsguard
  rules and every dataset file they load; if not, this restores its own
  snapshot of the rules directory, and Suricata is not reloaded.

Exit status: 0 installed (or nothing changed), 1 failed with the previous
rules left in place, 2 bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dnsguard.atomic import write_atomic
from dnsguard.suricata.archive import (
    MIN_PACK_RULES,
    ArchiveError,
    check_dataset,
    check_members,
    count_lines,
    load_targets,
    unpack_tarball,
)
from dnsguard.suricata.package import ARCHIVE_NAME

log = logging.getLogger("dnsguard.rules-update")

Runner = Callable[[Sequence[str]], int]
UNION = "dnsguard-any.lst"
INSTALLED_MARKER = ".installed.sha256"
"""In the publish directory: the archive last installed (decides ``--force``)."""
MERGED = "suricata.rules"


@dataclass(frozen=True)
class RefreshSettings:
    publish_dir: Path
    """Where the export writes ``dnsguard-rules.tar.gz`` (the source's file:// URL)."""
    rules_dir: Path
    """suricata-update's output directory (``-o``; Debian: /var/lib/suricata/rules)."""
    dnsguard: tuple[str, ...] = ("dnsguard",)
    suricata_update: tuple[str, ...] = ("suricata-update",)
    reload: tuple[str, ...] = ("systemctl", "reload", "suricata")
    update_feeds: bool = True
    export: bool = True
    allow_empty: bool = False
    datasets_dir: Path | None = None
    """Also unpack the archive's datasets here (Security Onion: rulecat installs
    rules only; docs/suricata.md).  An empty ``suricata_update`` skips that step."""


@dataclass
class Outcome:
    ok: bool = True
    installed: bool = False
    steps: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        log.info("%s", text)
        self.steps.append(text)

    def fail(self, text: str) -> Outcome:
        log.error("%s", text)
        self.steps.append("FAILED: " + text)
        self.ok = False
        return self


def run_command(argv: Sequence[str]) -> int:
    """Run a step, its output going to our stdout/stderr (the journal)."""
    log.info("running: %s", shlex.join(argv))
    try:
        return subprocess.run(list(argv), check=False).returncode
    except OSError as exc:
        log.error("%s: %s", argv[0], exc)
        return 127


def check_archive(path: Path, allow_empty: bool = False) -> list[str]:
    """Why the published archive must not be installed (empty: fine)."""
    try:
        members = unpack_tarball(path.read_bytes())
    except (OSError, ArchiveError) as exc:
        return [f"{path}: {exc}"]
    problems = check_members(members)
    if not allow_empty and not problems and count_lines(members, UNION) == 0:
        problems.append(f"{path}: the feed sets are empty (--allow-empty to install rules without indicators)")
    return problems


def check_installed(rules_dir: Path) -> list[str]:
    """Why the installed rules are not a working dnsguard install (empty: fine)."""
    merged = rules_dir / MERGED
    try:
        text = merged.read_text("utf-8", "replace")
    except OSError as exc:
        return [f"{merged}: {exc}"]
    ours = [line for line in text.splitlines() if line.startswith("alert ") and 'msg:"DNSGUARD ' in line]
    problems = []
    if len(ours) < MIN_PACK_RULES:
        problems.append(f"{merged}: {len(ours)} enabled dnsguard rules (at least {MIN_PACK_RULES} expected)")
    for target in load_targets("\n".join(ours)).values():
        path = rules_dir / target.path
        try:
            why = check_dataset(path.read_bytes(), target.kind, target)
        except OSError:
            why = "missing"
        if why:
            problems.append(f"{merged}: loads {target.path}: {why}")
    return problems


def unpack_datasets(members: dict[str, bytes], target: Path) -> list[Path]:
    """Write the archive's ``rules/datasets/*`` into ``target``, each atomically
    (a Suricata starting meanwhile reads the old set or the new one)."""
    written = []
    for name, content in sorted(members.items()):
        if name.startswith("rules/datasets/") and name.count("/") == 2:
            path = target / name.rsplit("/", 1)[1]
            write_atomic(path, content)
            written.append(path)
    return written


def snapshot(rules_dir: Path, into: Path) -> bool:
    """Copy the installed rules (merged file and datasets) aside; False if there are none yet."""
    if not (rules_dir / MERGED).is_file():
        return False
    shutil.copytree(rules_dir, into, ignore=shutil.ignore_patterns(".cache", "*.tmp"))
    return True


def restore(saved: Path, rules_dir: Path) -> None:
    """Put the snapshot back: files it holds are copied over, datasets it
    does not know (written by the failed run) are removed."""
    datasets = rules_dir / "datasets"
    if datasets.is_dir():
        known = {p.name for p in (saved / "datasets").glob("*")} if (saved / "datasets").is_dir() else set()
        for p in datasets.iterdir():
            if p.name not in known:
                p.unlink()
    shutil.copytree(saved, rules_dir, dirs_exist_ok=True)


def fingerprint(rules_dir: Path) -> str:
    """A digest of what Suricata would load: the merged rules and the datasets."""
    digest = hashlib.sha256()
    for path in [rules_dir / MERGED, *sorted((rules_dir / "datasets").glob("*"))]:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def archive_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refresh(s: RefreshSettings, run: Runner = run_command) -> Outcome:
    """The whole refresh; see the module docstring for the guards."""
    out = Outcome()
    if s.update_feeds:
        rc = run([*s.dnsguard, "feeds", "update", "--no-progress"])
        out.note(f"feeds update: exit {rc}" + (" (failed feeds keep their last good copy)" if rc else ""))
    if s.export:
        argv = [*s.dnsguard, "feeds", "export", "--suricata", str(s.publish_dir)]
        rc = run(argv + (["--allow-empty"] if s.allow_empty else []))
        if rc != 0:
            return out.fail(f"feeds export: exit {rc}; the published archive and installed rules are unchanged")
        out.note("feeds export: ok")
    archive = s.publish_dir / ARCHIVE_NAME
    problems = check_archive(archive, s.allow_empty)
    if problems:
        return out.fail("archive refused, suricata-update not run: " + "; ".join(problems))
    out.note(f"archive ok: {archive}")
    if s.datasets_dir is not None:
        written = unpack_datasets(unpack_tarball(archive.read_bytes()), s.datasets_dir)
        out.note(f"datasets: {len(written)} files in {s.datasets_dir}")
    if not s.suricata_update:
        return out
    with tempfile.TemporaryDirectory(prefix="dnsguard-rules-backup-") as tmp:
        saved = Path(tmp) / "rules"
        had_rules = snapshot(s.rules_dir, saved)
        before = fingerprint(s.rules_dir)
        digest = archive_digest(archive)
        marker = s.publish_dir / INSTALLED_MARKER
        changed = not marker.is_file() or marker.read_text().strip() != digest
        rc = run([*s.suricata_update, "--now", "--no-reload", *(["--force"] if changed else [])])
        problems = [f"suricata-update: exit {rc}"] if rc != 0 else check_installed(s.rules_dir)
        if problems:
            if had_rules:
                restore(saved, s.rules_dir)
                return out.fail("; ".join(problems) + "; previous rules restored, Suricata not reloaded")
            return out.fail("; ".join(problems) + "; there were no previous rules; Suricata not reloaded")
    write_atomic(marker, (digest + "\n").encode("ascii"))
    if fingerprint(s.rules_dir) == before:
        out.note("suricata-update: no change; no reload")
        return out
    out.installed = True
    out.note(f"installed {s.rules_dir / MERGED}")
    if s.reload:
        rc = run(list(s.reload))
        if rc != 0:
            return out.fail(f"reload: exit {rc} (the new rules are installed; Suricata runs the old ones "
                            "until its next reload or restart)")
        out.note("reload: ok")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m dnsguard.suricata.refresh",
        description="Refresh feeds, publish dnsguard-rules.tar.gz, install it with suricata-update and "
        "reload Suricata; any failure keeps the last good rules (docs/suricata.md).")
    p.add_argument("--publish-dir", type=Path, default=Path("/var/lib/dnsguard/suricata"),
                   help="where the archive is published (default %(default)s)")
    p.add_argument("--rules-dir", type=Path, default=Path("/var/lib/suricata/rules"),
                   help="suricata-update's output directory (default %(default)s)")
    p.add_argument("--dnsguard", default="dnsguard", help="command running dnsguard (default %(default)s)")
    p.add_argument("--suricata-update", default="suricata-update",
                   help="suricata-update command and its options (default %(default)s)")
    p.add_argument("--reload-command", default="systemctl reload suricata",
                   help="run after a changed install; '' for none (default %(default)s)")
    p.add_argument("--no-feeds-update", action="store_true", help="skip 'dnsguard feeds update'")
    p.add_argument("--no-export", action="store_true", help="install the archive already published")
    p.add_argument("--allow-empty", action="store_true", help="install even with empty feed sets")
    p.add_argument("--datasets-dir", type=Path,
                   help="also unpack the archive's datasets here (Security Onion manager: "
                   "/opt/so/rules/nids/suri/datasets); with --suricata-update '' nothing else is installed")
    args = p.parse_args(argv)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s", stream=sys.stderr)
    settings = RefreshSettings(
        publish_dir=args.publish_dir, rules_dir=args.rules_dir,
        dnsguard=tuple(shlex.split(args.dnsguard)), suricata_update=tuple(shlex.split(args.suricata_update)),
        reload=tuple(shlex.split(args.reload_command)), update_feeds=not args.no_feeds_update,
        export=not args.no_export, allow_empty=args.allow_empty, datasets_dir=args.datasets_dir)
    outcome = refresh(settings)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
