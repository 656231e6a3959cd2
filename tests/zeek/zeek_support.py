"""Finding the Zeek the suite runs under, and running it.

The suite needs a real Zeek: the user's own when ``zeek`` is on PATH, else
the 7.0.11 test fixture that ``scripts/install.sh --test`` unpacks under
/opt/zeek.  A missing Zeek fails the tests that need it; nothing skips.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "zeek-scripts"
TESTING = REPO / "testing"
FIXTURE_BIN = Path("/opt/zeek/bin")


def zeek_bin_dir() -> Path:
    """Directory of the zeek binary; raises with the fix when there is none."""
    found = shutil.which("zeek")
    if found:
        return Path(found).resolve().parent
    if (FIXTURE_BIN / "zeek").is_file():
        return FIXTURE_BIN
    raise RuntimeError(
        "no zeek on PATH and none under /opt/zeek: run `make test` (scripts/install.sh --test "
        "installs the 7.0.11 test fixture from ../shared/zeek)"
    )


def zeek_env() -> dict[str, str]:
    """The environment for Zeek and btest: zeek, zeek-cut and this venv's tools on PATH."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(zeek_bin_dir()), str(Path(sys.executable).parent), env.get("PATH", "")])
    env.setdefault("TZ", "UTC")
    return env


def zeek_version() -> str:
    out = subprocess.run([str(zeek_bin_dir() / "zeek"), "--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip().rsplit(" ", 1)[-1]


def run_zeek(args: list[str], cwd: Path, timeout: float = 120, extra_env: dict[str, str] | None = None):
    env = zeek_env()
    env.update(extra_env or {})
    return subprocess.run(
        [str(zeek_bin_dir() / "zeek"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# The btest run's one-line summary, for the terminal summary (conftest.py).
BTEST_SUMMARY = pytest.StashKey[str]()


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for Zeek's WebSocket listener)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoScorer:
    """A scorer for the link tests: no candidate is scored there."""

    def score_batch(self, names):
        return []
