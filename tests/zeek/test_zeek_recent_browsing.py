"""Zeek alone on hosts browsing today's popular Internet (tools/browsing):
31 benign hosts resolving only names of the 2024/2025 popularity lists,
one with every random-looking name of them.  No host may get a notice or a
dnsguard.log detection (the other paths: tests/service/test_recent_browsing.py)."""

from __future__ import annotations

import pytest
from test_zeek_office import zeek_rows
from zeek_support import PACKAGE, run_zeek


@pytest.mark.parametrize("seed", [0, 1])
def test_zeek_alone_flags_no_host_browsing_recent_popular_names(seed, tmp_path, recent_browsing):
    browsing = recent_browsing.write(tmp_path / "browsing.pcap", seed)
    proc = run_zeek(["-b", "-C", "-r", "browsing.pcap", str(PACKAGE)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    # Zeek parsed the whole capture: every host's queries are in dns.log.
    assert {row["id.orig_h"] for row in zeek_rows(tmp_path / "dns.log")} == set(browsing.hosts)
    assert [(r["src"], r["note"], r["msg"]) for r in zeek_rows(tmp_path / "notice.log")] == []
    assert [(r["host"], r["detection"]) for r in zeek_rows(tmp_path / "dnsguard.log")] == []
