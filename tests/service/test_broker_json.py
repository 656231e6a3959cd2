"""The Broker JSON codec against the documented wire format (Broker "Web Socket")."""

from __future__ import annotations

import json

import pytest
from dnsguard.service import broker_json as bj

DOC_EVENT = {
    "type": "data-message",
    "topic": "/foo/bar",
    "@data-type": "vector",
    "data": [
        {"@data-type": "count", "data": 1},
        {"@data-type": "count", "data": 1},
        {
            "@data-type": "vector",
            "data": [
                {"@data-type": "string", "data": "event_1"},
                {
                    "@data-type": "vector",
                    "data": [{"@data-type": "integer", "data": 42}, {"@data-type": "string", "data": "test"}],
                },
            ],
        },
    ],
}


def test_documented_event_example_round_trips_exactly():
    built = bj.data_message("/foo/bar", bj.encode_event("event_1", 42, "test"))
    assert built == DOC_EVENT
    ev = bj.decode_event(DOC_EVENT)
    assert ev == bj.Event("event_1", (42, "test"), None)


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        (None, {"@data-type": "none", "data": {}}),
        (True, {"@data-type": "boolean", "data": True}),
        (bj.Count(123), {"@data-type": "count", "data": 123}),
        (-7, {"@data-type": "integer", "data": -7}),
        (-7.5, {"@data-type": "real", "data": -7.5}),
        ("Hello World!", {"@data-type": "string", "data": "Hello World!"}),
        (bj.EnumValue("foo"), {"@data-type": "enum-value", "data": "foo"}),
        (bj.Address("2001:db8::"), {"@data-type": "address", "data": "2001:db8::"}),
        (bj.Subnet("255.255.255.0/24"), {"@data-type": "subnet", "data": "255.255.255.0/24"}),
        (bj.Port(8080, "tcp"), {"@data-type": "port", "data": "8080/tcp"}),
        (bj.Timestamp(1649574000.0), {"@data-type": "timestamp", "data": "2022-04-10T07:00:00.000"}),
        ([bj.Count(42), 23], {"@data-type": "vector", "data": [
            {"@data-type": "count", "data": 42}, {"@data-type": "integer", "data": 23}]}),
        ({"first-name": "John"}, {"@data-type": "table", "data": [
            {"key": {"@data-type": "string", "data": "first-name"},
             "value": {"@data-type": "string", "data": "John"}}]}),
    ],
)
def test_documented_encodings(value, wire):
    assert bj.encode(value) == wire
    decoded = bj.decode(json.loads(json.dumps(wire)))
    if isinstance(value, bj.Subnet):
        assert decoded == bj.Subnet("255.255.255.0/24")
    else:
        assert decoded == value


def test_set_and_timespan():
    wire = bj.encode({"foo", "bar"})
    assert wire["@data-type"] == "set"
    assert bj.decode(wire) == {"foo", "bar"}
    assert bj.decode({"@data-type": "timespan", "data": "1500ms"}) == bj.Timespan(1.5)
    assert bj.decode(bj.encode(bj.Timespan(2.25))) == bj.Timespan(2.25)


def test_count_is_never_sent_as_integer():
    ev = bj.encode_event("DNSGuard::verdict", "x.com", 0.9, "f", "dga", bj.Count(3600))
    args = ev["data"][2]["data"][1]["data"]
    assert args[4] == {"@data-type": "count", "data": 3600}
    assert args[1] == {"@data-type": "real", "data": 0.9}


def test_timestamps_with_more_digits_and_zones():
    assert bj.parse_timestamp("2022-04-10T07:00:00.123456789") == pytest.approx(1649574000.123456789)
    assert bj.parse_timestamp("2022-04-10T07:00:00") == 1649574000.0
    assert bj.parse_timestamp("2022-04-10T09:00:00.000+02:00") == 1649574000.0


def test_zeek_metadata_element_is_tolerated():
    meta = [[bj.Count(1), bj.Timestamp(1649574000.0)]]
    wire = bj.encode([bj.Count(1), bj.Count(1), ["DNSGuard::host_tag", [bj.Address("10.0.0.5"), "nas-qnap", "x"], meta]])
    ev = bj.decode_event(wire)
    assert ev.name == "DNSGuard::host_tag"
    assert ev.args == (bj.Address("10.0.0.5"), "nas-qnap", "x")
    assert ev.metadata == [[bj.Count(1), bj.Timestamp(1649574000.0)]]


@pytest.mark.parametrize(
    "bad",
    [
        {"@data-type": "count", "data": -1},
        {"@data-type": "count", "data": 1.0},
        {"@data-type": "count", "data": True},
        {"@data-type": "integer", "data": "5"},
        {"@data-type": "address", "data": "not-an-ip"},
        {"@data-type": "port", "data": "99999/tcp"},
        {"@data-type": "timestamp", "data": "yesterday"},
        {"@data-type": "vector", "data": {}},
        {"@data-type": "nosuch", "data": 1},
        {"data": 1},
        [1, 2],
        {"@data-type": "table", "data": [{"key": {"@data-type": "none", "data": {}}}]},
    ],
)
def test_bad_values_raise_decode_error(bad):
    with pytest.raises(bj.BrokerDecodeError):
        bj.decode(bad)


def test_not_an_event():
    with pytest.raises(bj.BrokerDecodeError):
        bj.decode_event(bj.encode([bj.Count(1), bj.Count(2), ["x", []]]))
    with pytest.raises(bj.BrokerDecodeError):
        bj.decode_event(bj.encode(["a", "b"]))


def test_deep_nesting_is_refused_not_a_recursion_crash():
    value: dict = {"@data-type": "none", "data": {}}
    for _ in range(10_000):
        value = {"@data-type": "vector", "data": [value]}
    with pytest.raises(bj.BrokerDecodeError):
        bj.decode(value)


def test_unknown_metadata_does_not_cost_the_event():
    wire = bj.encode([bj.Count(1), bj.Count(1), ["DNSGuard::host_tag", [bj.Address("10.0.0.5"), "nas", "e"]]])
    weird = {"@data-type": "future-type", "data": {"x": 1}}
    wire["data"][2]["data"].append(weird)
    ev = bj.decode_event(wire)
    assert ev.name == "DNSGuard::host_tag" and ev.metadata == weird


def test_nan_cannot_be_encoded():
    with pytest.raises(ValueError):
        bj.encode(float("nan"))
