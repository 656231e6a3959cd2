"""The serve: configuration section, the example config, the Prometheus text format, the CLI hook."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from dnsguard.service.cli import build_settings, register
from dnsguard.service.metrics import Sample, check_loopback, render
from dnsguard.service.settings import DEFAULTS, ServeSettings, SettingsError

REPO = Path(__file__).resolve().parents[2]


def test_defaults_and_overrides():
    s = ServeSettings.from_dict({})
    assert s.zeek.url == "ws://127.0.0.1:25353/v1/messages/json"
    assert s.suricata.dataset == "dnsguard-verdict"
    assert s.metrics == ("127.0.0.1", 9790)
    assert s.journal_path == Path("/var/lib/dnsguard/verdicts.journal")
    s = ServeSettings.from_dict({"zeek": {"enabled": False}, "hosts": {"min_names": 9}, "verdict_threshold": 1})
    assert s.zeek is None and s.decide.hosts.min_names == 9 and s.decide.verdict_threshold == 1.0
    assert ServeSettings.from_dict({}).decide.hosts.family_margin == 0.75
    assert ServeSettings.from_dict({"hosts": {"family_margin": 2}}).decide.hosts.family_margin == 2.0


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"zeek": {"ulr": "x"}}, "unknown setting serve.zeek.ulr"),
        ({"queue_size": "big"}, "must be a number"),
        ({"queue_size": 0}, "at least 1"),
        ({"verdict_threshold": 1.5}, "within 0..1"),
        ({"eve": {"files": "eve.json"}}, "list of strings"),
        ({"zeek": {"enabled": "yes"}}, "true or false"),
        ({"hosts": []}, "mapping"),
        ({"hosts": {"family_margin": -1}}, "family_margin must be within"),
    ],
)
def test_bad_settings_are_errors(section, message):
    with pytest.raises(SettingsError, match=message):
        ServeSettings.from_dict(section)


def test_example_config_is_valid_and_documents_every_key():
    doc = yaml.safe_load((REPO / "deploy" / "serve.example.yaml").read_text())
    ServeSettings.from_dict(doc["serve"])

    def keys(d: dict, prefix: str = "", leaves_only: bool = False) -> set[str]:
        out = set()
        for k, v in d.items():
            if isinstance(v, dict):
                out |= keys(v, prefix + k + ".", leaves_only)
                if leaves_only:
                    continue
            out.add(prefix + k)
        return out

    assert keys(DEFAULTS) <= keys(doc["serve"])
    text = (REPO / "docs" / "service.md").read_text()
    missing = [k for k in keys(DEFAULTS, leaves_only=True)
               if f"`{k}`" not in text and f"`{k.split('.')[-1]}`" not in text]
    assert not missing, f"docs/service.md does not document {missing}"


def test_cli_registers_serve_with_func():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["serve", "--no-zeek", "--eve", "/tmp/a.json", "--state-dir", "/tmp/st", "--check"])
    assert callable(args.func) and args.check
    s = build_settings({"serve": {"suricata": {"enabled": False}}, "analysis": {"indicator_files": ["f.csv"]}}, args)
    assert s.zeek is None and s.suricata is None
    assert s.eve_files == (Path("/tmp/a.json"),) and s.state_dir == Path("/tmp/st")
    assert s.indicator_files == (Path("f.csv"),)


def test_prometheus_text_format():
    text = render([
        Sample("dnsguard_dropped_total", 3, "Items dropped", "counter", {"queue": "input"}),
        Sample("dnsguard_dropped_total", 0, "Items dropped", "counter", {"queue": 'we"ird\n'}),
        Sample("dnsguard_link_up", True, "Link up"),
        Sample("dnsguard_batch_seconds_max", 0.25),
    ])
    assert text.splitlines() == [
        "# TYPE dnsguard_batch_seconds_max gauge",
        "dnsguard_batch_seconds_max 0.25",
        "# HELP dnsguard_dropped_total Items dropped",
        "# TYPE dnsguard_dropped_total counter",
        'dnsguard_dropped_total{queue="input"} 3',
        'dnsguard_dropped_total{queue="we\\"ird\\n"} 0',
        "# HELP dnsguard_link_up Link up",
        "# TYPE dnsguard_link_up gauge",
        "dnsguard_link_up 1",
    ]


def test_metrics_only_on_loopback():
    check_loopback("127.0.0.1")
    check_loopback("::1")
    with pytest.raises(ValueError):
        check_loopback("0.0.0.0")


def test_histogram_buckets_and_render():
    from dnsguard.service.metrics import Histogram

    h = Histogram("x_seconds", "Latency", buckets=(0.01, 0.1, 1.0))
    for v in (0.005, 0.05, 0.05, 0.5):
        h.observe(v)
    assert h.counts == [1, 3, 4] and h.n == 4
    assert h.quantile_bound(0.5) == 0.1 and h.quantile_bound(0.99) == 1.0
    lines = render(h.samples()).splitlines()
    assert lines[:3] == ["# HELP x_seconds Latency", "# TYPE x_seconds histogram", 'x_seconds_bucket{le="0.01"} 1']
    assert 'x_seconds_bucket{le="+Inf"} 4' in lines and "x_seconds_count 4" in lines
    assert lines[-2].startswith("x_seconds_sum ") and float(lines[-2].split()[1]) == pytest.approx(0.605)


def test_zeek_url_scheme_and_tls_ca_are_checked(tmp_path):
    with pytest.raises(SettingsError, match="ws:// or wss://"):
        ServeSettings.from_dict({"zeek": {"url": "http://127.0.0.1:25353/v1/messages/json"}})
    with pytest.raises(SettingsError, match="tls_ca"):
        ServeSettings.from_dict({"zeek": {"url": "wss://127.0.0.1:25353/v1/messages/json",
                                          "tls_ca": str(tmp_path / "missing.pem")}})
    ok = ServeSettings.from_dict({"zeek": {"url": "wss://127.0.0.1:25353/v1/messages/json"}})
    assert ok.zeek.tls_ca == ""
