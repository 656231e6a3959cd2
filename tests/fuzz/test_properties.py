"""Hypothesis properties over the service's wire formats (issue 16 item 6).

bench/fuzz.py mutates real seeds; these let hypothesis search (and shrink)
arbitrary JSON and bytes for the same promises: the Broker codec raises
only BrokerDecodeError and round-trips what it decodes, the Zeek link's
frame handler never raises, Suricata's reply decoder raises only
SocketError, a journal record of any shape is a verdict or None, a control
request gets a reply.  DNSGUARD_FUZZ_EXAMPLES sets the examples per
property (default 300).
"""

from __future__ import annotations

import json
import math
import os

from dnsguard.service import broker_json as bj
from dnsguard.service.control import ControlStats, answer
from dnsguard.service.journal import from_record
from dnsguard.service.model import HostVerdict, NameVerdict
from dnsguard.service.zeek_link import ZeekLink, ZeekSettings
from dnsguard.suricata.socket import SocketError, _decode_reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("DNSGUARD_FUZZ_EXAMPLES", "300"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))

scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(
    max_size=40) | st.sampled_from(["count", "integer", "address", "timestamp", "vector", "10.0.0.1", "::1",
                                    "2026-11-27T10:00:00", "1ms", "80/tcp", "10.0.0.0/8", "DNSGuard::candidate"])
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from(["@data-type", "data", "type", "topic", "x"]) | st.text(max_size=8), inner,
                      max_size=4),
    max_leaves=30,
)
typed = st.builds(lambda t, d: {"@data-type": t, "data": d},
                  st.sampled_from(["none", "boolean", "count", "integer", "real", "string", "address", "subnet",
                                   "port", "timestamp", "timespan", "enum-value", "vector", "set", "table"]),
                  json_values)  # fmt: skip


def _nan(value) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list | tuple | set | frozenset):
        return any(_nan(v) for v in value)
    if isinstance(value, dict):
        return any(_nan(k) or _nan(v) for k, v in value.items())
    return False


@SETTINGS
@given(typed | json_values)
def test_broker_decode_raises_only_decode_errors_and_round_trips(value):
    try:
        decoded = bj.decode(value)
    except bj.BrokerDecodeError:
        return
    again = bj.decode(json.loads(json.dumps(bj.encode(decoded))))
    assert again == decoded or _nan(decoded)


LINK = ZeekLink(ZeekSettings(), lambda item: None, lambda now: [])


@SETTINGS
@given(st.one_of(json_values.map(json.dumps), st.text(max_size=200), st.binary(max_size=200),
                 st.builds(lambda args: json.dumps(bj.data_message("t", bj.encode_event("DNSGuard::candidate",
                                                                                        *args))),
                           st.lists(scalars.filter(lambda x: not isinstance(x, float) or math.isfinite(x)),
                                    max_size=7))))
def test_zeek_link_frame_handler_never_raises(frame):
    LINK.handle_message(frame)


@SETTINGS
@given(st.one_of(st.binary(max_size=300), json_values.map(lambda v: json.dumps(v).encode())))
def test_suricata_reply_decoder_raises_only_socket_errors(data):
    try:
        reply = _decode_reply(data)
    except SocketError:
        return
    assert reply is None or isinstance(reply, dict)


@SETTINGS
@given(st.dictionaries(st.sampled_from(["_k", "name", "score", "family", "threat", "expire", "created",
                                        "registered", "source", "reasons", "orig_h", "evidence", "device",
                                        "names", "x"]),
                       st.sampled_from(["n", "h"]) | json_values, max_size=12))
def test_a_journal_record_of_any_shape_is_a_verdict_or_none(rec):
    v = from_record(dict(rec))
    if v is None:
        return
    assert isinstance(v, NameVerdict | HostVerdict)
    if isinstance(v, NameVerdict):
        assert math.isfinite(v.expires_at)


@SETTINGS
@given(st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_a_control_request_gets_a_reply(data):
    def handle(request):
        return {"ok": True, "echo": str(request)[:10]}

    reply = answer(data, handle, ControlStats())
    assert isinstance(reply, dict) and "ok" in reply
