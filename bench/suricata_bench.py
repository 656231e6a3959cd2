"""Cost of the dnsguard Suricata pack with 1,000,000 feed names loaded.

Prints figures; never run by the test suite (it takes about ten minutes).

    .venv/bin/python bench/suricata_bench.py [--names 1000000] [--queries 1000000] [--runs 3]
        [--baselines lean,sensor] [--disable SID,...] [--sensor-rules DIR_OR_FILE]

Two baselines, each measured with and without the pack on the same
synthetic trace (``--runmode single``, one worker, so the numbers are per
core):

* **lean**: a minimal config (alerts only, no protocol logging), no other
  rules: the strictest comparison, where Suricata does little per query
  besides parsing it, so every rule shows;
* **sensor**: Debian's own ``/etc/suricata/suricata.yaml`` as installed
  (EVE with dns, flow, anomaly and stats records, fast.log) and Suricata's
  own event rules from ``/etc/suricata/rules`` (less the modbus/dnp3 files,
  whose protocols that config disables), i.e. what a sensor runs before
  anyone adds a rule set.

``--sensor-rules DIR_OR_FILE`` adds a rule set to both sensor rows (e.g.
ET Open's ``rules/``), so the pack's cost is measured beside the rules a
Security Onion sensor actually runs.

Lean rows: no rules; the pack with empty datasets; the pack with N names in
the four feed datasets (and all N in their union, ``dnsguard-any``); the
same with the union declared with 1,048,576 buckets and
``datasets.limits.single-hashsize`` raised to allow it (a sensor-side
tuning for large feeds, see docs/suricata.md).  Sensor rows: none; the pack
with N names.

For each: ``suricata -T`` wall and CPU time (rule and dataset loading) and,
over ``--runs`` runs taken in rotation (so a slow minute of the shared
machine hits every configuration alike), the median and the lowest CPU time
for the trace less the loading time, as queries per CPU-second, and peak
RSS.  The ratio to the matching baseline uses the medians.  1 % of the
trace's queries are for listed names (half exact, half subdomains) so the
alert path is exercised; the rest are popular benign names and subdomains
of them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))

from dnsguard.feeds.export import json_datasets  # noqa: E402
from dnsguard.feeds.indicators import Indicator  # noqa: E402
from dnsguard.pcapgen import Exchange, write_pcap  # noqa: E402
from dnsguard.suricata import sandbox  # noqa: E402

FEEDS = ("c2", "iab", "botnet", "dga")


def feed_names(count: int) -> list[str]:
    """Distinct, plausible, fictional names (registered-domain shaped)."""
    out = []
    for i in range(count):
        h = hashlib.blake2b(i.to_bytes(4, "big"), digest_size=5).hexdigest()
        out.append(f"f{h}-{i}.example")
    return out


def write_feeds(box: sandbox.Sandbox, names: list[str]) -> None:
    write_feed_files(box.rules, names)


def write_feed_files(rules: Path, names: list[str]) -> None:
    """The four feed sets (a quarter of the names each) and their union, as
    the exporter writes them: base64 lines for 7.x, and the JSON-lines twins
    that the 8.0 rules read (``feeds.export.json_datasets``)."""
    per = len(names) // len(FEEDS) + 1
    best = {}
    for k, feed in enumerate(FEEDS):
        chunk = names[k * per:(k + 1) * per]
        text = "".join(base64.b64encode(n.encode()).decode() + "\n" for n in chunk)
        (rules / "datasets" / f"dnsguard-{feed}.lst").write_text(text, "ascii")
        best[feed] = {n: Indicator(n, "domain", "benchfamily", feed, 90, ("bench",)) for n in chunk}
    for name, data in json_datasets(best).items():
        (rules / "datasets" / name).write_bytes(data)
    text = "".join(base64.b64encode(n.encode()).decode() + "\n" for n in names)
    (rules / "datasets" / "dnsguard-any.lst").write_text(text, "ascii")


def trace(path: Path, queries: int, listed: list[str], seed: int = 7) -> None:
    rng = random.Random(seed)
    benign = (REPO / "data" / "benign" / "top-registered-domains.txt").read_text().split()
    prefixes = ["www", "api", "cdn", "mail", "static", "img", ""]
    exchanges = []
    for i in range(queries):
        if i % 100 == 0:
            name = rng.choice(listed)
            if i % 200 == 0:
                name = "www." + name
        else:
            p = rng.choice(prefixes)
            base = rng.choice(benign)
            name = f"{p}.{base}" if p else base
        exchanges.append(Exchange(ts=1_780_000_000 + i * 0.0005,
                                  client=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255 or 1}",
                                  qname=name, sport=1024 + i % 60000, txid=i & 0xFFFF))
    write_pcap(str(path), exchanges)


_WRAP = ("import resource, subprocess, sys\n"
         "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode\n"
         "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
         "print(u.ru_maxrss, u.ru_utime + u.ru_stime)\n"
         "sys.exit(rc)\n")


def _timed(cmd: list[str]) -> tuple[float, float, int]:
    """Wall time, CPU time and peak RSS (KiB) of one command, under a fresh wrapper.

    CPU time is reported because wall time is at the mercy of whatever else
    the machine runs."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    rss, cpu = proc.stdout.split()
    return wall, float(cpu), int(rss)


@dataclass
class Config:
    label: str
    baseline: str
    """Label of the row this one is compared with."""
    cmd: list[str]
    logs: Path
    load_s: float = 0.0
    load_cpu: float = 0.0
    runs: list[float] = field(default_factory=list)
    """CPU seconds per trace run, loading time subtracted."""
    rss_kb: int = 0
    alerts: int = 0


def lean_config(label: str, baseline: str, box: sandbox.Sandbox, extra: tuple[str, ...] = ()) -> Config:
    return Config(label, baseline, [sandbox.suricata_binary(), "-c", str(box.config), "-l", str(box.logs),
                                    "--data-dir", str(box.data), *extra], box.logs)


SENSOR_YAML = Path("/etc/suricata/suricata.yaml")
SENSOR_RULES = Path("/etc/suricata/rules")


def sensor_config(label: str, root: Path, pack_rules: list[str], names: list[str] | None,
                  extra_rules: Path | None = None) -> Config:
    """Debian's suricata.yaml as installed, pointed at a private rule
    directory holding Suricata's event rules, ``extra_rules`` (a sensor's
    own rule set, e.g. ET Open's ``rules/`` directory or one file) and the
    pack, when given."""
    rules, logs, data = root / "rules", root / "logs", root / "data"
    for d in (rules, logs, data):
        d.mkdir(parents=True, exist_ok=True)
    events = sorted(p.name for p in SENSOR_RULES.glob("*.rules")
                    if not p.name.startswith(("modbus", "dnp3")))
    for name in events:
        shutil.copy(SENSOR_RULES / name, rules / name)
    files = list(events)
    if extra_rules is not None:
        sources = sorted(extra_rules.glob("*.rules")) if extra_rules.is_dir() else [extra_rules]
        for src in sources:
            shutil.copy(src, rules / f"sensor-{src.name}")
            files.append(f"sensor-{src.name}")
    if pack_rules:
        shutil.copytree(REPO / "suricata-rules" / "datasets", rules / "datasets")
        for name in pack_rules:
            shutil.copy(REPO / "suricata-rules" / name, rules / name)
        files += pack_rules
        if names is not None:
            write_feed_files(rules, names)
    text = SENSOR_YAML.read_text("utf-8")
    text = re.sub(r"(?m)^default-rule-path:.*$", f"default-rule-path: {rules}", text)
    text, n = re.subn(r"(?m)^rule-files:\n(?:  - .*\n)+",
                      "rule-files:\n" + "".join(f"  - {f}\n" for f in files), text)
    if n != 1:
        raise SystemExit(f"{SENSOR_YAML}: no rule-files list to replace")
    (root / "suricata.yaml").write_text(text, "utf-8")
    etc = SENSOR_YAML.parent
    baseline = label.split(":", 1)[0] + ": Suricata alone"
    return Config(label, baseline, [
        sandbox.suricata_binary(), "-c", str(root / "suricata.yaml"), "-l", str(logs), "--data-dir", str(data),
        "--set", f"classification-file={etc / 'classification.config'}",
        "--set", f"reference-config-file={etc / 'reference.config'}",
        "--set", f"threshold-file={etc / 'threshold.config'}"], logs)


def disable_sids(rules_file: Path, sids: set[int]) -> int:
    """Comment out the rules with these SIDs, as suricata-update's disable.conf
    would on a sensor; returns how many were disabled."""
    if not sids:
        return 0
    out, n = [], 0
    for line in rules_file.read_text("utf-8").splitlines():
        m = re.search(r"\bsid:(\d+);", line)
        if line.startswith("alert") and m and int(m.group(1)) in sids:
            line, n = "# " + line, n + 1
        out.append(line)
    rules_file.write_text("\n".join(out) + "\n", "utf-8")
    return n


def load(cfg: Config) -> None:
    # One flow per query: with the default 32 MB flow memcap a million-flow
    # trace drives the flow manager into emergency mode, which skips a few
    # dozen lookups and measures flow-table pressure, not the rules.
    cfg.cmd += ["--set", "flow.memcap=1gb"]
    cfg.load_s, cfg.load_cpu, _ = _timed(cfg.cmd + ["-T"])


def run_once(cfg: Config, pcap: Path) -> None:
    for f in cfg.logs.glob("*"):
        f.unlink()
    _, cpu, rss = _timed(cfg.cmd + ["-r", str(pcap), "-k", "none", "--runmode", "single"])
    cfg.runs.append(max(1e-6, cpu - cfg.load_cpu))
    cfg.rss_kb = max(cfg.rss_kb, rss)
    eve = cfg.logs / "eve.json"
    cfg.alerts = sum(1 for line in eve.open() if '"event_type":"alert"' in line) if eve.exists() else 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3, help="trace runs per configuration (median reported)")
    ap.add_argument("--disable", default="", metavar="SID,...",
                    help="pack rules to disable in every pack row (as suricata-update's disable.conf would)")
    ap.add_argument("--baselines", default="lean,sensor", help="which baselines to run: lean, sensor or both")
    ap.add_argument("--sensor-rules", type=Path, metavar="DIR_OR_FILE",
                    help="a rule set the sensor rows run besides Suricata's event rules, with and without the "
                         "pack (e.g. an unpacked ET Open rules/ directory: the pack's cost beside it)")
    args = ap.parse_args(argv)
    if args.sensor_rules is not None and not args.sensor_rules.exists():
        raise SystemExit(f"--sensor-rules {args.sensor_rules}: no such file or directory")
    disabled = {int(x) for x in args.disable.split(",") if x.strip()}
    baselines = {b.strip() for b in args.baselines.split(",") if b.strip()}
    if not baselines <= {"lean", "sensor"} or not baselines:
        raise SystemExit("--baselines: lean, sensor or lean,sensor")
    names = feed_names(args.names)
    with tempfile.TemporaryDirectory(prefix="dnsguard-bench-") as tmp:
        root = Path(tmp)
        pcap = root / "trace.pcap"
        t = time.perf_counter()
        trace(pcap, args.queries, names[:: max(1, len(names) // 10_000)])
        print(f"trace: {args.queries:,} queries, {pcap.stat().st_size / 1e6:.0f} MB, "
              f"written in {time.perf_counter() - t:.0f} s")
        pack = REPO / "suricata-rules"
        full = f"lean: pack, {args.names:,} names"
        tuned = f"lean: pack, {args.names:,} names, union 2^20 buckets"
        full_box = sandbox.create(root / "full", pack)
        write_feeds(full_box, names)
        tuned_box = sandbox.create(root / "tuned", pack)
        write_feeds(tuned_box, names)
        rules = tuned_box.rules / "dnsguard.rules"
        rules.write_text(rules.read_text().replace(
            "load datasets/dnsguard-any.lst,memcap 512mb,hashsize 262144",
            "load datasets/dnsguard-any.lst,memcap 512mb,hashsize 1048576"))
        lean = "lean: Suricata alone"
        empty_box = sandbox.create(root / "empty", pack)
        configs = []
        if "lean" in baselines:
            configs += [
                lean_config(lean, lean, sandbox.create(root / "none", pack, rule_files=[])),
                lean_config("lean: pack, empty datasets", lean, empty_box),
                lean_config(full, lean, full_box),
                lean_config(tuned, lean, tuned_box, ("--set", "datasets.limits.single-hashsize=1048576")),
            ]
        if "sensor" in baselines and SENSOR_YAML.exists():
            extra = f" + {args.sensor_rules.name}" if args.sensor_rules else ""
            configs += [
                sensor_config(f"sensor{extra}: Suricata alone", root / "sensor-none", [], None, args.sensor_rules),
                sensor_config(f"sensor{extra}: pack, {args.names:,} names", root / "sensor-full",
                              ["dnsguard.rules"], names, args.sensor_rules),
            ]
        elif "sensor" in baselines:
            print(f"{SENSOR_YAML} missing: sensor rows skipped")
        if disabled:
            counts = {disable_sids(f, disabled) for f in (
                empty_box.rules / "dnsguard.rules", full_box.rules / "dnsguard.rules",
                tuned_box.rules / "dnsguard.rules", root / "sensor-full" / "rules" / "dnsguard.rules")
                if f.exists()}
            print(f"pack rows: {'/'.join(map(str, sorted(counts)))} rules disabled "
                  f"({', '.join(map(str, sorted(disabled)))})")
        for cfg in configs:
            load(cfg)
        for _ in range(args.runs):
            for cfg in configs:
                run_once(cfg, pcap)
        print(f"load {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs at the end; queries per CPU-second "
              f"(user+sys, loading excluded), median and best of {args.runs} runs in rotation")
        print(f"{'configuration':52} {'-T wall/cpu s':>14} {'run cpu s (med)':>16} "
              f"{'q/cpu-s med':>12} {'q/cpu-s best':>13} {'vs baseline':>11} {'peak RSS MB':>12} {'alerts':>7}")
        medians = {cfg.label: statistics.median(cfg.runs) for cfg in configs}
        for cfg in configs:
            med = medians[cfg.label]
            ratio = medians[cfg.baseline] / med
            print(f"{cfg.label:52} {cfg.load_s:6.2f}/{cfg.load_cpu:<7.2f} {med:16.2f} "
                  f"{args.queries / med:12,.0f} {args.queries / min(cfg.runs):13,.0f} {ratio:11.0%} "
                  f"{cfg.rss_kb / 1024:12.0f} {cfg.alerts:7,}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
