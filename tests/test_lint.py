"""ruff over the Python code: the same check CI runs."""

import subprocess
import sys


def test_ruff_clean(repo):
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "python", "tests", "bench", "tools"],
                          cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
