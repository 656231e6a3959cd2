"""Which tool a DNS channel belongs to (``tool_identification`` in
``data/detections.yaml``).

Named from the structure of the traffic, never from the C2 domains (they
change with every campaign):

* dnscat2: hex names that parse as its packet header (2-byte packet id,
  1-byte type SYN/MSG/FIN/PING, 2-byte session id shared by the session),
  asked as TXT, CNAME and MX in turn;
* Symbiote: the same dnscat2 framing asked as TXT only (its embedded
  client), or its own ``<counter>.<id>.<hex>.x<digits>`` names;
* iodine: NULL or private query types (its downstream and its 65399
  probe), one-letter commands (``v`` version, ``l`` login, ``i`` address,
  ``z`` case check, ``s``/``o`` codec and options, ``y``/``r`` probes,
  ``p`` ping) opening its names;
* dns2tcp: base64 labels with ``/`` or ``=``, no NULL;
* RogueRobin: nibble-letter labels (a byte as two letters a..p, .NET),
  ``<n>-<n>-<n>-<data>`` labels (PowerShell), one label rotated across
  its domain list when the label has its shape or the host sends data in
  names (a rotation alone is any domain-list client's, a DGA's too);
* Saitama: a random base36 name polled in rounds, printable-ASCII A
  answers.

Pure: :class:`ChannelProfile` collects features per host,
:func:`identify` turns them into a :class:`ToolCall`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

UNKNOWN_TOOL = "DNS tunnel (unknown tool)"
ROTATION_CHANNEL_NAMES = 3
"""Data-carrying names a host must send for its label rotation to name RogueRobin."""
DNSCAT_TYPES = frozenset({"00", "01", "02", "03", "ff"})
IODINE_COMMANDS = frozenset("vlizsoyrp")
_HEX = re.compile(r"[0-9a-f]+\Z")
_NUMBERED = re.compile(r"\d+-\d+(?:-|\Z)")
_SYMBIOTE_TAIL = re.compile(r"x\d+\Z")


@dataclass
class ChannelProfile:
    """Features of one host's data-carrying names (distinct names only)."""

    names: int = 0
    encodings: Counter[str] = field(default_factory=Counter)
    qtypes: Counter[str] = field(default_factory=Counter)
    hex_names: int = 0
    dnscat_frames: int = 0
    dnscat_sessions: Counter[str] = field(default_factory=Counter)
    dnscat_qtypes: Counter[str] = field(default_factory=Counter)
    symbiote_names: int = 0
    iodine_commands: int = 0
    numbered: int = 0
    padded_base64: int = 0
    rotated_labels: int = 0
    rotated_own: int = 0
    """Of ``rotated_labels``, those shaped as RogueRobin's own (:func:`roguerobin_label`)."""
    beacons: int = 0
    data_answers: Counter[str] = field(default_factory=Counter)

    def note_rotation(self, labels: Iterable[str]) -> None:
        """The labels a C2-rotation finding saw the host rotate through its domains."""
        labels = list(labels)
        self.rotated_labels = len(labels)
        self.rotated_own = sum(map(roguerobin_label, labels))

    def add(self, labels: tuple[str, ...], encoding: str | None, qtype: str) -> None:
        """One distinct data-carrying name: its raw labels left of the registered
        domain, its encoding and its query type as :func:`dnsguard.detect.qtypes.qtype_label`
        spells it (``TYPE65399`` for a type without a name)."""
        self.names += 1
        if encoding:
            self.encodings[encoding] += 1
        if qtype:
            self.qtypes[qtype.upper()] += 1
        first = labels[0]
        if len(first) >= 18 and _HEX.match(first):  # a dnscat2 packet opens the name
            self.hex_names += 1
            if first[4:6] in DNSCAT_TYPES:
                self.dnscat_frames += 1
                self.dnscat_sessions[first[6:10]] += 1
                if qtype:
                    self.dnscat_qtypes[qtype.upper()] += 1
        if (len(labels) == 4 and labels[0].isdigit() and labels[1].isdigit() and _HEX.match(labels[2])
                and _SYMBIOTE_TAIL.match(labels[3])):
            self.symbiote_names += 1
        if first[:1] in IODINE_COMMANDS and len(first) >= 5 and encoding in (None, "raw", "base32", "base36"):
            self.iodine_commands += 1
        if _NUMBERED.match(first):
            self.numbered += 1
        if encoding == "raw" and any(("=" in x or "/" in x) for x in labels):
            self.padded_base64 += 1

    @property
    def null_or_private(self) -> int:
        """Names asked with NULL, a private or an unknown query type (iodine's)."""
        return sum(n for q, n in self.qtypes.items() if q == "NULL" or q.startswith("TYPE"))


@dataclass(frozen=True)
class ToolCall:
    family: str
    """The tool named, or :data:`UNKNOWN_TOOL`."""
    confidence: str
    """``high``, ``medium`` or ``low`` (unknown tool)."""
    features: tuple[str, ...]
    """The features that decided it, for the report."""
    runner_up: str = ""

    def describe(self) -> str:
        why = "; ".join(self.features) if self.features else "no tool's structure recognised"
        other = f"; runner-up {self.runner_up}" if self.runner_up else ""
        return f"{self.family} ({self.confidence} confidence): {why}{other}"


_ROGUEROBIN_LABEL = re.compile(r"[a-p]+(-[a-z0-9]+)?|[0-9]+")


def roguerobin_label(label: str) -> bool:
    """A rotated label RogueRobin itself sends: letter pairs a-p (.NET) or the
    PowerShell client's numeric session id (Zeek's C2_Rotation reads the same)."""
    return _ROGUEROBIN_LABEL.fullmatch(label) is not None


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def candidates(p: ChannelProfile) -> list[tuple[float, str, list[str]]]:
    """(score, family, features) for every tool whose structure shows; score
    2 is one decisive feature, each further feature adds one."""
    out: list[tuple[float, str, list[str]]] = []
    if p.dnscat_frames >= 3 and _share(p.dnscat_frames, p.hex_names) >= 0.8:
        session, n = p.dnscat_sessions.most_common(1)[0]
        if _share(n, p.dnscat_frames) >= 0.5:
            feats = [f"{p.dnscat_frames} hex names framed as dnscat2 packets (type SYN/MSG/FIN/ENC/PING, "
                     f"session {session} in {n})"]
            kinds = set(p.dnscat_qtypes)
            if kinds <= {"TXT"}:
                out.append((3.0, "Symbiote", feats + ["asked as TXT only (Symbiote's embedded dnscat2 client)"]))
            else:
                mix = ", ".join(sorted(kinds))
                out.append((3.0 + (len(kinds & {"TXT", "CNAME", "MX"}) >= 2), "dnscat2",
                            feats + [f"query types {mix} in turn"]))
    if p.symbiote_names >= 3 and _share(p.symbiote_names, p.names) >= 0.5:
        out.append((4.0, "Symbiote", [f"{p.symbiote_names} names shaped <counter>.<id>.<hex>.x<digits>"]))
    if p.null_or_private:
        feats = [f"{p.null_or_private} names asked as NULL or private/unknown query types"]
        score = 2.0
        if _share(p.iodine_commands, p.names) >= 0.3:
            feats.append(f"{p.iodine_commands} names open with iodine's one-letter commands")
            score += 1
        if p.encodings.get("raw"):
            feats.append(f"{p.encodings['raw']} names with bytes outside host names (base64/base128 upstream)")
            score += 1
        out.append((score, "iodine", feats))
    if p.padded_base64 >= 3 and not p.null_or_private:
        out.append((2.0, "dns2tcp", [f"{p.padded_base64} base64 names with / or = padding"]))
    rr: list[str] = []
    if p.encodings.get("nibble_letters", 0) >= 3:
        rr.append(f"{p.encodings['nibble_letters']} names with a byte written as two letters a..p")
    if p.numbered >= 3 and _share(p.numbered, p.names) >= 0.3:
        rr.append(f"{p.numbered} names framed <n>-<n>-<n>-<data>")
    # Rotation names RogueRobin only with its other structures, a rotated label
    # of its own shape, or data in the names: any client of a domain list
    # rotates, DGAs included (Fosniw asks app2.winsoft<n>.com for n = 0, 1, 2
    # ...), and carries no data.
    if p.rotated_labels and (rr or p.rotated_own or p.names >= ROTATION_CHANNEL_NAMES):
        rr.append(f"{p.rotated_labels} label(s) rotated across its C2 domains")
    if rr:
        out.append((1.0 + len(rr), "RogueRobin", rr))
    sa: list[str] = []
    if p.beacons:
        sa.append(f"{p.beacons} random name(s) polled in rounds, never answered")
    if p.data_answers.get("printable-a", 0) >= 4:
        sa.append(f"{p.data_answers['printable-a']} A answers that read as ASCII")
    if sa:
        if p.encodings.get("base36", 0) >= 3:
            sa.append(f"{p.encodings['base36']} random base36 names")
        out.append((1.0 + len(sa), "Saitama", sa))
    return out


def identify(p: ChannelProfile) -> ToolCall:
    """The tool with the highest score (ties: none named), with its confidence."""
    found = sorted(candidates(p), key=lambda c: -c[0])
    if not found:
        return ToolCall(UNKNOWN_TOOL, "low", ())
    score, family, feats = found[0]
    runner = found[1] if len(found) > 1 else None
    if runner is not None and runner[0] == score and runner[1] != family:
        return ToolCall(UNKNOWN_TOOL, "low", tuple(feats + runner[2]), runner_up=f"{family} or {runner[1]}")
    confidence = "high" if score >= 3 else "medium"
    return ToolCall(family, confidence, tuple(feats), runner[1] if runner else "")


__all__ = ["UNKNOWN_TOOL", "ChannelProfile", "ToolCall", "candidates", "identify", "roguerobin_label"]
