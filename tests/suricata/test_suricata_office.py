"""Suricata alone on the office capture (issue 17, item 1).

``dnsguard.testdata.office`` builds an hour of an office's DNS: 38 benign
hosts doing what makes DNS detection hard (hashed Teams/adobe.io/minerva
labels, Chrome's probes, a mail server's DNSBL storm, PTR sweeps,
search-suffix retries, a clean Synology NAS) and 6 infected ones at the
rates real bots query (QSnatch, Pykspa, Necurs for Locky, Ramnit, newGOZ for
Zloader, an iodine-like NULL tunnel).  The pack as shipped, with no feed or
forecast names in its datasets (what a new user starts with), must alert on
at least 5 of the 6 infected hosts and on no benign one.  Measured here on
the default seed and two more, on the real Suricata binary; the per-host
table is in docs/suricata.md.
"""

from __future__ import annotations

import pytest
from dnsguard.suricata import rules as catalogue
from dnsguard.suricata import sandbox
from dnsguard.testdata.office import DEFAULT_SEED, write_office
from suricata_support import (
    alerts_by_client,
    for_this_suricata,
    make_box,
    read_alerts,
    suricata_major,
)

SEEDS = (DEFAULT_SEED, 1, 2)
DGA_FAMILIES = {"QSnatch", "Pykspa", "Locky", "Ramnit", "Zloader"}
REGISTERED_SID = for_this_suricata([catalogue.NX_REGISTERED_SIDS[0]])[0]
TUNNEL_SIDS = set(for_this_suricata([9_072_010, 9_072_011, 9_072_012, 9_072_013, 9_072_030]))


def run_office(root, seed: int, lua: bool = False):
    pcap = root / f"office-{seed}.pcap"
    office = write_office(pcap, seed=seed)
    box = make_box(root / f"box-{seed}{'-lua' if lua else ''}", lua=lua)
    per_client = alerts_by_client(read_alerts(sandbox.run_pcap(box, pcap)))
    return office, per_client


@pytest.mark.parametrize("seed", SEEDS)
def test_pack_alone_alerts_on_infected_hosts_only(tmp_path, seed):
    office, per_client = run_office(tmp_path, seed)
    hosts = {h.ip: h for h in office.hosts}
    benign = {ip: sids for ip, sids in per_client.items() if ip in hosts and not hosts[ip].infected}
    assert benign == {}, {hosts[ip].hostname: sorted(set(s)) for ip, s in benign.items()}
    infected = [h for h in office.hosts if h.infected]
    missed = [h.hostname for h in infected if h.ip not in per_client]
    assert len(infected) == 6
    # The bar is 5 of 6; all 6 are measured, so losing one is a regression.
    assert missed == []
    for h in infected:
        sids = set(per_client[h.ip])
        if h.family in DGA_FAMILIES:
            # At their real rates no DGA host reaches the generic burst count:
            # the registered-domain NXDOMAIN rule is what sees them.
            assert REGISTERED_SID in sids, (h.hostname, sids)
        else:
            assert sids <= TUNNEL_SIDS, (h.hostname, sids)
    # Nothing else on the network (the resolver, addresses outside the truth) alerts.
    assert set(per_client) <= set(hosts)


def test_pack_with_lua_rule_meets_the_same_bar(tmp_path):
    """The optional Lua rule (7.0 only) adds no benign host on the default seed."""
    office, per_client = run_office(tmp_path, DEFAULT_SEED, lua=True)
    hosts = {h.ip: h for h in office.hosts}
    assert {hosts[ip].hostname for ip in per_client if not hosts[ip].infected} == set()
    assert {h.hostname for h in office.hosts if h.infected and h.ip not in per_client} == set()
    lua_hosts = {hosts[ip].family for ip, sids in per_client.items() if 9_073_001 in sids}
    if suricata_major() < 8:
        # Necurs, Ramnit and newGOZ have long random labels; Pykspa's and
        # QSnatch's are short or pronounceable enough to score under 3 of 5.
        assert lua_hosts == {"Locky", "Ramnit", "Zloader"}
    else:
        assert lua_hosts == set()
