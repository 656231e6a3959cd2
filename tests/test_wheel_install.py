"""``pip install .`` (a wheel, not editable) carries the rule pack.

Builds a wheel from a copy of the sources (so no ``build/`` of the checkout
is shared with another run), installs it into a fresh venv without
dependencies, and runs ``dnsguard analyze`` from there in a directory away
from the checkout.  The runtime dependencies come from the test's own
environment through PYTHONPATH (that site-packages holds no ``dnsguard``
package: the development install is an editable path hook, which PYTHONPATH
does not load), so nothing is downloaded but the build backend.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md",
           "python", "suricata-rules", "zeek-scripts", "feeds")


def _copy_sources(dest: Path) -> None:
    dest.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    _copy_sources(src)
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                           str(tmp / "dist"), str(src)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    (built,) = (tmp / "dist").glob("dnsguard-*.whl")
    return built


def test_wheel_carries_the_pack(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("dnsguard/pack/suricata-rules/dnsguard.rules",
                 "dnsguard/pack/suricata-rules/dnsguard-dga.lua",
                 "dnsguard/pack/suricata-rules/datasets/dnsguard-dga.lst",
                 "dnsguard/pack/zeek-scripts/__load__.zeek",
                 "dnsguard/pack/feeds/abusech-feodo.yaml",
                 "dnsguard/data/sample.pcap", "dnsguard/data/dga-model.npz", "dnsguard/data/dga-charnet.npz",
                 "dnsguard/data/dga-family-shapes.json"):
        assert path in names, path
    assert not any(n.endswith(".pyc") or "make_allowlist" in n for n in names)


@pytest.mark.slow
def test_installed_wheel_analyses_a_pcap_without_the_checkout(wheel, tmp_path):
    # analyze reads pcaps through Suricata: without it this test fails (make test installs it).
    assert shutil.which("suricata"), "suricata is not installed: run make test (scripts/install.sh)"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    py = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=120)
    env = {k: v for k, v in os.environ.items() if k not in ("DNSGUARD_PACK_DIR", "PYTHONPATH")}
    env["PYTHONPATH"] = sysconfig.get_path("purelib")  # numpy, yaml, ... of this environment
    run = tmp_path / "elsewhere"
    run.mkdir()
    where = subprocess.run([str(py), "-c", "import dnsguard.paths as p; print(p.__file__); print(p.pack_root())"],
                           cwd=run, env=env, capture_output=True, text=True, timeout=60, check=True)
    module, root = where.stdout.splitlines()
    assert Path(module).is_relative_to(venv) and Path(root).is_relative_to(venv), where.stdout
    pcap = run / "capture.pcap"
    shutil.copyfile(REPO / "python/dnsguard/data/sample.pcap", pcap)
    proc = subprocess.run([str(venv / "bin" / "dnsguard"), "analyze", str(pcap)], cwd=run, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "rule pack" not in proc.stderr
    assert "without its band stage" not in proc.stderr  # the installed scorer has its character network
    assert "without the shape check" not in proc.stderr  # and its family shapes
    band = subprocess.run([str(py), "-c", "from dnsguard.dga import Scorer; s = Scorer(); "
                           "print(s.band is not None, set(s.family_shapes.by_family) == set(s.model.families))"],
                          cwd=run, env=env, capture_output=True, text=True, timeout=120)
    assert band.stdout.strip() == "True True", band.stderr
    # The pack's rules ran: the sample's Suricata alerts are there.
    assert re.search(r"\b[1-9]\d* sensor alerts", proc.stdout), proc.stdout[:500]
    assert "hosts compromised" in proc.stdout
