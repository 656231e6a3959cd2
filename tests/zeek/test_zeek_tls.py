"""dnsguard serve reaches a Zeek 7.0 that serves the scorer link over TLS.

Zeek 7.0/7.1 serve Broker's WebSocket with TLS unless
``Broker::disable_ssl = T``: anonymous ciphers and no certificate by
default, which is what a Zeek cluster (Security Onion 2.4) runs.  The
package turns TLS off only on a standalone node, so a cluster's scorer
must speak ``wss://``.
"""

from __future__ import annotations

import asyncio
import subprocess

from dnsguard.service.app import Service
from dnsguard.service.settings import ServeSettings
from zeek_support import PACKAGE, NoScorer, free_port, zeek_bin_dir, zeek_env


def test_serve_connects_over_wss_to_zeeks_default_tls(tmp_path):
    port = free_port()
    script = tmp_path / "tls.zeek"
    script.write_text(
        "redef exit_only_after_terminate = T;\n"
        "redef Broker::disable_ssl = F;\n"
        f"redef DNSGuard::scorer_port = {port}/tcp;\n"
        "event DNSGuard::scorer_hello(version: string) { print \"hello\", version; terminate(); }\n"
    )
    zeek = subprocess.Popen(
        [str(zeek_bin_dir() / "zeek"), "-b", str(PACKAGE), str(script)],
        cwd=tmp_path, env=zeek_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    settings = ServeSettings.from_dict({
        "zeek": {"url": f"wss://127.0.0.1:{port}/v1/messages/json"},
        "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": "",
        "metrics": {"enabled": False},
        "backoff": {"base": 0.1, "cap": 0.5},
    })

    async def go():
        service = Service(settings, NoScorer())
        task = asyncio.create_task(service.run(install_signals=False))
        try:
            for _ in range(200):
                if service.zeek.state.connects:
                    break
                await asyncio.sleep(0.05)
            return service.zeek.state.connects
        finally:
            service.request_stop()
            await asyncio.wait_for(task, 15)

    try:
        connects = asyncio.run(go())
        out, err = zeek.communicate(timeout=30)
    finally:
        zeek.kill()
    assert connects >= 1
    # Zeek heard the service's hello over TLS, so the link works both ways.
    assert out.startswith("hello, "), out + err
