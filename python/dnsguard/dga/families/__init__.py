"""Exact re-implementations of known DGAs, one module per family.

Modules register themselves by existing: :func:`registry` imports every
module of this package that defines ``INFO`` and ``generate``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from functools import cache
from types import ModuleType

from dnsguard.dga.families.base import FamilyInfo, GeneratorError

__all__ = ["FamilyInfo", "GeneratorError", "registry", "get", "generate"]


@cache
def registry() -> dict[str, ModuleType]:
    """Every family module, keyed by ``INFO.name``, sorted by name."""
    found: dict[str, ModuleType] = {}
    for mod in pkgutil.iter_modules(__path__):
        if mod.name.startswith("_") or mod.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        if hasattr(module, "INFO") and hasattr(module, "generate"):
            found[module.INFO.name] = module
    return dict(sorted(found.items()))


def get(family: str) -> ModuleType:
    """The module of ``family`` (name or alias, any case)."""
    wanted = family.strip().lower()
    for name, module in registry().items():
        if wanted == name or wanted in (a.lower() for a in module.INFO.aliases):
            return module
    raise GeneratorError(f"unknown family {family!r}; valid: {', '.join(registry())}")


def generate(
    family: str, day: dt.date, seed: str | None = None, variant: str | None = None
) -> list[str]:
    """Names of ``family`` for ``day``: see :mod:`dnsguard.dga.families.base`."""
    return get(family).generate(day, seed=seed, variant=variant)
