"""CCleaner backdoor: 360 Netlab's monthly names and the names Talos published."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from dnsguard.dga.families import GeneratorError, get
from dnsguard.dga.families import ccleaner as fam

DATA = Path(__file__).resolve().parents[2] / "data" / "dga"


def _months(family: str) -> list[dt.date]:
    entry = json.loads((DATA / "MANIFEST.json").read_text())[family]
    first, last = (
        dt.datetime.fromtimestamp(int(re.search(r"-t (\d+)", entry[key]).group(1)), dt.UTC).date()
        for key in ("first_cmd", "last_cmd")
    )
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    assert len(months) == entry["n_invocations"]
    return months


def test_reference_names_are_all_generated() -> None:
    names = set((DATA / "ccleaner.txt").read_text().split())
    produced = {name for month in _months("ccleaner") for name in fam.generate(month)}
    missing = sorted(names - produced)
    assert not missing, f"{len(missing)} reference names not generated, e.g. {missing[:10]}"


def test_talos_published_2017_domains() -> None:
    # Cisco Talos, "CCleanup: A Vast Number of Machines at Risk" (2017-09-18)
    published = [
        "ab6d54340c1a.com", "aba9a949bc1d.com", "ab2da3d400c20.com", "ab3520430c23.com",
        "ab1c403220c27.com", "ab1abad1d0c2a.com", "ab8cee60c2d.com", "ab1145b758c30.com",
        "ab890e964c34.com", "ab3d685a0c37.com", "ab70a139cc3a.com",
    ]  # fmt: skip
    produced = [fam.generate(dt.date(2017, month, 1))[0] for month in range(2, 13)]
    assert produced == published


def test_one_name_per_month() -> None:
    assert fam.generate(dt.date(2017, 9, 1)) == fam.generate(dt.date(2017, 9, 30))
    assert fam.generate(dt.date(2017, 9, 30)) != fam.generate(dt.date(2017, 10, 1))
    assert get("floxif") is fam


def test_bad_arguments() -> None:
    with pytest.raises(GeneratorError, match="no seed"):
        fam.generate(dt.date(2017, 9, 1), seed="1")
    with pytest.raises(GeneratorError, match="default"):
        fam.generate(dt.date(2017, 9, 1), variant="x")
