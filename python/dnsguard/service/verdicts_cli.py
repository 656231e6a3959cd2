"""``dnsguard verdicts list | retract``: see and take back the service's verdicts.

With a running ``dnsguard serve`` both go through its control socket
(``<state_dir>/control.sock``): the service journals the retraction and
tells Zeek (``DNSGuard::retract``) and Suricata (``dataset-remove``) over
its own links.  With none running, the command does the same itself: it
takes the journal's lock, appends the retraction (so the next start
neither replays the verdict nor accepts it again until the retraction
ends), removes the name from Suricata's set (live over the socket, then
``dataset-dump`` so the state file follows; or, with Suricata stopped, from
``serve.suricata.state_file``) and publishes ``DNSGuard::retract`` to
Zeek's WebSocket.  A sensor it cannot reach is named in one line; the
journal's tombstone makes the service drop the name when it next connects.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _say(message: str) -> None:
    print(f"dnsguard verdicts: {message}", file=sys.stderr)


def _settings(config: dict[str, Any], args: argparse.Namespace):
    from dnsguard.service.cli import build_settings

    return build_settings(config, args)


# ----------------------------------------------------------------------------- offline (no service)
def _offline_retract(settings, name: str, host: str, seconds: float | None, by: str) -> tuple[dict, list[str], bool]:
    """Journal, then sensors.  Returns the reply, one line per sensor, and
    whether every reachable sensor took it."""
    from dnsguard.service.app import Service

    service = Service(settings, None)  # as cmd_list: nothing is scored, only the journal is written
    service.journal.open(time.time())
    try:
        reply = service.retract(name, host, seconds, by)
    finally:
        service.journal.close()
    lines: list[str] = []
    ok = True
    names = [r["key"][2:] for r in reply["retracted"] if r["key"].startswith("n:")]
    if names and settings.suricata is not None:
        line, good = _suricata_remove(settings.suricata, names)
        lines.append(line)
        ok &= good
    if names and settings.zeek is not None:
        line, good = _zeek_retract(settings.zeek, names)
        lines.append(line)
        ok &= good
    return reply, lines, ok


def _suricata_remove(s, names: list[str]) -> tuple[str, bool]:
    from dnsguard.atomic import write_atomic
    from dnsguard.service.suricata_link import absent
    from dnsguard.suricata.socket import (
        CommandFailed,
        SocketError,
        SocketMissing,
        SuricataSocket,
        encode_value,
    )

    try:
        with SuricataSocket(Path(s.socket), timeout=10) as client:
            removed = 0
            for n in names:
                try:
                    client.dataset_remove(s.dataset, "string", n)
                    removed += 1
                except CommandFailed as exc:
                    if not absent(exc.message):
                        raise
            client.dataset_dump()
        return f"suricata: removed {removed} from {s.dataset} (state file rewritten by dataset-dump)", True
    except SocketMissing as exc:
        reason = str(exc).split(":")[0]
    except (SocketError, OSError) as exc:
        return f"suricata: FAILED: {exc}", False
    if s.state_file and Path(s.state_file).is_file():
        path = Path(s.state_file)
        try:
            drop = {encode_value("string", n) for n in names}
            lines = path.read_text("utf-8").splitlines(keepends=True)
            kept = [ln for ln in lines if ln.strip().split(",", 1)[0] not in drop]
            write_atomic(path, "".join(kept).encode(), mode=path.stat().st_mode & 0o777, create_parents=False)
        except OSError as exc:
            return f"suricata: not running, and its state file {path} could not be rewritten: {exc}", False
        return f"suricata: not running; removed {len(lines) - len(kept)} line(s) from {path}", True
    return (f"suricata: not reachable ({reason}); the service removes the name when it next connects", True)


def _zeek_retract(z, names: list[str]) -> tuple[str, bool]:
    from websockets.sync.client import connect

    from dnsguard.service import broker_json as bj
    from dnsguard.service.zeek_link import tls_context

    try:
        with connect(z.url, open_timeout=5, close_timeout=2, ssl=tls_context(z.url, z.tls_ca, z.tls_cert, z.tls_key),
                     compression=None, max_size=z.max_message) as ws:
            ws.send(json.dumps([]))
            ack = json.loads(ws.recv(timeout=5))
            if not isinstance(ack, dict) or ack.get("type") != "ack":
                return f"zeek: FAILED: no Broker ack from {z.url}", False
            for n in names:
                ws.send(json.dumps(bj.data_message(z.verdict_topic, bj.encode_event("DNSGuard::retract", n))))
        return f"zeek: sent DNSGuard::retract for {len(names)} name(s) to {z.url}", True
    except (OSError, TimeoutError, ValueError) as exc:
        return (f"zeek: not reachable at {z.url} ({type(exc).__name__}: {exc}); a restarted Zeek only gets "
                "what the service replays, which leaves the retracted name out", True)
    except Exception as exc:  # noqa: BLE001 - websockets' own errors: one line, not a traceback
        return f"zeek: FAILED: {type(exc).__name__}: {exc}", False


# ----------------------------------------------------------------------------- commands
def cmd_retract(args: argparse.Namespace, config: dict[str, Any]) -> int:
    from dnsguard.service.control import NoService, request
    from dnsguard.service.journal import JournalBusy
    from dnsguard.service.settings import SettingsError

    if not args.name and not args.host:
        _say("give a NAME, --host IP, or both")
        return EXIT_ERROR
    try:
        settings = _settings(config, args)
    except (SettingsError, OSError) as exc:
        _say(str(exc))
        return EXIT_ERROR
    by = args.by or getpass.getuser()
    req = {"command": "retract", "name": args.name or "", "host": args.host or "", "for": args.for_seconds, "by": by}
    try:
        reply = request(settings.control_socket, req)
        lines, ok, where = [], True, "running service"
    except NoService:
        try:
            reply, lines, ok = _offline_retract(settings, args.name or "", args.host or "", args.for_seconds, by)
        except (ValueError, JournalBusy) as exc:
            _say(str(exc))
            return EXIT_ERROR
        except OSError as exc:
            _say(f"cannot write the journal {settings.journal_path}: {exc.strerror or exc}; nothing retracted")
            return EXIT_ERROR
        where = f"journal {settings.journal_path} (no service running)"
    except (OSError, ValueError) as exc:
        _say(f"the service did not answer: {exc}")
        return EXIT_ERROR
    if not reply.get("ok"):
        _say(str(reply.get("error")))
        return EXIT_ERROR
    for r in reply["retracted"]:
        had = "verdict retracted" if r["had_verdict"] else "no live verdict; retraction recorded"
        print(f"{r['key'][2:]}: {had} via {where}; no new verdict until {_when(reply['until'])}")
    for line in lines:
        print(line)
    return EXIT_OK if ok else EXIT_PARTIAL


def cmd_list(args: argparse.Namespace, config: dict[str, Any]) -> int:
    from dnsguard.service.control import NoService, request
    from dnsguard.service.journal import JournalBusy
    from dnsguard.service.settings import SettingsError

    try:
        settings = _settings(config, args)
    except (SettingsError, OSError) as exc:
        _say(str(exc))
        return EXIT_ERROR
    try:
        reply = request(settings.control_socket, {"command": "list"})
    except NoService:
        from dnsguard.service.app import Service

        try:
            service = Service(settings, None)
            service.journal.open(time.time())
        except (JournalBusy, OSError) as exc:
            _say(str(exc))
            return EXIT_ERROR
        try:
            reply = service.list_verdicts()
        finally:
            service.journal.close()
    except (OSError, ValueError) as exc:
        _say(f"the service did not answer: {exc}")
        return EXIT_ERROR
    if args.json:
        print(json.dumps({"live": reply["live"], "retracted": reply["retracted"]}, indent=1))
        return EXIT_OK
    print(f"{len(reply['live'])} live verdict(s)")
    for v in reply["live"]:
        kind, what = v["key"].split(":", 1)
        print(f"  {'name' if kind == 'n' else 'host':<4} {what:<40} {v['threat']:<8} {v['family']:<14} "
              f"{v['score']:<6.3f} until {_when(v['expires_at'])}  {v['source']}")
    print(f"{len(reply['retracted'])} retraction(s) in force")
    for r in reply["retracted"]:
        kind, what = r["key"].split(":", 1)
        print(f"  {'name' if kind == 'n' else 'host':<4} {what:<40} by {r['by'] or '?'} at {_when(r['at'])}, "
              f"until {_when(r['until'])}")
    return EXIT_OK


def zeek_refuse_lines(allowlist: Any) -> list[str]:
    """``#fields domain reason`` lines for Zeek's Input framework, sorted."""
    from dnsguard.feeds.allowlist import ALLOW_REASON, NEVER_REASON

    out = ["#separator \\x09\n", "#fields\tdomain\treason\n"]
    for name in sorted(allowlist.domains):
        if not name or any(c in name for c in "\t\n\r"):
            continue
        out.append(f"{name}\t{NEVER_REASON if name in allowlist.infrastructure else ALLOW_REASON}\n")
    return out


def cmd_refuse_list(args: argparse.Namespace, config: dict[str, Any]) -> int:
    """The names no verdict may flag, for Zeek (``DNSGuard::verdict_refuse_file``)."""
    from dnsguard.atomic import write_atomic
    from dnsguard.feeds.settings import FeedsConfigError
    from dnsguard.service.cli import load_guard

    try:
        guard = load_guard(config)
    except (FeedsConfigError, OSError, ValueError) as exc:
        _say(str(exc))
        return EXIT_ERROR
    lines = zeek_refuse_lines(guard)
    try:
        write_atomic(args.file, "".join(lines).encode(), create_parents=False)
    except OSError as exc:
        _say(f"cannot write {args.file}: {exc.strerror or exc}")
        return EXIT_ERROR
    print(f"{args.file}: {len(lines) - 2} names (point DNSGuard::verdict_refuse_file at it)")
    return EXIT_OK


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("verdicts", help="list or retract the service's verdicts",
                              description="See and take back the verdicts of dnsguard serve (running or not).")
    sub = p.add_subparsers(dest="verdicts_command", metavar="ACTION", required=True)
    r = sub.add_parser("retract", help="take back a name or host verdict everywhere (journal, Zeek, Suricata)")
    r.add_argument("name", nargs="?", metavar="NAME", help="the name whose verdict is taken back")
    r.add_argument("--host", metavar="IP", help="take back the host verdict on this address")
    r.add_argument("--for", dest="for_seconds", type=float, metavar="SECONDS",
                   help="refuse new verdicts on it this long (default serve.verdict_ttl)")
    r.add_argument("--by", help="who retracts (journal and log; default the login name)")
    r.add_argument("--state-dir", help="override serve.state_dir")
    r.set_defaults(func=cmd_retract)
    ls = sub.add_parser("list", help="live verdicts and retractions in force")
    ls.add_argument("--json", action="store_true", help="JSON instead of text")
    ls.add_argument("--state-dir", help="override serve.state_dir")
    ls.set_defaults(func=cmd_list)
    rl = sub.add_parser("refuse-list", help="write the allowlist and never-list for Zeek (verdict_refuse_file)",
                        description="Write every allowlisted and never-listed name with its reason "
                        "(#fields domain reason) atomically to FILE; the Zeek package refuses scorer verdicts "
                        "on these names and the names below them (DNSGuard::verdict_refuse_file).")
    rl.add_argument("file", metavar="FILE", type=Path)
    rl.set_defaults(func=cmd_refuse_list)
