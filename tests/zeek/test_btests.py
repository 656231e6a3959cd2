"""Every btest of the Zeek package, run under a real Zeek.

btest runs once for the whole suite (two jobs in parallel, JUnit XML out);
each btest then is one pytest case, so a failure names the btest and shows
its diagnostics, and the summary counts them.  No Zeek: every case fails
with the command that installs one.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from zeek_support import BTEST_SUMMARY, TESTING, zeek_env, zeek_version

BTESTS = sorted(p.stem for p in (TESTING / "tests").glob("*.zeek"))


@pytest.fixture(scope="session")
def btest_results(tmp_path_factory, request) -> dict[str, str | None]:
    """btest name -> None when it passed, else its diagnostics."""
    out = tmp_path_factory.mktemp("btest")
    xml = out / "btest.xml"
    btest = Path(sys.executable).parent / "btest"
    proc = subprocess.run(
        [str(btest), "-j", "2", "-d", "-x", str(xml)],
        cwd=TESTING, env=zeek_env(), capture_output=True, text=True, timeout=600,
    )
    results: dict[str, str | None] = {}
    if xml.exists():
        for case in ET.parse(xml).getroot().iter("testcase"):
            name = case.get("name", "")
            name = name.removeprefix("tests.")
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            results[name] = None if problem is None else (problem.text or problem.get("message") or "failed")
    passed = sum(1 for v in results.values() if v is None)
    request.config.stash[BTEST_SUMMARY] = (
        f"btest under Zeek {zeek_version()}: {len(results)} btests, {passed} passed, {len(results) - passed} failed"
    )
    results["__output__"] = proc.stdout + proc.stderr
    return results



@pytest.mark.parametrize("name", BTESTS)
def test_btest(name, btest_results):
    assert name in btest_results, f"btest did not report {name}:\n{btest_results['__output__'][-3000:]}"
    assert btest_results[name] is None, btest_results[name]


def test_every_btest_reported(btest_results):
    reported = {k for k in btest_results if k != "__output__"}
    assert reported == set(BTESTS), btest_results["__output__"][-3000:]
