"""A real HTTPS feed server on 127.0.0.1 (test CA from trustme) and helpers.

Nothing outside 127.0.0.1 may be contacted: an autouse guard makes any
other connection fail loudly.
"""

from __future__ import annotations

import socket
import ssl
from pathlib import Path

import pytest
import trustme
from dnsguard.feeds.allowlist import Allowlist, parse_allowlist, shipped_allowlist
from dnsguard.feeds.fetch import FetchOptions

FIXTURES = Path(__file__).parent / "fixtures"

_real_create_connection = socket.create_connection


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    def guarded(address, *args, **kwargs):
        host = address[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"test tried to reach {host}: only 127.0.0.1 is allowed")
        return _real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


from feed_server import FeedServer, Route  # noqa: E402,F401


@pytest.fixture(scope="session")
def test_ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def ca_file(test_ca, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    test_ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture(scope="session")
def server_context(test_ca) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    test_ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@pytest.fixture
def server(server_context):
    srv = FeedServer(server_context)
    yield srv
    srv.close()


@pytest.fixture
def options(ca_file) -> FetchOptions:
    """No retries unless asked; timeouts generous enough for a loaded CI box
    (the slow-server tests lower read_timeout themselves)."""
    return FetchOptions(connect_timeout=5, read_timeout=5, total_timeout=30, retries=0,
                        backoff=0.01, ca_file=ca_file)  # fmt: skip


@pytest.fixture(scope="session")
def allowlist() -> Allowlist:
    return shipped_allowlist().union(parse_allowlist("intranet.test\n10.0.0.0/8\n"))


@pytest.fixture(scope="session")
def fixture_bytes():
    """Reader of a recorded fixture by file name."""
    return lambda name: (FIXTURES / name).read_bytes()
