"""A private Suricata installation in one directory, for checks and tests.

``dnsguard suricata test``, the test suite and the benchmark all need to run
the pack without touching a sensor's configuration: the rule files are
copied to ``<dir>/rules``, Suricata's data directory (where ``state``
datasets live) is ``<dir>/data``, logs go to ``<dir>/logs`` and the unix
socket, when wanted, is ``<dir>/suricata.socket``.

Where ``state`` datasets live needs care: with a config file other than
the system one Suricata 7.0 runs in "user mode" and *overrides* the data
directory with the current directory, whatever ``default-data-dir`` says
(``--set`` included).  Only the ``--data-dir`` command-line option wins, so
every command built here passes it; the config key is written as well for
readers of the file.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dnsguard.suricata.rules import LUA_TWINS, enabled_sids

HOME_NET = "[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7]"
LUA_TWINS_FILE = "dnsguard-lua-nxdomain.rules"

CONFIG = """%YAML 1.1
---
default-rule-path: {rules}
rule-files:
{rule_files}
classification-file: {classification}
reference-config-file: {reference}
default-data-dir: {data}
default-log-dir: {logs}
logging:
  default-log-level: notice
  outputs:
    - console: {{enabled: no}}
    - file: {{enabled: yes, level: info, filename: {logs}/suricata.log}}
outputs:
  - fast: {{enabled: yes, filename: fast.log, append: yes}}
  - eve-log:
      enabled: yes
      filetype: regular
      filename: eve.json
      types:
        - alert:
            metadata: yes{dns_type}
stats:
  enabled: no
unix-command:
  enabled: {socket_enabled}
  filename: {socket}
security:
  lua:
    allow-rules: {lua}
app-layer:
  protocols:
    dns:
      udp: {{enabled: yes, detection-ports: {{dp: 53}}}}
      tcp: {{enabled: yes, detection-ports: {{dp: 53}}}}
vars:
  address-groups:
    HOME_NET: "{home_net}"
    EXTERNAL_NET: "!$HOME_NET"
  port-groups:
    DNS_PORTS: "53"
"""


class SuricataError(RuntimeError):
    pass


@dataclass
class Sandbox:
    root: Path
    rule_files: list[str] = field(default_factory=list)
    lua: bool = False
    binary: str = "suricata"

    @property
    def rules(self) -> Path:
        return self.root / "rules"

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def socket(self) -> Path:
        return self.root / "suricata.socket"

    @property
    def config(self) -> Path:
        return self.root / "suricata.yaml"

    @property
    def eve(self) -> Path:
        return self.logs / "eve.json"


def disable_sids(rules_dir: Path, rule_files: Iterable[str], sids: set[int]) -> None:
    """Comment out the rules of ``sids`` in ``rule_files`` under ``rules_dir``."""
    for name in rule_files:
        path = rules_dir / name
        if not path.is_file():
            continue
        lines = path.read_text("utf-8").splitlines(keepends=True)
        out = ["# " + line if enabled_sids(line) & sids else line for line in lines]
        if out != lines:
            path.write_text("".join(out), encoding="utf-8")


def suricata_binary(binary: str = "suricata") -> str:
    found = shutil.which(binary)
    if not found:
        raise SuricataError(f"Suricata ({binary}) not found on PATH")
    return found


def create(
    root: Path,
    pack: Path,
    *,
    rule_files: Iterable[str] | None = None,
    lua: bool = False,
    socket: bool = False,
    binary: str = "suricata",
    home_net: str = HOME_NET,
    log_dns: bool = False,
    disable: Iterable[int] = (),
) -> Sandbox:
    """Copy ``pack`` under ``root`` and write a config loading ``rule_files``.

    By default every top-level ``*.rules`` file except the Lua ones is loaded
    (the Lua rules need ``lua=True``, which also turns on
    ``security.lua.allow-rules``).  ``log_dns`` adds EVE ``dns`` records to
    the alerts (offline analysis reads both).  ``disable``: SIDs commented
    out in the copy, as suricata-update's disable.conf does on a sensor; when
    the Lua twins of the NXDOMAIN rules are loaded, the rules they replace
    are disabled too (``rules.LUA_TWINS``), as the pack's README tells
    sensors to do.
    """
    box = Sandbox(root, lua=lua, binary=binary)
    if box.rules.exists():
        shutil.rmtree(box.rules)
    shutil.copytree(pack, box.rules, ignore=shutil.ignore_patterns("*.md", "__pycache__"))
    for sub in (box.data, box.logs):
        sub.mkdir(parents=True, exist_ok=True)
    if rule_files is None:
        names = sorted(p.name for p in box.rules.glob("*.rules"))
        rule_files = [n for n in names if lua or "lua" not in n]
    box.rule_files = list(rule_files)
    off = set(disable)
    if LUA_TWINS_FILE in box.rule_files:
        off.update(LUA_TWINS)
    if off:
        disable_sids(box.rules, box.rule_files, off)
    classification = box.rules / "classification.config"
    if not classification.exists():
        classification = Path("/etc/suricata/classification.config")
    reference = Path("/etc/suricata/reference.config")
    box.config.write_text(CONFIG.format(
        rules=box.rules,
        rule_files="\n".join(f"  - {n}" for n in box.rule_files) or "  []",
        classification=classification,
        reference=reference,
        data=box.data,
        logs=box.logs,
        socket_enabled="yes" if socket else "no",
        socket=box.socket,
        lua="true" if lua else "false",
        home_net=home_net,
        dns_type="\n        - dns" if log_dns else "",
    ), encoding="utf-8")
    return box


def _base_cmd(box: Sandbox) -> list[str]:
    return [suricata_binary(box.binary), "-c", str(box.config), "-l", str(box.logs),
            "--data-dir", str(box.data)]


def log_errors(box: Sandbox) -> list[str]:
    log = box.logs / "suricata.log"
    if not log.exists():
        return []
    return [line for line in log.read_text("utf-8", errors="replace").splitlines()
            if " Error: " in line or "<Error>" in line]


def check(box: Sandbox, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``suricata -T``: every rule in ``box.rule_files`` must load."""
    cmd = _base_cmd(box) + ["-T", "--init-errors-fatal"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        detail = "; ".join(log_errors(box)[-5:]) or proc.stderr.strip()[-800:]
        raise SuricataError(f"suricata -T failed (exit {proc.returncode}): {detail}")
    return proc


def run_pcap(box: Sandbox, pcap: Path, timeout: float = 600,
             runmode: Sequence[str] = ("--runmode", "single")) -> Path:
    """Run over ``pcap`` once (fresh eve.json); returns the eve path.

    ``runmode`` defaults to one thread, so a run's alerts do not depend on how
    packets fall on threads; tests of threading pass their own options."""
    for name in ("eve.json", "fast.log"):
        (box.logs / name).unlink(missing_ok=True)
    cmd = _base_cmd(box) + ["-r", str(pcap), "-k", "none", *runmode]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        detail = "; ".join(log_errors(box)[-5:]) or proc.stderr.strip()[-800:]
        raise SuricataError(f"suricata -r {pcap} failed (exit {proc.returncode}): {detail}")
    box.eve.touch()
    return box.eve


def start_socket_mode(box: Sandbox, wait: float = 60) -> subprocess.Popen[bytes]:
    """Start Suricata in unix-socket (pcap-file) mode; returns once the socket is up."""
    cmd = _base_cmd(box) + [f"--unix-socket={box.socket}", "-k", "none"]
    box.socket.unlink(missing_ok=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
            raise SuricataError(f"Suricata exited early ({proc.returncode}): "
                                f"{'; '.join(log_errors(box)[-3:]) or err[-800:]}")
        if box.socket.exists():
            return proc
        time.sleep(0.05)
    proc.kill()
    raise SuricataError(f"Suricata did not open {box.socket} within {wait:.0f} s")
