"""Who may publish verdicts: Zeek 7.0's Broker WebSocket with certificates
(docs/zeek.md, "Who may publish verdicts").

With ``Broker::ssl_cafile``, ``ssl_certificate`` and ``ssl_keyfile`` set,
Zeek 7.0.11 accepts a WebSocket client only if it presents a certificate
from that CA.  ``dnsguard serve`` with ``zeek.tls_cert``/``tls_key``
connects and its hello arrives; a client without a certificate, or with a
self-signed one, cannot even subscribe, so it cannot publish a verdict.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
from dnsguard.service.app import Service
from dnsguard.service.settings import ServeSettings
from websockets.sync.client import connect
from zeek_support import PACKAGE, NoScorer, free_port, zeek_bin_dir, zeek_env


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d: Path) -> None:
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=dnsguard-test-ca", cwd=d)
    for name in ("zeek", "scorer"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                "-subj", f"/CN={name}", cwd=d)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.pem", "-days", "2", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue.key", "-out", "rogue.pem",
            "-days", "2", "-subj", "/CN=rogue", cwd=d)



def subscribe(port: int, ca: Path, cert: Path | None, key: Path | None) -> str:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.load_verify_locations(ca)
    if cert:
        ctx.load_cert_chain(cert, key)
    try:
        with connect(f"wss://127.0.0.1:{port}/v1/messages/json", ssl=ctx, open_timeout=10) as ws:
            ws.send(json.dumps(["dnsguard/verdicts"]))
            return json.loads(ws.recv(timeout=10))["type"]
    except Exception as exc:  # noqa: BLE001 - what failed is the answer
        return f"refused ({type(exc).__name__})"


def test_only_a_client_with_a_certificate_from_zeeks_ca_may_publish(tmp_path):
    assert shutil.which("openssl"), "the openssl command makes the test's certificates (scripts/install.sh --test)"
    make_pki(tmp_path)
    port = free_port()
    script = tmp_path / "mtls.zeek"
    script.write_text(
        "redef exit_only_after_terminate = T;\n"
        "redef Broker::disable_ssl = F;\n"
        f'redef Broker::ssl_cafile = "{tmp_path / "ca.pem"}";\n'
        f'redef Broker::ssl_certificate = "{tmp_path / "zeek.pem"}";\n'
        f'redef Broker::ssl_keyfile = "{tmp_path / "zeek.key"}";\n'
        f"redef DNSGuard::scorer_port = {port}/tcp;\n"
        'event DNSGuard::scorer_hello(version: string) { print "hello", version; terminate(); }\n'
    )
    zeek = subprocess.Popen(
        [str(zeek_bin_dir() / "zeek"), "-b", str(PACKAGE), str(script)],
        cwd=tmp_path, env=zeek_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    settings = ServeSettings.from_dict({
        "zeek": {"url": f"wss://127.0.0.1:{port}/v1/messages/json", "tls_ca": str(tmp_path / "ca.pem"),
                 "tls_cert": str(tmp_path / "scorer.pem"), "tls_key": str(tmp_path / "scorer.key")},
        "suricata": {"enabled": False}, "state_dir": str(tmp_path / "state"), "verdict_log": "",
        "metrics": {"enabled": False}, "backoff": {"base": 0.1, "cap": 0.5},
    })

    async def go():
        for _ in range(200):  # Zeek listening?
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            await asyncio.sleep(0.05)
        ca = tmp_path / "ca.pem"
        none = await asyncio.to_thread(subscribe, port, ca, None, None)
        rogue = await asyncio.to_thread(subscribe, port, ca, tmp_path / "rogue.pem", tmp_path / "rogue.key")
        service = Service(settings, NoScorer())
        task = asyncio.create_task(service.run(install_signals=False))
        try:
            for _ in range(200):
                if service.zeek.state.connects:
                    break
                await asyncio.sleep(0.05)
            return none, rogue, service.zeek.state.connects
        finally:
            service.request_stop()
            await asyncio.wait_for(task, 15)

    try:
        none, rogue, connects = asyncio.run(go())
        out, err = zeek.communicate(timeout=30)
    finally:
        zeek.kill()
    assert none.startswith("refused"), none
    assert rogue.startswith("refused"), rogue
    assert connects >= 1
    assert out.startswith("hello, "), out + err


def test_certificate_settings_are_checked(tmp_path):
    from dnsguard.service.settings import SettingsError

    (tmp_path / "junk.pem").write_text("not a certificate")
    base = {"url": "wss://127.0.0.1:1/v1/messages/json"}
    with pytest.raises(SettingsError, match="no such file"):
        ServeSettings.from_dict({"zeek": {**base, "tls_cert": str(tmp_path / "missing.pem")}})
    with pytest.raises(SettingsError, match="needs serve.zeek.tls_cert"):
        ServeSettings.from_dict({"zeek": {**base, "tls_key": str(tmp_path / "junk.pem")}})
    with pytest.raises(SettingsError, match="not a usable certificate"):
        ServeSettings.from_dict({"zeek": {**base, "tls_cert": str(tmp_path / "junk.pem")}})
