"""Client for Suricata's unix-socket command protocol.

The protocol (Suricata's ``unix-command``): after connecting, the client
sends ``{"version": "0.2"}`` and Suricata answers ``{"return": "OK", ...}``.
Then each command is one JSON object, ``{"command": NAME, "arguments":
{...}}``, followed by a newline; the reply is one JSON object with
``return`` (``OK``/``NOK``) and ``message``.  Replies are not newline
framed, so the client reads until the bytes received so far decode as one
complete JSON value.

Datasets of type ``string`` take their values base64-encoded on the wire
(and in ``.lst`` files); ``ipv4``/``ipv6``/``md5``/``sha256`` values are sent
as text.  Suricata gets restarted (rule updates, upgrades) under a
long-lived client, so a broken connection is reopened once and the command
resent: every command used here is idempotent (adding a present member or
removing an absent one only returns NOK).
"""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import json
import socket as _socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROTOCOL_VERSION = "0.2"
READ_CHUNK = 65536
MAX_REPLY = 64 * 1024 * 1024


class SocketError(RuntimeError):
    """Talking to Suricata failed (no socket, refused, protocol error)."""


class SocketMissing(SocketError):
    pass


class CommandFailed(SocketError):
    """Suricata answered ``NOK``."""

    def __init__(self, command: str, message: Any):
        super().__init__(f"Suricata refused {command}: {message}")
        self.command = command
        self.message = message


def encode_value(settype: str, value: str) -> str:
    """The wire form of a dataset member."""
    if settype == "string":
        return base64.b64encode(value.encode("utf-8")).decode("ascii")
    return value


def decode_value(settype: str, wire: str) -> str:
    """Inverse of :func:`encode_value`; raises ValueError where Suricata would refuse."""
    if settype == "string":
        return base64.b64decode(wire.encode("ascii"), validate=True).decode("utf-8")
    if settype in ("ipv4", "ipv6"):
        addr = ipaddress.ip_address(wire)
        if (addr.version == 4) != (settype == "ipv4"):
            raise ValueError(f"{wire} is not an {settype} address")
        return str(addr)
    if settype in ("md5", "sha256"):
        if len(wire) != (32 if settype == "md5" else 64) or not all(c in "0123456789abcdefABCDEF" for c in wire):
            raise ValueError(f"{wire!r} is not a {settype} hex digest")
        return wire.lower()
    raise ValueError(f"unknown dataset type {settype}")


def _decode_reply(buffer: bytes) -> dict[str, Any] | None:
    """The reply if ``buffer`` holds one complete JSON object, else ``None``."""
    text = buffer.decode("utf-8", errors="replace").strip()
    if not text:
        return None
    try:
        value, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError:
        return None
    except RecursionError:
        # Nested deeper than Python's parser goes: no reply Suricata sends.
        raise SocketError(f"reply nested too deeply: {text[:80]!r}") from None
    if text[end:].strip():
        raise SocketError(f"unexpected data after reply: {text[end:end + 80]!r}")
    if not isinstance(value, dict):
        raise SocketError(f"reply is not a JSON object: {text[:80]!r}")
    return value


@dataclass
class SuricataSocket:
    path: Path
    timeout: float = 30.0
    _sock: _socket.socket | None = field(default=None, repr=False)

    def __enter__(self) -> SuricataSocket:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        path = Path(self.path)
        if not path.exists():
            raise SocketMissing(
                f"Suricata socket {path} does not exist: is Suricata running with "
                "unix-command enabled (or --unix-socket), and is this the right path?"
            )
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(path))
        except OSError as exc:
            sock.close()
            raise SocketMissing(f"cannot connect to Suricata socket {path}: {exc.strerror or exc}") from None
        self._sock = sock
        reply = self._exchange({"version": PROTOCOL_VERSION}, newline=False)
        if reply.get("return") != "OK":
            self.close()
            raise SocketError(f"Suricata rejected protocol version {PROTOCOL_VERSION}: {reply.get('message')}")

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def _exchange(self, obj: dict[str, Any], newline: bool = True) -> dict[str, Any]:
        assert self._sock is not None
        data = json.dumps(obj).encode("utf-8") + (b"\n" if newline else b"")
        self._sock.sendall(data)
        buffer = b""
        while True:
            chunk = self._sock.recv(READ_CHUNK)
            if not chunk:
                raise ConnectionResetError("Suricata closed the connection")
            buffer += chunk
            if len(buffer) > MAX_REPLY:
                raise SocketError("reply larger than 64 MiB")
            reply = _decode_reply(buffer)
            if reply is not None:
                return reply

    def command(self, name: str, arguments: dict[str, Any] | None = None) -> Any:
        """Run one command; returns its ``message`` or raises :class:`CommandFailed`."""
        obj: dict[str, Any] = {"command": name}
        if arguments:
            obj["arguments"] = arguments
        for attempt in (1, 2):
            if self._sock is None:
                self.connect()
            try:
                reply = self._exchange(obj)
                break
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError) as exc:
                self.close()
                if attempt == 2:
                    raise SocketError(f"connection to {self.path} lost during {name}: {exc}") from None
            except TimeoutError:
                self.close()
                raise SocketError(f"no reply from Suricata to {name} within {self.timeout:.0f} s") from None
        if reply.get("return") != "OK":
            raise CommandFailed(name, reply.get("message"))
        return reply.get("message")

    # Commands ---------------------------------------------------------

    def dataset_add(self, setname: str, settype: str, value: str) -> Any:
        return self.command("dataset-add", {"setname": setname, "settype": settype,
                                            "datavalue": encode_value(settype, value)})

    def dataset_remove(self, setname: str, settype: str, value: str) -> Any:
        return self.command("dataset-remove", {"setname": setname, "settype": settype,
                                               "datavalue": encode_value(settype, value)})

    def dataset_lookup(self, setname: str, settype: str, value: str) -> bool:
        """True if present.  Suricata answers NOK for an absent member."""
        try:
            self.command("dataset-lookup", {"setname": setname, "settype": settype,
                                            "datavalue": encode_value(settype, value)})
        except CommandFailed as exc:
            if "not found" in str(exc.message).lower() or "does not exist" in str(exc.message).lower():
                return False
            raise
        return True

    def dataset_dump(self) -> Any:
        """Write every dataset that has ``save``/``state`` to its file."""
        return self.command("dataset-dump")

    def reload_rules(self) -> Any:
        return self.command("reload-rules")

    def pcap_file(self, filename: Path, output_dir: Path) -> Any:
        return self.command("pcap-file", {"filename": str(filename), "output-dir": str(output_dir)})

    def pcap_current(self) -> Any:
        return self.command("pcap-current")

    def _number(self, name: str) -> int:
        message = self.command(name)
        if isinstance(message, bool) or not isinstance(message, int | str) or not str(message).strip().isdigit():
            raise SocketError(f"unexpected reply to {name}: {str(message)[:80]!r} (not a number)")
        return int(message)

    def pcap_file_number(self) -> int:
        return self._number("pcap-file-number")

    def uptime(self) -> int:
        return self._number("uptime")

    def shutdown(self) -> Any:
        try:
            return self.command("shutdown")
        finally:
            self.close()


@dataclass(frozen=True)
class SyncPlan:
    add: tuple[str, ...]
    remove: tuple[str, ...]


def plan_sync(desired: Iterable[str], current: Iterable[str]) -> SyncPlan:
    """What to add and remove so that ``current`` becomes ``desired``."""
    want, have = set(desired), set(current)
    return SyncPlan(tuple(sorted(want - have)), tuple(sorted(have - want)))


def read_set_file(path: Path, settype: str = "string") -> set[str]:
    """Members of a dataset ``.lst``/state file (decoded).

    Raises :class:`ValueError` naming the line for anything Suricata would
    not have loaded, so a damaged file is reported instead of half-read.
    """
    members: set[str] = set()
    if not path.exists():
        return members
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            text = line.strip()
            if not text:
                continue
            wire = text.split(",", 1)[0]
            try:
                members.add(decode_value(settype, wire))
            except (ValueError, UnicodeDecodeError):
                raise ValueError(f"{path}:{number}: not a valid {settype} dataset line: {text[:80]!r}") from None
    return members


def apply_additions(client: SuricataSocket, setname: str, settype: str,
                    values: Iterable[str]) -> list[str]:
    """Add every value, or none: on a failure the ones added are removed again."""
    added: list[str] = []
    try:
        for value in values:
            client.dataset_add(setname, settype, value)
            added.append(value)
    except SocketError:
        for value in reversed(added):
            try:
                client.dataset_remove(setname, settype, value)
            except SocketError:
                break
        raise
    return added


def sync(client: SuricataSocket, setname: str, settype: str, desired: Iterable[str],
         current: Iterable[str]) -> SyncPlan:
    """Make the live set equal ``desired``, given its ``current`` content.

    Suricata 7.0 has no command that lists a set's members, so ``current``
    must come from outside: after :meth:`SuricataSocket.dataset_dump` the
    state file (for ``state`` sets like ``dnsguard-verdict``) holds exactly
    the live content; for sets only ever changed by this client a local
    mirror does as well.  Additions go first, so a failure half-way never
    leaves the set emptier than before.
    """
    plan = plan_sync(desired, current)
    apply_additions(client, setname, settype, plan.add)
    for value in plan.remove:
        with contextlib.suppress(CommandFailed):  # already gone
            client.dataset_remove(setname, settype, value)
    return plan
