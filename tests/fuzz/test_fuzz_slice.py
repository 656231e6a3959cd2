"""A fast slice of the fuzz suite (bench/fuzz.py runs 100,000 cases).

Every file of the hostile corpus (tests/data/hostile) goes through its
target once as it is, then 3,000 generated cases (DNSGUARD_FUZZ_EXAMPLES
to change) are spread over every target: names, each feed format, Zeek
TSV/JSON, EVE, pcap, Broker frames and codec, Suricata replies and state
files, EVE socket lines, journal files, control requests.  No exception
may escape that the target does not promise, nothing may hang.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fuzz():
    sys.path.insert(0, str(ROOT / "bench"))
    spec = importlib.util.spec_from_file_location("dnsguard_bench_fuzz", ROOT / "bench" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _check(result):
    details = "\n".join(result["first"].values())[:6000]
    assert not result["crashes"], f"crashes {result['crashes']}:\n{details}"
    assert not result["hangs"], result["hangs"]
    assert not result["slow"], result["slow"]


def test_hostile_corpus_as_is(fuzz):
    """cases=0: only the seeds, unmutated (the corpus files among them)."""
    result = fuzz.run(0, seed=16, quiet=True)
    _check(result)
    for target in ("broker", "suricata_reply", "journal", "control"):
        assert result["per_target"][target] >= 3, result["per_target"]


def test_generated_cases_every_target(fuzz):
    cases = int(os.environ.get("DNSGUARD_FUZZ_EXAMPLES", "3000"))
    result = fuzz.run(cases, seed=int(os.environ.get("DNSGUARD_FUZZ_SEED", "16")), quiet=True)
    _check(result)
    assert result["cases"] >= cases
    assert len(result["per_target"]) >= 19
