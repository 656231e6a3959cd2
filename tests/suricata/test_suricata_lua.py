"""The optional Lua rule agrees with its Python twin, name for name."""

from __future__ import annotations

from pathlib import Path

from dnsguard.suricata import lexical, sandbox
from suricata_support import (
    T0,
    Exchange,
    alerts_by_client,
    make_box,
    read_alerts,
    suricata_major,
    write_traffic,
)

REPO = Path(__file__).resolve().parents[2]


def sample_names() -> list[str]:
    names = []
    for path in sorted((REPO / "data" / "dga").glob("*.txt")):
        names += path.read_text().split()[:8]
    benign = (REPO / "data" / "benign" / "top-registered-domains.txt").read_text().split()
    names += benign[::400]
    # Near the threshold and odd shapes: long benign words, digits, two-level suffixes.
    names += ["101lugaresincreibles.com", "x7k2q9z3v8w1.co.uk", "www.qzxwvkjhgfdsa.com.cn",
              "localhost", "a.b", "internationalbusinessmachines.com", "abcdefghij.example"]
    return names


def test_lua_rule_matches_python_twin(tmp_path):
    names = sample_names()
    clients = {f"10.8.{i // 250}.{i % 250 + 1}": n for i, n in enumerate(names)}
    write_traffic(tmp_path / "lua.pcap",
                  [Exchange(ts=T0 + i * 0.01, client=c, qname=n) for i, (c, n) in enumerate(clients.items())])
    box = make_box(tmp_path / "box", lua=True, rule_files=["dnsguard-lua.rules"])
    per_client = alerts_by_client(read_alerts(sandbox.run_pcap(box, tmp_path / "lua.pcap")))
    expected = {c: [9_073_001] for c, n in clients.items() if lexical.matches(n)}
    # The script uses 7.0's Lua API; on 8.0 the rule is skipped (requires: version < 8).
    assert per_client == (expected if suricata_major() < 8 else {})
    # The sample exercises both outcomes.
    assert 20 < len(expected) < len(clients) - 20
