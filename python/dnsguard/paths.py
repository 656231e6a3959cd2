"""Where the pack's non-Python parts live.

The Suricata rules, Zeek scripts and shipped feed definitions sit at the
top of the repository (so zkg and suricata-update can use the repository
directly).  A wheel (``pip install .``, ``pip wheel .``) carries a copy
inside the package, ``dnsguard/pack/`` (setup.py's build step); a checkout or
an editable install finds them in the repository beside ``python/``.
``DNSGUARD_PACK_DIR`` overrides both; ``<prefix>/share/dnsguard`` is the last
resort (a hand-made install).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


class PackNotFound(FileNotFoundError):
    pass


def pack_root() -> Path:
    """The directory holding ``suricata-rules/``, ``zeek-scripts/`` and ``feeds/``."""
    candidates = []
    if os.environ.get("DNSGUARD_PACK_DIR"):
        candidates.append(Path(os.environ["DNSGUARD_PACK_DIR"]))
    here = Path(__file__).resolve().parent
    candidates.append(here / "pack")  # installed from a wheel
    candidates.append(here.parents[1])  # a checkout: <repo>/python/dnsguard
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
