"""Static checks of the Zeek package and its btests.  The btests themselves
run under a real Zeek in tests/zeek/ (test_btests.py, test_load.py).

* every .zeek file of the package parses with ``zeek-script parse`` and is
  formatted the way ``zeek-format`` formats it;
* the parse check really fails on a broken script;
* every btest has @TEST-EXEC lines, references only files that exist, has a
  baseline for each ``btest-diff``, and its Zeek code and trace spec are
  valid (the spec is turned into a pcap with the project's synthesiser);
"""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from dnsguard import pcapgen

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "zeek-scripts"
TESTING = ROOT / "testing"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """The zeekscript tool next to this Python (the venv), else on PATH."""
    local = BIN / name
    return str(local) if local.exists() else (shutil.which(name) or name)


ZEEK_SCRIPT = _tool("zeek-script")
ZEEK_FORMAT = _tool("zeek-format")

PACKAGE_FILES = sorted(PACKAGE.glob("*.zeek"))
GENERATED_DATA = {"popular-domains.zeek"}
"""Generated data, not code: 158,701 string literals (tools/popular/build_popular.py,
checked by tests/triage/test_blocked_popular.py).  zeek-script takes minutes over it,
so the parse and format checks read the code files only; Zeek itself loads it in every
btest and every Zeek run of the suite."""
CODE_FILES = [p for p in PACKAGE_FILES if p.name not in GENERATED_DATA]
BTESTS = sorted((TESTING / "tests").glob("*.zeek"))


def parse_problems(path: Path) -> list[str]:
    """Parse errors zeek-script reports for *path* (empty list: clean).

    zeek-script exits 1 on a hard error and 2 when the tree has error
    nodes; it also marks such nodes ``[error`` in its output, which is
    checked too in case a version reports errors with exit code 0.
    """
    proc = subprocess.run([ZEEK_SCRIPT, "parse", str(path)], capture_output=True, text=True)
    problems = [line.strip() for line in proc.stdout.splitlines() if "[error" in line]
    if proc.returncode != 0 and not problems:
        problems.append(f"exit code {proc.returncode}: {proc.stderr.strip()}")
    return problems


def test_package_layout():
    names = {p.name for p in PACKAGE_FILES}
    assert "__load__.zeek" in names
    loaded = {n for p in PACKAGE_FILES for n in re.findall(r"^@load \./(\S+)", p.read_text(), re.M)}
    # Every script of the package is part of the unit that @load loads
    # (popular-domains.zeek through popular.zeek, on the nodes that use it).
    assert {f"{n}.zeek" for n in loaded} | {"__load__.zeek"} == names
    assert "popular" in re.findall(r"^@load \./(\S+)", (PACKAGE / "__load__.zeek").read_text(), re.M)
    assert (PACKAGE / "dnsguard.intel").is_file()


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.name)
def test_package_script_parses(path):
    assert parse_problems(path) == []


@pytest.mark.parametrize("path", CODE_FILES, ids=lambda p: p.name)
def test_package_script_is_formatted(path):
    proc = subprocess.run([ZEEK_FORMAT, str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == path.read_text(), f"run: zeek-format -i {path.relative_to(ROOT)}"


def test_parse_check_catches_broken_script(tmp_path):
    good = tmp_path / "good.zeek"
    good.write_text('event zeek_init()\n\t{\n\tprint "ok";\n\t}\n')
    assert parse_problems(good) == []

    missing_semicolon = tmp_path / "broken.zeek"
    missing_semicolon.write_text('event zeek_init()\n\t{\n\tprint "ok"\n\t}\n')
    assert parse_problems(missing_semicolon)

    unclosed = tmp_path / "unclosed.zeek"
    unclosed.write_text("module X;\nfunction f(): count\n\t{\n\treturn 1;\n")
    assert parse_problems(unclosed)


def test_format_check_catches_unformatted_script(tmp_path):
    ugly = tmp_path / "ugly.zeek"
    ugly.write_text("event zeek_init() { print 1; }\n")
    out = subprocess.run([ZEEK_FORMAT, str(ugly)], capture_output=True, text=True).stdout
    assert out != ugly.read_text()


def test_intel_file_format():
    lines = (PACKAGE / "dnsguard.intel").read_text().splitlines()
    header = lines[0].split("\t")
    assert header == [
        "#fields",
        "indicator",
        "indicator_type",
        "meta.source",
        "meta.desc",
        "meta.do_notice",
    ]
    rows = [line.split("\t") for line in lines[1:] if line and not line.startswith("#")]
    assert rows
    for row in rows:
        assert len(row) == 5
        assert row[1] == "Intel::DOMAIN"
        assert re.fullmatch(
            r"family=[^;]+;threat=(c2|iab|botnet|dga|phishing);confidence=\d{1,3}", row[3]
        )


def test_zkg_meta():
    meta = configparser.ConfigParser()
    meta.read(ROOT / "zkg.meta")
    pkg = meta["package"]
    assert pkg["script_dir"] == "zeek-scripts"
    assert pkg["test_command"] == "cd testing && btest -d"
    assert pkg["depends"].startswith("zeek >=7.0")
    for f in pkg["config_files"].split():
        assert (ROOT / f).is_file()
    assert pkg["summary"] and pkg["description"] and pkg["tags"]


# -- btests ------------------------------------------------------------------

START_FILE = re.compile(r"^#? ?@TEST-START-FILE\s+(\S+)\n(.*?)^#? ?@TEST-END-FILE\n", re.M | re.S)


def split_btest(path: Path) -> tuple[list[str], dict[str, str], str]:
    """(@TEST-EXEC commands, the test's files, the Zeek code of %INPUT).

    A test's files live in testing/Files/<test>/ and are copied in by its
    first command, so every ``*.zeek`` file in the repository parses as
    Zeek (CI runs ``zeek-script parse`` over all of them); blocks embedded
    with @TEST-START-FILE are still understood.
    """
    text = path.read_text()
    own = TESTING / "Files" / path.stem
    files = {p.name: p.read_text() for p in sorted(own.glob("*")) if p.is_file()} if own.is_dir() else {}
    files.update({m.group(1): m.group(2) for m in START_FILE.finditer(text)})
    script = START_FILE.sub("", text)
    execs = re.findall(r"^# @TEST-EXEC: (.*)$", text, re.M)
    return execs, files, script


def btest_env() -> dict[str, Path]:
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str
    cfg.read(TESTING / "btest.cfg")
    env = {}
    for key, val in cfg["environment"].items():
        if "%(testbase)s" in val and ":" not in val and not val.startswith("`"):
            env[key] = Path(val.replace("%(testbase)s", str(TESTING))).resolve()
    return env


def test_btest_cfg():
    env = btest_env()
    for key in ("DNSGUARD_ROOT", "PACKAGE", "PCAPGEN", "FILES", "SCRIPTS", "TEST_DIFF_CANONIFIER"):
        assert env[key].exists(), key
    assert env["PACKAGE"] == PACKAGE
    assert os.access(env["TEST_DIFF_CANONIFIER"], os.X_OK)


def test_every_detection_has_a_btest():
    names = {p.stem for p in BTESTS}
    assert {
        "intel-exact-and-parent",
        "nxdomain-burst",
        "prefilter-candidate",
        "tunnel-long-label",
        "tunnel-subdomains",
        "txt-volume",
        "fast-flux",
        "nas-tagging",
        "verdict-intel",
        "websocket-roundtrip",
        "serve-roundtrip",
        "offline-exit",
        "busy-port",
        "cluster-worker-manager",
    } <= names
    package_text = "".join(p.read_text() for p in PACKAGE_FILES)
    notes = set(
        re.findall(
            r"^\t\t(\w+),$", package_text.split("redef enum Notice::Type")[1].split("}")[0], re.M
        )
    )
    baselines = (TESTING / "Baseline").rglob("*")
    tested = "".join(p.read_text() for p in [*BTESTS, *(b for b in baselines if b.is_file())])
    for note in notes:
        assert f"DNSGuard::{note}" in tested or note in tested, f"no btest asserts {note}"


@pytest.mark.parametrize("path", BTESTS, ids=lambda p: p.stem)
def test_btest_is_well_formed(path, tmp_path):
    execs, files, script = split_btest(path)
    env = btest_env()
    assert execs, "no @TEST-EXEC lines"
    assert re.search(r"^# @TEST-DOC: .+", path.read_text(), re.M)

    joined = "\n".join(execs)
    # Referenced files exist.
    for var, rel in re.findall(r"\$(FILES|SCRIPTS|DNSGUARD_ROOT)/([\w./-]+)", joined):
        assert (env[var] / rel).exists(), f"${var}/{rel}"
    assert "$PACKAGE" in joined
    # Scripts are the test itself (%INPUT) or files it embeds (../x.zeek).
    for name in re.findall(r"\.\./([\w.-]+\.zeek)", joined):
        assert name in files, f"../{name} is not among the test's files"
    # The test's own trace specs and scripts are copied in before they are used.
    own = TESTING / "Files" / path.stem
    if own.is_dir() and any(p.suffix in (".zeek", ".json") for p in own.iterdir()):
        assert execs[0].startswith("cp ") and f"$FILES/{path.stem}/" in execs[0]
    assert "%INPUT" in joined or re.search(r"\.\./[\w.-]+\.zeek", joined)

    # Every btest-diff target has a baseline (btest turns / into .).
    for target in re.findall(r"btest-diff\s+(\S+)", joined):
        baseline = TESTING / "Baseline" / f"tests.{path.stem}" / target.replace("/", ".")
        assert baseline.is_file(), f"missing baseline {baseline.relative_to(ROOT)}"
        assert baseline.read_text().endswith("\n")

    # Files a command reads are produced by an earlier command or embedded.
    for name in re.findall(r"\$PCAPGEN (\S+)", joined):
        assert name in files

    # The embedded trace spec is valid and synthesises.
    if "spec.json" in files:
        spec = json.loads(files["spec.json"])
        exchanges = [pcapgen.exchange_from_json(o) for o in spec]
        out = tmp_path / "trace.pcap"
        assert pcapgen.write_pcap(str(out), exchanges) >= len(exchanges)

    # The test file itself, and every Zeek file it uses, parse.
    assert parse_problems(path) == [], path.name
    zeek = tmp_path / f"{path.stem}.zeek"
    zeek.write_text(script)
    assert parse_problems(zeek) == []
    for name, content in files.items():
        if name.endswith(".zeek"):
            embedded = tmp_path / name
            embedded.write_text(content)
            assert parse_problems(embedded) == [], name


def test_btest_expectations_match_prefilter_rules():
    """The baseline of the pre-filter btest follows from the rules as the
    Zeek script states them (re-derived here from the option defaults)."""
    import math
    from collections import Counter

    text = (PACKAGE / "prefilter.zeek").read_text()
    opt = dict(re.findall(r"option (prefilter_\w+) = ([\d.]+);", text))
    min_len, digit_ratio = int(opt["prefilter_min_length"]), float(opt["prefilter_digit_ratio"])
    run, entropy = int(opt["prefilter_consonant_run"]), float(opt["prefilter_entropy"])

    def signs(label):
        out = []
        if len(label) >= min_len:
            out.append("length")
        if sum(c.isdigit() for c in label) / len(label) >= digit_ratio:
            out.append("digits")
        if max((len(r) for r in re.split(r"[aeiouy0-9-]+", label)), default=0) >= run:
            out.append("consonants")
        counts = Counter(label)
        h = -sum(n / len(label) * math.log2(n / len(label)) for n in counts.values())
        if h >= entropy:
            out.append("entropy")
        return out

    expected = re.findall(
        r"label=(\w+) signs=([\w,]+)", (TESTING / "tests" / "prefilter-candidate.zeek").read_text()
    )
    assert expected
    for label, listed in expected:
        assert (",".join(signs(label)) or "none") == listed, label
    assert signs("wikipedia") == [] and signs("example") == []


def test_every_option_and_notice_is_documented():
    doc = (ROOT / "docs" / "zeek.md").read_text()
    text = "".join(p.read_text() for p in PACKAGE_FILES)
    options = re.findall(r"^\toption (\w+)", text, re.M)
    assert len(options) > 30
    for name in options:
        assert f"| `{name}` |" in doc, f"option {name} missing from docs/zeek.md"
    # No hidden tunables: exported constants would have to be options.
    assert not re.findall(r"^\tconst \w+", text, re.M)
    notes = re.findall(
        r"^\t\t(\w+),$", text.split("redef enum Notice::Type")[1].split("}")[0], re.M
    )
    for note in notes:
        assert f"`DNSGuard::{note}`" in doc
    fields = re.findall(
        r"^\t\t(\w+): \w+ &log", text.split("type Info: record")[1].split("};")[0], re.M
    )
    assert fields[:3] == ["ts", "uid", "host"]
    for field in fields:
        assert f"| `{field}` |" in doc
