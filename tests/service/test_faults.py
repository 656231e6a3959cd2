"""Fault injection: hostile names, floods, signals, bad input - nothing crashes or grows unbounded."""

from __future__ import annotations

import json
import os
import random
import signal
import string
import subprocess
import sys
import time
import tracemalloc
import urllib.error
import urllib.request
from pathlib import Path

import yaml
from dnsguard.service.app import Service
from dnsguard.service.journal import Journal, key_of
from dnsguard.service.model import Candidate, NameVerdict
from dnsguard.service.settings import ServeSettings

HERE = Path(__file__).resolve().parent


def offline_settings(tmp_path, **serve) -> ServeSettings:
    return ServeSettings.from_dict({
        "zeek": {"enabled": False},
        "suricata": {"enabled": False},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": str(tmp_path / "verdicts.json"),
        "metrics": {"enabled": False},
        **serve,
    })


def eve_line(name: str, client: str = "10.1.1.5", rcode: str = "NXDOMAIN") -> str:
    return json.dumps({
        "timestamp": "2026-11-27T10:00:00.000000+0000", "flow_id": 3, "event_type": "dns",
        "src_ip": client, "src_port": 4000, "dest_ip": "10.0.0.53", "dest_port": 53,
        "dns": {"version": 2, "type": "answer", "id": 1, "rrname": name, "rrtype": "A", "rcode": rcode},
    })


def test_hostile_names_are_rejected_not_fatal(tmp_path, scorer):
    service = Service(offline_settings(tmp_path), scorer)
    service.journal.open(time.time())
    hostile: list[str | bytes] = [
        b"\xff\xfe\x00binary", "\x00\x01\x02", "a" * 1000, "x" * 70 + ".com", ".", "", "..", "a..b",
        "☃.com",
        "x\u200bqzkvbwpml.com",  # IDNA mapping drops the zero-width space: a valid name
        "\ud800.com",
        "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 63,
        "xqzkvbwpmlrt.рф",  # valid IDN: scored on its ASCII form
        "com",  # a bare public suffix
    ]
    fresh = service.process([Candidate(1.0, "10.1.1.5", q, 1, 3) for q in hostile])
    service.journal.close()
    assert [v.name for v in fresh if isinstance(v, NameVerdict)] == ["xqzkvbwpml.com", "xqzkvbwpmlrt.xn--p1ai"]
    assert service.decider.stats.rejected == len(hostile) - 2
    # the same hostile input again costs nothing more and still does not crash
    service.journal.open(time.time())
    assert service.process([Candidate(1.0, "10.1.1.5", q, 1, 3) for q in hostile]) == []
    service.journal.close()
    # the eve path too: binary garbage and broken JSON lines
    service.ingest_eve(["\x00\xff{", "{}", "[]", '{"event_type": "dns", "dns": 5}', eve_line("\udcff" * 5)])
    assert sum(service.eve_stats.skipped.values()) >= 3


def test_flood_of_random_names_stays_bounded(tmp_path, scorer):
    settings = offline_settings(tmp_path, queue_size=5_000, cache_entries=1_000, journal_max_live=300,
                                hosts={"max_hosts": 100, "min_names": 10**6})
    service = Service(settings, scorer)
    service.journal.open(time.time())
    rng = random.Random(7)

    def names(n: int) -> list[str]:
        return ["".join(rng.choices(string.ascii_lowercase, k=12)) + ".com" for _ in range(n)]

    # More than the queue holds arrives at once: the excess is dropped and counted.
    service.ingest_eve([eve_line(n, f"10.2.{i % 200}.{i % 250}") for i, n in enumerate(names(12_000))])
    assert len(service.queue) == 5_000 and service.queue.dropped == 7_000

    def drain() -> None:
        while len(service.queue):
            service.process(service.queue.take_nowait(2048))

    drain()
    tracemalloc.start()
    # Once the cache has turned over, 10,000 more new names must not grow memory.
    for _ in range(2):
        service.queue.put_many(Candidate(1.0, f"10.3.{i % 250}.1", n, 1, 3) for i, n in enumerate(names(2_000)))
        drain()
    base, _ = tracemalloc.get_traced_memory()
    for _ in range(5):
        service.queue.put_many(Candidate(1.0, f"10.4.{i % 250}.1", n, 1, 3) for i, n in enumerate(names(2_000)))
        drain()
    grown, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    service.journal.close()
    assert len(service.decider.cache) <= 1_000 and service.decider.cache.stats.evictions > 15_000
    assert len(service.decider.hosts) <= 100
    assert len(service.journal) <= 300
    assert grown - base < 500_000, f"memory grew by {grown - base} bytes over 10,000 new names"


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in metrics")


def _until(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def test_sighup_reloads_feeds_and_sigterm_drains(tmp_path):
    eve = tmp_path / "eve.json"
    eve.write_text("")
    feed = tmp_path / "feed.csv"
    feed.write_text("value,kind,family,threat,confidence,source\n")
    config = tmp_path / "serve.yaml"
    config.write_text(yaml.safe_dump({"serve": {
        "zeek": {"enabled": False},
        "suricata": {"enabled": False},
        "eve": {"files": [str(eve)], "from_end": False, "poll_interval": 0.02},
        "state_dir": str(tmp_path / "state"),
        "verdict_log": str(tmp_path / "verdicts.json"),
        "metrics": {"port": 0},
        "indicator_files": [str(feed)],
    }}))
    proc = subprocess.Popen([sys.executable, str(HERE / "serve_runner.py"), str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("METRICS "), line + proc.stderr.read()
        port = int(line.split()[1])
        status, body = _get(port, "/health")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert _get(port, "/nope")[0] == 404

        with eve.open("a") as fh:
            fh.write("not json\n" + eve_line("cdn.evil-c2.example", rcode="NOERROR") + "\n")
        _until(lambda: _metric(_get(port, "/metrics")[1], "dnsguard_candidates_total") >= 1)
        metrics = _get(port, "/metrics")[1]
        assert _metric(metrics, "dnsguard_verdicts_total") == 0
        assert _metric(metrics, "dnsguard_eve_lines_skipped_total") >= 1
        assert "# TYPE dnsguard_dropped_total counter" in metrics

        # The feed learns the domain; SIGHUP reloads it (and forgets cached "benign").
        feed.write_text("value,kind,family,threat,confidence,source\nevil-c2.example,domain,emotet,c2,90,testfeed\n")
        proc.send_signal(signal.SIGHUP)
        _until(lambda: _metric(_get(port, "/metrics")[1], "dnsguard_reloads_total") == 1)
        with eve.open("a") as fh:
            fh.write(eve_line("cdn.evil-c2.example", client="10.1.1.77", rcode="NOERROR") + "\n")
        # The name verdict, and the asking host's verdict naming the family.
        _until(lambda: (tmp_path / "verdicts.json").exists()
               and (tmp_path / "verdicts.json").read_text().count("\n") == 2)
        doc, host = (json.loads(line) for line in (tmp_path / "verdicts.json").read_text().splitlines())
        assert doc["dns"]["question"]["name"] == "cdn.evil-c2.example"
        assert doc["threat"]["software"]["name"] == "emotet" and doc["dnsguard"]["threat"] == "c2"
        assert doc["source"]["ip"] == "10.1.1.77" and doc["dnsguard"]["source"] == "feed:testfeed"
        assert host["dnsguard"]["kind"] == "host" and host["source"]["ip"] == "10.1.1.77"
        assert host["threat"]["software"]["name"] == "emotet" and host["dnsguard"]["names"] == ["cdn.evil-c2.example"]

        # A burst, then SIGTERM: whatever was read is decided and journaled before exit.
        with eve.open("a") as fh:
            fh.write("".join(eve_line(f"xburst{i:06d}abc.com") + "\n" for i in range(3000)))
        _until(lambda: _metric(_get(port, "/metrics")[1], "dnsguard_eve_lines_total") >= 3003)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        assert "dnsguard serve stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    j = Journal(tmp_path / "state" / "verdicts.journal")
    j.open(time.time())
    names = {key_of(v) for v in j.live(time.time())}
    j.close()
    logged = (tmp_path / "verdicts.json").read_text().count("\n")
    assert "n:cdn.evil-c2.example" in names
    assert sum(k.startswith("n:xburst") for k in names) == 3000  # read before SIGTERM: all decided
    assert "h:10.1.1.5" in names and "h:10.1.1.77" in names
    assert logged == len(names)  # every journaled verdict was also logged, none twice
    assert os.path.getsize(tmp_path / "state" / "verdicts.journal") > 0
