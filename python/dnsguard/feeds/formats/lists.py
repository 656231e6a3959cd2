"""Plain lists (one domain or address a line, DigitalSide...) and hosts files."""

from __future__ import annotations

from collections.abc import Iterator

from dnsguard.feeds.formats.base import ParseOutput, RawRecord, decode_text, iter_lines

_COMMENT_STARTS = ("#", ";", "//", "!")
_HOSTS_IGNORED = frozenset(
    {"localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost",
     "ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters",
     "ip6-allhosts", "0.0.0.0"}
)  # fmt: skip


def parse_plain(body: bytes) -> ParseOutput:
    """First token of each non-comment line; a token with ``://`` is a URL."""
    return ParseOutput(records=_plain_records(body))


def _plain_records(body: bytes) -> Iterator[RawRecord]:
    for line in iter_lines(body):
        text = line.strip()
        if not text or text.startswith(_COMMENT_STARTS):
            continue
        token = text.split(None, 1)[0]
        yield RawRecord(token, "url" if "://" in token else "host")


def parse_hosts(body: bytes) -> ParseOutput:
    """``0.0.0.0 evil.example other.example  # comment``: the names, not the sink address."""
    out = ParseOutput()
    for line in decode_text(body).splitlines():
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = text.split()
        if len(parts) < 2:
            out.malformed["hosts line without a name"] += 1
            continue
        for name in parts[1:]:
            if name.lower() in _HOSTS_IGNORED:
                out.ignored["hosts-file housekeeping name"] += 1
                continue
            out.records.append(RawRecord(name.strip(), "domain"))
    return out
