"""Instructions Suricata's detection engine spends per query on the pack, by rule group.

CPU time on a shared machine varies by more than a single rule costs, so
this counts instead: callgrind (valgrind) runs Suricata over a small trace
and counts the instructions executed inside ``Detect()``, which does not
change from run to run.  Prints the figure for no rules, the whole pack,
and the pack without each group, so the difference is that group's cost.

    .venv/bin/python bench/suricata_instructions.py [--queries 20000] [--rules FILE]

Needs ``valgrind``.  About a minute per row.  Datasets are empty (loading
a million names under valgrind takes too long); docs/suricata.md has the
figures and the CPU-time benchmark (bench/suricata_bench.py) for the
memory effects of full sets.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))
sys.path.insert(0, str(REPO / "bench"))

from dnsguard.suricata import sandbox  # noqa: E402
from suricata_bench import feed_names, trace  # noqa: E402

GROUPS = {
    "feed gates and feed rules": (9_070_010, 9_070_499),
    "verdict rule": (9_070_500, 9_070_599),
    "Feodo IP rule": (9_070_600, 9_070_600),
    "shape rules": (9_071_000, 9_071_999),
    "behaviour rules (gate, NXDOMAIN, tunnelling)": (9_072_000, 9_072_999),
}


def sid_of(rule: str) -> int:
    return int(re.search(r"\bsid:(\d+);", rule).group(1))


def detect_instructions(root: Path, label: str, rules: list[str], pcap: Path) -> int:
    box = sandbox.create(root / re.sub(r"\W+", "_", label), REPO / "suricata-rules",
                         rule_files=["bench.rules"])
    (box.rules / "bench.rules").write_text("".join(r + "\n" for r in rules), "utf-8")
    out = root / "callgrind.out"
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", "--toggle-collect=Detect",
         sandbox.suricata_binary(), "-c", str(box.config), "-l", str(box.logs),
         "--data-dir", str(box.data), "--set", "flow.memcap=1gb",
         "-r", str(pcap), "-k", "none", "--runmode", "single"],
        capture_output=True, text=True, check=False)
    found = re.findall(r"Collected : (\d+)", proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"{label}: valgrind/suricata failed:\n{proc.stderr[-2000:]}")
    return int(found[-1])


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--queries", type=int, default=20_000)
    ap.add_argument("--rules", type=Path, default=REPO / "suricata-rules" / "dnsguard.rules")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    pack = [line for line in args.rules.read_text("utf-8").splitlines() if line.startswith("alert")]
    with tempfile.TemporaryDirectory(prefix="dnsguard-ir-") as tmp:
        root = Path(tmp)
        pcap = root / "trace.pcap"
        trace(pcap, args.queries, feed_names(10_000))
        rows = [("no rules", []), ("pack", pack)]
        rows += [(f"pack without {name}", [r for r in pack if not lo <= sid_of(r) <= hi])
                 for name, (lo, hi) in GROUPS.items()]
        whole = None
        print(f"instructions in Detect() per query, {args.queries:,} queries, empty datasets")
        for label, rules in rows:
            per_query = detect_instructions(root, label, rules, pcap) / args.queries
            whole = per_query if label == "pack" else whole
            note = f"  (group: {whole - per_query:,.0f})" if whole and label != "pack" else ""
            print(f"{label:52} {per_query:10,.0f}{note}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
