"""Download one feed over HTTPS, carefully.

Certificates are verified (``ca_file`` adds a private CA, for tests or an
internal mirror); connect and read have their own timeouts and the whole
transfer a deadline, so a stalled or trickling server cannot hang a cron
job; transient failures are retried with exponential backoff; ETag and
Last-Modified make an unchanged feed cost one round trip; the body is read
in chunks and abandoned at ``max_bytes``, so an endless stream cannot fill
the disk or memory.
"""

from __future__ import annotations

import http.client
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from dnsguard import __version__

CHUNK = 1 << 16
RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_REDIRECTS = 5


class FetchError(Exception):
    """The feed could not be downloaded; the message says why, for the log."""


@dataclass(frozen=True)
class FetchOptions:
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 600.0
    """Deadline for one attempt, so a server sending a byte a second still ends."""
    retries: int = 2
    """Extra attempts after the first on a transient failure."""
    backoff: float = 2.0
    """First retry waits this many seconds, then twice as long each time."""
    max_bytes: int = 64 << 20
    ca_file: str | None = None
    user_agent: str = f"dnsguard/{__version__} (+feeds)"


@dataclass(frozen=True)
class FetchResult:
    status: int
    """200 with a body, or 304 (not modified: ``body`` is empty)."""
    body: bytes
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    content_encoding: str = ""
    url: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Transient(FetchError):
    """Worth another attempt (timeouts, resets, 5xx, 429)."""


def ssl_context(ca_file: str | None) -> ssl.SSLContext:
    """System trust store plus ``ca_file``; hostname checking always on."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def fetch(
    url: str,
    options: FetchOptions,
    headers: Mapping[str, str] | None = None,
    etag: str = "",
    last_modified: str = "",
    progress: Callable[[int, int | None], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> FetchResult:
    """GET ``url`` with retries; raises :class:`FetchError` with a clear message."""
    request_headers = {
        "User-Agent": options.user_agent,
        "Accept-Encoding": "gzip",
        **(headers or {}),
    }
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    if url.startswith("file://"):
        return _read_file(url, options)
    attempt = 0
    while True:
        try:
            return _attempt(url, options, request_headers, progress)
        except _Transient as exc:
            if attempt >= options.retries:
                raise FetchError(f"{exc} (after {attempt + 1} attempts)") from None
            sleep(options.backoff * (2**attempt))
            attempt += 1


def _read_file(url: str, options: FetchOptions) -> FetchResult:
    path = Path(urlsplit(url).path)
    try:
        with path.open("rb") as stream:
            body = stream.read(options.max_bytes + 1)
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(body) > options.max_bytes:
        raise FetchError(f"size cap exceeded: {path} is larger than {options.max_bytes} bytes")
    return FetchResult(200, body, url=url)


def _connection(url: str, options: FetchOptions) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise FetchError(f"unsupported URL {url!r}")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname, parts.port, timeout=options.connect_timeout,
            context=ssl_context(options.ca_file),
        )  # fmt: skip
    else:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=options.connect_timeout)
    return conn, target


def _attempt(url, options, headers, progress) -> FetchResult:
    for _ in range(MAX_REDIRECTS + 1):
        conn, target = _connection(url, options)
        try:
            try:
                conn.connect()
            except ssl.SSLCertVerificationError as exc:
                raise FetchError(f"{url}: certificate verification failed: {exc.verify_message}") from None
            except ssl.SSLError as exc:
                raise FetchError(f"{url}: TLS error: {exc}") from None
            except TimeoutError:
                raise _Transient(f"{url}: connect timed out after {options.connect_timeout:g} s") from None
            except OSError as exc:
                raise _Transient(f"{url}: cannot connect: {exc.strerror or exc}") from None
            conn.sock.settimeout(options.read_timeout)
            try:
                conn.request("GET", target, headers=headers)
                response = conn.getresponse()
            except TimeoutError:
                raise _Transient(f"{url}: no answer within {options.read_timeout:g} s") from None
            except (OSError, http.client.HTTPException) as exc:
                raise _Transient(f"{url}: request failed: {exc}") from None
            status = response.status
            if status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{url}: redirect without a Location")
                new = urljoin(url, location)
                if url.startswith("https://") and not new.startswith("https://"):
                    raise FetchError(f"{url}: refusing a redirect from HTTPS to {new}")
                url = new
                continue
            if status == 304:
                return FetchResult(304, b"", response.getheader("ETag", ""),
                                   response.getheader("Last-Modified", ""), url=url)  # fmt: skip
            if status in RETRY_STATUS:
                raise _Transient(f"{url}: HTTP {status} {response.reason}")
            if status != 200:
                raise FetchError(f"{url}: HTTP {status} {response.reason}")
            body = _read_body(response, url, options, progress)
            return FetchResult(
                200,
                body,
                response.getheader("ETag", ""),
                response.getheader("Last-Modified", ""),
                response.getheader("Content-Type", ""),
                response.getheader("Content-Encoding", ""),
                url,
            )
        finally:
            conn.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _read_body(response, url: str, options: FetchOptions, progress) -> bytes:
    declared = response.getheader("Content-Length")
    length = int(declared) if declared and declared.isdigit() else None
    if length is not None and length > options.max_bytes:
        raise FetchError(f"{url}: size cap exceeded: server announces {length} bytes, cap is {options.max_bytes}")
    deadline = time.monotonic() + options.total_timeout
    chunks: list[bytes] = []
    received = 0
    while True:
        try:
            chunk = response.read(CHUNK)
        except TimeoutError:
            raise _Transient(f"{url}: read timed out after {options.read_timeout:g} s ({received} bytes received)") from None
        except http.client.IncompleteRead as exc:
            raise _Transient(f"{url}: truncated transfer ({received + len(exc.partial)} bytes received)") from None
        except (OSError, http.client.HTTPException) as exc:
            raise _Transient(f"{url}: transfer failed after {received} bytes: {exc}") from None
        if not chunk:
            break
        received += len(chunk)
        if received > options.max_bytes:
            raise FetchError(f"{url}: size cap exceeded: stopped reading at {received} bytes (cap {options.max_bytes})")
        chunks.append(chunk)
        if progress is not None:
            progress(received, length)
        if time.monotonic() > deadline:
            raise _Transient(f"{url}: transfer took longer than {options.total_timeout:g} s")
    if length is not None and received < length:
        raise _Transient(f"{url}: truncated transfer ({received} of {length} bytes)")
    return b"".join(chunks)
