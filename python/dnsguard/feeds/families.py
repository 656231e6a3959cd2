"""Family names and the initial-access-broker (IAB) table.

Feeds spell one family many ways (``Emotet``, ``win.emotet``, ``Heodo``,
``Geodo``).  A SOC triages an initial-access broker differently from a
commodity RAT: whoever runs it sells the foothold to ransomware crews, so
hours count.  Indicators of these families therefore carry threat type
``iab`` whatever the feed said, so every Zeek notice, Suricata alert and
report shows it.
"""

from __future__ import annotations

import re
from functools import lru_cache

IAB_FAMILIES: dict[str, tuple[str, ...]] = {
    "QSnatch": ("qnapcrypt", "derek", "elf.qsnatch"),
    "Emotet": ("heodo", "geodo", "win.emotet"),
    "Ramnit": ("nimnul", "win.ramnit"),
    "QakBot": ("qbot", "quakbot", "pinkslipbot", "win.qakbot"),
    "IcedID": ("bokbot", "win.icedid"),
    "Bumblebee": ("win.bumblebee",),
    "TrickBot": ("trickster", "thetrick", "win.trickbot"),
    "Dridex": ("bugat", "cridex", "win.dridex"),
    "BazarLoader": ("bazarbackdoor", "bazar", "team9", "win.bazarbackdoor", "win.bazarloader"),
    "Ursnif": ("gozi", "isfb", "dreambot", "win.isfb", "win.gozi", "win.ursnif"),
    "SocGholish": ("fakeupdates", "js.socgholish"),
    "Pikabot": ("win.pikabot",),
    "DarkGate": ("meh", "mehcrypter", "win.darkgate"),
    "Latrodectus": ("blackwidow", "win.latrodectus"),
    "SmokeLoader": ("dofoil", "win.smokeloader"),
    "GootLoader": ("js.gootloader",),
    "Hancitor": ("chanitor", "win.hancitor"),
}
"""Canonical name -> aliases (lower case, Malpedia ids included)."""

DGA_FAMILY_NAMES: dict[str, str] = {
    "bamital": "Bamital", "banjori": "Banjori", "bumblebee": "Bumblebee", "ccleaner": "CCleaner",
    "conficker": "Conficker", "cryptolocker": "CryptoLocker", "dmsniff": "DMSniff", "dnschanger": "DNSChanger",
    "dyre": "Dyre", "flubot": "FluBot", "fobber": "Fobber", "fosniw": "Fosniw", "kraken": "Kraken",
    "mirai": "Mirai", "murofet": "Murofet", "necurs": "Necurs", "newgoz": "newGOZ", "nymaim": "Nymaim",
    "nymaim2": "Nymaim2", "proslikefan": "ProsLikeFan", "pushdo": "Pushdo", "pykspa": "Pykspa",
    "qakbot": "QakBot", "qsnatch": "QSnatch", "ramdo": "Ramdo", "ramnit": "Ramnit", "ranbyus": "Ranbyus",
    "rovnix": "Rovnix", "shiotob": "Shiotob", "simda": "Simda", "sisron": "Sisron", "suppobox": "Suppobox",
    "symmi": "Symmi", "tempedreve": "Tempedreve", "tofsee": "Tofsee", "torpig": "Torpig", "tufik": "Tufik",
    "unnamed_javascript": "Unnamed JavaScript DGA", "verblecon": "Verblecon", "xshellghost": "XShellGhost",
}
"""The DGA model's and generators' family ids (lower case, file names) -> the
spelling an analyst reads.  The scorer, the model file and the generators
keep the ids; every report, notice and verdict shows this spelling, so one
host's family reads the same in ``analyze``, ``serve``, Zeek and the feeds.
Every id must be here (tests/triage/test_family_names.py)."""

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _key(name: str) -> str:
    """Comparison key: lower case, punctuation and spaces dropped."""
    return _NON_ALNUM.sub("", name.lower())


_CANONICAL: dict[str, str] = {_key(_id): _name for _id, _name in DGA_FAMILY_NAMES.items()}
_CANONICAL[_key("CCleaner_Floxif")] = "CCleaner"  # the Suricata shape rule's malware_family (no spaces there)
for _name, _aliases in IAB_FAMILIES.items():
    _CANONICAL[_key(_name)] = _name
    for _alias in _aliases:
        _CANONICAL[_key(_alias)] = _name
        # Malpedia ids: "win.emotet" -> also "emotet"
        _CANONICAL[_key(_alias.split(".", 1)[-1])] = _name


@lru_cache(maxsize=4096)
def canonical_family(name: str) -> str:
    """The table's spelling of an IAB or DGA family, or ``name`` tidied.

    Unknown families keep their feed spelling (stripped); empty or
    placeholder names become ``unknown``.  Cached: merges ask this for
    every indicator, and feeds name a few hundred families at most.
    """
    text = (name or "").strip()
    if not text or text.lower() in ("none", "null", "-", "unknown", "unknown malware"):
        return "unknown"
    found = _CANONICAL.get(_key(text))
    if found is None and "." in text:
        found = _CANONICAL.get(_key(text.split(".", 1)[1]))
    return found or text


def display_family(name: str) -> str:
    """:func:`canonical_family` for a name that may be empty (no family yet): empty stays empty."""
    return canonical_family(name) if name else name


def is_iab(family: str) -> bool:
    """True when ``family`` (any spelling) is an initial-access broker."""
    return canonical_family(family) in IAB_FAMILIES
