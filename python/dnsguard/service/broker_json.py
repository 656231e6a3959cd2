"""Broker's JSON data model (WebSocket API v1), encoded and decoded.

Broker distinguishes types JSON cannot (``count`` vs ``integer``, ``address``
vs ``string``), and Zeek drops an event whose argument types do not match
its declaration.  So values going out are wrapped in small typed markers
(:class:`Count`, :class:`Address`, ...) and Python's own types map to one
Broker type each: ``bool`` -> boolean, ``int`` -> integer, ``float`` ->
real, ``str`` -> string, ``None`` -> none, ``list``/``tuple`` -> vector,
``set``/``frozenset`` -> set, ``dict`` -> table.

Decoding turns every Broker value back into the same Python shapes, so
``decode(encode(x)) == x`` for anything this module produces.

Zeek events are the nested vector ``[1, 1, [name, [args...], metadata?]]``;
Zeek >= 7 appends the metadata element, which :func:`decode_event` accepts
and returns separately.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

FORMAT_VERSION = 1
EVENT_TYPE = 1


class BrokerDecodeError(ValueError):
    """The JSON is not a valid Broker value (or not the event we expect)."""


@dataclass(frozen=True, slots=True)
class Count:
    """Unsigned 64-bit integer (Zeek ``count``)."""

    value: int

    def __post_init__(self) -> None:
        if not isinstance(self.value, int) or isinstance(self.value, bool):
            raise TypeError("count must be an int")
        if not 0 <= self.value < 2**64:
            raise ValueError(f"count out of range: {self.value}")


@dataclass(frozen=True, slots=True)
class Address:
    """IPv4/IPv6 address (Zeek ``addr``), kept in canonical text form."""

    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", str(ipaddress.ip_address(self.value)))


@dataclass(frozen=True, slots=True)
class Subnet:
    value: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", str(ipaddress.ip_network(self.value, strict=False)))


@dataclass(frozen=True, slots=True)
class Port:
    number: int
    protocol: str = "tcp"
    """``tcp``, ``udp``, ``icmp`` or ``?``."""


@dataclass(frozen=True, slots=True)
class Timestamp:
    """Point in time as epoch seconds (Zeek ``time``)."""

    epoch: float


@dataclass(frozen=True, slots=True)
class Timespan:
    """Duration in seconds (Zeek ``interval``)."""

    seconds: float


@dataclass(frozen=True, slots=True)
class EnumValue:
    value: str


@dataclass(frozen=True, slots=True)
class Event:
    name: str
    args: tuple[Any, ...]
    metadata: Any = None
    """Whatever Zeek sent as the third element (None when absent)."""


def _wrap(kind: str, data: Any) -> dict[str, Any]:
    return {"@data-type": kind, "data": data}


def format_timestamp(epoch: float) -> str:
    """ISO 8601 as Broker writes it: ``YYYY-MM-DDThh:mm:ss.sss`` (UTC)."""
    dt = datetime.fromtimestamp(epoch, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}"


_TS = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?\Z"
)


def parse_timestamp(text: str) -> float:
    """Epoch seconds of a Broker timestamp (fraction of any length, UTC default)."""
    m = _TS.match(text)
    if not m:
        raise BrokerDecodeError(f"bad timestamp {text!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        dt = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as exc:
        raise BrokerDecodeError(f"bad timestamp {text!r}") from exc
    frac = m.group(7) or "0"
    epoch = dt.timestamp() + int(frac) / 10 ** len(frac)
    zone = m.group(8)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        epoch -= sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    return epoch


_SPAN_UNITS = {"ns": 1e-9, "ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
_SPAN = re.compile(r"(-?\d+(?:\.\d+)?)(ns|ms|s|min|h|d)\Z")


def format_timespan(seconds: float) -> str:
    """Integer nanoseconds keep every duration exact enough for Zeek."""
    return f"{round(seconds * 1e9)}ns"


def parse_timespan(text: str) -> float:
    m = _SPAN.match(text)
    if not m:
        raise BrokerDecodeError(f"bad timespan {text!r}")
    return float(m.group(1)) * _SPAN_UNITS[m.group(2)]


def encode(value: Any) -> dict[str, Any]:
    """One Python value as a Broker JSON object (see the module docstring)."""
    if value is None:
        return _wrap("none", {})
    if isinstance(value, bool):
        return _wrap("boolean", value)
    if isinstance(value, Count):
        return _wrap("count", value.value)
    if isinstance(value, int):
        return _wrap("integer", value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("JSON cannot carry NaN or infinity")
        return _wrap("real", value)
    if isinstance(value, str):
        return _wrap("string", value)
    if isinstance(value, Address):
        return _wrap("address", value.value)
    if isinstance(value, Subnet):
        return _wrap("subnet", value.value)
    if isinstance(value, Port):
        return _wrap("port", f"{value.number}/{value.protocol}")
    if isinstance(value, Timestamp):
        return _wrap("timestamp", format_timestamp(value.epoch))
    if isinstance(value, Timespan):
        return _wrap("timespan", format_timespan(value.seconds))
    if isinstance(value, EnumValue):
        return _wrap("enum-value", value.value)
    if isinstance(value, list | tuple):
        return _wrap("vector", [encode(v) for v in value])
    if isinstance(value, set | frozenset):
        return _wrap("set", [encode(v) for v in value])
    if isinstance(value, dict):
        return _wrap("table", [{"key": encode(k), "value": encode(v)} for k, v in value.items()])
    raise TypeError(f"no Broker encoding for {type(value).__name__}")


def _int(data: Any, kind: str) -> int:
    # JSON true/false are ints to Python; Broker rejects them and numbers with a point.
    if not isinstance(data, int) or isinstance(data, bool):
        raise BrokerDecodeError(f"{kind} needs an integer, got {data!r}")
    return data


def _str(data: Any, kind: str) -> str:
    if not isinstance(data, str):
        raise BrokerDecodeError(f"{kind} needs a string, got {type(data).__name__}")
    return data


def _list(data: Any, kind: str) -> list[Any]:
    if not isinstance(data, list):
        raise BrokerDecodeError(f"{kind} needs an array")
    return data


def _hashable(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, set):
        return frozenset(value)
    if isinstance(value, dict):
        return tuple(sorted(value.items(), key=repr))
    return value


def decode(obj: Any, depth: int = 0) -> Any:
    """A Broker JSON object back to Python; raises :class:`BrokerDecodeError`."""
    if depth > 64:
        raise BrokerDecodeError("nesting too deep")
    if not isinstance(obj, dict) or "@data-type" not in obj or "data" not in obj:
        raise BrokerDecodeError("not a Broker value (needs @data-type and data)")
    kind, data = obj["@data-type"], obj["data"]
    try:
        match kind:
            case "none":
                return None
            case "boolean":
                if not isinstance(data, bool):
                    raise BrokerDecodeError("boolean needs true or false")
                return data
            case "count":
                return Count(_int(data, kind))
            case "integer":
                return _int(data, kind)
            case "real":
                if isinstance(data, bool) or not isinstance(data, int | float):
                    raise BrokerDecodeError("real needs a number")
                return float(data)
            case "string":
                return _str(data, kind)
            case "enum-value":
                return EnumValue(_str(data, kind))
            case "address":
                return Address(_str(data, kind))
            case "subnet":
                return Subnet(_str(data, kind))
            case "port":
                number, _, proto = _str(data, kind).partition("/")
                if not number.isdigit() or int(number) > 65535 or proto not in ("tcp", "udp", "icmp", "?"):
                    raise BrokerDecodeError(f"bad port {data!r}")
                return Port(int(number), proto)
            case "timestamp":
                return Timestamp(parse_timestamp(_str(data, kind)))
            case "timespan":
                return Timespan(parse_timespan(_str(data, kind)))
            case "vector":
                return [decode(v, depth + 1) for v in _list(data, kind)]
            case "set":
                return {_hashable(decode(v, depth + 1)) for v in _list(data, kind)}
            case "table":
                out = {}
                for item in _list(data, kind):
                    if not isinstance(item, dict) or "key" not in item or "value" not in item:
                        raise BrokerDecodeError("table entries need key and value")
                    out[_hashable(decode(item["key"], depth + 1))] = decode(item["value"], depth + 1)
                return out
    except (ValueError, TypeError) as exc:
        if isinstance(exc, BrokerDecodeError):
            raise
        raise BrokerDecodeError(f"bad {kind}: {exc}") from exc
    raise BrokerDecodeError(f"unknown @data-type {kind!r}")


def encode_event(name: str, *args: Any) -> dict[str, Any]:
    """A Zeek event as the Broker value ``[1, 1, [name, [args]]]``."""
    return encode([Count(FORMAT_VERSION), Count(EVENT_TYPE), [name, list(args)]])


def data_message(topic: str, value: dict[str, Any]) -> dict[str, Any]:
    """Wrap an encoded value as a WebSocket ``data-message``."""
    return {"type": "data-message", "topic": topic, **value}


_EVENT_HEADER = {"@data-type": "count", "data": 1}


def event_data_if(value: Any, name: str, types: tuple[str, ...]) -> list[Any] | None:
    """Fast path: the raw ``data`` of each argument if ``value`` is event
    ``name`` with exactly these ``@data-type`` tags, else None.

    The generic :func:`decode` builds typed objects for every nested value;
    for the one event that arrives thousands of times a second a direct
    look at the known shape is several times cheaper.  None means "not
    this shape" - the caller falls back to :func:`decode_event`, which
    also produces the error for malformed input.  Argument values are
    not checked here.
    """
    try:
        if value["@data-type"] != "vector":
            return None
        outer = value["data"]
        if len(outer) != 3 or outer[0] != _EVENT_HEADER or outer[1] != _EVENT_HEADER:
            return None
        body = outer[2]
        if body["@data-type"] != "vector":
            return None
        head = body["data"]
        if len(head) not in (2, 3) or head[0] != {"@data-type": "string", "data": name}:
            return None
        args = head[1]
        if args["@data-type"] != "vector":
            return None
        items = args["data"]
        if len(items) != len(types):
            return None
        out = []
        for item, kind in zip(items, types, strict=True):
            if item["@data-type"] != kind:
                return None
            out.append(item["data"])
        return out
    except (KeyError, TypeError, IndexError):
        return None


def _vector(value: Any, what: str) -> list[Any]:
    if not isinstance(value, dict) or value.get("@data-type") != "vector" or not isinstance(value.get("data"), list):
        raise BrokerDecodeError(f"{what} must be a vector")
    return value["data"]


def decode_event(value: dict[str, Any]) -> Event:
    """The Zeek event inside an encoded Broker value (the data-message body).

    Name and arguments are decoded strictly; the metadata element is decoded
    when possible and otherwise kept as raw JSON - a metadata type this
    module does not know must not cost the event.
    """
    outer = _vector(value, "a Zeek event")
    if len(outer) != 3:
        raise BrokerDecodeError("a Zeek event is a vector of 3 elements")
    version, kind = decode(outer[0]), decode(outer[1])
    if version != Count(FORMAT_VERSION) or kind != Count(EVENT_TYPE):
        raise BrokerDecodeError(f"not a Zeek event (format {version}, type {kind})")
    body = _vector(outer[2], "the event body")
    if len(body) not in (2, 3):
        raise BrokerDecodeError("event body must be [name, args] or [name, args, metadata]")
    name, args = decode(body[0]), decode(body[1])
    if not isinstance(name, str) or not isinstance(args, list):
        raise BrokerDecodeError("event name must be a string and args a vector")
    metadata = None
    if len(body) == 3:
        try:
            metadata = decode(body[2])
        except BrokerDecodeError:
            metadata = body[2]
    return Event(name, tuple(args), metadata)
