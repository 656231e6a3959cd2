"""``DNSGuard::long_label_length`` holds at any value: ten distinct names with
16-character labels below one domain are a tunnel at ``long_label_length=15``
and not at the default (52).  (The gate once assumed labels over 20.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from zeek_support import PACKAGE, REPO, run_zeek


@pytest.mark.parametrize("length,fires", [(15, True), (52, False)])
def test_long_label_length_below_twenty_one_is_honoured(length, fires, tmp_path):
    spec = [{"ts": 1700000000.0 + i, "client": "10.0.0.9", "qname": f"a{i:015d}.x.tunnel-demo.example",
             "qtype": "A", "rcode": "NOERROR", "answers": [{"rtype": "A", "value": "192.0.2.9", "ttl": 60}]}
            for i in range(10)]
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    subprocess.run([sys.executable, str(REPO / "python/dnsguard/pcapgen.py"), "spec.json", "t.pcap"],
                   cwd=tmp_path, check=True, capture_output=True)
    proc = run_zeek(["-b", "-C", "-r", "t.pcap", str(PACKAGE), f"DNSGuard::long_label_length={length}"],
                    cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    notices = (tmp_path / "notice.log").read_text() if (tmp_path / "notice.log").exists() else ""
    assert ("Tunnel_Long_Label" in notices) is fires
