"""Zeek alone on the Domainator training recordings (tests/data/domainator):
real dnscat2, iodine, RogueRobin, Saitama and Symbiote traffic.

Every recording with 20 or more DNS transactions gives its infected client
(192.168.7.7) a compromise-level notice and no other host (link-local mDNS
responders, the router) any notice.  The tool named in the notice's family
is checked where the traffic's structure shows it.  Each recording is a
separate ``zeek -b -C -r FILE zeek-scripts`` run, as test_zeek_office.py
runs the office captures (well under a second each).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from test_zeek_office import zeek_rows
from zeek_support import PACKAGE, REPO, run_zeek

DATA = REPO / "tests/data/domainator"
TRUTH = yaml.safe_load((DATA / "truth.yaml").read_text())["recordings"]

# Notices that say "this host is compromised" (not Device_Tagged, not
# Fast_Flux, which is about a name, not a host's traffic).
COMPROMISE = {
    "DNSGuard::DNS_Channel",
    "DNSGuard::C2_Rotation",
    "DNSGuard::C2_Beacon",
    "DNSGuard::Tunnel_Long_Label",
    "DNSGuard::Tunnel_Subdomains",
    "DNSGuard::TXT_Volume",
    "DNSGuard::NXDOMAIN_Burst",
    "DNSGuard::Intel_Domain",
}

# The family the new notices name, per tool of truth.yaml.  Symbiote over
# dnscat2 speaks dnscat2's protocol: its names are dnscat2's, so Zeek can
# only say dnscat2.
TOOL_FAMILY = {
    "dnscat": "dnscat2",
    "iodine": "iodine",
    "roguerobin-net": "RogueRobin",
    "roguerobin-ps": "RogueRobin",
    "saitama": "Saitama",
    "symbiote-dnscat": "dnscat2",
    "symbiote": "Symbiote",
}

NEW_NOTICES = {"DNSGuard::DNS_Channel", "DNSGuard::C2_Rotation", "DNSGuard::C2_Beacon"}

RECORDINGS = sorted(name for name, t in TRUTH.items() if t["dns_rows"] >= 20)

# Zeek's own DNS edge-case traces (EDNS, DNSSEC, SVCB, odd answers): no
# tunnel or C2 on any of them.
TRACES = sorted((REPO / "tests/data/traces").iterdir())


def family_of(row: dict[str, str]) -> str:
    fields = dict(part.split("=", 1) for part in row["sub"].split(";") if "=" in part)
    return fields.get("family", "")


def test_the_recordings_are_there():
    assert len(TRUTH) == 35 and len(RECORDINGS) == 28
    assert all((DATA / name).is_file() for name in TRUTH)


@pytest.mark.parametrize("recording", RECORDINGS, ids=[Path(n).stem for n in RECORDINGS])
def test_zeek_alone_flags_the_infected_client_only(recording, tmp_path):
    truth = TRUTH[recording]
    proc = run_zeek(["-b", "-C", "-r", str(DATA / recording), str(PACKAGE)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "", proc.stderr

    notices = zeek_rows(tmp_path / "notice.log")
    client = [r for r in notices if r["src"] == truth["client"]]
    others = [(r["src"], r["note"]) for r in notices if r["src"] != truth["client"]]
    assert not others, f"notices for other hosts: {others}"
    assert {r["note"] for r in client} & COMPROMISE, f"no compromise notice for {truth['client']}"

    # Never fast flux (a dnscat2 answer carries 25 A addresses).
    assert not any(r["note"] == "DNSGuard::Fast_Flux" for r in notices)

    families = {family_of(r) for r in client if r["note"] in NEW_NOTICES}
    assert TOOL_FAMILY[truth["tool"]] in families, families

    rows = zeek_rows(tmp_path / "dnsguard.log")
    assert {r["host"] for r in rows if r["detection"] in {"dns_channel", "c2_rotation", "c2_beacon"}} \
        == {truth["client"]}


@pytest.mark.parametrize("trace", TRACES, ids=[p.name for p in TRACES])
def test_no_channel_notice_on_zeeks_dns_traces(trace, tmp_path):
    """pdns154.ultradns.{net,biz,com,org} (dns-edns-ecs) is one provider's
    name, not a rotation through four C2 domains."""
    proc = run_zeek(["-b", "-C", "-r", str(trace), str(PACKAGE)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    notes = {r["note"] for r in zeek_rows(tmp_path / "notice.log")}
    assert not notes & NEW_NOTICES, notes
