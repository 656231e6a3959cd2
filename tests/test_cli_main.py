"""The command line: one-line errors for bad input, exit codes, config overrides."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from dnsguard.cli import main
from dnsguard.config import ConfigError, load_config


def dnsguard(*args, env=None):
    return subprocess.run([sys.executable, "-m", "dnsguard", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_version():
    proc = dnsguard("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("dnsguard ")


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"", "empty file"), (b"garbage garbage\n", "unknown format"),
     (b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00", "truncated pcap")],
)
def test_bad_inputs_print_one_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "input.bin"
    if content is not None:
        path.write_bytes(content)
    proc = dnsguard("analyze", str(path))
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_corrupt_pcap_body_is_analysed_as_far_as_possible(tmp_path, repo):
    sample = (repo / "python/dnsguard/data/sample.pcap").read_bytes()
    path = tmp_path / "cut.pcap"
    path.write_bytes(sample[: len(sample) // 3] + b"\xff" * 10)
    proc = dnsguard("analyze", str(path), "--json", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stderr
    result = json.loads((tmp_path / "r.json").read_text())
    assert result["input"]["records"] > 100


def test_log_with_hostile_names_still_analysed(tmp_path):
    lines = [json.dumps({"ts": 1.0 + i, "id.orig_h": "10.9.9.9", "query": q, "rcode_name": "NOERROR"})
             for i, q in enumerate(["ok.example.com", "\x00\x01bin.com", "x" * 300, "ünï.example", "a..b"])]
    lines.insert(2, "{broken json")
    path = tmp_path / "dns.json"
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "r.json"
    proc = dnsguard("analyze", str(path), "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    result = json.loads(out.read_text())
    assert result["input"]["records"] == 5
    assert result["input"]["skipped"] == {"line is not valid JSON": 1}
    assert sum(result["input"]["rejected_names"].values()) == 3
    assert "Traceback" not in proc.stderr


def test_config_override_and_typo(tmp_path, monkeypatch):
    good = tmp_path / "good.yaml"
    good.write_text("analysis:\n  nxdomain_threshold: 7\n")
    assert load_config(good)["analysis"]["nxdomain_threshold"] == 7
    monkeypatch.setenv("DNSGUARD_CONFIG", str(good))
    assert load_config()["analysis"]["nxdomain_threshold"] == 7
    bad = tmp_path / "bad.yaml"
    bad.write_text("analysis:\n  nxdomain_treshold: 7\n")
    with pytest.raises(ConfigError, match="unknown setting analysis.nxdomain_treshold"):
        load_config(bad)
    wrong_type = tmp_path / "type.yaml"
    wrong_type.write_text("analysis:\n  nxdomain_threshold: lots\n")
    with pytest.raises(ConfigError, match="must be a number"):
        load_config(wrong_type)
    assert main(["--config", str(bad), "analyze"]) == 2


def test_dga_generate_errors_list_valid_choices():
    proc = dnsguard("dga", "generate", "--family", "nosuchfamily", "--date", "2020-01-01")
    assert proc.returncode == 2 and "valid:" in proc.stderr and "qsnatch" in proc.stderr
    proc = dnsguard("dga", "generate", "--family", "qsnatch", "--date", "2020-02-30")
    assert proc.returncode == 2 and "not a date" in proc.stderr
