"""The package on Zeek's own DNS edge-case traces (tests/data/traces: EDNS,
DNSSEC, TSIG, truncated and fragmented answers, two responses, zero RRs,
tunnels in Geneve/VXLAN...): Zeek reads each to the end with no error or
warning from the package, bare and with Zeek's default scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from zeek_support import PACKAGE, run_zeek

TRACES = sorted((Path(__file__).resolve().parents[1] / "data" / "traces").iterdir())


@pytest.mark.parametrize("bare", [True, False], ids=["bare", "default"])
def test_every_edge_trace_runs_clean(bare, tmp_path):
    assert len(TRACES) >= 30
    problems = []
    for trace in TRACES:
        work = tmp_path / trace.name
        work.mkdir()
        proc = run_zeek([*(["-b"] if bare else []), "-C", "-r", str(trace), str(PACKAGE)], cwd=work)
        reporter = work / "reporter.log"
        messages = [line for line in reporter.read_text().splitlines() if not line.startswith("#")] \
            if reporter.exists() else []
        if proc.returncode != 0 or proc.stderr.strip() or messages:
            problems.append(f"{trace.name}: rc={proc.returncode} {proc.stderr.strip()[:200]} {messages[:2]}")
    assert problems == []
