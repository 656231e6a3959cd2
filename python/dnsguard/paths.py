"""Where the pack's non-Python parts live.

The Suricata rules and Zeek scripts sit at the top of the repository (so
zkg and suricata-update can use the repository directly).  A checkout or an
editable install finds them beside the package; a wheel install carries
them under ``<prefix>/share/dnsguard``.  ``DNSGUARD_PACK_DIR`` overrides both.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


class PackNotFound(FileNotFoundError):
    pass


def pack_root() -> Path:
    """The directory holding ``suricata-rules/`` and ``zeek-scripts/``."""
    candidates = []
    if os.environ.get("DNSGUARD_PACK_DIR"):
        candidates.append(Path(os.environ["DNSGUARD_PACK_DIR"]))
    candidates.append(Path(__file__).resolve().parents[2])
    candidates.append(Path(sys.prefix) / "share" / "dnsguard")
    for root in candidates:
        if (root / "suricata-rules").is_dir():
            return root
    raise PackNotFound(
        "cannot find the dnsguard rule pack (suricata-rules/); "
        "set DNSGUARD_PACK_DIR to the repository or install directory"
    )


def suricata_rules_dir() -> Path:
    return pack_root() / "suricata-rules"


def state_dir() -> Path:
    """Where feeds, the indicator store and the journal live by default."""
    env = os.environ.get("DNSGUARD_STATE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "dnsguard"
