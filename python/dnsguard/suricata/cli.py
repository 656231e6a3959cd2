"""``dnsguard suricata push | sync | test``.

``push`` and ``sync`` change a live dataset (by default ``dnsguard-verdict``)
over Suricata's unix socket.  Every name is normalised first and the command
refuses the whole batch if any name is bad: an operator who pastes a list
with one typo gets an error, not a dataset holding half the list.

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


def cmd_push(args: argparse.Namespace, config: dict[str, Any]) -> int:
    names, errors = normalise_all(args.names)
    if errors:
        return _fail("nothing pushed; bad names: " + "; ".join(errors))
    if args.set == DEFAULT_SET and not args.force:
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
        with SuricataSocket(_socket_path(args), timeout=args.timeout) as client:
            added = apply_additions(client, args.set, "string", names)
    except SocketError as exc:
        return _fail(f"{exc} (nothing left added)")
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

    push = sub.add_parser("push", help="add names to a live dataset",
                          description="Add names to a live dataset.  Into dnsguard-verdict, allowlisted and "
                          "never-listed names are refused (--force overrides); names pushed by hand carry no "
                          "expiry: 'dnsguard verdicts retract NAME' removes one, and a service with "
                          "suricata.state_file set removes them at its next connection.")
    push.add_argument("names", nargs="+", metavar="NAME")
    push.add_argument("--force", action="store_true",
                      help="push allowlisted or never-listed names into dnsguard-verdict too")
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

    test = sub.add_parser("test", help="check that the rule pack loads (suricata -T)")
    test.add_argument("--rules-dir", help="pack directory (default: the shipped suricata-rules/)")
    test.add_argument("--lua", action="store_true", help="also load the Lua rule (allow-rules on)")
    test.set_defaults(func=cmd_test)
