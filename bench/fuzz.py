"""The fuzz suite (issue 16 item 6): every input dnsguard takes from outside.

    .venv/bin/python bench/fuzz.py [CASES] [--seed N] [--only TARGET,...]

A seeded generator (the same seed gives the same cases) makes CASES cases
(default 100,000), spread over the targets below, from seeds - recorded
fixtures, the hostile corpus in tests/data/hostile (kept in the repo) and
small samples - by byte mutation (bench/fuzz_inputs.py: flips, inserts of
hostile tokens, deletions, truncation, splices) and, for the JSON
protocols, structural mutation (a value anywhere replaced by another JSON
type, deep nesting, huge numbers, odd strings).

Targets and what may come out of each (anything else is a crash):

* ``names``: generated names (unicode, IDNA, binary, over-long, odd dots)
  through ``names.normalize`` (must return Name or Rejected, and be
  idempotent on its own output), the feeds' guard, the service's decider
  and the Suricata dataset encoding (must round-trip);
* ``feed:<format>``: every feed parser plus validation, the MISP manifest:
  only ``ParseError``;
* ``zeek`` (TSV and JSON, line and block readers), ``eve``: the readers and
  the analysis over what they yield: nothing;
* ``pcap``: the capture check: only ``InputError``;
* ``broker``: Broker WebSocket frames into the Zeek link's frame handler
  (nothing may escape: bad frames are counted) and the Broker JSON codec
  (only ``BrokerDecodeError``; a decoded value re-encodes and decodes to
  itself);
* ``suricata-reply``: reply bytes from Suricata's command socket, whole or
  split, into the client over a socket pair: only ``SocketError``
  (``CommandFailed`` included); state files into ``read_set_file``: only
  ``ValueError``;
* ``eve-socket``: lines as the service's EVE input reads them: nothing;
* ``journal``: journal files into ``Journal.open``: nothing (a damaged
  record is skipped and counted, never fatal);
* ``control``: requests on the service's control socket: a reply, never
  an exception.

Every case runs under a 10 s alarm (a hang is reported, not waited for);
a case over 1 s is reported as slow.  Prints the number of cases per
target, crashes (type, count, first case written to ``--out``), hangs and
slow cases.  Exit status 1 if anything crashed, hung or was slow.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import signal
import socket
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "bench"))

import fuzz_inputs as fi  # noqa: E402
from dnsguard.feeds.allowlist import Allowlist  # noqa: E402
from dnsguard.names import Name, Rejected, normalize  # noqa: E402
from dnsguard.records import InputStats  # noqa: E402
from dnsguard.service import broker_json as bj  # noqa: E402
from dnsguard.service.control import ControlStats, answer  # noqa: E402
from dnsguard.service.decide import Decider  # noqa: E402
from dnsguard.service.eve_input import eve_candidates  # noqa: E402
from dnsguard.service.journal import Journal  # noqa: E402
from dnsguard.service.model import Candidate, NameVerdict  # noqa: E402
from dnsguard.service.zeek_link import ZeekLink, ZeekSettings, verdict_event  # noqa: E402
from dnsguard.suricata.socket import (  # noqa: E402
    SocketError,
    SuricataSocket,
    decode_value,
    encode_value,
    read_set_file,
)

HOSTILE = ROOT / "tests" / "data" / "hostile"
CASE_TIMEOUT = 10
SLOW = 1.0


class Hang(Exception):
    """A case ran past CASE_TIMEOUT."""


class InvariantBroken(Exception):
    """No exception, but a promised property did not hold."""


# ----------------------------------------------------------------------------- names
ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz", "0123456789", "-", "_", "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "äöüßéèçñ", "абвгдежзийклмнопрст", "日本語中文한국어", "αβγδε", "\u200b\u200d\ufeff",
    "🙂💥", " \t", "\x00\x01\x7f", "*@/\\:%$!'\"", ".", "。．｡",
]  # fmt: skip
PREFIXES = ["", "", "", "xn--", "xn--zz", "xn--ls8h", "_dmarc", "*."]
SUFFIXES = ["com", "net", "org", "co.uk", "com.au", "example", "test", "xn--p1ai", "local", "arpa",
            "in-addr.arpa", "", "github.io", "s3.amazonaws.com", "blogspot.com", "uk", "123"]  # fmt: skip


def gen_label(rng: random.Random) -> str:
    n = rng.choice([0, 1, 2, 5, 8, 12, 20, 40, 63, 64, 100, 300])
    pools = rng.sample(ALPHABETS, rng.randint(1, 3))
    chars = "".join(pools)
    return rng.choice(PREFIXES) + "".join(rng.choice(chars) for _ in range(n))


def gen_name(rng: random.Random) -> str | bytes:
    labels = [gen_label(rng) for _ in range(rng.choice([0, 1, 2, 3, 4, 6, 130]))]
    name = ".".join(labels)
    suffix = rng.choice(SUFFIXES)
    if suffix:
        name = f"{name}.{suffix}" if name else suffix
    if rng.random() < 0.1:
        name += "."
    if rng.random() < 0.05:
        name = "." + name
    if rng.random() < 0.05:
        name = name.upper()
    if rng.random() < 0.1:
        raw = name.encode("utf-8", "surrogatepass")
        return bytes(rng.randrange(256) for _ in range(rng.randint(0, 8))) + raw
    if rng.random() < 0.03:
        return name + "\udcff"  # a lone surrogate (undecodable bytes surrogate-escaped)
    return name


class StubScorer:
    """Deterministic: long registered labels starting with x are DGA-like."""

    def score_batch(self, names: list[str]):
        out = []
        for n in names:
            label = n.split(".")[0]
            hit = label.startswith("x") and len(label) >= 10
            out.append((n, 0.99 if hit else 0.01, "testfam" if hit else "unknown", 0.9, ()))
        return out


GUARD = Allowlist(domains=frozenset({"google.com", "example.com", "dns.google", "co.uk"}),
                  infrastructure=frozenset({"dns.google"}))
DECIDER = Decider(StubScorer(), guard=GUARD)


def names_target(body: bytes) -> None:
    rng = random.Random(body)
    batch = [gen_name(rng) for _ in range(rng.randint(1, 8))]
    for raw in batch:
        result = normalize(raw)
        if isinstance(result, Rejected):
            continue
        if not isinstance(result, Name):
            raise InvariantBroken(f"normalize({raw!r}) returned {type(result).__name__}")
        again = normalize(result.fqdn)
        if not isinstance(again, Name) or again.fqdn != result.fqdn:
            raise InvariantBroken(f"normalize is not idempotent on {result.fqdn!r}: {again!r}")
        GUARD.name_reason(result.fqdn, result.registered)
        wire = encode_value("string", result.fqdn)
        if decode_value("string", wire) != result.fqdn:
            raise InvariantBroken(f"dataset value does not round-trip: {result.fqdn!r}")
        json.dumps(bj.data_message("t", verdict_event(
            NameVerdict(result.fqdn, 0.99, "f", "dga", 60, 0.0, result.registered), 0.0)))
    DECIDER.decide([Candidate(0.0, "10.0.0.1", q, 1, 3) for q in batch], now=0.0)


# ----------------------------------------------------------------------------- JSON structure mutation
ODD_STRINGS = ["", "\x00", "\udcff", "é" * 3, "a" * 5000, "1e999", "NaN", "-0", "::1", "10.0.0.300",
               "2026-13-45T99:99:99", "9999-12-31T23:59:59.999999999+14:00", "0x10", " 1 ", "count", "vector"]  # fmt: skip


def random_json(rng: random.Random, depth: int = 0) -> Any:
    pick = rng.randrange(12 if depth < 4 else 8)
    if pick == 0:
        return None
    if pick == 1:
        return rng.choice([True, False])
    if pick == 2:
        return rng.choice([0, -1, 1, 2**63, 2**64, -(2**63) - 1, 10**400, 65535, 65536])
    if pick == 3:
        return rng.choice([0.5, -0.0, 1e308, 1e-320, 1.7e9, 4e9])
    if pick in (4, 5, 6, 7):
        return rng.choice(ODD_STRINGS + [gen_label(rng)])
    if pick in (8, 9):
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if pick == 10:
        return {rng.choice(["@data-type", "data", "type", "topic", "x", ""]): random_json(rng, depth + 1)
                for _ in range(rng.randint(0, 3))}
    deep: Any = 0
    for _ in range(rng.choice([10, 100, 2000])):
        deep = [deep] if rng.random() < 0.5 else {"data": deep, "@data-type": "vector"}
    return deep


def paths(obj: Any, limit: int = 2000, max_depth: int = 40) -> list[tuple]:
    """Paths to values inside ``obj`` (breadth first, bounded: seeds may be deep)."""
    out: list[tuple] = []
    todo: list[tuple[tuple, Any]] = [((), obj)]
    while todo and len(out) < limit:
        prefix, value = todo.pop(0)
        out.append(prefix)
        if len(prefix) >= max_depth:
            continue
        if isinstance(value, dict):
            todo += [(prefix + (k,), v) for k, v in value.items()]
        elif isinstance(value, list):
            todo += [(prefix + (i,), v) for i, v in enumerate(value)]
    return out


def mutate_json(obj: Any, rng: random.Random) -> Any:
    for _ in range(rng.randint(1, 3)):
        where = rng.choice(paths(obj))
        if not where:
            obj = random_json(rng)
            continue
        parent = obj
        try:
            for step in where[:-1]:
                parent = parent[step]
            op = rng.randrange(3)
            if op == 0:
                parent[where[-1]] = random_json(rng)
            elif op == 1 and isinstance(parent, list):
                del parent[where[-1]]
            elif op == 1 and isinstance(parent, dict):
                parent.pop(where[-1], None)
            elif isinstance(parent, list):
                parent.insert(where[-1], random_json(rng))
            else:
                parent[rng.choice(ODD_STRINGS)] = random_json(rng)
        except (KeyError, IndexError, TypeError):
            continue
    return obj


def dumps_any(obj: Any) -> bytes:
    try:
        return json.dumps(obj).encode("utf-8", "surrogatepass")
    except (RecursionError, ValueError):
        return b"[" * 5000


# ----------------------------------------------------------------------------- Broker
def _frame(name: str, *args: Any) -> bytes:
    return json.dumps(bj.data_message("dnsguard/candidates", bj.encode_event(name, *args))).encode()


BROKER_SEEDS = [
    ("candidate", _frame("DNSGuard::candidate", bj.Timestamp(1794000000.25), "CAbc1", bj.Address("10.1.1.5"),
                         "xqzkvbwpmlrt.com", bj.Count(1), bj.Count(3))),
    ("host_tag", _frame("DNSGuard::host_tag", bj.Address("10.1.1.5"), "nas-qnap", "qnapcloud.com")),
    ("trace_done", _frame("DNSGuard::trace_done", bj.Count(12))),
    ("ipv6", _frame("DNSGuard::candidate", bj.Timestamp(1794000000.0), "C2", bj.Address("fe80::1"),
                    "www.example.com", bj.Count(28), bj.Count(0))),
    ("error", b'{"type": "error", "code": "deserialization_failed", "context": "x"}'),
    ("ack", b'{"type": "ack", "endpoint": "e", "version": "2.8.0"}'),
]  # fmt: skip


class _Sink:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def __call__(self, item: Any) -> None:
        self.items.append(item)


BROKER_SINK = _Sink()
BROKER_LINK = ZeekLink(ZeekSettings(), BROKER_SINK, lambda now: [])


def broker_target(body: bytes) -> None:
    BROKER_SINK.items.clear()
    BROKER_LINK.handle_message(body)
    BROKER_LINK.handle_message(body.decode("utf-8", "replace"))
    try:
        msg = json.loads(body)
    except (ValueError, RecursionError):
        return
    if isinstance(msg, dict):
        try:
            event = bj.decode_event(msg)
        except bj.BrokerDecodeError:
            pass
        else:
            again = bj.decode_event(json.loads(json.dumps(bj.encode_event(event.name, *event.args))))
            if again.name != event.name or again.args != event.args:
                raise InvariantBroken(f"event does not round-trip: {event!r} -> {again!r}")
    with contextlib.suppress(bj.BrokerDecodeError):
        value = bj.decode(msg.get("data") if isinstance(msg, dict) else msg)
        back = bj.decode(json.loads(json.dumps(bj.encode(value))))
        if back != value and not _has_nan(value):
            raise InvariantBroken(f"value does not round-trip: {value!r} -> {back!r}")
    cands = [x for x in BROKER_SINK.items if isinstance(x, Candidate)]
    if cands:
        DECIDER.decide(cands, now=0.0)


def _has_nan(value: Any) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nan(k) or _has_nan(v) for k, v in value.items())
    return False


# ----------------------------------------------------------------------------- Suricata replies
REPLY_SEEDS = [
    ("ok", b'{"return": "OK", "message": "data added"}'),
    ("nok", b'{"return": "NOK", "message": "failed to remove data"}'),
    ("uptime", b'{"return": "OK", "message": 1234}'),
    ("pcap-current", b'{"return": "OK", "message": "None"}'),
    ("two", b'{"return": "OK", "message": "a"}{"return": "OK"}'),
    ("newline", b'{"return": "OK", "message": "x"}\n'),
]  # fmt: skip
STATE_SEED = b"eHF6ay5jb20=\nYmFkbmFtZS5leGFtcGxl\n\nZXZpbC5jb20=,extra\n"
VERSION_OK = b'{"return": "OK", "message": "2"}'


def _client_over(reply: bytes, rng: random.Random) -> tuple[SuricataSocket, socket.socket]:
    ours, theirs = socket.socketpair()
    ours.settimeout(2)
    client = SuricataSocket(Path("/nonexistent/dnsguard-fuzz.socket"), timeout=2)
    client._sock = ours
    # Split the reply into chunks, as a socket may deliver it.
    cuts = sorted(rng.sample(range(1, len(reply)), min(len(reply) - 1, rng.randint(0, 3)))) if len(reply) > 1 else []
    pieces = [reply[a:b] for a, b in zip([0, *cuts], [*cuts, len(reply)], strict=True)]
    theirs.sendall(b"".join(pieces))
    theirs.shutdown(socket.SHUT_WR)
    return client, theirs


def suricata_target(body: bytes) -> None:
    rng = random.Random(body)
    client, peer = _client_over(body, rng)
    try:
        command = rng.choice(["dataset_add", "dataset_remove", "dataset_lookup", "uptime", "pcap_current",
                              "pcap_file_number", "dataset_dump"])  # fmt: skip
        try:
            if command.startswith("dataset_") and command != "dataset_dump":
                getattr(client, command)("dnsguard-verdict", "string", "xqzk.com")
            else:
                getattr(client, command)()
        except SocketError:
            pass
    finally:
        client.close()
        peer.close()
    path = _TMP / "state.lst"
    path.write_bytes(body)
    with contextlib.suppress(ValueError):
        read_set_file(path)


# ----------------------------------------------------------------------------- service inputs
EVE_LINES_STATS = InputStats()


def eve_socket_target(body: bytes) -> None:
    lines = body.decode("utf-8", "replace").split("\n")
    cands = eve_candidates(lines, EVE_LINES_STATS)
    if cands:
        DECIDER.decide(cands, now=0.0)


_TMP = Path(tempfile.mkdtemp(prefix="dnsguard-fuzz2-"))


def journal_seed() -> bytes:
    path = _TMP / "seed.journal"
    j = Journal(path)
    j.open(now=1000)
    j.append([NameVerdict(f"x{i}abcdefghij.com", 0.99, "f", "dga", 600, 1000.0, f"x{i}abcdefghij.com")
              for i in range(3)], now=1000)
    j.retract("n:x0abcdefghij.com", 1001, 2000, "fuzz")
    j.close()
    return path.read_bytes()


def journal_target(body: bytes) -> None:
    path = _TMP / "case.journal"
    path.write_bytes(body)
    j = Journal(path)
    try:
        j.open(now=1100)
        j.live(1100)
        j.gone(1100)
        j.retracted(1100)
        j.append([NameVerdict("xfuzzfuzzfuzz.com", 0.99, "f", "dga", 600, 1100.0)], now=1100)
    finally:
        j.close()


class _ControlService:
    """The service's control handler without a running service."""

    def __init__(self) -> None:
        from dnsguard.service.app import Service
        from dnsguard.service.settings import ServeSettings

        settings = ServeSettings.from_dict({"zeek": {"enabled": False}, "suricata": {"enabled": False},
                                            "state_dir": str(_TMP / "control-state"), "verdict_log": "",
                                            "metrics": {"enabled": False}})  # fmt: skip
        self.service = Service(settings, StubScorer())
        self.service.journal.open(time.time())


CONTROL: _ControlService | None = None
CONTROL_SEEDS = [
    ("list", b'{"command": "list"}'),
    ("retract", b'{"command": "retract", "name": "xqzkvbwpmlrt.com", "host": "10.0.0.1", "for": 60, "by": "f"}'),
]  # fmt: skip


def control_target(body: bytes) -> None:
    global CONTROL
    if CONTROL is None:
        CONTROL = _ControlService()
    reply = answer(body, CONTROL.service.control, ControlStats())
    if not isinstance(reply, dict) or "ok" not in reply:
        raise InvariantBroken(f"control reply without ok: {reply!r}")
    json.dumps(reply)


# ----------------------------------------------------------------------------- the run
def hostile_files(kind: str) -> list[tuple[str, bytes]]:
    d = HOSTILE / kind
    return [(p.name, p.read_bytes()) for p in sorted(d.glob("*"))] if d.is_dir() else []


def build() -> tuple[dict[str, Callable[[bytes], None]], dict[str, list[tuple[str, bytes]]], set[str]]:
    """Targets, their seeds, and the targets whose seeds are JSON (structural mutation too)."""
    pool = fi.seeds()
    targets: dict[str, Callable[[bytes], None]] = {
        name: fi.feed_target(name.split(":", 1)[1]) for name in pool if name.startswith("feed:")
    }
    targets.update(zeek=fi.zeek_target, eve=fi.eve_target, pcap=fi.pcap_target)
    targets.update(names=names_target, broker=broker_target, suricata_reply=suricata_target,
                   eve_socket=eve_socket_target, journal=journal_target, control=control_target)  # fmt: skip
    pool["names"] = [("generated", b"names")]
    pool["broker"] = BROKER_SEEDS + hostile_files("broker")
    pool["suricata_reply"] = REPLY_SEEDS + [("state", STATE_SEED)] + hostile_files("suricata")
    pool["eve_socket"] = list(pool["eve"])
    pool["journal"] = [("journal", journal_seed())] + hostile_files("journal")
    pool["control"] = CONTROL_SEEDS + hostile_files("control")
    return targets, pool, {"broker", "control", "suricata_reply"}


def _alarm(signum, frame):  # noqa: ARG001
    raise Hang(f"case ran over {CASE_TIMEOUT} s")


def make_case(target: str, seed: bytes, rng: random.Random, structural: bool) -> tuple[bytes, list[str]]:
    if target == "names":
        salt = rng.getrandbits(64).to_bytes(8, "little")
        return salt, [f"names salt {salt.hex()}"]
    if structural and rng.random() < 0.5:
        try:
            obj = json.loads(seed)
        except (ValueError, RecursionError):
            obj = None
        if obj is not None:
            try:
                return dumps_any(mutate_json(obj, rng)), ["json-structure"]
            except RecursionError:
                pass
    return fi.mutate(seed, rng)


def run(cases: int, seed: int = 16, only: set[str] | None = None, out: Path | None = None,
        quiet: bool = False) -> dict[str, Any]:
    import logging

    # Bad frames and replies are logged one line each by design; thousands of them are noise here.
    logging.getLogger("dnsguard").setLevel(logging.CRITICAL)
    # Durability is not what is fuzzed here (tests/service/test_fault_injection.py
    # is about that): without fsync the journal and control cases cost CPU, not disk waits.
    real_fsync = os.fsync
    os.fsync = lambda fd: None
    targets, pool, structural = build()
    names = sorted(t for t in targets if pool.get(t) and (not only or t in only))
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    crashes: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], str] = {}
    hangs: list[str] = []
    slow: list[str] = []
    old = signal.signal(signal.SIGALRM, _alarm)
    start = time.process_time()
    wall = time.perf_counter()
    try:
        # Every seed once, unmutated: the hostile corpus itself must pass.
        plan: list[tuple[str, str, bytes, list[str]]] = [
            (t, n, b, ["as is"]) for t in names for n, b in pool[t]
        ]
        while len(plan) < cases:
            t = rng.choice(names)
            n, b = rng.choice(pool[t])
            body, how = make_case(t, b, rng, t in structural)
            plan.append((t, n, body, how))
        for target, seed_name, body, how in plan[:max(cases, 0)] if cases else plan:
            counts[target] += 1
            t0 = time.perf_counter()
            signal.alarm(CASE_TIMEOUT)
            try:
                targets[target](body)
            except Hang:
                hangs.append(f"{target} {seed_name} {how}")
            except Exception as exc:  # noqa: BLE001 - counting what escaped is the point
                key = (target, type(exc).__name__)
                crashes[key] += 1
                if key not in first:
                    first[key] = (f"{target} {seed_name} {how}: {type(exc).__name__}: {str(exc)[:500]}\n"
                                  f"{traceback.format_exc()}\ncase bytes: {body[:2000]!r}\n")  # fmt: skip
            finally:
                signal.alarm(0)
            elapsed = time.perf_counter() - t0
            if elapsed > SLOW:
                slow.append(f"{target} {seed_name} {how}: {elapsed:.1f} s")
    finally:
        signal.signal(signal.SIGALRM, old)
        global CONTROL
        if CONTROL is not None:
            CONTROL.service.journal.close()
            CONTROL = None
        os.fsync = real_fsync
    result = {"cases": sum(counts.values()), "per_target": dict(counts), "crashes": dict(crashes),
              "first": first, "hangs": hangs, "slow": slow, "cpu": time.process_time() - start,
              "wall": time.perf_counter() - wall}  # fmt: skip
    if not quiet:
        report(result, names, seed, out)
    return result


def report(r: dict[str, Any], names: list[str], seed: int, out: Path | None) -> None:
    print(f"{r['cases']} cases ({r['cpu']:.1f} CPU-s, {r['wall']:.1f} s wall, seed {seed})")
    for target in names:
        bad = sum(n for (t, _), n in r["crashes"].items() if t == target)
        print(f"  {target:<22} {r['per_target'].get(target, 0):>7} cases  {bad:>5} crashes")
    total = sum(r["crashes"].values())
    print(f"crashes: {total}" + (f" ({len(r['crashes'])} distinct)" if total else ""))
    for (target, name), n in sorted(r["crashes"].items(), key=lambda kv: -kv[1]):
        print(f"  {target}: {name} x{n}")
    print(f"hangs (> {CASE_TIMEOUT} s): {len(r['hangs'])}")
    for line in r["hangs"][:10]:
        print(f"  {line}")
    print(f"slow cases (> {SLOW:.0f} s): {len(r['slow'])}")
    for line in r["slow"][:10]:
        print(f"  {line}")
    if r["first"] and out is not None:
        out.write_text("\n".join(r["first"].values()))
        print(f"first case of each crash written to {out}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="?", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--only", help="comma-separated targets (default all)")
    ap.add_argument("--out", type=Path, default=Path("fuzz-crashes.txt"))
    args = ap.parse_args()
    r = run(args.cases, args.seed, set(args.only.split(",")) if args.only else None, args.out)
    return 1 if r["crashes"] or r["hangs"] or r["slow"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
