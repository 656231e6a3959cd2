"""QSnatch (QNAPCrypt, Derek): the NAS malware's two SHA-1 based DGAs.

Both variants hash ``"<unix time // interval><seed><tld>\\n"`` with SHA-1,
base64 the digest, lower-case it and map ``- + /`` to ``a b c``; a prefix of
that string becomes the label.  Variant "a" walks six interval lengths (15
days down to one hour) so its names change every hour; variant "b" only uses
15-day intervals and five label lengths per TLD.  Intervals are counted from
the Unix epoch in UTC.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
from collections.abc import Iterator

from dnsguard.dga.families.base import (
    FamilyInfo,
    GeneratorError,
    check_day,
    check_variant,
    unique,
)

_SEED = "IbjGOEgnuD"

# Variant a: TLD -> extra label length (1 for com/net/org).  ".com.bn" keeps
# the leading dot the sample has: it changes the hash key, and the names it
# yields ("x..com.bn") cannot be sent over DNS, so they are dropped.
_TLD_NAMES_A: tuple[str, ...] = (
    "cf", "tk", "com", "ml", "de", "rocks", "mx", "biz", "net", "cn", "ga", "gq", "org", "top",
    "nl", "men", "ws", "se", "info", "xyz", "today", "ru", "ec", "co", "ee", "rs", "com.sv",
    "com.cy", "co.zw", "kg", "com.ge", "tl", "name", "tw", "lv", "bs", "li", "ng", "ae", "bt",
    "tv", "pe", "uz", "me", "gy", "am", "kr", "by", "fr", "com.uy", "com.lb", "com.br", "vu",
    "hk", "in", "re", "ch", "af", "com.ps", "ug", "dz", "pro", "co.th", "sg", "cd", "so", "mo",
    "co.id", "co.il", "com.do", "ke", "cx", "ro", "id", "pm", "hm", "vg", "az", "com.eg", "bz",
    "su", "com.ar", "gg", "com.lr", "pa", "com.ve", "al", "fm", "to", "mu", "co.ck", "pk",
    "co.rs", "cw", "nr", "gd", "gl", "ac", "lk", "md", "fi", "sx", "lc", "es", "cc", "cm", "la",
    "co.za", "je", "cz", "jp", "ai", "pw", "bg", "nu", "ag", "bm", "eu", "com.my", "sc", "ax",
    "wf", "ly", "qa", "vn", "aq", "mobi", "com.tr", "com.ua", "com.py", "hk.org", "south.am",
    "com.kh", "co.zm", "ru.net", "com.km", "tt", "kn", "co.ls", "co.fk", "uy.com", "com.gu",
    ".com.bn", "com.pf", "com.fj",
)  # fmt: skip
_TLDS_A = tuple((tld, 1 if tld in ("com", "net", "org") else 0) for tld in _TLD_NAMES_A)
_VALID_A = tuple((tld, extra) for tld, extra in _TLDS_A if not tld.startswith("."))
_HOUR = 3600
_DAY = 24 * _HOUR
_INTERVALS_A = (15 * _DAY, 5 * _DAY, _DAY, 8 * _HOUR, 2 * _HOUR, _HOUR)
_LENGTHS_A = (5, 3, 4)
_VALID_TLDS_A = tuple(tld for tld, _ in _VALID_A)
_SUFFIXES_A = tuple(f".{tld}" for tld in _VALID_TLDS_A)
# Label length per round and TLD: the round's length, +1 for com/net/org, at least 3.
_CUTS_A = tuple(tuple(max(length + extra, 3) for _, extra in _VALID_A) for length in _LENGTHS_A)

_TLDS_B = (
    "cf", "tk", "ml", "ga", "gq", "com", "biz", "org", "de", "rocks", "mx", "cn", "top", "nl",
    "men", "ws", "se", "info", "xyz", "net", "today", "ru", "fi", "name", "to", "in", "com.ua",
    "vg", "vn", "cd",
)  # fmt: skip
_LENGTHS_B = range(6, 11)

_TRANS = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ-+/", b"abcdefghijklmnopqrstuvwxyzabc")

INFO = FamilyInfo(
    name="qsnatch",
    aliases=("QSnatch", "QNAPCrypt", "Derek"),
    malpedia="elf.qsnatch",
    variants=("a", "b"),
    seeds={"a": (_SEED,), "b": (_SEED,)},
    tlds=tuple(dict.fromkeys(_VALID_TLDS_A + _TLDS_B)),
    names_per_period=len(_TLDS_B) * len(_LENGTHS_B),
    period="hour",
    active=(dt.date(2018, 10, 1), None),
    threat="iab",
    seed_required=False,
    references=(
        "J. Bader, 'The DGA of QSnatch' (bin.re / johannesbader.ch, 2020)",
        "NCSC-UK / CISA alert AA20-209A 'Malware targeting QNAP NAS devices' (2020)",
        "Malpedia elf.qsnatch",
    ),
    notes=(
        "Variant a yields 3 lengths x 147 TLDs per interval for six interval "
        "lengths (15d, 5d, 1d, 8h, 2h, 1h), i.e. new names every hour; variant b "
        "yields 150 names per 15-day interval (names_per_period counts variant b). "
        "The sample's '.com.bn' entry has a stray leading dot; those names are not "
        "valid DNS names and are left out. Intervals are taken from the Unix epoch "
        "(UTC); a sample with a skewed clock queries a neighbouring set. Active date: "
        "the second campaign (late 2018 on) that the DGA analyses cover."
    ),
)


def _source(index: int, tld: str, seed: str) -> str:
    """The lower-cased base64 SHA-1 string labels are cut from ("-+/" -> "abc").

    Only its first ten characters are ever used, so padding never matters.
    """
    digest = hashlib.sha1(f"{index}{seed}{tld}\n".encode()).digest()
    return binascii.b2a_base64(digest)[:10].translate(_TRANS).decode("ascii")


def _interval_a(index: int, seed: str) -> list[str]:
    """Variant a's names for one interval number, one round per label length."""
    sources = [_source(index, tld, seed) for tld in _VALID_TLDS_A]
    return [
        src[:cut] + suffix
        for cuts in _CUTS_A
        for src, cut, suffix in zip(sources, cuts, _SUFFIXES_A, strict=True)
    ]


def _variant_b(ts: int, seed: str) -> Iterator[str]:
    index = ts // (15 * _DAY)
    for tld in _TLDS_B:
        src = _source(index, tld, seed)
        for length in _LENGTHS_B:
            yield f"{src[:length]}.{tld}"


def _parse_seed(seed: str | None) -> str:
    if seed is None:
        return _SEED
    if not seed.isascii() or not seed.isalnum():
        raise GeneratorError(f"qsnatch: seed must be an ASCII alphanumeric string; known: {_SEED}")
    return seed


def generate(day: dt.date, seed: str | None = None, variant: str | None = None) -> list[str]:
    """Every name of ``day`` (UTC), hour by hour, variant a before b."""
    day = check_day(day)
    variants = check_variant(INFO, variant)
    key = _parse_seed(seed)
    start = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())
    out: list[str] = []
    if "a" in variants:
        seen: set[tuple[int, int]] = set()
        for hour in range(24):
            ts = start + hour * _HOUR
            for interval in _INTERVALS_A:
                if (interval, ts // interval) in seen:
                    continue
                seen.add((interval, ts // interval))
                out.extend(_interval_a(ts // interval, key))
    if "b" in variants:
        out.extend(_variant_b(start, key))
    return unique(out)
