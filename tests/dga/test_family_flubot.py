"""FluBot generator: Java Random emulation, reference port data, PRODAFT's list."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, flubot, get

from .reference import assert_covered, manifest, reference_names

MASK48 = (1 << 48) - 1


def _java_next_int_25(state: int, count: int) -> tuple[list[int], int]:
    """Straight transcription of java.util.Random.nextInt(int) for bound 25,
    with Java's 32-bit int overflow made explicit (independent of the module)."""
    out = []
    while len(out) < count:
        state = (state * 0x5DEECE66D + 0xB) & MASK48
        bits = state >> 17
        val = bits % 25
        total = bits - val + 24
        if total >= 2**31:  # wraps negative in Java: rejected
            continue
        out.append(val)
    return out, state


def test_reference_port_names_are_produced() -> None:
    """The public port used 1-based months (2021-01..2022-12, 120 draws each);
    its month m is Java month m, i.e. calendar month m+1.  Its 'month 12' is
    never reached by a real sample and is only checked through names()."""
    assert "7 known seeds x 24 months x 120 domains" in manifest("flubot")["note"]
    got: set[str] = set()
    for year in (2021, 2022):
        for java_month in range(1, 13):
            for seed in flubot.INFO.seeds["default"]:
                got.update(flubot.names(year, java_month, int(seed), 120))
    assert_covered(reference_names("flubot"), got)


def test_prodaft_march_2021_spain_list() -> None:
    names = flubot.generate(dt.date(2021, 3, 15), seed="1136")
    assert names[:4] == [
        "aogedvhwqhuokpd.ru",
        "luwardwlejahsbl.cn",
        "nfiuerwtftasnuk.com",
        "nfiuerwtftasnuk.su",
    ]
    assert {"xjnwqdospderqtk.ru", "qlebrfvtysnwbju.ru", "reyepkyynibnqsl.com"} <= set(names)


def test_generate_is_the_months_union() -> None:
    day = dt.date(2022, 2, 10)
    names = flubot.generate(day)
    assert names == flubot.generate(dt.date(2022, 2, 28))
    assert set(names).isdisjoint(flubot.generate(dt.date(2022, 3, 1)))
    first = flubot.names(2022, 1, 1945)
    assert len(first) == flubot.INFO.names_per_period
    assert set(first) <= set(names)
    assert len(names) == len(set(names)) == 7 * len(first)


def test_vectorised_draws_match_java() -> None:
    seed = flubot._seed(2021, 6, 1949)
    want, _ = _java_next_int_25((seed ^ 0x5DEECE66D) & MASK48, 3000)
    assert flubot._letters(seed, 200) == bytes(v + 97 for v in want)


def test_rejected_draw_is_skipped_like_java() -> None:
    """Build a start state whose first draw Java rejects (bits >= 2147483625)."""
    target = 2147483640 << 17
    inverse = pow(0x5DEECE66D, -1, 1 << 48)
    start = ((target - 0xB) * inverse) & MASK48
    want, _ = _java_next_int_25(start, 30)
    first_bits = ((start * 0x5DEECE66D + 0xB) & MASK48) >> 17
    assert first_bits >= 2147483625  # the case really rejects
    seed = start ^ 0x5DEECE66D
    assert flubot._letters(seed, 2) == bytes(v + 97 for v in want)


def test_seed_mix_uses_java_long_wraparound() -> None:
    value = flubot._seed(2021, 2, 1136)
    assert 0 <= value < 2**64
    assert value != flubot._seed(2021, 3, 1136)


def test_registry_and_threat() -> None:
    assert get("Cabassous") is flubot
    assert flubot.INFO.threat == "botnet"


def test_bad_arguments() -> None:
    day = dt.date(2021, 5, 1)
    with pytest.raises(GeneratorError, match="1136"):
        flubot.generate(day, seed="0x10")
    with pytest.raises(GeneratorError, match="valid: default"):
        flubot.generate(day, variant="v5")
