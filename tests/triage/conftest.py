"""Shared fixtures for the triage tests: the day-of-logs generator, one
generated day, one ``dnsguard report`` run over it (JSON and HTML), and the
default configuration without the user's feed store."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dnsguard.config import load_config

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    """The default configuration, with a state directory of its own (no user feed store)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DNSGUARD_STATE_DIR", str(tmp_path_factory.mktemp("state")))
        yield load_config()


def load_daylogs():
    if "daylogs" in sys.modules:
        return sys.modules["daylogs"]
    spec = importlib.util.spec_from_file_location("daylogs", REPO / "tools/daylogs/daylogs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["daylogs"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def daylogs():
    return load_daylogs()


@pytest.fixture(scope="session")
def small_day(tmp_path_factory, daylogs):
    """200 hosts, about 24,000 lines: every role of the generator, small enough to be quick."""
    out = tmp_path_factory.mktemp("day")
    truth = daylogs.generate_day(out, daylogs.DaySpec(hosts=200, lines=24_000))
    return out, truth


@pytest.fixture(scope="session")
def day_report(small_day, tmp_path_factory):
    """``dnsguard report DIR --json --html`` over the small day, run once."""
    day, truth = small_day
    out = tmp_path_factory.mktemp("report")
    proc = subprocess.run([sys.executable, "-m", "dnsguard", "report", str(day), "--json", str(out / "r.json"),
                           "--html", str(out / "r.html")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, json.loads((out / "r.json").read_text()), out / "r.html", truth
