"""Build step: put the pack's non-Python parts inside the wheel.

The Suricata rules, Zeek scripts and shipped feed definitions stay at the top
of the repository (zkg, suricata-update and the tests use them there).  A
non-editable build (``pip install .``, ``pip wheel .``) copies them to
``dnsguard/pack/`` in the build tree, where ``dnsguard.paths.pack_root``
looks first, so an installed wheel runs with no checkout present.  An
editable install finds them in the checkout instead.  Everything else is
configured in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PACK_DIRS = ("suricata-rules", "zeek-scripts", "feeds")
SKIP_SUFFIXES = {".py", ".pyc"}  # feeds/make_allowlist.py is a maintainer's script


def pack_files(root: Path = ROOT):
    """(source, path relative to the pack root) of every file to ship."""
    for name in PACK_DIRS:
        for src in sorted((root / name).rglob("*")):
            rel = src.relative_to(root)
            if src.is_file() and "__pycache__" not in rel.parts and src.suffix not in SKIP_SUFFIXES:
                yield src, rel


class BuildPyWithPack(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "dnsguard" / "pack"
        if target.exists():
            shutil.rmtree(target)
        for src, rel in pack_files():
            dest = target / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)


setup(cmdclass={"build_py": BuildPyWithPack})
