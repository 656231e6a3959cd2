"""Feed format parsers: ``bytes -> ParseOutput``, pure and format-specific."""

from __future__ import annotations

import functools
from collections.abc import Callable

from dnsguard.feeds.formats.abusech import (
    parse_feodo_csv,
    parse_feodo_json,
    parse_threatfox_csv,
    parse_threatfox_json,
    parse_urlhaus_csv,
)
from dnsguard.feeds.formats.base import ParseError, ParseOutput, RawRecord
from dnsguard.feeds.formats.lists import parse_hosts, parse_plain
from dnsguard.feeds.formats.misp import parse_manifest as _parse_manifest
from dnsguard.feeds.formats.misp import parse_misp_events
from dnsguard.feeds.formats.stix import parse_stix
from dnsguard.feeds.formats.zeek import parse_zeek_intel


def _no_recursion(parser: Callable[[bytes], ParseOutput]) -> Callable[[bytes], ParseOutput]:
    """A document just under the JSON decoder's depth limit still parses, and
    turning a value of it into text (``str()`` of a nested label) can then hit
    the limit: that too is an unreadable feed, not a crash."""

    @functools.wraps(parser)
    def guarded(body: bytes) -> ParseOutput:
        try:
            return parser(body)
        except RecursionError:
            raise ParseError("feed nested too deeply") from None

    return guarded


PARSERS: dict[str, Callable[[bytes], ParseOutput]] = {
    "threatfox-csv": parse_threatfox_csv,
    "threatfox-json": _no_recursion(parse_threatfox_json),
    "urlhaus-csv": parse_urlhaus_csv,
    "feodo-csv": parse_feodo_csv,
    "feodo-json": _no_recursion(parse_feodo_json),
    "plain": parse_plain,
    "hosts": parse_hosts,
    "misp": _no_recursion(parse_misp_events),
    "stix": _no_recursion(parse_stix),
    "zeek-intel": parse_zeek_intel,
}

parse_manifest = _no_recursion(_parse_manifest)  # type: ignore[arg-type]

__all__ = ["PARSERS", "ParseError", "ParseOutput", "RawRecord", "parse_manifest"]
