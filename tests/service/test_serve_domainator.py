"""The serve path on real DNS tunnels and DNS C2 (the Domainator training
recordings, tests/data/domainator).

Real Suricata 7.0.10 with the pack as shipped (EVE dns records and alerts)
on each recording, its eve.json through the service with the shipped DGA
model.  On every recording with 20+ DNS transactions the infected client
192.168.7.7 must get a host verdict of threat ``c2`` naming the recording's
tool (the service's own channel detections, :mod:`dnsguard.service.channels`;
Suricata's rules alone name 19 of the 28) and no other host (the router,
mDNS responders) any verdict.  The service runs in-process here
(``Service.ingest_eve``, as the EVE follower feeds it); the ``dnsguard
serve`` command itself runs in ``test_serve_office.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from dnsguard.feeds.indicators import IndicatorIndex
from dnsguard.paths import suricata_rules_dir
from dnsguard.service.app import Service
from dnsguard.service.model import HostVerdict, NameVerdict
from dnsguard.service.scoring import default_scorer
from dnsguard.service.settings import ServeSettings
from dnsguard.suricata import sandbox

DATA = Path(__file__).resolve().parents[1] / "data" / "domainator"
TRUTH = yaml.safe_load((DATA / "truth.yaml").read_text("utf-8"))["recordings"]
RECORDINGS = sorted(f for f, t in TRUTH.items() if t["dns_rows"] >= 20)


@pytest.fixture(scope="module")
def box(tmp_path_factory):
    return sandbox.create(tmp_path_factory.mktemp("serve-domainator"), suricata_rules_dir(), log_dns=True)


@pytest.fixture(scope="module")
def scorer():
    return default_scorer()


def verdicts_for(tmp_path: Path, lines: list[str], scorer) -> list[NameVerdict | HostVerdict]:
    settings = ServeSettings.from_dict({
        "zeek": {"enabled": False}, "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"), "metrics": {"enabled": False},
    })
    service = Service(settings, scorer, IndicatorIndex())
    service.journal.open(time.time())
    try:
        service.ingest_eve(lines)
        return service.process(service.queue.take_nowait(len(service.queue)))
    finally:
        service.journal.close()


@pytest.mark.parametrize("recording", RECORDINGS)
def test_serve_gives_the_infected_client_alone_a_c2_verdict(box, scorer, tmp_path, recording):
    truth = TRUTH[recording]
    lines = sandbox.run_pcap(box, DATA / recording).read_text().splitlines()
    fresh = verdicts_for(tmp_path, lines, scorer)
    flagged = {v.orig_h for v in fresh}
    assert flagged == {truth["client"]}, [(v.orig_h, getattr(v, "name", ""), v.family) for v in fresh]
    hosts = [v for v in fresh if isinstance(v, HostVerdict)]
    assert hosts and all(v.threat == "c2" for v in hosts), hosts
    # The journal's live verdict, the one the sensors and the SIEM keep: the tool.
    # Symbiote's dnscat2 recordings speak dnscat2's protocol, so dnscat2 is right there.
    allowed = {truth["family"]} | ({"dnscat2"} if recording.startswith("symbiote-dnscat") else set())
    assert hosts[-1].family in allowed, hosts[-1]
