"""``dnsguard suricata push | sync | test``.

``push`` and ``sync`` change a live dataset (by default ``dnsguard-verdict``)
over Suricata's unix socket.  Every name is normalised first and the command
refuses the whole batch if any name is bad: an operator who pastes a list
with one typo gets an error, not a dataset holding half the list.

A ``push`` into ``dnsguard-verdict`` is a verdict like those of
``dnsguard serve``: once Suricata answers, the names are journaled with an
expiry (``--for``, default ``serve.verdict_ttl``) - through the running
service's control socket, or with none running into the journal under its
lock - and only then added to the set.  The service removes them from its
Suricata when they lapse (or at its next start, if they lapsed meanwhile);
``dnsguard verdicts retract`` takes one back.  Pushes into other sets are
not journaled.

``sync`` needs the set's current content, which Suricata 7.0 cannot list:
with ``--state`` it asks Suricata to dump its ``state`` sets and reads the
file (exact; needs read access to Suricata's data directory), otherwise it
uses a local mirror of what this command last pushed (``--mirror``;
members added by other means are then not removed).

``test`` loads the pack in a private Suricata (``suricata -T``), the check
to run after editing rules or datasets.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from dnsguard.names import Name, Rejected, normalize
from dnsguard.service.model import THREATS
from dnsguard.suricata import sandbox
from dnsguard.suricata.socket import (
    SocketError,
    SuricataSocket,
    apply_additions,
    encode_value,
    read_set_file,
    sync,
)

DEFAULT_SOCKET = "/var/run/suricata/suricata-command.socket"
SOCKET_ENV = "DNSGUARD_SURICATA_SOCKET"
DEFAULT_SET = "dnsguard-verdict"
EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2


def normalise_all(raw: list[str]) -> tuple[list[str], list[str]]:
    """Canonical names and one error line per rejected input."""
    names: list[str] = []
    errors: list[str] = []
    for item in raw:
        result = normalize(item)
        if isinstance(result, Rejected):
            errors.append(f"{result.raw!r}: {result.reason}")
        elif isinstance(result, Name):
            names.append(result.fqdn)
    return list(dict.fromkeys(names)), errors


def read_name_file(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.split("#", 1)[0].strip() for line in fh if line.split("#", 1)[0].strip()]


def _socket_path(args: argparse.Namespace) -> Path:
    return Path(args.socket or os.environ.get(SOCKET_ENV) or DEFAULT_SOCKET)


def _fail(message: str) -> int:
    print(f"dnsguard suricata: {message}", file=sys.stderr)
    return EXIT_ERROR


def guarded(names: list[str], config: dict[str, Any]) -> list[str]:
    """``name: reason`` for each name the allowlist or never-list covers."""
    from dnsguard.names import normalize as _normalize
    from dnsguard.service.cli import load_guard

    guard = load_guard(config if isinstance(config, dict) else {})
    out = []
    for n in names:
        parsed = _normalize(n)
        reason = guard.name_reason(parsed.fqdn, parsed.registered) if isinstance(parsed, Name) else None
        if reason:
            out.append(f"{n}: {reason}")
    return out


DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400}


def duration(text: str) -> float:
    """``3600``, ``3s``, ``90m``, ``24h``, ``7d``: seconds (argparse type)."""
    raw = str(text).strip().lower()
    unit = DURATION_UNITS.get(raw[-1:])
    number = raw[:-1] if unit else raw
    try:
        value = float(number) * (unit or 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 3600, 90m, 24h, 7d)") from None
    if not 1 <= value <= 366 * 86_400:
        raise argparse.ArgumentTypeError(f"{text!r}: a verdict lasts 1 s to 366 days")
    return value


def _when(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _journal_push(args: argparse.Namespace, names: list[str], settings: Any,
                  seconds: float) -> tuple[dict[str, Any], str]:
    """The names as journaled verdicts: through the running service's control
    socket (it journals them and hands them to its sensor links, so its
    Suricata link removes them when they lapse), or with none running into
    the journal under its lock (the next ``dnsguard serve`` replays them
    while live and removes them from the set once lapsed)."""
    import getpass

    from dnsguard.service.control import NoService, journal_push, request

    by = getattr(args, "by", None) or getpass.getuser()
    threat = getattr(args, "threat", None) or "c2"
    req = {"command": "push", "names": names, "for": seconds, "by": by, "threat": threat}
    try:
        reply = request(settings.control_socket, req)
    except NoService:
        import time

        from dnsguard.service.journal import Journal

        journal = Journal(settings.journal_path, settings.host_verdict_ttl, settings.journal_max_live)
        journal.open(time.time())
        try:
            reply, _ = journal_push(journal, names, seconds, by, threat, time.time())
        finally:
            journal.close()
        return reply, f"journal {settings.journal_path} (no service running)"
    except (OSError, ValueError) as exc:
        # Not our journal to write: the service holds it but did not answer (not root or its user?).
        raise ValueError(f"the service did not answer: {exc}") from None
    return reply, "running service"


def cmd_push(args: argparse.Namespace, config: dict[str, Any]) -> int:
    names, errors = normalise_all(args.names)
    if errors:
        return _fail("nothing pushed; bad names: " + "; ".join(errors))
    verdict_set = args.set == DEFAULT_SET
    settings = None
    if verdict_set:
        from dnsguard.service.cli import build_settings
        from dnsguard.service.settings import SettingsError

        if not args.force:
            try:
                refused = guarded(names, config)
            except (OSError, ValueError) as exc:
                return _fail(f"nothing pushed; cannot load the allowlist: {exc}")
            if refused:
                # The same rule as dnsguard serve and the Zeek package: a verdict set
                # entry for google.com would alert on every host.
                return _fail("nothing pushed; allowlisted or never-listed (--force to push anyway): "
                             + "; ".join(refused))
        try:
            settings = build_settings(config if isinstance(config, dict) else {}, args)
        except (SettingsError, OSError) as exc:
            return _fail(f"nothing pushed; {exc}")
    seconds = getattr(args, "for_seconds", None)
    if settings is not None and seconds is None:
        seconds = float(settings.decide.verdict_ttl)
    sock_path = _socket_path(args)
    if verdict_set and not args.socket and not os.environ.get(SOCKET_ENV) and settings.suricata is not None:
        sock_path = Path(settings.suricata.socket)
    try:
        with SuricataSocket(sock_path, timeout=args.timeout) as client:
            # Connected (Suricata is there) before the journal is written: a push
            # that cannot reach Suricata leaves no verdict behind.
            client.uptime()
            where, reply = "", None
            if verdict_set:
                from dnsguard.service.journal import JournalBusy

                try:
                    reply, where = _journal_push(args, names, settings, seconds)
                except (JournalBusy, ValueError) as exc:
                    return _fail(f"nothing pushed; {exc}")
                except OSError as exc:
                    return _fail(f"nothing pushed; cannot write the journal {settings.journal_path}: "
                                 f"{exc.strerror or exc}")
                if not reply.get("ok"):
                    return _fail(f"nothing pushed; {reply.get('error')}")
            try:
                added = apply_additions(client, args.set, "string", names)
            except SocketError as exc:
                if reply is None:
                    raise
                for item in reply["pushed"]:
                    print(f"{item['name']}: verdict until {_when(item['expires_at'])} via {where}")
                _fail(f"journaled, but not added to {args.set}: {exc} (the service adds live verdicts when "
                      "it next connects; 'dnsguard verdicts retract NAME' takes one back)")
                return EXIT_PARTIAL
    except SocketError as exc:
        return _fail(f"{exc} (nothing left added)")
    if reply is not None:
        for item in reply["pushed"]:
            kept = f" (a longer live verdict, {item['source']}, kept)" if item["kept"] else ""
            print(f"{item['name']}: verdict until {_when(item['expires_at'])}{kept} via {where}")
    print(f"added {len(added)} name(s) to {args.set}")
    return EXIT_OK


def _default_mirror(setname: str) -> Path:
    from dnsguard.paths import state_dir

    return state_dir() / f"suricata-{setname}.mirror"


def cmd_sync(args: argparse.Namespace, config: dict[str, Any]) -> int:
    try:
        raw = read_name_file(Path(args.file))
    except OSError as exc:
        return _fail(f"cannot read {args.file}: {exc.strerror or exc}")
    names, errors = normalise_all(raw)
    if errors:
        return _fail("nothing changed; bad names: " + "; ".join(errors))
    mirror = Path(args.mirror) if args.mirror else _default_mirror(args.set)
    try:
        with SuricataSocket(_socket_path(args), timeout=args.timeout) as client:
            if args.state:
                client.dataset_dump()
                current = read_set_file(Path(args.state))
            else:
                current = read_set_file(mirror)
            plan = sync(client, args.set, "string", names, current)
    except (SocketError, ValueError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot read the set's current content: {exc.strerror or exc} ({exc.filename})")
    mirror.parent.mkdir(parents=True, exist_ok=True)
    tmp = mirror.with_suffix(".tmp")
    tmp.write_text("".join(encode_value("string", n) + "\n" for n in sorted(names)), "utf-8")
    tmp.replace(mirror)
    print(f"{args.set}: added {len(plan.add)}, removed {len(plan.remove)}, now {len(names)}")
    return EXIT_OK


def cmd_check_config(args: argparse.Namespace, config: dict[str, Any]) -> int:
    from dnsguard.suricata import sensor_config

    try:
        files = sensor_config.load(Path(args.config_file), Path(args.rule_path) if args.rule_path else None)
    except sensor_config.ConfigError as exc:
        print(f"dnsguard suricata check-config: {exc}", file=sys.stderr)
        return 2
    findings = sensor_config.check(files.config, files.rule_texts, files.lua_script, files.nx_lua_script)
    for finding in findings:
        print(f"{finding.level}: {finding.message}")
    return 1 if any(f.level == "warn" for f in findings) else 0


def cmd_test(args: argparse.Namespace, config: dict[str, Any]) -> int:
    settings = config.get("suricata", {}) if isinstance(config, dict) else {}
    binary = settings.get("binary") or "suricata"
    if args.rules_dir:
        pack = Path(args.rules_dir)
    elif settings.get("rules_dir"):
        pack = Path(settings["rules_dir"])
    else:
        from dnsguard.paths import suricata_rules_dir

        pack = suricata_rules_dir()
    with tempfile.TemporaryDirectory(prefix="dnsguard-suricata-test-") as tmp:
        try:
            box = sandbox.create(Path(tmp), pack, lua=args.lua, binary=binary)
            sandbox.check(box)
        except (sandbox.SuricataError, OSError) as exc:
            return _fail(str(exc))
    print(f"{pack}: {', '.join(box.rule_files)} load cleanly")
    return EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("suricata", help="manage the Suricata rule pack and datasets")
    sub = parser.add_subparsers(dest="suricata_command", metavar="ACTION", required=True)

    def socket_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--socket", help=f"Suricata unix socket (default ${SOCKET_ENV} or {DEFAULT_SOCKET})")
        p.add_argument("--set", default=DEFAULT_SET, help=f"dataset name (default {DEFAULT_SET})")
        p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each reply")

    push = sub.add_parser(
        "push", help="add names to a live dataset (into dnsguard-verdict: a verdict that lapses)",
        description="Add names to a live dataset.  Into dnsguard-verdict each name becomes a verdict of "
        "dnsguard serve with an expiry (--for, default serve.verdict_ttl: 86400 s unless the configuration "
        "sets it): journaled first (source manual:<user>; through the running service's control socket, "
        "or with no service running into the journal under its lock), then dataset-add.  The running "
        "service, or the next dnsguard serve, removes it from its Suricata once it lapses and replays it "
        "to its sensors until then (Zeek too, when it links to Zeek); 'dnsguard verdicts list' shows it, "
        "'dnsguard verdicts retract NAME' takes it back.  With no service ever running nothing removes "
        "it.  Allowlisted and never-listed names are refused (--force overrides; the next start of "
        "dnsguard serve retracts such verdicts again).  Pushes into other sets are not journaled and "
        "carry no expiry.  The socket: --socket, else $DNSGUARD_SURICATA_SOCKET, else (dnsguard-verdict) "
        "serve.suricata.socket.")
    push.add_argument("names", nargs="+", metavar="NAME")
    push.add_argument("--force", action="store_true",
                      help="push allowlisted or never-listed names into dnsguard-verdict too")
    push.add_argument("--for", dest="for_seconds", type=duration, metavar="DURATION",
                      help="how long the verdict lasts: seconds or 90m, 24h, 7d (default serve.verdict_ttl, "
                      "86400 s unless configured; dnsguard-verdict only)")
    push.add_argument("--threat", choices=THREATS, default="c2",
                      help="the verdict's threat type (default c2; dnsguard-verdict only)")
    push.add_argument("--by", help="who pushes (journal; default the login name)")
    push.add_argument("--state-dir", help="override serve.state_dir (where the journal is)")
    socket_options(push)
    push.set_defaults(func=cmd_push)

    sync_p = sub.add_parser("sync", help="make a live dataset hold exactly the names in FILE")
    sync_p.add_argument("file", metavar="FILE", help="one name per line; # starts a comment")
    socket_options(sync_p)
    sync_p.add_argument("--state", metavar="PATH",
                        help="the set's state file in Suricata's data directory (exact current content)")
    sync_p.add_argument("--mirror", metavar="PATH",
                        help="local record of the last sync (default in the dnsguard state directory)")
    sync_p.set_defaults(func=cmd_sync)

    check_p = sub.add_parser("check-config", help="does a sensor's suricata.yaml let the Lua host rule see "
                                                   "whole hosts (thread balancing); exit 1 on a warning")
    check_p.add_argument("config_file", metavar="SURICATA_YAML")
    check_p.add_argument("--rule-path", metavar="DIR",
                         help="where the rule files are, if not at the file's default-rule-path (a container's "
                              "path seen from the host: /opt/so/conf/suricata/rules on Security Onion)")
    check_p.set_defaults(func=cmd_check_config)

    test = sub.add_parser("test", help="check that the rule pack loads (suricata -T)")
    test.add_argument("--rules-dir", help="pack directory (default: the shipped suricata-rules/)")
    test.add_argument("--lua", action="store_true", help="also load the Lua rule (allow-rules on)")
    test.set_defaults(func=cmd_test)
