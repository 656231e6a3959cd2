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

__all__ = ["FamilyInfo", "GeneratorError", "registry", "get", "generate", "forecast_names"]


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


FIRST_DAY = dt.date(1970, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)
"""Days callers may ask for.  Some algorithms count days from an epoch or walk
back to one; outside this range they overflow or loop, and no bot runs there."""


def generate(
    family: str, day: dt.date, seed: str | None = None, variant: str | None = None
) -> list[str]:
    """Names of ``family`` for ``day``: see :mod:`dnsguard.dga.families.base`.

    The entry point for callers (CLI, forecast): it checks the date once here
    instead of in every family module.
    """
    module = get(family)
    return module.generate(_supported(day), seed=seed, variant=variant)


def forecast_names(family: str, day: dt.date) -> list[str]:
    """The names the forecast carries for ``family`` on ``day``.

    Normally every name of :func:`generate` (default seeds, all variants).  A
    module whose full list costs far more than it adds defines its own
    ``forecast_names(day)`` (Conficker: 50,000 C names a day, of which each
    bot tries 500 at random, so a fixed share of them finds the bot).
    """
    module = get(family)
    day = _supported(day)
    own = getattr(module, "forecast_names", None)
    return own(day) if own is not None else module.generate(day, seed=None, variant=None)


def _supported(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    if not isinstance(day, dt.date) or not FIRST_DAY <= day <= LAST_DAY:
        raise GeneratorError(
            f"date {day} outside the supported range {FIRST_DAY.isoformat()}..{LAST_DAY.isoformat()}"
        )
    return day
