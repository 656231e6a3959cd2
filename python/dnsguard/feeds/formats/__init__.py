"""Feed format parsers: ``bytes -> ParseOutput``, pure and format-specific."""

from __future__ import annotations

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
from dnsguard.feeds.formats.misp import parse_manifest, parse_misp_events
from dnsguard.feeds.formats.stix import parse_stix
from dnsguard.feeds.formats.zeek import parse_zeek_intel

PARSERS: dict[str, Callable[[bytes], ParseOutput]] = {
    "threatfox-csv": parse_threatfox_csv,
    "threatfox-json": parse_threatfox_json,
    "urlhaus-csv": parse_urlhaus_csv,
    "feodo-csv": parse_feodo_csv,
    "feodo-json": parse_feodo_json,
    "plain": parse_plain,
    "hosts": parse_hosts,
    "misp": parse_misp_events,
    "stix": parse_stix,
    "zeek-intel": parse_zeek_intel,
}

__all__ = ["PARSERS", "ParseError", "ParseOutput", "RawRecord", "parse_manifest"]
