"""Suricata's NXDOMAIN rules behind a resolver that blocks ads with NXDOMAIN.

A browser behind such a resolver gets NXDOMAIN for names below ad-tech
domains that exist (``securepubads.g.doubleclick.net``).  On Suricata 8.0
the NXDOMAIN rules (9072002, 9072004) read the question on the answer and
skip names below the popular domains of ``datasets/dnsguard-popular.lst``
(``dnsguard.suricata.rules.not_popular``); Suricata 7 sees no question on
the answer and still counts them, a documented limit (docs/detections.md),
which the test on 7 pins down so that it cannot change unnoticed.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from dnsguard.suricata import rules as catalogue
from dnsguard.suricata import sandbox
from suricata_support import (
    PACK,
    Exchange,
    alerts_by_client,
    read_alerts,
    require_suricata,
    suricata_major,
    write_traffic,
)

SURICATA8 = Path("/opt/dnsguard-suricata8/wrapper/suricata")
T0 = 1_800_000_000.0
BROWSER, BOT = "10.0.0.40", "10.0.0.66"
ADS = ("doubleclick.net", "adnxs.com", "criteo.com", "taboola.com", "outbrain.com", "amazon-adsystem.com",
       "googlesyndication.com", "demdex.net", "scorecardresearch.com", "bbc.co.uk")
"""Popular domains (nine of two labels, one below ``co.uk`` for the three-label set)."""


def blocked_names() -> list[str]:
    """40 blocked names in 20 s: each ad domain itself (whole registered domains,
    what 9072003/9072004 count) and three names below it."""
    return [f"{host}{domain}" for domain in ADS for host in ("", "securepubads.g.", "ib.", "Cdn.")]


def bot_names() -> list[str]:
    """A DGA's rendezvous round: 35 registered domains that do not exist."""
    return [f"q{i:02d}xkvwzpl{chr(97 + i % 26)}mt.com" for i in range(35)]


def capture(path: Path) -> None:
    exchanges = [Exchange(ts=T0 + i * 0.5, client=BROWSER, qname=n, rcode="NXDOMAIN", server="10.0.0.53")
                 for i, n in enumerate(blocked_names())]
    exchanges += [Exchange(ts=T0 + i * 0.5, client=BOT, qname=n, rcode="NXDOMAIN", server="10.0.0.53")
                  for i, n in enumerate(bot_names())]
    exchanges.sort(key=lambda e: e.ts)
    write_traffic(path, exchanges)


def run(root: Path, binary: str, empty_popular: bool = False) -> dict[str, list[int]]:
    root.mkdir(parents=True, exist_ok=True)
    pcap = root / "blocked.pcap"
    capture(pcap)
    box = sandbox.create(root / "box", PACK, binary=binary)
    if empty_popular:
        (box.rules / "datasets" / f"{catalogue.POPULAR_DATASET}.lst").write_bytes(b"")
    return alerts_by_client(read_alerts(sandbox.run_pcap(box, pcap)))


def test_suricata_on_path(tmp_path):
    """Whatever Suricata runs the suite: the bot alerts with both NXDOMAIN rules;
    the browser does on 7.x (the documented limit) and does not on 8.0."""
    require_suricata()  # fails, not skips, without Suricata
    per = run(tmp_path, "suricata")
    if suricata_major() < 8:
        burst, registered = catalogue.NX_BURST_SIDS[0], catalogue.NX_REGISTERED_SIDS[0]
        assert set(per[BROWSER]) == {burst, registered}
    else:
        burst, registered = catalogue.NX_BURST_SIDS[1], catalogue.NX_REGISTERED_SIDS[1]
        assert BROWSER not in per
    assert set(per[BOT]) == {burst, registered}
    assert set(per) <= {BROWSER, BOT}


@pytest.mark.suricata8
def test_suricata8_skips_names_below_popular_domains(tmp_path):
    """On 8.0 the browser is silent and the bot is not; with the popular sets
    emptied the browser alerts again, so the set is what spares it."""
    assert Path("/opt/dnsguard-suricata8/tree/tmp", tmp_path.relative_to("/tmp")).exists(), \
        "the Suricata 8 tree does not see /tmp (tools/suricata8/setup.sh mounts it)"
    gated = run(tmp_path / "gated", str(SURICATA8))
    v8 = {catalogue.NX_BURST_SIDS[1], catalogue.NX_REGISTERED_SIDS[1]}
    assert gated.keys() == {BOT} and set(gated[BOT]) == v8
    ungated = run(tmp_path / "ungated", str(SURICATA8), empty_popular=True)
    assert set(ungated[BROWSER]) == v8 and set(ungated[BOT]) == v8


def test_popular_set_holds_the_shipped_list():
    """The set the 8.0 rules load is the Python list's names of two and three
    labels, and every ad domain of the capture is in it."""
    content = (PACK / "datasets" / f"{catalogue.POPULAR_DATASET}.lst").read_bytes()
    listed = {base64.b64decode(line).decode() for line in content.split()}
    assert len(listed) > 150_000
    assert {d.count(".") + 1 for d in listed} == set(catalogue.POPULAR_LABELS)
    assert set(ADS) <= listed
