"""CryptoLocker generator against names produced by the public reference code."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, cryptolocker, get

from .reference import assert_covered, manifest, reference_names, stepped_days

M32 = 0xFFFFFFFF


def _one_name(day: dt.date, z: int) -> str:
    """Name ``z`` computed register by register with plain ints."""
    d, m, y = day.day * 65537, day.month * 65537, (day.year + z) * 65537
    length = (((d >> 3) ^ (y >> 8) ^ (y >> 11)) & 3) + 12
    label = []
    for _ in range(length):
        d = ((((d << 13) & M32) >> 19) ^ (((d >> 1) << 13) & M32) ^ (d >> 19)) & M32
        m = ((((m << 2) & M32) >> 25) ^ (((m >> 3) << 7) & M32) ^ (m >> 25)) & M32
        y = ((((y << 3) & M32) >> 11) ^ (((y >> 4) << 21) & M32) ^ (y >> 11)) & M32
        label.append(chr(97 + (y ^ m ^ d) % 25))
    return "".join(label) + "." + ("com", "net", "biz", "ru", "org", "co.uk", "info")[z % 7]


def test_covers_reference_names_weekly_for_ten_years() -> None:
    entry = manifest("cryptolocker")
    match = re.search(r"weekly from (\d{4}-\d\d-\d\d) for (\d+)y", entry["note"])
    start, years = dt.date.fromisoformat(match.group(1)), int(match.group(2))
    weeks = entry["unique_generated"] // 1000  # 1000 distinct names a day
    assert weeks == 522 and weeks * 7 <= years * 366
    got = {name for day in stepped_days(start, 7, weeks) for name in cryptolocker.generate(day)}
    assert_covered(reference_names("cryptolocker"), got)


def test_lanes_match_plain_integer_computation() -> None:
    day = dt.date(2014, 2, 28)
    names = cryptolocker.generate(day)
    for z in (0, 1, 6, 500, 999):
        assert names[z] == _one_name(day, z)


def test_shape() -> None:
    names = cryptolocker.generate(dt.date(2013, 11, 11))
    assert len(names) == 1000
    assert names == cryptolocker.generate(dt.date(2013, 11, 11))
    assert set(names).isdisjoint(cryptolocker.generate(dt.date(2013, 11, 12)))
    assert all(re.fullmatch(r"[a-y]{12,15}\.(com|net|biz|ru|org|co\.uk|info)", n) for n in names)
    assert [n.split(".", 1)[1] for n in names[:7]] == list(cryptolocker.INFO.tlds)


def test_registry() -> None:
    assert get("crilock") is cryptolocker


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="no seed"):
        cryptolocker.generate(dt.date(2014, 1, 1), seed="1")
    with pytest.raises(GeneratorError, match="valid: default"):
        cryptolocker.generate(dt.date(2014, 1, 1), variant="v2")
