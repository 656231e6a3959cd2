"""HTTPS download against a real TLS server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import gzip
import io
import time
import zipfile

import pytest
from dnsguard.feeds.decompress import DecodeError, decode_body
from dnsguard.feeds.fetch import FetchError, fetch
from dnsguard.feeds.progress import ProgressBar


def test_download_over_https_with_test_ca(server, options):
    url = server.add("/list.txt", body=b"evil-c2.test\n", etag='"v1"', headers={"Last-Modified": "Fri, 20 Nov 2026 09:00:00 GMT"})
    got = fetch(url, options)
    assert (got.status, got.body, got.etag) == (200, b"evil-c2.test\n", '"v1"')
    assert got.last_modified == "Fri, 20 Nov 2026 09:00:00 GMT"
    assert server.requests[0][1]["User-Agent"].startswith("dnsguard/")


def test_certificate_is_verified(server, options):
    url = server.add("/list.txt", body=b"x.test\n")
    with pytest.raises(FetchError, match="certificate verification failed"):
        fetch(url, dataclasses.replace(options, ca_file=None))
    assert server.requests == [] or all(p != "/list.txt" for p, _ in server.requests)


def test_etag_and_last_modified_make_a_conditional_request(server, options):
    url = server.add("/list.txt", body=b"x.test\n", etag='"abc"')
    got = fetch(url, options, etag='"abc"', last_modified="Fri, 20 Nov 2026 09:00:00 GMT")
    assert got.not_modified and got.body == b""
    headers = server.requests[-1][1]
    assert headers["If-None-Match"] == '"abc"'
    assert headers["If-Modified-Since"] == "Fri, 20 Nov 2026 09:00:00 GMT"


def test_endless_stream_stops_at_the_size_cap(server, options):
    url = server.add("/endless", endless=True)
    start = time.monotonic()
    with pytest.raises(FetchError, match="size cap exceeded: stopped reading at"):
        fetch(url, dataclasses.replace(options, max_bytes=300_000))
    assert time.monotonic() - start < 5


def test_announced_size_over_the_cap_is_refused_before_reading(server, options):
    url = server.add("/big", body=b"a.test\n" * 1000)
    with pytest.raises(FetchError, match="server announces 7000 bytes"):
        fetch(url, dataclasses.replace(options, max_bytes=1000))


def test_slow_server_hits_the_read_timeout(server, options):
    url = server.add("/slow", body=b"late.test\n", delay=4.0)
    start = time.monotonic()
    with pytest.raises(FetchError, match=r"no answer within 0.5 s \(after 1 attempts\)"):
        fetch(url, dataclasses.replace(options, read_timeout=0.5))
    assert time.monotonic() - start < 3.5


def test_truncated_transfer_is_an_error(server, options):
    url = server.add("/cut", body=b"a.test\nb.te", content_length=100)
    with pytest.raises(FetchError, match=r"truncated transfer \(11 of 100 bytes\)"):
        fetch(url, options)


def test_transient_errors_are_retried_with_backoff(server, options):
    url = server.add("/busy", body=b"ok.test\n", fail_first=2)
    waits: list[float] = []
    got = fetch(url, dataclasses.replace(options, retries=3, backoff=0.5), sleep=waits.append)
    assert got.body == b"ok.test\n"
    assert waits == [0.5, 1.0]


def test_client_errors_are_not_retried(server, options):
    url = server.add("/missing-key", body=b"x", require_header=("Auth-Key", "k"))
    waits: list[float] = []
    with pytest.raises(FetchError, match="HTTP 401"):
        fetch(url, dataclasses.replace(options, retries=3), sleep=waits.append)
    assert waits == []
    got = fetch(url, options, headers={"Auth-Key": "k"})
    assert got.body == b"x"


def test_redirect_from_https_to_http_is_refused(server, options):
    url = server.add("/moved", status=302, headers={"Location": "http://127.0.0.1:9/feed"})
    with pytest.raises(FetchError, match="refusing a redirect from HTTPS"):
        fetch(url, options)


def test_file_urls_read_local_copies(tmp_path, options):
    path = tmp_path / "intel.dat"
    path.write_bytes(b"#fields\tindicator\tindicator_type\n")
    assert fetch(path.as_uri(), options).body.startswith(b"#fields")
    with pytest.raises(FetchError, match="size cap exceeded"):
        fetch(path.as_uri(), dataclasses.replace(options, max_bytes=5))


def test_gzip_and_zip_bodies_are_decoded():
    text = b"a.test\nb.test\n"
    assert decode_body(gzip.compress(text), 1000) == text
    assert decode_body(gzip.compress(text) + gzip.compress(b"c.test\n"), 1000) == text + b"c.test\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("full.csv", text)
    assert decode_body(buffer.getvalue(), 1000) == text
    assert decode_body(buffer.getvalue(), 1000, member="full.csv") == text
    with pytest.raises(DecodeError, match="no member"):
        decode_body(buffer.getvalue(), 1000, member="other.csv")
    assert decode_body(text, 1000) == text


def test_gzip_bomb_stops_at_the_decompressed_cap():
    bomb = gzip.compress(b"\0" * (20 << 20))
    assert len(bomb) < 100_000
    with pytest.raises(DecodeError, match="exceeds the cap of 1048576 bytes"):
        decode_body(bomb, 1 << 20)


def test_zip_bomb_with_lying_header_stops_at_the_cap():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("full.csv", b"\0" * (4 << 20))
    with pytest.raises(DecodeError, match="over the cap|exceeds the cap"):
        decode_body(buffer.getvalue(), 1 << 20)


def test_corrupt_gzip_is_an_error():
    with pytest.raises(DecodeError, match="truncated gzip|corrupt gzip"):
        decode_body(gzip.compress(b"a.test\n" * 100)[:30], 10_000)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal():
    quiet = io.StringIO()
    bar = ProgressBar("feed", stream=quiet)
    bar(10, 100)
    bar.close()
    assert quiet.getvalue() == ""
    tty = _Tty()
    bar = ProgressBar("feed", stream=tty)
    bar(100, 100)
    bar.close()
    assert "feed [" in tty.getvalue() and "100%" in tty.getvalue()

