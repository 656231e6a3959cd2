"""XshellGhost: 360 Netlab's monthly names must all be ours."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import xshellghost as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _months() -> list[dt.date]:
    entry = json.loads((DATA / "MANIFEST.json").read_text())["xshellghost"]
    first, last = (
        dt.datetime.fromtimestamp(int(re.search(r"-t (\d+)", entry[key]).group(1)), dt.UTC).date()
        for key in ("first_cmd", "last_cmd")
    )
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "xshellghost.txt").read_text().split())
    produced = {name for month in _months() for name in fam.generate(month)}
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"
    assert len(produced) == len(_months())  # 96 months, 96 different names


def test_shape_and_period() -> None:
    for month in _months():
        (name,) = fam.generate(month)
        label, tld = name.split(".")
        assert tld == "com" and 10 <= len(label) <= 15 and label.isalpha()
    assert fam.generate(dt.date(2017, 8, 1)) == fam.generate(dt.date(2017, 8, 31))
    assert get("ShadowPad") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2017, 8, 1), seed="1")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2017, 8, 1), variant="x")
