"""Run Suricata over a pcap with the dnsguard pack, without root.

Everything lives in a private temporary directory (a :mod:`sandbox`: a copy
of the rule pack, a minimal suricata.yaml logging EVE ``dns`` and ``alert``
records, log and data directories), so analysing a capture never touches a
production sensor's configuration.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from dnsguard.inputs.detect import InputError
from dnsguard.paths import suricata_rules_dir
from dnsguard.suricata import sandbox


@dataclass
class SuricataRun:
    eve_path: Path
    workdir: Path
    warnings: list[str] = field(default_factory=list)


def find_suricata(binary: str = "suricata") -> str:
    try:
        return sandbox.suricata_binary(binary)
    except sandbox.SuricataError:
        raise InputError(
            f"Suricata ({binary}) not found on PATH: it is needed to analyse pcaps. "
            "Install it (make install does, from Debian bookworm-backports) or give a log file."
        ) from None


def _community_id(box: sandbox.Sandbox) -> None:
    """EVE records carry ``community_id`` (what Security Onion pivots on; a
    throw-away run's flow ids pivot nowhere).  Analysis computes the id from
    the 5-tuple anyway, so a template this no longer fits costs nothing."""
    text = box.config.read_text()
    box.config.write_text(text.replace("      filename: eve.json\n",
                                       "      filename: eve.json\n      community-id: yes\n", 1))


@contextlib.contextmanager
def run_pcap(
    pcap: Path,
    *,
    binary: str = "suricata",
    rules_dir: Path | None = None,
    timeout: float = 600,
) -> Iterator[SuricataRun]:
    """Run Suricata on ``pcap``; yields the run, removes everything after."""
    find_suricata(binary)
    pack = rules_dir or suricata_rules_dir()
    with tempfile.TemporaryDirectory(prefix="dnsguard-suricata-") as tmp:
        box = sandbox.create(Path(tmp), pack, binary=binary, log_dns=True)
        _community_id(box)
        try:
            eve = sandbox.run_pcap(box, pcap.resolve(), timeout=timeout)
        except sandbox.SuricataError as exc:
            raise InputError(f"{pcap}: {exc}") from None
        except subprocess.TimeoutExpired:
            raise InputError(f"{pcap}: Suricata did not finish within {timeout:.0f} s") from None
        run = SuricataRun(eve, box.root)
        log = box.logs / "suricata.log"
        text = log.read_text("utf-8", errors="replace").lower() if log.exists() else ""
        if "truncated" in text or "pcap: error" in text:
            run.warnings.append(f"{pcap}: Suricata reported a damaged capture; analysed what it could read")
        yield run
