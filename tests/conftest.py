"""Shared fixtures: the repository root, a private state directory for the
whole session, and a fresh config for each test."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest
from dnsguard.config import load_config

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def private_state_dir(tmp_path_factory) -> Path:
    """Pin ``DNSGUARD_STATE_DIR`` (and drop ``DNSGUARD_CONFIG``) for the whole session.

    ``dnsguard analyze``/``report`` read the threat-feed store under the state
    directory, so without this a test would see the indicators of whoever
    runs the suite (``~/.local/share/dnsguard``).  Set in ``os.environ``
    before any other fixture, so every ``dnsguard`` subprocess inherits it
    too; tests that need another store set their own.
    """
    state = tmp_path_factory.mktemp("dnsguard-state")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DNSGUARD_STATE_DIR", str(state))
        mp.delenv("DNSGUARD_CONFIG", raising=False)
        yield state


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def config(monkeypatch) -> dict:
    monkeypatch.delenv("DNSGUARD_CONFIG", raising=False)
    return load_config(None)


@pytest.fixture(scope="session")
def recent_browsing():
    """tools/browsing/recent_browsing.py: hosts browsing 2024/2025's popular
    names, every one benign (the false-positive capture of every path)."""
    if "recent_browsing" not in sys.modules:
        spec = importlib.util.spec_from_file_location("recent_browsing",
                                                      REPO / "tools" / "browsing" / "recent_browsing.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["recent_browsing"] = module
        spec.loader.exec_module(module)
    return sys.modules["recent_browsing"]


# ----------------------------------------------------------------------------- sensors
# Zeek and Suricata 7 are part of the test set-up (scripts/install.sh --test):
# a test that needs one and finds it missing fails, it never skips.
@pytest.fixture
def zeek_required() -> str:
    path = shutil.which("zeek")
    assert path, "Zeek is not on PATH: make test installs the test fixture (scripts/install.sh --test)"
    return path


@pytest.fixture
def suricata_required() -> str:
    path = shutil.which("suricata")
    assert path, "Suricata is not installed: these tests need the real binary (make install)"
    return path


# Suricata 8.0 is not part of the test set-up: tools/suricata8/setup.sh builds
# an 8.0 tree under /opt/dnsguard-suricata8.  Tests marked `suricata8` run when
# that tree is there (and sees /tmp); otherwise they are deselected, not
# skipped, and the run says so in one line: they are a second suite, not a
# pass that was waived.
SURICATA8_TREE = Path("/opt/dnsguard-suricata8")


def suricata8_ready() -> bool:
    wrapper, tmp = SURICATA8_TREE / "wrapper" / "suricata", SURICATA8_TREE / "tree" / "tmp"
    try:
        return wrapper.exists() and os.path.samefile("/tmp", tmp)
    except OSError:
        return False


def pytest_configure(config):
    config.addinivalue_line("markers", "suricata8: needs the Suricata 8.0 tree of tools/suricata8/setup.sh")


def pytest_collection_modifyitems(config, items):
    if suricata8_ready():
        return
    left = [item for item in items if item.get_closest_marker("suricata8")]
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = [item for item in items if not item.get_closest_marker("suricata8")]
        config._dnsguard_s8_deselected = len(left)


def pytest_terminal_summary(terminalreporter, config):
    n = getattr(config, "_dnsguard_s8_deselected", 0)
    if n:
        terminalreporter.write_line(f"Suricata 8.0 checks not run ({n} tests): no 8.0 tree "
                                    f"(tools/suricata8/setup.sh builds one); Suricata 7 ran everything else")
