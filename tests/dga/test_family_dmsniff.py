"""DMSniff against the published outputs of the reference script.

``data/dga/dmsniff.txt`` holds the distinct names of the variants ``sn`` and
``al`` (70); the reference's ordered list for ``al`` (50 lookups, repeats
included) is checked in order below.
"""

from __future__ import annotations

import datetime as dt

import pytest
from dnsguard.dga.families import GeneratorError, dmsniff, get

from .reference import manifest, reference_names

DAY = dt.date(2019, 3, 1)

# The reference's published lookup order for prefix "al" (counter 1..50).
AL_ORDER = [
    "albdfhln.com", "alcgkown.com", "aldjpvqt.com", "alemuown.com", "alfpmrnq.org", "algspvqt.org",
    "alhvrytw.org", "aliyuown.org", "aljnwpyo.org", "alkpmrnq.net", "allqntpr.net", "almspvqt.net",
    "alntqwrv.net", "alovrytw.net", "alpwsnuy.ru", "alqyuown.ru", "alrmvoxn.ru", "alsnwpyo.ru",
    "altoxqnp.ru", "alupmrnq.in", "alvpnsor.in", "alwqntpr.in", "alxroups.in", "alyspvqt.in",
    "almspvru.net", "alntqwrv.net", "alnuqxsv.net", "alovrytw.net", "alovsmtx.net", "alpwsnuy.ru",
    "alpxtnvm.ru", "alqyuown.ru", "alqyuown.ru", "alrmvoxn.ru", "alrnvpyo.ru", "alsnwpyo.ru",
    "alsnxqmp.ru", "altoxqnp.ru", "altoyrnp.ru", "alupmrnq.in", "alupmroq.in", "alvpnsor.in",
    "alvqnsor.in", "alwqntpr.in", "alwqotps.in", "alxroups.in", "alxrouqt.in", "alyspvqt.in",
    "alyspvqt.in", "almspvru.net",
]  # fmt: skip


def test_reproduces_the_reference_names_exactly() -> None:
    entry = manifest("dmsniff")
    assert entry["first_cmd"].endswith(" sn") and entry["last_cmd"].endswith(" al")
    assert set(dmsniff.generate(DAY)) == reference_names("dmsniff")
    assert len(dmsniff.generate(DAY)) == 70


def test_al_lookups_in_the_published_order() -> None:
    assert dmsniff.lookups("al") == AL_ORDER


def test_variants_differ_in_prefix_and_factor_order() -> None:
    sn = dmsniff.generate(DAY, variant="sn")
    al = dmsniff.generate(DAY, variant="al")
    assert len(sn) == len(al) == 35
    assert all(n.startswith("sn") for n in sn) and all(n.startswith("al") for n in al)
    assert sn[0] == "snbhdfln.com" and al[0] == "albdfhln.com"


def test_static_and_registered() -> None:
    assert dmsniff.generate(DAY) == dmsniff.generate(dt.date(2026, 1, 1))
    assert get("DMSniff") is dmsniff


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="valid: sn, al"):
        dmsniff.generate(DAY, variant="xx")
    with pytest.raises(GeneratorError, match="takes no seed"):
        dmsniff.generate(DAY, seed="sn")
