"""One definition per detection (python/dnsguard/data/detections.yaml): the
Zeek package's option defaults and dnsguard's analysis defaults must say the
same thing, so an analyst comparing Zeek, Suricata and ``dnsguard analyze``
on the same traffic compares one detection, not three."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import yaml
from dnsguard.config import load_config

ROOT = Path(__file__).resolve().parents[1]
ZEEK = "".join(p.read_text() for p in sorted((ROOT / "zeek-scripts").glob("*.zeek")))


def definitions() -> dict:
    return yaml.safe_load(resources.files("dnsguard").joinpath("data/detections.yaml").read_text())


def zeek_option(name: str) -> str:
    found = re.search(rf"^\toption {name}(?::[^=]*)? = (.*?);$", ZEEK, re.M | re.S)
    assert found, f"no option {name} in zeek-scripts"
    return found.group(1)


def zeek_value(text: str):
    text = text.strip()
    if text.startswith("{"):
        return sorted(int(x) for x in re.findall(r"\d+", text))
    return int(text) if text.isdigit() else text


def test_zeek_defaults_follow_the_definitions():
    for detection, body in definitions().items():
        for option, value in body.get("zeek", {}).items():
            assert zeek_value(zeek_option(option)) == value, f"{detection}: DNSGuard::{option}"


def test_python_defaults_follow_the_definitions():
    analysis = load_config(None)["analysis"]
    for detection, body in definitions().items():
        for key, value in body.get("python", {}).items():
            if key == "device_min_names":
                assert load_config(None)["devices"]["min_names"] == value
                continue
            assert analysis[key] == value, f"{detection}: analysis.{key}"


def test_the_definitions_agree_with_themselves():
    d = definitions()
    nx = d["nxdomain_burst"]
    assert nx["zeek"]["nxdomain_epoch"] == f"{nx['window_seconds'] // 60}min"
    assert nx["zeek"]["nxdomain_unique_threshold"] == nx["min_registered_domains"]
    assert nx["python"]["nxdomain_unique_names"] == nx["min_registered_domains"]
    assert nx["zeek"]["nxdomain_count_threshold"] == nx["python"]["nxdomain_threshold"] == nx["min_answers"]
    assert nx["zeek"]["nxdomain_qtypes"] == nx["qtypes"]
    from dnsguard.detect.nxalerts import COUNTED_QTYPES

    assert sorted(COUNTED_QTYPES) == nx["qtypes"]
    ll = d["long_labels"]
    assert ll["zeek"]["long_label_length"] == ll["python"]["tunnel_label_length"] == ll["label_length"]
    assert ll["zeek"]["long_label_min_names"] == ll["python"]["tunnel_min_queries"] == ll["min_distinct_names"]
    assert ll["python"]["tunnel_window"] == ll["window_seconds"]
    assert ll["zeek"]["tunnel_epoch"] == f"{ll['window_seconds'] // 60}min"
    nas = d["nas_devices"]
    assert nas["zeek"]["nas_min_service_names"] == nas["python"]["device_min_names"] == nas["min_service_names"]


def test_nas_service_names_are_the_same_everywhere():
    nas = definitions()["nas_devices"]["service_names"]
    zeek = dict(re.findall(r'\["([^"]+)"\] = "(nas-[a-z]+)"', zeek_option("nas_service_names")))
    assert zeek == {name: device for device, names in nas.items() for name in names}
    devices = load_config(None)["devices"]
    assert {k: v for k, v in devices.items() if k != "min_names"} == nas


def test_ignored_suffixes_are_the_zeek_ones():
    listed = set(re.findall(r'"([^"]+)"', zeek_option("ignore_suffixes")))
    assert listed == set(definitions()["ignored_suffixes"]["suffixes"])


def assert_drift_noticed(monkeypatch, check, section: str, side: str, key: str) -> None:
    """``check`` fails, naming ``key``, once ``section.side.key`` is edited in
    the definitions alone."""
    changed = definitions()
    changed[section][side][key] = 99
    monkeypatch.setattr(__import__(__name__), "definitions", lambda: changed)
    try:
        check()
    except AssertionError as exc:
        assert key in str(exc)
    else:
        raise AssertionError("drift went unnoticed")


def test_the_drift_check_sees_a_change(monkeypatch):
    """A definition edited without the sensors fails the check."""
    assert_drift_noticed(monkeypatch, test_zeek_defaults_follow_the_definitions,
                         "nxdomain_burst", "zeek", "nxdomain_unique_threshold")


# --------------------------------------------------------------------------- tunnels and DNS C2 (issue 15)


def test_channel_sections_agree_with_themselves():
    d = definitions()
    ch = d["dns_channel"]
    assert ch["python"]["channel_window"] == ch["window_seconds"]
    assert ch["python"]["channel_min_names"] == ch["min_distinct_names"]
    assert ch["python"]["channel_min_per_domain"] == ch["min_per_domain"]
    rot = d["c2_rotation"]
    assert rot["python"] == {"rotation_window": rot["window_seconds"], "rotation_min_domains": rot["min_domains"]}
    beacon = d["c2_beacon"]
    assert beacon["python"] == {"beacon_window": beacon["window_seconds"], "beacon_min_rounds": beacon["min_rounds"],
                                "beacon_round_gap": beacon["round_gap_seconds"]}
    for name in ("dns_channel", "c2_rotation", "c2_beacon"):
        assert d[name]["verdict"] == "compromised" and d[name]["threat"] == "c2"


def test_python_channel_detections_follow_the_definitions():
    """The numbers analyze's channel code carries itself (not config keys)
    are the definitions' numbers."""
    from dnsguard.config import AnalysisSettings
    from dnsguard.detect.answers import DataAnswersDetector
    from dnsguard.detect.channel import IGNORED_SUFFIXES, BeaconDetector, RotationDetector
    from dnsguard.detect.encoding import DEFAULT_TESTS, ORDER
    from dnsguard.detect.qtypes import DEFAULT_DATA_QTYPES

    d = definitions()
    enc = d["encoded_label"]
    assert list(ORDER) == enc["order"]
    t = DEFAULT_TESTS
    assert t.raw_min_length == enc["raw"]["min_length"]
    assert t.hex_min_length == enc["hex"]["min_length"]
    assert (t.nibble_min_length, t.nibble_min_share) == (enc["nibble_letters"]["min_length"],
                                                          enc["nibble_letters"]["min_share_a_to_p"])
    assert (t.base32_min_length, t.base32_min_digits, t.base32_min_entropy) == (
        enc["base32"]["min_length"], enc["base32"]["min_digits"], enc["base32"]["min_entropy"])
    assert (t.base36_min_length, t.base36_min_digits, t.base36_min_entropy) == (
        enc["base36"]["min_length"], enc["base36"]["min_digits"], enc["base36"]["min_entropy"])
    q = d["data_qtypes"]
    assert sorted(DEFAULT_DATA_QTYPES.qtypes) == q["qtypes"]
    assert DEFAULT_DATA_QTYPES.private_from == q["private_from"]
    assert DEFAULT_DATA_QTYPES.unassigned_over == q["unassigned_over"]
    assert RotationDetector(1, 1).min_label_length == d["c2_rotation"]["min_label_length"]
    assert BeaconDetector(1, 1, 1).min_label_length == d["c2_beacon"]["min_label_length"]
    assert DataAnswersDetector().min_distinct_answers == d["data_answers"]["min_distinct_answers"]
    assert set(IGNORED_SUFFIXES) == set(d["ignored_suffixes"]["suffixes"])
    # The dataclass defaults (used when a config lacks the keys) are the shipped defaults.
    analysis = load_config(None)["analysis"]
    defaults = AnalysisSettings.__dataclass_fields__
    for section in ("dns_channel", "c2_rotation", "c2_beacon"):
        for key, value in d[section]["python"].items():
            assert defaults[key].default == value == analysis[key], key


def test_the_python_drift_check_sees_a_change(monkeypatch):
    assert_drift_noticed(monkeypatch, test_python_defaults_follow_the_definitions,
                         "dns_channel", "python", "channel_min_names")


def test_common_rotation_labels_are_one_list():
    from dnsguard.detect.channel import COMMON_LABELS

    listed = definitions()["c2_rotation"]["common_labels"]
    assert listed == sorted(set(listed))
    zeek = set(re.findall(r'"([^"]+)"', zeek_option("rotation_common_labels")))
    assert zeek == set(listed) == set(COMMON_LABELS)
