"""The corpus of hostile files in tests/data/hostile (issue 16): each one gets
one clear outcome from the real commands, never a traceback or a hang."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

CORPUS = Path(__file__).parent / "data" / "hostile"
FEEDS = sorted((CORPUS / "feeds").iterdir())
LOGS = sorted((CORPUS / "logs").iterdir())
FORMAT = {"stix": "stix", "threatfox": "threatfox-json", "feodo": "feodo-json", "misp": "misp",
          "urlhaus": "urlhaus-csv", "popular": "plain"}  # fmt: skip


def dnsguard(*args, env_state: Path, config: Path | None = None, timeout=60):
    cmd = [sys.executable, "-m", "dnsguard", *(["--config", str(config)] if config else []), *args]
    env = {**os.environ, "DNSGUARD_STATE_DIR": str(env_state)}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def test_every_hostile_feed_is_one_line_and_the_refresh_goes_on(tmp_path):
    feeds = [{"name": path.stem, "format": FORMAT[path.stem.split("-")[0]], "url": path.as_uri()} for path in FEEDS]
    good = tmp_path / "good.txt"
    good.write_text("c2-good-1.evil.test\nc2-good-2.evil.test\n")
    feeds.append({"name": "good", "format": "plain", "url": good.as_uri()})
    defs = tmp_path / "defs"
    defs.mkdir()
    (defs / "corpus.yaml").write_text(yaml.safe_dump({"feeds": feeds}))
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump({"feeds": {"definitions": [str(defs)], "shipped_definitions": False}}))
    proc = dnsguard("feeds", "update", "--no-progress", env_state=tmp_path / "state", config=config)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 2, proc.stderr
    for path in FEEDS:
        assert any(f"feed {path.stem}:" in line for line in proc.stderr.splitlines()), path.name
    assert "feed good: 2 indicators" in proc.stderr
    assert "feed urlhaus-bare-cr: 1 indicators" in proc.stderr
    # mostly popular names: the whole copy is suspect (each name is also counted by reason)
    assert "feed popular-and-infrastructure: quarantined: more than half the entries rejected (11 of 13)" in proc.stderr
    assert "8 of 11 feeds failed or were quarantined" in proc.stderr
    status = dnsguard("feeds", "status", env_state=tmp_path / "state", config=config)
    assert status.returncode == 0 and "Traceback" not in status.stderr
    assert "never-listed (infrastructure) 6" in status.stdout and "allowlisted 5" in status.stdout


@pytest.mark.parametrize("path", FEEDS, ids=[p.name for p in FEEDS])
def test_every_hostile_feed_body_parses_or_is_a_parse_error(path):
    from dnsguard.feeds.allowlist import shipped_allowlist
    from dnsguard.feeds.definitions import parse_definition
    from dnsguard.feeds.formats import ParseError, parse_manifest
    from dnsguard.feeds.update import process_body

    fmt = FORMAT[path.stem.split("-")[0]]
    definition = parse_definition({"name": "t", "format": fmt, "url": "https://127.0.0.1/x"}, "test")
    body = path.read_bytes()
    try:
        result = process_body(definition, body, shipped_allowlist(), 1_800_000_000.0)
    except ParseError:
        return
    assert all(ind.first_seen < 4e9 for ind in result.indicators)
    if fmt == "misp":
        with contextlib.suppress(ParseError):
            parse_manifest(body)


@pytest.mark.parametrize("path", LOGS, ids=[p.name for p in LOGS])
def test_every_hostile_log_is_counted_or_refused_in_one_line(tmp_path, path):
    out = tmp_path / "r.json"
    proc = dnsguard("analyze", str(path), "--no-forecast", "--json", str(out), env_state=tmp_path / "state")
    assert "Traceback" not in proc.stderr, proc.stderr
    if path.suffix in (".pcap", ".pcapng"):
        assert proc.returncode == 2
        assert len(proc.stderr.strip().splitlines()) == 1 and "nothing to analyse" in proc.stderr
        return
    assert proc.returncode == 0, proc.stderr
    got = json.loads(out.read_text())["input"]
    assert got["records"] == 1 and sum(got["skipped"].values()) >= 2


def test_mutation_fuzz_slice_finds_no_crash(tmp_path):
    """A fast slice of bench/fuzz_inputs.py (100,000 cases there)."""
    bench = Path(__file__).resolve().parents[1] / "bench" / "fuzz_inputs.py"
    proc = subprocess.run([sys.executable, str(bench), "3000", "--seed", "7", "--out", str(tmp_path / "c.txt")],
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3000 generated cases" in proc.stdout and "crashes: 0" in proc.stdout
