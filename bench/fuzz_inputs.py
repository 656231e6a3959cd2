"""Mutation fuzzing of the feed parsers, the log readers and the pcap check (issue 16).

The whole suite is ``bench/fuzz.py``, which imports the seeds, mutator and
targets from here and adds names, the Broker codec, Suricata replies, EVE
socket lines, journal files and control requests.

    .venv/bin/python bench/fuzz_inputs.py [CASES] [--seed N]

Seeds are the recorded feed fixtures (tests/feeds/fixtures), the hostile
corpus (tests/data/hostile) and small Zeek/EVE samples; each case takes a
seed, applies 1-4 random mutations (bit flips, byte insertions and
deletions, truncation, splices of hostile tokens: deep brackets, bare CRs,
huge numbers, NaN, year 9999, NUL, invalid UTF-8) and runs it through:

* every feed parser plus validation (``process_body``) and the MISP manifest
  reader: only :class:`ParseError` may come out;
* the Zeek reader (line and block paths) and the EVE reader, then the
  analysis over what they yield: nothing may come out;
* the capture check in ``sniff_log`` on pcap/pcapng bytes: only
  :class:`InputError`.

It prints the number of cases per target, the crashes (exception type and
the first case's mutation, written to ``--out`` for replay) and any case
slower than a second.  Default 100,000 cases.  Exit status 1 if anything
crashed or hung.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

from dnsguard.analyze import run_analysis  # noqa: E402
from dnsguard.config import AnalysisSettings, default_config  # noqa: E402
from dnsguard.feeds.allowlist import shipped_allowlist  # noqa: E402
from dnsguard.feeds.definitions import parse_definition  # noqa: E402
from dnsguard.feeds.formats import PARSERS, ParseError, parse_manifest  # noqa: E402
from dnsguard.feeds.indicators import IndicatorIndex  # noqa: E402
from dnsguard.feeds.update import process_body  # noqa: E402
from dnsguard.inputs.detect import InputError, sniff_log  # noqa: E402
from dnsguard.inputs.eve import read_eve  # noqa: E402
from dnsguard.inputs.zeek import read_zeek, read_zeek_blocks  # noqa: E402
from dnsguard.records import InputStats  # noqa: E402

TOKENS = [b"[" * 3000, b"{\"a\":" * 2000, b"\r", b"\r\n", b"\n", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b'"', b",",
          b"\t", b"1e20", b"nan", b"inf", b"-1", b"1" + b"0" * 400, b"9999-12-31T23:59:59.999999+0000",
          b"1e999", b"#fields", b"#separator ", b"#set_separator", b"#path\tdns", b'{"ts": 1e20}',
          b'"ioc_type": "domain"', b'"Event": {"Attribute": 5}', b'"type": "bundle"', b"8.8.8.8", b"chatgpt.com",
          b"*.", b"..", b"xn--", b"\\x00", b"[]", b"{}", b"null", b"true"]  # fmt: skip
NOW = 1_800_000_000.0

ZEEK_SAMPLE = (
    b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tdns\n"
    b"#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tqtype_name\trcode_name\tanswers\tTTLs\n"
    b"1794000000.0\tC1\t10.1.1.1\t5353\t10.0.0.1\t53\tudp\twww.example.com\tA\tNOERROR\t1.2.3.4\t300.0\n"
    b"1794000001.0\tC2\t10.1.1.2\t5353\t10.0.0.1\t53\tudp\tqzxkvw.example.net\tA\tNXDOMAIN\t-\t-\n"
)
ZEEK_JSON = (b'{"ts": 1794000000.0, "uid": "C1", "id.orig_h": "10.1.1.1", "query": "www.example.com", '
             b'"rcode_name": "NOERROR", "answers": ["1.2.3.4"], "TTLs": [300.0]}\n'
             b'{"_path": "notice", "ts": 1794000000.0, "note": "DNSGuard::Tunnel_Subdomains", "msg": "x: a.test [y]", '
             b'"sub": "family=a;threat=c2;score=0.9", "src": "10.1.1.1"}\n')  # fmt: skip
EVE = (b'{"timestamp": "2026-11-02T08:00:00.000000+0000", "event_type": "dns", "src_ip": "10.1.1.1", '
       b'"dest_ip": "10.0.0.1", "src_port": 5353, "dest_port": 53, "flow_id": 1, "dns": {"type": "query", "id": 1, '
       b'"rrname": "www.example.com", "rrtype": "A"}}\n'
       b'{"timestamp": "2026-11-02T08:00:00.100000+0000", "event_type": "dns", "src_ip": "10.0.0.1", '
       b'"dest_ip": "10.1.1.1", "src_port": 53, "dest_port": 5353, "flow_id": 1, "dns": {"type": "answer", "id": 1, '
       b'"rrname": "www.example.com", "rrtype": "A", "rcode": "NOERROR", "answers": [{"rdata": "1.2.3.4", "ttl": 60}]}}\n'
       b'{"timestamp": "2026-11-02T08:00:01.000000+0000", "event_type": "alert", "src_ip": "10.1.1.1", '
       b'"dest_ip": "10.0.0.1", "alert": {"signature": "x", "signature_id": 9070001, "metadata": {"a": ["b"]}}}\n')  # fmt: skip
PCAP = (bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")
        + bytes.fromhex("01000000000000003c0000003c000000") + b"\0" * 60)


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    buf = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
            done.append(f"flip@{i}")
        elif op == 1:
            token = rng.choice(TOKENS)
            buf[pos:pos] = token
            done.append(f"insert {token[:12]!r}@{pos}")
        elif op == 2 and buf:
            n = rng.randint(1, min(64, len(buf)))
            del buf[pos : pos + n]
            done.append(f"delete {n}@{pos}")
        elif op == 3:
            del buf[pos:]
            done.append(f"truncate@{pos}")
        elif op == 4 and buf:
            n = rng.randint(1, min(200, len(buf)))
            start = rng.randrange(len(buf))
            buf[pos:pos] = buf[start : start + n]
            done.append(f"duplicate {n}@{pos}")
        else:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
            done.append(f"random@{pos}")
    return bytes(buf), done


SETTINGS = AnalysisSettings.from_config(default_config())
ALLOW = shipped_allowlist()
DEFS = {fmt: parse_definition({"name": "fuzz", "format": fmt, "url": "https://127.0.0.1/x"}, "fuzz") for fmt in PARSERS}


def feed_target(fmt):
    def run(body: bytes) -> None:
        with contextlib.suppress(ParseError):
            process_body(DEFS[fmt], body, ALLOW, NOW)
        if fmt == "misp":
            with contextlib.suppress(ParseError):
                parse_manifest(body)

    return run


def lines_of(body: bytes) -> list[str]:
    return body.decode("utf-8", errors="replace").split("\n")


def analyse(events, stats):
    run_analysis(events, stats, SETTINGS, IndicatorIndex.build([]), forecaster=lambda days: {}, scorer=None)


def zeek_target(body: bytes) -> None:
    lines = lines_of(body)
    stats = InputStats()
    list(read_zeek(lines, stats))
    stats = InputStats()
    analyse(read_zeek_blocks([lines[i : i + 3] for i in range(0, len(lines), 3)], stats), stats)


def eve_target(body: bytes) -> None:
    stats = InputStats()
    analyse(read_eve(lines_of(body), stats), stats)


_TMP = Path(tempfile.mkdtemp(prefix="dnsguard-fuzz-"))


def pcap_target(body: bytes) -> None:
    path = _TMP / "case.pcap"
    path.write_bytes(body)
    with contextlib.suppress(InputError):
        sniff_log(path)


def seeds() -> dict[str, list[tuple[str, bytes]]]:
    fixtures = ROOT / "tests" / "feeds" / "fixtures"
    hostile = ROOT / "tests" / "data" / "hostile"
    by_format = {
        "threatfox-csv": ["threatfox-domains.csv"], "threatfox-json": ["threatfox-domains.json"],
        "urlhaus-csv": ["urlhaus.csv"], "feodo-csv": ["feodo-ipblocklist.csv"],
        "feodo-json": ["feodo-ipblocklist.json"], "plain": ["digitalside-latestdomains.txt"],
        "hosts": ["hosts-blocklist.txt"], "stix": ["stix-bundle.json"], "zeek-intel": ["zeek.intel"],
    }  # fmt: skip
    out: dict[str, list[tuple[str, bytes]]] = {}
    for fmt, names in by_format.items():
        out[f"feed:{fmt}"] = [(n, (fixtures / n).read_bytes()) for n in names if (fixtures / n).exists()]
    misp = sorted((fixtures / "misp").glob("*.json")) if (fixtures / "misp").is_dir() else []
    out["feed:misp"] = [(p.name, p.read_bytes()) for p in misp]
    for path in sorted((hostile / "feeds").glob("*")) if (hostile / "feeds").is_dir() else ():
        prefix = path.stem.split("-")[0]
        fmt = {"stix": "stix", "threatfox": "threatfox-json", "feodo": "feodo-json", "misp": "misp",
               "urlhaus": "urlhaus-csv", "popular": "plain"}.get(prefix)  # fmt: skip
        if fmt:
            # Deep documents stay deep but small enough to mutate quickly.
            out[f"feed:{fmt}"].append((path.name, path.read_bytes()[:8000]))
    out["zeek"] = [("sample.log", ZEEK_SAMPLE), ("sample.json", ZEEK_JSON)]
    out["eve"] = [("eve.json", EVE)]
    for path in sorted((hostile / "logs").glob("*")) if (hostile / "logs").is_dir() else ():
        if path.suffix in (".pcap", ".pcapng"):
            continue
        out["eve" if path.name.startswith("eve") else "zeek"].append((path.name, path.read_bytes()))
    out["pcap"] = [("one-packet.pcap", PCAP)] + [(p.name, p.read_bytes()) for p in sorted((hostile / "logs").glob("*.pcap*"))]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cases", nargs="?", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--out", type=Path, default=Path("fuzz-crashes.txt"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    targets = {name: feed_target(name.split(":", 1)[1]) for name in seeds() if name.startswith("feed:")}
    targets.update(zeek=zeek_target, eve=eve_target, pcap=pcap_target)
    pool = seeds()
    names = sorted(t for t in targets if pool.get(t))
    cases: Counter[str] = Counter()
    crashes: Counter[tuple[str, str]] = Counter()
    first: dict[tuple[str, str], str] = {}
    slow: list[str] = []
    start = time.process_time()
    for _ in range(args.cases):
        target = rng.choice(names)
        seed_name, seed_body = rng.choice(pool[target])
        body, how = mutate(seed_body, rng)
        cases[target] += 1
        t0 = time.perf_counter()
        try:
            targets[target](body)
        except Exception as exc:  # noqa: BLE001 - counting what escaped is the point
            key = (target, type(exc).__name__)
            crashes[key] += 1
            if key not in first:
                first[key] = (f"{target} {seed_name} {how}: {type(exc).__name__}: {exc}\n"
                              f"{traceback.format_exc()}\ncase bytes: {body[:2000]!r}\n")  # fmt: skip
        elapsed = time.perf_counter() - t0
        if elapsed > 1.0:
            slow.append(f"{target} {seed_name} {how}: {elapsed:.1f} s")
    cpu = time.process_time() - start
    total = sum(cases.values())
    print(f"{total} generated cases in {cpu:.1f} CPU-s (seed {args.seed})")
    for target in names:
        bad = sum(n for (t, _), n in crashes.items() if t == target)
        print(f"  {target:<22} {cases[target]:>7} cases  {bad:>5} crashes")
    print(f"crashes: {sum(crashes.values())}" + (f" ({len(crashes)} distinct)" if crashes else ""))
    for (target, name), n in crashes.most_common():
        print(f"  {target}: {name} x{n}")
    print(f"slow cases (> 1 s): {len(slow)}")
    for line in slow[:10]:
        print(f"  {line}")
    if first:
        args.out.write_text("\n".join(first.values()))
        print(f"first case of each crash written to {args.out}")
    return 1 if crashes or slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
