"""Health and metrics over HTTP on 127.0.0.1, Prometheus text format.

``GET /metrics`` returns every counter and gauge (queue depths, drops,
verdicts, sensor link states); ``GET /health`` returns a small JSON status,
HTTP 200 while the service runs and 503 while it drains.  The server is a
few lines of asyncio on purpose: no dependency, and it only ever binds to
loopback (the address is checked).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    value: float
    help: str = ""
    kind: str = "gauge"
    """``gauge`` or ``counter`` (Prometheus TYPE)."""
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class Histogram:
    """Cumulative-bucket histogram, rendered as a Prometheus histogram."""

    name: str
    help: str
    buckets: tuple[float, ...] = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    n: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float, times: int = 1) -> None:
        for i, bound in enumerate(self.buckets):
            if value <= bound:
                self.counts[i] += times
        self.total += value * times
        self.n += times

    def quantile_bound(self, q: float) -> float:
        """Smallest bucket bound holding at least ``q`` of the observations (inf if none)."""
        need = q * self.n
        for bound, count in zip(self.buckets, self.counts, strict=True):
            if self.n and count >= need:
                return bound
        return math.inf

    def samples(self) -> list[Sample]:
        out = [Sample(self.name + "_bucket", c, self.help, "histogram", {"le": repr(b)})
               for b, c in zip(self.buckets, self.counts, strict=True)]
        out.append(Sample(self.name + "_bucket", self.n, self.help, "histogram", {"le": "+Inf"}))
        out.append(Sample(self.name + "_sum", self.total, self.help, "histogram"))
        out.append(Sample(self.name + "_count", self.n, self.help, "histogram"))
        return out


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def _family(s: Sample) -> str:
    if s.kind == "histogram":
        for suffix in ("_bucket", "_sum", "_count"):
            if s.name.endswith(suffix):
                return s.name[: -len(suffix)]
    return s.name


def render(samples: list[Sample]) -> str:
    """Prometheus text exposition format 0.0.4 (HELP/TYPE once per name)."""
    out: list[str] = []
    seen: set[str] = set()
    for s in sorted(samples, key=lambda s: _family(s)):
        family = _family(s)
        if family not in seen:
            seen.add(family)
            if s.help:
                out.append(f"# HELP {family} {_escape(s.help)}")
            out.append(f"# TYPE {family} {s.kind}")
        labels = ",".join(f'{k}="{_escape(str(v))}"' for k, v in sorted(s.labels.items()))
        out.append(f"{s.name}{{{labels}}} {_number(s.value)}" if labels else f"{s.name} {_number(s.value)}")
    return "\n".join(out) + "\n"


def check_loopback(host: str) -> None:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"metrics must listen on a loopback address, not {host}")


async def serve_metrics(
    host: str,
    port: int,
    collect: Callable[[], list[Sample]],
    health: Callable[[], tuple[bool, dict]],
    stop: asyncio.Event,
    bound: Callable[[int], None] | None = None,
) -> None:
    """Serve until ``stop``; ``bound`` learns the real port (useful with port 0)."""
    check_loopback(host)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass
            parts = request.decode("latin-1").split()
            path = parts[1] if len(parts) >= 2 and parts[0] == "GET" else ""
            if path == "/metrics":
                status, ctype, body = "200 OK", "text/plain; version=0.0.4", render(collect())
            elif path == "/health":
                ok, detail = health()
                status = "200 OK" if ok else "503 Service Unavailable"
                ctype, body = "application/json", json.dumps(detail) + "\n"
            else:
                status, ctype, body = "404 Not Found", "text/plain", "not found\n"
            data = body.encode()
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(data)}\r\n"
                f"Connection: close\r\n\r\n".encode() + data
            )
            await writer.drain()
        except (TimeoutError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, host, port, limit=8192)
    if bound is not None:
        bound(server.sockets[0].getsockname()[1])
    try:
        await stop.wait()
    finally:
        server.close()
        await server.wait_closed()
