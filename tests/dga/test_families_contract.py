"""Every generator module keeps the contract in dnsguard.dga.families.base."""

from __future__ import annotations

import datetime as dt
import signal

import pytest
from dnsguard.dga.families import generate, get, registry
from dnsguard.dga.families.base import PERIODS, THREAT_TYPES, FamilyInfo, GeneratorError
from dnsguard.names import Name, normalize

FAMILIES = sorted(registry())
RESERVED = {"bazarbackdoor", "bigviktor", "chinad", "corebot", "darkcracks", "dircrypt", "enviserv", "gozi",
            "locky", "m0yv", "matsnu", "monerodownloader", "mydoom", "ngioweb", "padcrypt", "qadars",
            "reconyc", "sharkbot", "tinba", "vawtrak", "vidro", "zloader"}


def test_at_least_25_families_and_none_reserved():
    assert len(FAMILIES) >= 25, FAMILIES
    assert not RESERVED & set(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_metadata_is_complete(family):
    info = get(family).INFO
    assert isinstance(info, FamilyInfo) and info.name == family
    assert info.period in PERIODS and info.threat in THREAT_TYPES
    assert info.variants and set(info.seeds) <= set(info.variants)
    assert info.tlds and info.names_per_period > 0
    assert info.active[1] is None or info.active[0] <= info.active[1]


@pytest.mark.parametrize("family", FAMILIES)
def test_names_are_valid_lower_case_dns_names(family):
    info = get(family).INFO
    day = info.active[0] + dt.timedelta(days=30)
    if info.seed_required and not any(info.seeds.values()):
        # Nothing published to compute from: no names, never invented ones.
        assert generate(family, day) == []
        return
    seed = None
    if info.seed_required:
        variant, seeds = next((v, s) for v, s in info.seeds.items() if s)
        seed = seeds[0]
        names = generate(family, day, seed=seed, variant=variant)
    else:
        names = generate(family, day)
    assert names, f"{family} produced no names for {day}"
    assert len(names) == len(set(names))
    for name in names[:500]:
        parsed = normalize(name)
        assert isinstance(parsed, Name) and parsed.fqdn == name, name


class _Timeout(Exception):
    pass


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("day", [dt.date(1969, 12, 31), dt.date(1, 1, 1), dt.date(9999, 12, 31),
                                 dt.date(1970, 1, 1), dt.date(2099, 12, 31)])
def test_extreme_dates_finish_quickly_with_names_or_a_clear_error(family, day):
    def alarm(*_):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(3)
    try:
        generate(family, day)
    except GeneratorError:
        pass
    except _Timeout:
        pytest.fail(f"{family}.generate({day}) did not finish in 3 s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("family", FAMILIES)
def test_bad_variant_is_a_clear_error(family):
    with pytest.raises(GeneratorError, match="valid"):
        generate(family, dt.date(2020, 1, 1), variant="no-such-variant")


def test_dates_outside_the_supported_range_are_refused():
    with pytest.raises(GeneratorError, match="outside the supported range"):
        generate("qsnatch", dt.date(1969, 12, 31))


def test_docs_list_every_family(repo):
    text = (repo / "docs" / "generators.md").read_text()
    missing = [f for f in FAMILIES if f"| {f} |" not in text]
    assert not missing, f"docs/generators.md lacks {missing}"
