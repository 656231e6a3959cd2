"""QSnatch generator against names produced by the public reference scripts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get, qsnatch

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _reference(name: str) -> set[str]:
    return set((DATA / f"{name}.txt").read_text().split())


def _manifest_days(name: str) -> tuple[dt.date, dt.date]:
    """First and last day the reference harness was run for (from its commands)."""
    entry = json.loads((DATA / "MANIFEST.json").read_text())[name]
    first, last = (
        dt.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", entry[k]).group())
        for k in ("first_cmd", "last_cmd")
    )
    return first, last


def _days(first: dt.date, last: dt.date, step: int = 1) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, step)]


def _missing(want: set[str], got: set[str]) -> str:
    miss = sorted(want - got)
    return f"{len(miss)} reference names not generated, e.g. {miss[:10]}"


def test_variant_a_covers_reference_hourly_names() -> None:
    first, last = _manifest_days("qsnatch")
    got: set[str] = set()
    for day in _days(first, last):
        got.update(qsnatch.generate(day, variant="a"))
    want = _reference("qsnatch")
    assert want <= got, _missing(want, got)


def test_variant_b_covers_reference_names() -> None:
    first, last = _manifest_days("qsnatch_b")
    got: set[str] = set()
    for day in _days(first, last, step=15):
        got.update(qsnatch.generate(day, variant="b"))
    want = _reference("qsnatch_b")
    assert want <= got, _missing(want, got)


def test_published_examples_for_november_2019() -> None:
    """Names from J. Bader's example lists for 2019-11-11 (both variants)."""
    day = dt.date(2019, 11, 11)
    a = qsnatch.generate(day, variant="a")
    b = qsnatch.generate(day, variant="b")
    assert {"t2q2r.cf", "gc9nz.tk", "07tvvc.com", "qkzccy.net", "6wxfzg.org"} <= set(a)
    assert {"t2q.cf", "07tv.com", "koh4n.ec", "62x1w.com.pf", "cdnmb.cf", "y4bail.com"} <= set(a)
    assert b[:5] == ["t2q2rs.cf", "t2q2rsa.cf", "t2q2rsaz.cf", "t2q2rsazo.cf", "t2q2rsazo1.cf"]
    assert b[-1] == "uqfzpriheb.cd"
    assert len(b) == 150


def test_names_change_with_the_interval() -> None:
    b1 = qsnatch.generate(dt.date(2019, 11, 10), variant="b")
    b2 = qsnatch.generate(dt.date(2019, 11, 24), variant="b")
    b3 = qsnatch.generate(dt.date(2019, 11, 25), variant="b")
    assert b1 == b2
    assert not set(b1) & set(b3)
    a1 = set(qsnatch.generate(dt.date(2019, 11, 11), variant="a"))
    a2 = set(qsnatch.generate(dt.date(2019, 11, 12), variant="a"))
    assert a1 != a2 and a1 & a2  # hourly names differ, 15-day ones are shared


def test_no_invalid_names_and_deterministic() -> None:
    day = dt.date(2024, 2, 29)
    names = qsnatch.generate(day)
    assert names == qsnatch.generate(day)
    assert len(names) == len(set(names))
    assert all(".." not in n and n == n.lower() for n in names)
    assert all(n.split(".", 1)[1] in qsnatch.INFO.tlds for n in names)


def test_registry_and_aliases() -> None:
    assert get("QNAPCrypt") is qsnatch
    assert qsnatch.INFO.threat == "iab"


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="valid: a, b"):
        qsnatch.generate(dt.date(2020, 1, 1), variant="c")
    with pytest.raises(GeneratorError, match="IbjGOEgnuD"):
        qsnatch.generate(dt.date(2020, 1, 1), seed="bad seed!")
    with pytest.raises(GeneratorError):
        qsnatch.generate("2020-01-01")  # type: ignore[arg-type]


def test_other_seed_changes_names() -> None:
    day = dt.date(2020, 1, 1)
    assert set(qsnatch.generate(day, seed="Other1", variant="b")).isdisjoint(
        qsnatch.generate(day, variant="b")
    )
