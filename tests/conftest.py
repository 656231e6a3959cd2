"""Shared fixtures: the repository root and a fresh config for each test."""

from __future__ import annotations

from pathlib import Path

import pytest
from dnsguard.config import load_config

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def config(monkeypatch) -> dict:
    monkeypatch.delenv("DNSGUARD_CONFIG", raising=False)
    return load_config(None)
