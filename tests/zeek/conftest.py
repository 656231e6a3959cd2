"""The Zeek tests' summary line: how many btests ran under which Zeek."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from zeek_support import BTEST_SUMMARY

    line = config.stash.get(BTEST_SUMMARY, None)
    if line:
        terminalreporter.write_line(line)
