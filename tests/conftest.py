"""Shared fixtures: the repository root, a private state directory for the
whole session, and a fresh config for each test."""

from __future__ import annotations

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
