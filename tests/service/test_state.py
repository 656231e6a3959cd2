"""Cache, host aggregation, journal, queues: the service's bounded state."""

from __future__ import annotations

import asyncio

import msgpack
import pytest
from dnsguard.service.backoff import backoff_delay
from dnsguard.service.cache import ExpiringCache
from dnsguard.service.hosts import HostAggregator, HostSettings, vote
from dnsguard.service.journal import Journal
from dnsguard.service.model import HostTag, HostVerdict, NameVerdict
from dnsguard.service.outbox import Outbox
from dnsguard.service.queues import DropQueue


def nv(name: str, created: float = 1000.0, expire: int = 100, family: str = "fam") -> NameVerdict:
    return NameVerdict(name, 0.95, family, "dga", expire, created, name, "dga", ("r",), "10.0.0.1")


def test_cache_expires_and_is_bounded():
    c: ExpiringCache[int] = ExpiringCache(max_entries=3)
    c.put("a", 1, expires=10.0)
    assert c.get("a", 5.0) == 1
    assert c.get("a", 10.0) is None
    assert c.stats.expired == 1
    for i, k in enumerate("bcde"):
        c.put(k, i, expires=100.0)
    assert len(c) == 3 and c.stats.evictions == 1
    assert c.get("b", 1.0) is None  # least recently used went first
    assert c.get("e", 1.0) == 3


def test_host_verdict_needs_distinct_names_within_window():
    agg = HostAggregator(HostSettings(window=60, min_names=3, cooldown=1000))
    agg.tag(HostTag("10.0.0.9", "nas-qnap", "myqnapcloud.com"))
    assert agg.observe("10.0.0.9", 0, "a.com", 0.9, "qsnatch") is None
    assert agg.observe("10.0.0.9", 1, "a.com", 0.9, "qsnatch") is None  # repeat does not count
    assert agg.observe("10.0.0.9", 100, "b.com", 0.9, "qsnatch") is None  # a.com left the window
    assert agg.observe("10.0.0.9", 101, "c.com", 0.8, "unknown") is None
    v = agg.observe("10.0.0.9", 102, "d.com", 0.7, "qsnatch")
    assert isinstance(v, HostVerdict)
    assert v.family == "qsnatch" and v.device == "nas-qnap" and v.threat == "dga"
    assert v.names == ("b.com", "c.com", "d.com")
    assert v.score == pytest.approx(0.8)
    assert "device nas-qnap" in v.evidence
    # cooldown: no second verdict right away
    assert agg.observe("10.0.0.9", 103, "e.com", 0.9, "qsnatch") is None


def test_family_vote():
    assert vote(["a", "a", "b", "unknown"], 0.5) == ("a", pytest.approx(2 / 3))
    assert vote(["a", "b"], 0.6) == ("unknown", 0.5)
    assert vote(["unknown"], 0.5) == ("unknown", 0.0)


def test_hosts_and_names_are_bounded():
    agg = HostAggregator(HostSettings(window=1e9, min_names=10**6, max_hosts=50, max_names=8))
    for i in range(1000):
        agg.observe(f"10.0.{i // 250}.{i % 250}", i, f"n{i}.com", 0.9, "f")
    assert len(agg) == 50 and agg.stats.evicted_hosts == 950
    for i in range(100):
        agg.observe("10.9.9.9", i, f"m{i}.com", 0.9, "f")
    assert agg.stats.dropped_names == 92


def test_journal_persists_replays_and_cuts_torn_tail(tmp_path):
    path = tmp_path / "j"
    j = Journal(path)
    j.open(now=1000)
    fresh = j.append([nv("a.com"), nv("b.com")], now=1000)
    assert [v.name for v in fresh] == ["a.com", "b.com"]
    assert j.append([nv("a.com")], now=1001) == []  # duplicate: nobody hears it twice
    host = HostVerdict("10.0.0.1", "fam", "dga", 0.9, "ev", 1000.0, "nas", ("a.com",))
    j.append([host], now=1000)
    j.close()
    with open(path, "ab") as fh:  # a crash in the middle of a record
        fh.write(msgpack.packb({"_k": "n", "name": "c.com"})[:5])
    j2 = Journal(path)
    j2.open(now=1050)
    assert j2.stats.torn_bytes == 5
    live = j2.live(now=1050)
    assert [getattr(v, "name", None) or v.orig_h for v in live] == ["a.com", "b.com", "10.0.0.1"]
    assert live[2] == host
    assert j2.live(now=1100) == [host]  # name verdicts expired, host verdict (24 h) not
    j2.close()


def test_journal_compacts(tmp_path):
    # Tombstones of lapsed names are kept gone_ttl (7 days by default) for
    # Suricata's clean-up; a minute here, so compaction has something to drop.
    j = Journal(tmp_path / "j", gone_ttl=60)
    j.open(now=0)
    for i in range(0, 6000, 20):
        j.append([nv(f"n{k}.com", created=float(i), expire=10) for k in range(i, i + 20)], now=float(i))
    assert j.stats.compactions >= 2
    assert len(j) <= 80  # expired verdicts are swept once a minute (of verdict time)
    assert len(j.live(now=5980.0)) == 20
    size = (tmp_path / "j").stat().st_size
    assert size < 150_000  # 6,000 records uncompacted would be about 450 KB
    j.close()


def test_journal_live_set_is_bounded(tmp_path):
    j = Journal(tmp_path / "j", max_live=100)
    j.open(now=0)
    j.append([nv(f"n{i}.com", expire=10**6) for i in range(500)], now=0)
    assert len(j) == 100 and j.stats.evicted == 400
    assert j.live(0)[0].name == "n400.com"
    j.close()


def test_outbox_overflow_requests_resync():
    async def go():
        box: Outbox[int] = Outbox(maxsize=3)
        box.start_resync()
        box.offer([1, 2, 3, 4, 5])
        assert box.dropped == 2 and box.resync
        assert await box.take() == [1, 2, 3]
        box.start_resync()
        assert len(box) == 0 and not box.resync

    asyncio.run(go())


def test_drop_queue_counts_drops():
    async def go():
        q: DropQueue[int] = DropQueue(maxsize=10)
        q.put_many(range(25))
        assert (len(q), q.dropped, q.accepted) == (10, 15, 10)
        assert await q.get_batch(4) == [0, 1, 2, 3]
        assert await q.get_batch(100) == [4, 5, 6, 7, 8, 9]
        assert await q.get_batch(100, timeout=0.01) == []

    asyncio.run(go())


def test_backoff_is_jittered_and_capped():
    import random

    rng = random.Random(1)
    delays = [backoff_delay(a, 0.5, 8.0, rng) for a in range(10)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(4.0 <= d <= 8.0 for d in delays[5:])
    assert len({round(d, 6) for d in delays[5:]}) == 5
