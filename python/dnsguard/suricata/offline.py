"""Run Suricata over a pcap with the dnsguard pack, without root.

Everything lives in a private temporary directory: a copy of the rule pack,
a minimal suricata.yaml that logs EVE ``dns`` and ``alert`` events, the log
and data directories.  Nothing outside it is read or written, so analysing
a capture never touches a production sensor's configuration.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dnsguard.inputs.detect import InputError
from dnsguard.paths import suricata_rules_dir

CONFIG_TEMPLATE = """%YAML 1.1
---
default-rule-path: {rules}
rule-files:
{rule_files}
classification-file: {classification}
reference-config-file: {reference}
data-dir: {data}
default-log-dir: {logs}
logging:
  default-log-level: notice
  outputs:
    - console: {{enabled: no}}
    - file: {{enabled: yes, level: info, filename: suricata.log}}
outputs:
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - alert:
            metadata: yes
        - dns
stats:
  enabled: no
app-layer:
  protocols:
    dns:
      udp: {{enabled: yes, detection-ports: {{dp: 53}}}}
      tcp: {{enabled: yes, detection-ports: {{dp: 53}}}}
vars:
  address-groups:
    HOME_NET: "[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7,fe80::/10]"
    EXTERNAL_NET: "any"
    DNS_SERVERS: "any"
  port-groups:
    DNS_PORTS: "53"
"""


@dataclass
class SuricataRun:
    eve_path: Path
    workdir: Path
    warnings: list[str] = field(default_factory=list)


def find_suricata(binary: str = "suricata") -> str:
    found = shutil.which(binary)
    if not found:
        raise InputError(
            f"Suricata ({binary}) not found on PATH: it is needed to analyse pcaps. "
            "Install it (make install does, from Debian bookworm-backports) or give a log file."
        )
    return found


def write_config(workdir: Path, pack: Path) -> Path:
    """Copy the pack into ``workdir`` and write a suricata.yaml using it."""
    rules = workdir / "rules"
    shutil.copytree(pack, rules, ignore=shutil.ignore_patterns("*.md", "__pycache__"))
    (workdir / "data").mkdir()
    (workdir / "logs").mkdir()
    rule_files = sorted(p.name for p in rules.glob("*.rules") if "lua" not in p.name)
    classification = rules / "classification.config"
    if not classification.exists():
        classification = Path("/etc/suricata/classification.config")
    reference = rules / "reference.config"
    if not reference.exists():
        reference = Path("/etc/suricata/reference.config")
    config = workdir / "suricata.yaml"
    config.write_text(
        CONFIG_TEMPLATE.format(
            rules=rules,
            rule_files="\n".join(f"  - {name}" for name in rule_files) or "  []",
            classification=classification,
            reference=reference,
            data=workdir / "data",
            logs=workdir / "logs",
        ),
        encoding="utf-8",
    )
    return config


def _log_tail(workdir: Path, lines: int = 5) -> str:
    log = workdir / "logs" / "suricata.log"
    if not log.exists():
        return ""
    tail = log.read_text("utf-8", errors="replace").splitlines()[-lines:]
    return " | ".join(t.strip() for t in tail)


@contextlib.contextmanager
def run_pcap(
    pcap: Path,
    *,
    binary: str = "suricata",
    rules_dir: Path | None = None,
    timeout: float = 600,
) -> Iterator[SuricataRun]:
    """Run Suricata on ``pcap``; yields the run, removes everything after."""
    exe = find_suricata(binary)
    pack = rules_dir or suricata_rules_dir()
    with tempfile.TemporaryDirectory(prefix="dnsguard-suricata-") as tmp:
        workdir = Path(tmp)
        config = write_config(workdir, pack)
        cmd = [exe, "-c", str(config), "-r", str(pcap.resolve()), "-l", str(workdir / "logs"),
               "-k", "none", "--runmode", "single", "--set", "unix-command.enabled=no",
               # user mode ignores data-dir in the yaml: without this the
               # verdict dataset's state file lands in the current directory
               "--data-dir", str(workdir / "data")]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"{pcap}: Suricata did not finish within {timeout:.0f} s") from None
        if proc.returncode != 0:
            detail = _log_tail(workdir) or proc.stderr.strip().splitlines()[-1:]
            raise InputError(f"{pcap}: Suricata failed (exit {proc.returncode}): {detail}")
        run = SuricataRun(workdir / "logs" / "eve.json", workdir)
        log = workdir / "logs" / "suricata.log"
        text = log.read_text("utf-8", errors="replace") if log.exists() else ""
        if "truncated" in text.lower() or "error" in proc.stderr.lower():
            run.warnings.append(f"{pcap}: Suricata reported a damaged capture; analysed what it could read")
        if not run.eve_path.exists():
            run.eve_path.touch()
        yield run
