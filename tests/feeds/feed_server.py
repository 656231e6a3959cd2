"""A real HTTP(S) feed server on 127.0.0.1 for the feed tests.

Kept out of conftest.py so test modules can import it by a name no other
test directory uses.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""
    delay: float = 0.0
    """Seconds to wait before answering (the slow server)."""
    content_length: int | None = None
    """Announced length; larger than the body makes a truncated transfer."""
    endless: bool = False
    """Stream data until the client hangs up."""
    require_header: tuple[str, str] | None = None
    fail_first: int = 0
    """Answer 503 this many times before serving (retry tests)."""
    handler: Callable | None = None


class FeedServer:
    def __init__(self, context: ssl.SSLContext | None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    self._send(404, b"not found", {"Content-Type": "text/plain"})
                    return
                if route.fail_first > 0:
                    route.fail_first -= 1
                    self._send(503, b"busy", {"Content-Type": "text/plain"})
                    return
                if route.require_header:
                    name, value = route.require_header
                    if self.headers.get(name) != value:
                        self._send(401, b"missing key", {"Content-Type": "text/plain"})
                        return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self._send(304, b"", {"ETag": route.etag})
                    return
                headers = {"Content-Type": "text/plain", **route.headers}
                if route.etag:
                    headers["ETag"] = route.etag
                if route.endless:
                    self.send_response(200)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"endless.test\n" * 5000
                    try:
                        while True:
                            self.wfile.write(chunk)
                    except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                        return
                self._send(route.status, route.body, headers, route.content_length)

            def _send(self, status, body, headers, length=None):
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                if length is not None:
                    self.send_header("Connection", "close")
                self.end_headers()
                with contextlib.suppress(OSError):
                    self.wfile.write(body)
                if length is not None:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        if context is not None:
            self.httpd.socket = context.wrap_socket(
                self.httpd.socket, server_side=True, do_handshake_on_connect=False
            )
        self.scheme = "https" if context else "http"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def add(self, path: str, **kwargs) -> str:
        self.routes[path] = Route(**kwargs)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
