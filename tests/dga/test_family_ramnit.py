"""Ramnit generator against names produced by the public reference script."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dnsguard.dga.families import GeneratorError, get, ramnit

from .reference import assert_covered, manifest, reference_names

DAY = dt.date(2024, 5, 1)


def test_reference_seeds_are_all_known() -> None:
    """The harness ran the script once per seed of its KNOWN_SEEDS list."""
    entry = manifest("ramnit")
    assert entry["n_invocations"] == len(ramnit.INFO.seeds["v2"]) == 31
    for cmd in (entry["first_cmd"], entry["last_cmd"]):
        seed = re.search(r"-s (\w+)", cmd).group(1)
        assert seed in ramnit.INFO.seeds["v2"]


def test_covers_reference_names() -> None:
    got = set(ramnit.generate(DAY, variant="v2"))
    assert_covered(reference_names("ramnit"), got)


def test_v1_matches_bader_2014_example_list() -> None:
    """First names of seed 79159C10 in Bader's 2014 example list (.com config)."""
    names = ramnit.generate(DAY, seed="79159C10", variant="v1")
    labels = list(dict.fromkeys(n.split(".")[0] for n in names))
    assert labels[:6] == [
        "knpqxlxcwtlvgrdyhd", "nvlyffua", "hgyudheedieibxy",
        "anrylixwcbnjopdd", "vrndmdrdrjoff", "jhghrlufoh",
    ]  # fmt: skip
    assert "dbygksqtu.com" in names


def test_variants_share_the_letter_stream() -> None:
    v1 = ramnit.labels(0x16647BB4, 400, "v1")
    v2 = ramnit.labels(0x16647BB4, 400, "v2")
    for a, b in zip(v1, v2, strict=True):
        assert a.startswith(b) or b.startswith(a)
    assert all(8 <= len(x) <= 19 for x in v1) and all(9 <= len(x) <= 25 for x in v2)
    assert {len(x) for x in v2} == set(range(9, 26))


def test_static_and_shaped() -> None:
    names = ramnit.generate(DAY)
    assert names == ramnit.generate(dt.date(2011, 1, 1))
    assert len(names) == len(set(names))
    tlds = {n.split(".")[1] for n in names}
    assert tlds == set(ramnit.INFO.tlds)
    assert all(re.fullmatch(r"[a-y]{8,25}\.[a-z]+", n) for n in names)
    one = ramnit.generate(DAY, seed="0C5787AE2", variant="v2")
    assert len(one) == 200 * 4 and set(one) <= set(names)
    assert len(ramnit.generate(DAY, seed="A6EAB21A", variant="v2")) == 500 * 4


def test_registry_alias_and_threat() -> None:
    assert get("Nimnul") is ramnit
    assert ramnit.INFO.threat == "iab"


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="16647BB4"):
        ramnit.generate(DAY, seed="xyz")
    with pytest.raises(GeneratorError, match="16647BB4"):
        ramnit.generate(DAY, seed="1FFFFFFFF")
    with pytest.raises(GeneratorError, match="valid: v1, v2"):
        ramnit.generate(DAY, variant="v3")
    with pytest.raises(GeneratorError):
        ramnit.generate(None)  # type: ignore[arg-type]
