"""Names a lexical DGA score cannot judge (docs/dga-model.md, "What the model
can and cannot see").

A low score on such a name says nothing: very short labels (QSnatch's 3-6
letters) are as random-looking as the abbreviations real sites use, and the
labels of wordlist DGAs are dictionary words joined, as brand names are.  This
module only names the class a label falls in, so that ``dnsguard score``
does not present such a name as cleared; the known-DGA forecast and the
behavioural detections of ``dnsguard analyze`` are what judge those.
"""

from __future__ import annotations

from functools import cache

SHORT_LABEL = 6
"""Labels this long or shorter (QSnatch draws 3-6 letters)."""


@cache
def _word_pairs() -> tuple[tuple[str, frozenset[str], frozenset[str]], ...]:
    """(family, first words, second words) of the packaged wordlist DGAs."""
    from dnsguard.dga.families import nymaim2, suppobox

    pairs = []
    for variant in ("set1", "set2", "set3"):
        words = suppobox.words(variant)
        pairs.append(("suppobox", frozenset(words[:0x80]), frozenset(words[0x80:])))
    pairs.append(("nymaim2", frozenset(nymaim2.wordlist("firstword")),
                  frozenset(nymaim2.wordlist("secondword"))))
    return tuple(pairs)


def wordlist_family(label: str) -> str | None:
    """The wordlist DGA whose lists make ``label`` (first word, optional
    hyphen, second word), or None."""
    for family, first, second in _word_pairs():
        for i in range(1, len(label)):
            head, tail = label[:i], label[i:]
            if head in first and (tail in second or (tail[:1] == "-" and tail[1:] in second)):
                return family
    return None


def cannot_judge(label: str) -> str | None:
    """Why a lexical score cannot judge ``label`` (the registered label, ``x1b9``
    of ``www.x1b9.example.org``), or None when it can."""
    if not label:
        return None
    if len(label) <= SHORT_LABEL:
        return f"short label ({len(label)} characters): random and human-made look alike"
    family = wordlist_family(label)
    if family:
        return f"two words of {family}'s wordlist: wordlist DGAs look like human-made names"
    return None
