"""The merged store: merge rules, expiry, atomic writes, the internal-source API."""

from __future__ import annotations

import os
import threading

import pytest
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.store import (
    IndicatorStore,
    StoreError,
    load_indicators,
    merge_into_store,
    read_store,
    write_store,
)

NOW = 1_800_000_000.0


def ind(value, family="unknown", threat="c2", confidence=50, first=NOW, last=NOW, expires=NOW + 86400, kind="domain"):
    return Indicator(value, kind, family, threat, confidence, (), first, last, expires)


def test_merge_keeps_sources_widest_times_and_most_confident_labels():
    store = IndicatorStore()
    assert store.merge([ind("a.test", "AsyncRAT", confidence=60, first=NOW - 100)], "feed-a").added == 1
    stats = store.merge([ind("a.test", "Emotet", "c2", confidence=90, last=NOW + 50, expires=None)], "feed-b")
    assert stats.updated == 1
    got = store.get("domain", "a.test")
    assert got.sources == ("feed-a", "feed-b")
    assert (got.family, got.threat, got.confidence) == ("Emotet", "iab", 90)
    assert (got.first_seen, got.last_seen, got.expires) == (NOW - 100, NOW + 50, None)


def test_unknown_family_never_overwrites_a_known_one():
    store = IndicatorStore()
    store.merge([ind("a.test", "QakBot", "iab", confidence=50)], "named")
    store.merge([ind("a.test", "unknown", "c2", confidence=95)], "anonymous")
    got = store.get("domain", "a.test")
    assert (got.family, got.threat, got.confidence) == ("QakBot", "iab", 95)


def test_replace_withdraws_only_that_sources_share():
    store = IndicatorStore()
    store.merge([ind("a.test"), ind("b.test")], "x")
    store.merge([ind("b.test"), ind("c.test")], "y")
    stats = store.merge([ind("c.test")], "y", replace=True)
    assert stats.removed == 0  # b.test is still listed by x
    assert store.get("domain", "b.test").sources == ("x",)
    stats = store.merge([], "x", replace=True)
    assert stats.removed == 2 and [i.value for i in store] == ["c.test"]


def test_expired_indicators_drop_out():
    store = IndicatorStore([ind("old.test", expires=NOW - 1), ind("new.test"), ind("forever.test", expires=None)])
    assert store.drop_expired(NOW) == 1
    assert sorted(i.value for i in store) == ["forever.test", "new.test"]


def test_round_trip_and_load_indicators_filters_expired(tmp_path):
    path = tmp_path / "s" / "indicators.msgpack"
    original = [ind("a.test", "Emotet", "iab", 90), ind("45.61.136.1", kind="ipv4", expires=NOW - 5)]
    store = IndicatorStore()
    store.merge(original, "src")
    write_store(store, path, NOW)
    back = sorted(read_store(path), key=lambda i: i.value)
    assert [(i.value, i.kind, i.family, i.threat, i.confidence, i.sources) for i in back] == [
        ("45.61.136.1", "ipv4", "unknown", "c2", 50, ("src",)),
        ("a.test", "domain", "Emotet", "iab", 90, ("src",)),
    ]
    assert [i.value for i in load_indicators(path, now=NOW)] == ["a.test"]
    assert load_indicators(tmp_path / "missing.msgpack") == []


def test_damaged_store_is_reported(tmp_path):
    path = tmp_path / "indicators.msgpack"
    path.write_bytes(b"\x93\x01\x02")
    with pytest.raises(StoreError, match="not a dnsguard indicator store"):
        load_indicators(path)


def test_write_is_atomic_no_temp_files_left(tmp_path):
    path = tmp_path / "indicators.msgpack"
    write_store(IndicatorStore([ind("a.test")]), path, NOW)
    inode = os.stat(path).st_ino
    write_store(IndicatorStore([ind("b.test")]), path, NOW)
    assert os.stat(path).st_ino != inode  # replaced by rename, never rewritten in place
    assert sorted(os.listdir(tmp_path)) == ["indicators.msgpack"]


def test_merge_into_store_is_the_internal_source_api(tmp_path):
    path = tmp_path / "indicators.msgpack"
    merge_into_store(path, [ind("feed-listed.test")], "threatfox", now=NOW)
    forecast = [ind(f"qsn{n}.test", "qsnatch", "dga", 95, expires=NOW + 2 * 86400) for n in range(3)]
    stats = merge_into_store(path, forecast, source="dga-forecast", now=NOW)
    assert stats.added == 3
    got = {i.value: i for i in load_indicators(path, now=NOW)}
    assert set(got) == {"feed-listed.test", "qsn0.test", "qsn1.test", "qsn2.test"}
    assert (got["qsn0.test"].family, got["qsn0.test"].threat) == ("QSnatch", "iab") and got["qsn0.test"].sources == ("dga-forecast",)
    assert load_indicators(path, now=NOW + 3 * 86400) == []


def test_concurrent_writers_do_not_lose_each_others_indicators(tmp_path):
    path = tmp_path / "indicators.msgpack"

    def writer(source):
        for n in range(20):
            merge_into_store(path, [ind(f"{source}-{n}.test")], source, now=NOW)

    threads = [threading.Thread(target=writer, args=(s,)) for s in ("a", "b", "c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(load_indicators(path, now=NOW)) == 60


def test_columnar_store_round_trips_every_field_and_shares_repeated_values(tmp_path):
    path = tmp_path / "indicators.msgpack"
    original = [
        Indicator("a.test", "domain", "Emotet", "iab", 90, ("feed-a", "feed-b"), NOW - 10, NOW, None),
        Indicator("b.test", "domain", "unknown", "c2", 0, ("feed-a",), NOW - 10, NOW, NOW + 60),
        Indicator("45.61.136.1", "ipv4", "QakBot", "iab", 100, ("feed-b",), 0.0, NOW + 0.5, NOW + 60),
        Indicator("2a00:1450::1", "ipv6", "Lumma Stealer", "c2", 7, ("feed-a", "feed-b"), NOW, NOW, NOW - 1),
    ]
    write_store(IndicatorStore(original), path, NOW)
    assert list(read_store(path)) == original  # every field, in order, expired one included
    loaded = load_indicators(path, now=NOW)
    assert loaded == original[:3]
    assert loaded[1].expires is loaded[2].expires and loaded[0].last_seen is loaded[1].last_seen
    assert loaded[0].sources is not original[0].sources and loaded[0].sources == ("feed-a", "feed-b")
    assert write_store(IndicatorStore(), path, NOW) is None and load_indicators(path, now=NOW) == []


def test_version_1_stores_are_still_read(tmp_path):
    import msgpack

    path = tmp_path / "indicators.msgpack"
    rows = [
        ["a.test", "domain", "Emotet", "iab", 90, ["x", "y"], NOW - 10, NOW, None],
        ["b.test", "domain", "unknown", "c2", 50, ["x"], NOW, NOW, NOW - 1],
    ]
    doc = {"format": "dnsguard-indicators", "version": 1, "written": NOW, "indicators": rows}
    path.write_bytes(msgpack.packb(doc, use_bin_type=True))
    assert list(read_store(path)) == [
        Indicator("a.test", "domain", "Emotet", "iab", 90, ("x", "y"), NOW - 10, NOW, None),
        Indicator("b.test", "domain", "unknown", "c2", 50, ("x",), NOW, NOW, NOW - 1),
    ]
    assert [i.value for i in load_indicators(path, now=NOW)] == ["a.test"]
    # The next write upgrades it.
    merge_into_store(path, [ind("c.test")], "z", now=NOW)
    assert msgpack.unpackb(path.read_bytes())["version"] == 2
    assert sorted(i.value for i in load_indicators(path, now=NOW)) == ["a.test", "c.test"]


def test_unknown_versions_and_damaged_columns_are_reported(tmp_path):
    import msgpack

    path = tmp_path / "indicators.msgpack"
    path.write_bytes(msgpack.packb({"format": "dnsguard-indicators", "version": 9, "written": NOW, "columns": {}}))
    with pytest.raises(StoreError, match="version 9 not supported"):
        load_indicators(path)
    write_store(IndicatorStore([ind("a.test"), ind("b.test")]), path, NOW)
    doc = msgpack.unpackb(path.read_bytes())
    doc["columns"]["family"][1] = doc["columns"]["family"][1][:-1]  # a cut index column
    path.write_bytes(msgpack.packb(doc, use_bin_type=True))
    with pytest.raises(StoreError, match="not a dnsguard indicator store"):
        load_indicators(path)
    doc["columns"]["family"][1] = b"\xff\x00\x00\x00" * 2  # index past the table
    path.write_bytes(msgpack.packb(doc, use_bin_type=True))
    with pytest.raises(StoreError, match="not a dnsguard indicator store"):
        load_indicators(path)
    path.write_bytes(msgpack.packb({"format": "something-else", "version": 2, "columns": {}}))
    with pytest.raises(StoreError, match="not a dnsguard indicator store"):
        load_indicators(path)
