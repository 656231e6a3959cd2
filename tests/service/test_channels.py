"""The service's tunnel / DNS-C2 detections (dnsguard.service.channels):
streamed findings, raw names counted, popular domains and benign names left
alone, state forgotten after a window of silence."""

from __future__ import annotations

from dnsguard.config import AnalysisSettings
from dnsguard.names import Rejected, normalize
from dnsguard.service.channels import ChannelSettings, ChannelWatch
from dnsguard.service.model import Candidate

SETTINGS = ChannelSettings.from_section({})
TUNNEL, OFFICE = "10.0.0.9", "10.0.0.10"


class Watch(ChannelWatch):
    """The watch as the decider drives it: each candidate with its normalised facts."""

    def observe(self, cand: Candidate, now: float):  # type: ignore[override]
        name = normalize(cand.query)
        if isinstance(name, Rejected):
            return super().observe(cand, now, None, False)
        return super().observe(cand, now, name.registered, bool(name.subdomain))


def watch() -> ChannelWatch:
    return Watch(SETTINGS, is_popular=lambda reg: reg in {"popular.example"})


def test_settings_come_from_the_analysis_section():
    assert SETTINGS.channel_min_names == AnalysisSettings.channel_min_names
    assert ChannelSettings.from_section({"channel_min_names": 12}).channel_min_names == 12


def test_a_hex_channel_is_reported_when_it_opens_and_again_when_it_doubles():
    w = watch()
    verdicts = []
    for i in range(40):
        label = f"{i:04x}" + "9f3c2a7be1d04c56" * 2
        v = w.observe(Candidate(100.0 + i, TUNNEL, f"{label}.t.tunnel-c2.net", 16), now=1000.0)
        if v is not None:
            verdicts.append((i, v))
    assert [i for i, _ in verdicts] == [7, 15, 31]  # opens at 8 names, reported again at 16 and 32
    first = verdicts[0][1]
    assert (first.orig_h, first.threat) == (TUNNEL, "c2") and "distinct data-carrying names" in first.evidence
    assert "tool:" in first.evidence


def test_raw_names_that_are_no_host_names_count():
    w = watch()
    found = [w.observe(Candidate(10.0 + i, TUNNEL, f"aGVsbG8+d29y{i}bGQ=/x.dns2.tunnel-c2.net", 16), now=1.0)
             for i in range(8)]
    assert found[-1] is not None and found[-1].threat == "c2"


def test_benign_names_and_popular_domains_are_left_alone():
    w = watch()
    names = [f"{i:04x}9f3c2a7be1d04c569f3c2a7be1d04c56.cdn.popular.example" for i in range(50)]
    names += [f"www{i}.shop.example" for i in range(50)]
    assert all(w.observe(Candidate(float(i), OFFICE, n, 1), now=1.0) is None for i, n in enumerate(names))


def test_state_is_forgotten_after_a_window_of_silence():
    w = watch()
    for i in range(5):
        w.observe(Candidate(float(i), TUNNEL, f"{i:04x}9f3c2a7be1d04c569f3c2a7be1d04c56.t.tunnel-c2.net", 16), 1.0)
    assert TUNNEL in w._hosts
    w.observe(Candidate(10.0 + w.idle + 1, OFFICE, "www.shop.example", 1), 1.0)
    assert TUNNEL not in w._hosts and not w.channel._hosts


def test_rotation_counts_names_that_got_no_address_only():
    """prod.<company> below five companies' domains: answered (EVE carries the
    addresses) it is browsing; unanswered it is a rotation."""
    domains = ("amazon-prod.example", "nbcuott.example", "cloud-sap.example", "cnn-tv.example", "uidapi.example")
    w = watch()
    browsing = [w.observe(Candidate(100.0 + i, OFFICE, f"prod.{d}", 1, 0, source="eve", answers=("192.0.2.7",)),
                          now=1.0) for i, d in enumerate(domains)]
    zeek = [w.observe(Candidate(200.0 + i, "10.0.0.11", f"prod.{d}", 1, 0, source="zeek"), now=1.0)
            for i, d in enumerate(domains)]
    assert browsing == [None] * 5 and zeek == [None] * 5  # Zeek's NOERROR candidates carry no answers
    w = watch()
    found = [w.observe(Candidate(300.0 + i, TUNNEL, f"prod.{d}", 1, 2, source="eve"), now=1.0)
             for i, d in enumerate(domains)]
    assert found[3] is not None and "prod" in found[3].evidence
