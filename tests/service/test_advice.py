"""The next step written with each host verdict (dnsguard.service.advice)."""

from __future__ import annotations

from dnsguard.service.advice import next_step
from dnsguard.service.model import HostVerdict


def hv(threat: str, family: str = "QSnatch", device: str = "", names: tuple[str, ...] = ("a.com",)) -> HostVerdict:
    return HostVerdict("10.0.0.5", family, threat, 0.9, "e", 0.0, device, names)


def test_the_nas_step_comes_first_on_a_nas():
    step = next_step(hv("iab", device="nas-qnap"))
    assert step.startswith("Cut the NAS off") and "initial-access-broker" in step and "a.com" in step


def test_each_threat_has_its_own_step_and_unknown_families_are_said_plainly():
    steps = {t: next_step(hv(t)) for t in ("c2", "iab", "botnet", "phishing", "dga")}
    assert len(set(steps.values())) == 5
    assert next_step(hv("c2", family="unknown")).startswith("Unnamed malware:")
    assert "NAS" not in steps["c2"]
