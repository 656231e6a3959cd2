"""Build :class:`~dnsguard.feeds.indicators.Indicator` objects quickly.

``Indicator`` is a frozen, slotted dataclass: its generated ``__init__``
goes through ``object.__setattr__`` for every field, about twice the cost
of filling the slots directly.  With a million indicators per update
(validation, merge, store load) that is seconds, so the hot paths build
them here.  The result is an ordinary ``Indicator`` (equal, hashable,
frozen afterwards); field order must follow the class, checked at import.
"""

from __future__ import annotations

from dataclasses import fields

from dnsguard.feeds.indicators import Indicator

_FIELDS = ("value", "kind", "family", "threat", "confidence", "sources", "first_seen", "last_seen", "expires")
if tuple(f.name for f in fields(Indicator)) != _FIELDS:  # pragma: no cover - guards an API change
    raise ImportError("dnsguard.feeds.fastbuild: Indicator fields changed; update _FIELDS")

_new = object.__new__
(_s_value, _s_kind, _s_family, _s_threat, _s_confidence, _s_sources, _s_first, _s_last, _s_expires) = (
    Indicator.__dict__[name].__set__ for name in _FIELDS
)


def make_indicator(
    value: str,
    kind: str,
    family: str,
    threat: str,
    confidence: int,
    sources: tuple[str, ...],
    first_seen: float,
    last_seen: float,
    expires: float | None,
) -> Indicator:
    """Same as ``Indicator(...)`` with all fields given positionally, faster."""
    obj = _new(Indicator)
    _s_value(obj, value)
    _s_kind(obj, kind)
    _s_family(obj, family)
    _s_threat(obj, threat)
    _s_confidence(obj, confidence)
    _s_sources(obj, sources)
    _s_first(obj, first_seen)
    _s_last(obj, last_seen)
    _s_expires(obj, expires)
    return obj
