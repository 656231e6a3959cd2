"""Shiotob: the chains of the reference seeds must contain every reference name."""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import shiotob as fam

from .reference import assert_covered, manifest, reference_names

DAY = dt.date(2015, 6, 1)


def test_reference_names_are_all_generated() -> None:
    names = reference_names("shiotob")
    entry = manifest("shiotob")
    seeds = [entry[key].split()[-1] for key in ("first_cmd", "last_cmd")]
    assert set(seeds) <= set(fam.INFO.seeds["default"])
    produced = set(fam.generate(DAY))
    assert_covered(names, produced)
    for seed in seeds:  # each documented invocation on its own
        chain = fam.generate(DAY, seed=seed)
        assert chain[0] == seed and len(chain) == 2001
        assert set(chain) <= names


def test_published_traffic() -> None:
    # Bader's sandbox trace of a sample, in query order.
    traffic = [
        "wtipubctwiekhir.net", "rwmu35avqo12tqc.com", "rskb5bsfhm2fk5h.net",
        "rbp9pprrxgflut9.com", "zzxeyzgy45yy2a.net", "e3oa4wglvd21xa.com",
        "mqmq1hvmtxzjv.net", "pd4o4wu24vimn.com", "tlmrzvpbpsqsb.net",
        "pbmnz59uzndpo.com", "x2lxslqz3wztw.net",
    ]  # fmt: skip
    assert fam.generate(DAY, seed="wtipubctwiekhir.net")[:11] == traffic


def test_chain_structure() -> None:
    chain = fam.generate(DAY, seed="4ypv1eehphg3a.com")
    for prev, cur in zip(chain, chain[1:], strict=False):
        assert cur.endswith(".net") if prev.endswith(".com") else cur.endswith(".com")
        host = cur.rsplit(".", 1)[0]
        assert 10 <= len(host) <= 15 or len(host) == len(prev) - 4
        assert set(host) <= set(fam._ALPHABET[:32])  # index = byte / 8 < 32
    # the third known seed is the second link of the second one's chain
    second = fam.generate(DAY, seed="wtipubctwiekhir.net")
    assert second[1] == "rwmu35avqo12tqc.com"
    assert fam.generate(DAY, seed="rwmu35avqo12tqc.com")[:-1] == second[1:]


def test_date_is_ignored_and_output_deterministic() -> None:
    assert fam.generate(DAY) == fam.generate(dt.date(2030, 1, 1))
    assert fam.generate(DAY, seed="4YPV1EEHPHG3A.COM.") == fam.generate(
        DAY, seed="4ypv1eehphg3a.com"
    )
    assert get("urlzone") is fam


def test_bad_arguments() -> None:
    for seed in ("4ypv1eehphg3a.org", "bad_seed.com", "", "a.b.com"):
        with pytest.raises(GeneratorError, match="4ypv1eehphg3a.com"):
            fam.generate(DAY, seed=seed)
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(DAY, variant="v2")
    with pytest.raises(GeneratorError):
        fam.generate(None)  # type: ignore[arg-type]
