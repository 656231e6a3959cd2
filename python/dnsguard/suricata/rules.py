"""The dnsguard Suricata rule pack, described as data and rendered to text.

The rules are kept here rather than hand-edited in ``suricata-rules/`` so
that the metadata (MITRE ids, dates, severity) stays uniform, the SID block
is enforced in one place, and the tests can iterate over the catalogue to
build one positive case per rule.  ``python -m dnsguard.suricata.rules``
rewrites the ``.rules`` files; a test checks the committed files match.

Compatibility: every rule loads on Suricata 7.0.3+ (``requires`` appeared in
7.0.3).  Keywords that only exist in 8.0 (``dns.rcode``, ``dns.rrtype``) are
used by separate rules behind ``requires: version >= 8``, and their 7.0
stand-ins (byte tests on the raw DNS header) sit behind ``version < 8`` so a
sensor never raises both.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

SID_FIRST = 9_070_000
SID_LAST = 9_079_999

CREATED = "2026_11_27"
UPDATED = "2026_11_27"
"""``updated_at`` of rules unchanged since the pack's first release; a rule
changed later (``rev`` bumped) carries its own date (``OFFICE_TUNING``)."""
OFFICE_TUNING = "2026_12_04"
"""Date of the changes measured on the office capture (issue 17): the
registered-domain NXDOMAIN rule, the generic burst restricted to A lookups
of ordinary names, the long/hex tunnel thresholds, Mirai's lexical guard."""

THREAT_DATASETS = ("c2", "iab", "botnet", "dga")
"""String datasets filled by exports; ``verdict`` is filled at runtime."""

PARENT_LABELS = (2, 3)
"""Parent depths looked up besides the exact name: a query matches a listed
name when it *is* that name or ends with it and the listed name has 2 or 3
labels (``evil.example`` for ``www.evil.example``, ``evil.co.uk`` or
``x.duckdns.org`` for ``a.b.evil.co.uk``).  A listed name of 4 or more
labels matches only when queried exactly.  Depth 4 was dropped on
2026-11-27: it cost about 12 % of the pack's detection work on every query
(a further PCRE and lookups) for subdomains of deep listed host names, which
feeds rarely need; its SIDs are in ``RETIRED_SIDS``."""

VERDICT_DEPTHS = (0,)
"""The runtime verdict set is matched on the exact name only.  The service
pushes every query name it flags (the FQDN, not its parent), so a new
subdomain of a flagged name is scored and pushed like any other name and
alerts from its next query.  The parent rules (9070502/9070503) were
dropped on 2026-11-27: not gated (the set is not in the union), they were
about a quarter of the pack's detection work on every query.  To match
subdomains of a name, put it in a feed set instead."""

RETIRED_SIDS = frozenset({9_070_014, 9_070_024, 9_070_104, 9_070_204, 9_070_304, 9_070_404,
                          9_070_502, 9_070_503, 9_070_504, 9_071_008})
"""Never reuse: parent rules of depth 4 (see ``PARENT_LABELS``) and of the
verdict set (``VERDICT_DEPTHS``), and the former shape 9071008."""

UNION_DATASET = "dnsguard-any"
"""Every name of the four feed sets (written by the exporter next to them).

The gate rules look each query up here once per depth and set a flowbit;
the per-threat-type rules check that flowbit first, so on a miss (nearly
every query) one lookup per depth is made instead of one per set."""

GATE_SIZING = {"v7": "memcap 512mb,hashsize 262144", "v8": "memcap 512mb,hashsize 65536"}
"""The union set holds every feed name.  Suricata 7.0.10 accepts up to
262,144 buckets per set (``datasets.limits.single-hashsize``), 8.0 only
65,536 by default; each gate therefore comes in a 7.x and an 8.0 version
(``requires``), so exactly one declaration of the set loads."""

GATE_SIDS = {"v7": 9_070_010, "v8": 9_070_020}


@dataclass(frozen=True)
class Rule:
    sid: int
    msg: str
    body: str
    """Everything between the message and the classtype, already terminated by ``;``."""
    classtype: str
    metadata: tuple[tuple[str, str], ...]
    header: str = "alert dns $HOME_NET any -> any any"
    rev: int = 1
    family: str = ""
    """Family named in the message (empty for multi-family rules)."""
    tags: frozenset[str] = field(default_factory=frozenset)
    """Test hints: ``v8`` (8.0-only), ``v7`` (skipped on 8.0), ``threshold``."""

    def render(self) -> str:
        meta = ", ".join(f"{k} {v}" for k, v in self.metadata)
        return (
            f'{self.header} (msg:"{self.msg}"; {self.body} classtype:{self.classtype}; '
            f"sid:{self.sid}; rev:{self.rev}; metadata:{meta};)"
        )


def _meta(
    *,
    severity: str,
    confidence: str,
    technique: str,
    family: str = "",
    target: str = "Client_Endpoint",
    deployment: str = "Perimeter",
    tactic: str = "TA0011",
    created: str = CREATED,
    updated: str = UPDATED,
) -> tuple[tuple[str, str], ...]:
    items = [
        ("affected_product", "Any"),
        ("attack_target", target),
        ("created_at", created),
        ("deployment", deployment),
    ]
    if family:
        items.append(("malware_family", family))
    items += [
        ("confidence", confidence),
        ("signature_severity", severity),
        ("mitre_tactic_id", tactic),
        ("mitre_technique_id", technique),
        ("updated_at", updated),
    ]
    return tuple(items)


def parent_capture(labels: int) -> str:
    """A pcrexform pattern giving the last ``labels`` labels of a longer name.

    pcrexform leaves the buffer untouched when its pattern does not match,
    which would turn a parent lookup into a second exact-name lookup (and a
    duplicate alert).  The second branch (``()``, tried only when the first
    fails) therefore matches every name that is too short and captures the
    empty string, which no dataset holds.  The leading ``[^.]+\\.`` (at
    least one label before the capture) makes the name strictly longer than
    the parent, so an exact hit is reported by the exact rule alone.

    Suricata 7 runs pcrexform with PCRE2's interpreter (no JIT), which
    saves a backtracking frame at every point it may return to.  A greedy
    ``.*`` left one such point per character; here the prefix grows one
    label at a time (lazy group) and PCRE2 makes every ``[^.]+`` followed
    by a dot or the end possessive, so a name costs one point per label.
    """
    tail = r"\.".join([r"[^.]+"] * labels)
    return rf"^(?|[^.]+\.(?:[^.]+\.)*?({tail})$|())"


_THREAT_TEXT = {
    "c2": ("C2", "Command and Control Domain", "trojan-activity", "Major", "T1071.004"),
    "iab": ("IAB", "Initial Access Broker Infrastructure Domain", "trojan-activity", "Major", "T1071.004"),
    "botnet": ("BOTNET", "Botnet Infrastructure Domain", "trojan-activity", "Major", "T1071.004"),
    "dga": ("DGA", "Forecast DGA Domain", "trojan-activity", "Major", "T1568.002"),
    "verdict": ("VERDICT", "Service-Scored Malicious Domain", "bad-unknown", "Minor", "T1568.002"),
}
_THREAT_BASE = {"c2": 9_070_100, "iab": 9_070_200, "botnet": 9_070_300, "dga": 9_070_400, "verdict": 9_070_500}


FAMILY_CONTEXT = "2026_12_04"
"""Date the listed-name rules were split by version (issue 17 item 3): on
8.0 the per-type sets carry each name's family, threat, confidence and
source (``CONTEXT_KEY``), on 7.x they stay plain string sets."""

CONTEXT_KEY = "dnsguard"
"""Suricata 8.0 writes the JSON line of the listed name that matched under
``alert.context.<CONTEXT_KEY>`` (``dataset`` with ``format ndjson,
context_key``; the 8.0.8 binary's names: the upstream docs in ``main`` say
``format jsonline``/``enrichment_key``/``alert.extra``, which 8.0.8
refuses)."""
VALUE_KEY = "domain"
"""The member of each JSON line that holds the listed name itself (raw,
not base64)."""
CONTEXT_FIELDS = (VALUE_KEY, "family", "threat", "confidence", "source")
"""What every line of a JSON set holds, in this order."""
V8_SID_OFFSET = 10
"""An 8.0 JSON-set rule's SID is its 7.x twin's plus this (9070100 -> 9070110)."""


def json_dataset_option(threat: str) -> str:
    """The 8.0 declaration of a feed set: JSON lines, the line of the matched
    name copied into the alert (``alert.context.dnsguard``).

    A set of its own name (``dnsguard-c2-json``), never the 7.x string set's
    name, so the two declarations cannot meet in one engine whatever
    ``requires`` does."""
    name = f"dnsguard-{threat}-json"
    return (f"{name},type string,load datasets/dnsguard-{threat}.json,format ndjson,"
            f"context_key {CONTEXT_KEY},value_key {VALUE_KEY},{DATASET_SIZING}")


DATASET_SIZING = "memcap 256mb,hashsize 65536"
"""Per set.  Suricata's default hashsize (2048 buckets) makes loading 250k
names take ~7 s per set (long bucket chains); 65536 buckets keep chains short
for a million names over four sets and stay within Suricata 8's lower
default ``datasets.limits`` (single-hashsize).  The memcap is an upper
bound, not an allocation."""


def dataset_option(threat: str) -> str:
    """The dataset declaration: shipped file for feeds, state file for verdicts.

    Feed datasets are loaded from the pack (``load`` resolves next to the
    rule file); the verdict set uses ``state`` so that Suricata reads and
    writes it under its data directory: entries added over the unix socket
    survive ``reload-rules`` (same set object) and a clean restart (saved on
    shutdown, read back at start).
    """
    name = f"dnsguard-{threat}"
    if threat == "verdict":
        return f"{name},type string,state {name}.lst,{DATASET_SIZING}"
    return f"{name},type string,load datasets/{name}.lst,{DATASET_SIZING}"


def gate_flowbit(depth: int) -> str:
    """Flowbit set by the gate for ``depth`` (0 = exact name, n = parent of n labels)."""
    return f"dnsguard.listed.{'exact' if depth == 0 else f'p{depth}'}"


def _has_dots(count: int) -> str:
    """``count`` dots in the raw name, i.e. at least ``count + 1`` labels.

    A PCRE rather than chained ``content:"."; distance:0;``: Suricata runs
    each content through its single-pattern matcher (Hyperscan on most
    builds), whose per-call set-up cost more than one anchored PCRE run on
    a short name (measured with callgrind: -11 % of the pack's detection
    instructions per query)."""
    return rf'dns.query; pcre:"/^(?:[^.]*\.){{{count}}}/";'


def _lookup(depth: int) -> str:
    """The name (depth 0) or its parent of ``depth`` labels, lower-cased.

    Parents are preceded by a test on the raw name (enough dots for a parent
    of that depth to exist).  Suricata inspects the buffers in the
    order written, and computes a transformed buffer only when a rule
    reaches it, so names too short for the depth (most names, at depth 3)
    skip the pcrexform, which costs allocations and an interpreted
    PCRE run per call."""
    if depth == 0:
        return "dns.query; to_lowercase;"
    return f'{_has_dots(depth)} dns.query; to_lowercase; pcrexform:"{parent_capture(depth)}";'


def gate_rules() -> list[Rule]:
    """noalert rules: one union-set lookup per depth decides whether the
    per-threat-type feed rules need to look at all.

    Suricata orders flowbit setters before the rules checking the bit, and
    all of them inspect the same query, so a listed name still alerts on
    its query packet under its own threat type's SID.
    """
    out = []
    for version, first in GATE_SIDS.items():
        requires = "requires: version < 8;" if version == "v7" else "requires: version >= 8;"
        ds = f"{UNION_DATASET},type string,load datasets/{UNION_DATASET}.lst,{GATE_SIZING[version]}"
        for depth in (0, *PARENT_LABELS):
            what = "exact name" if depth == 0 else f"parent domain, last {depth} labels"
            out.append(Rule(
                sid=first + depth,
                msg=f"DNSGUARD C2 IAB BOTNET DGA Listed Domain Gate ({what}, no alert, "
                    f"{'7.x' if version == 'v7' else '8.0+'})",
                body=(f"{requires} {_lookup(depth)} dataset:isset,{ds}; "
                      f"flowbits:set,{gate_flowbit(depth)}; flowbits:noalert;"),
                classtype="trojan-activity",
                metadata=_meta(severity="Informational", confidence="High", technique="T1071.004"),
                tags=frozenset({version, "gate"}),
                rev=2 if depth else 1,
            ))
    return out


def indicator_rules() -> list[Rule]:
    out: list[Rule] = []
    for threat in (*THREAT_DATASETS, "verdict"):
        cat, what, classtype, severity, technique = _THREAT_TEXT[threat]
        base = _THREAT_BASE[threat]
        confidence = "Medium" if threat == "verdict" else "High"
        meta = _meta(severity=severity, confidence=confidence, technique=technique)
        ds = dataset_option(threat)
        for n in VERDICT_DEPTHS if threat == "verdict" else (0, *PARENT_LABELS):
            # Feed rules run only when the gate found the name in the union
            # set (flowbits is checked before the buffer is inspected); the
            # verdict set is filled at runtime and is not in the union.
            gate = "" if threat == "verdict" else f"flowbits:isset,{gate_flowbit(n)}; "
            what_part = "exact name" if n == 0 else f"parent domain, last {n} labels"
            msg = f"DNSGUARD {cat} Listed {what} Query ({what_part})"
            if threat == "verdict":
                out.append(Rule(sid=base + n, msg=msg, body=f"{gate}{_lookup(n)} dataset:isset,{ds};",
                                classtype=classtype, metadata=meta, rev=1))
                continue
            # Two twins per feed rule (FAMILY_CONTEXT): 7.x looks the name up
            # in the string set, 8.0 in the JSON set whose line for the name
            # (family, threat, confidence, source) lands in the alert.
            changed = _meta(severity=severity, confidence=confidence, technique=technique,
                            updated=FAMILY_CONTEXT)
            out.append(Rule(
                sid=base + n, msg=msg,
                body=f"requires: version < 8; {gate}{_lookup(n)} dataset:isset,{ds};",
                classtype=classtype, metadata=changed, rev=3 if n else 2, tags=frozenset({"v7"}),
            ))
            out.append(Rule(
                sid=base + V8_SID_OFFSET + n, msg=msg,
                body=(f"requires: version >= 8; {gate}{_lookup(n)} "
                      f"dataset:isset,{json_dataset_option(threat)};"),
                classtype=classtype,
                metadata=_meta(severity=severity, confidence=confidence, technique=technique,
                               created=FAMILY_CONTEXT, updated=FAMILY_CONTEXT),
                tags=frozenset({"v8"}),
            ))
    out.append(Rule(
        sid=9_070_600,
        msg="DNSGUARD C2 Feodo Tracker Listed C2 Address Contacted",
        header="alert ip $HOME_NET any -> $EXTERNAL_NET any",
        body="ip.dst; dataset:isset,dnsguard-c2-ip,type ipv4,load datasets/dnsguard-c2-ip.lst; "
             "threshold:type limit, track by_src, count 1, seconds 600;",
        classtype="trojan-activity",
        metadata=_meta(severity="Major", confidence="High", technique="T1071.001",
                       family="Feodo"),
        family="Feodo",
        tags=frozenset({"ip"}),
    ))
    return out


@dataclass(frozen=True)
class Shape:
    """A DGA family whose names all have one precise shape.

    ``regex`` is matched against the whole lower-cased query name, both here
    (Python ``re``, to measure false positives on the benign list) and in
    the rule (PCRE); the syntax used is common to both.
    """

    sid: int
    family: str
    """As in ``data/dga/<family>.txt``."""
    label: str
    """Family name as written in messages and ``malware_family``."""
    regex: str
    anchor: str
    """A literal every name ends with, used as the fast pattern."""
    size: tuple[int, int]
    """Shortest and longest name the regex matches: ``bsize`` is tested
    before the content and the PCRE."""
    prefix: str = ""
    """A literal every name starts with; when set it is the fast pattern
    (``startswith``) instead of ``anchor``, because the anchor is too common
    (``.com`` would run the rule for half of all queries)."""
    rev: int = 1
    updated: str = UPDATED


MIRAI_GUARD = (r"^(?:(?=(?:[^aeiou.]*[aeiou]){0,3}[^aeiou.]*\.)"
               r"|(?=[a-z]*[^aeiouy.]{4})|(?=[a-z]*[jqxz]))")
"""Mirai's labels are 12 letters drawn uniformly from a-z; so are many
compound-word sites on its TLDs (``bitcoincloud.online``,
``meredithaero.online``, ``sayegemmules.online``, ``filmsegodnya.online``
in the benign list).  The shape therefore also asks for one sign of
randomness in the label: at most 3 vowels (a, e, i, o, u), or a run of 4
letters that are neither vowels nor y, or one of j, q, x, z.  95.5 % of
Mirai's labels show one, none of those four sites does, and a third of all
12-letter labels in the benign list do, against all of them before (rev 2 of
9071006; ``python -m dnsguard.suricata.shapes``).  Until 4 Dec 2026 a y
broke no run, and ``futurehybrid.tech`` (``hybr``), a popular site in
Umbrella's list of 2025, matched (96.4 % of Mirai's labels then)."""


SHAPES: tuple[Shape, ...] = (
    Shape(9_071_001, "bamital", "Bamital", r"^[0-9a-f]{32}\.org$", ".org", (36, 36)),
    Shape(9_071_002, "banjori", "Banjori", r"^[a-z]{4}estnessbiophysicalohax\.com$",
          "estnessbiophysicalohax.com", (30, 30)),
    Shape(9_071_003, "bumblebee", "Bumblebee", r"^(?=[a-z]*[0-9])[a-z0-9]{11}\.life$", ".life", (16, 16)),
    Shape(9_071_004, "ccleaner", "CCleaner_Floxif", r"^ab[0-9a-f]{9,11}\.com$", ".com", (15, 17),
          prefix="ab", rev=2),
    Shape(9_071_005, "dyre", "Dyre", r"^[a-z][0-9a-f]{33}\.(?:cc|cn|hk|in|so|tk|to|ws)$", ".", (37, 37),
          rev=2),
    Shape(9_071_006, "mirai", "Mirai", MIRAI_GUARD + r"[a-z]{12}\.online$", ".online", (19, 19),
          rev=4, updated=OFFICE_TUNING),
    Shape(9_071_011, "mirai", "Mirai", MIRAI_GUARD + r"[a-z]{12}\.support$", ".support", (20, 20),
          rev=3, updated=OFFICE_TUNING),
    Shape(9_071_012, "mirai", "Mirai", MIRAI_GUARD + r"[a-z]{12}\.tech$", ".tech", (17, 17),
          rev=3, updated=OFFICE_TUNING),
    Shape(9_071_007, "ramdo", "Ramdo", r"^[acegikmoqsuwy]{16}\.org$", ".org", (20, 20)),
    Shape(9_071_009, "tofsee", "Tofsee", r"^([a-z]{7})\1[a-z]\.biz$", ".biz", (19, 19)),
    Shape(9_071_010, "verblecon", "Verblecon", r"^[0-9a-f]{32}\.tk$", ".tk", (35, 35)),
)
"""Shipped shapes: each one's false-positive rate on data/benign is at most
0.003 % (see ``dnsguard.suricata.shapes``).  FluBot (15 letters on
.com/.ru/.cn/.su) was measured at 1.8 % and is *not* shipped as a shape;
nor is Symmi (letters on ddns.net: no false positive in the benign list, but
that list cannot represent the many personal No-IP host names of that shape).
SID 9071008 stays retired.  Mirai is one rule per TLD (9071006 .online,
9071011 .support, 9071012 .tech) so that each has a fast pattern; a rule
without one (Dyre) is evaluated for every query, and is therefore behind the
long-name gate (``LONG_NAME_FLOWBIT``)."""


LONG_NAME_MIN = 35
"""Names at least this long set ``LONG_NAME_FLOWBIT`` (one ``bsize`` test per
query).  The tunnelling rules and the shape rules with no fast pattern
check the flowbit first, so for the short names that make up most traffic
they stop there instead of each fetching the buffer."""

LONG_NAME_FLOWBIT = "dnsguard.longname"
LONG_NAME_GATE_SID = 9_072_009


def _long_gate() -> str:
    return f"flowbits:isset,{LONG_NAME_FLOWBIT}; "


def shape_rules() -> list[Rule]:
    out = []
    for shape in SHAPES:
        anchor = f'content:"{shape.anchor}"; endswith; ' if shape.anchor != "." else ""
        if shape.prefix:
            anchor = f'content:"{shape.prefix}"; startswith; fast_pattern; {anchor}'
        lo, hi = shape.size
        size = f"bsize:{lo}; " if lo == hi else f"bsize:{lo - 1}<>{hi + 1}; "
        gate = _long_gate() if not anchor and lo >= LONG_NAME_MIN else ""
        out.append(Rule(
            sid=shape.sid,
            msg=f"DNSGUARD DGA {shape.label} Domain Shape Query",
            body=(f"{gate}dns.query; to_lowercase; {size}{anchor}pcre:\"/{shape.regex}/\"; "
                  "threshold:type limit, track by_src, count 1, seconds 300;"),
            classtype="trojan-activity",
            metadata=_meta(severity="Major", confidence="Medium", technique="T1568.002",
                           family=shape.label, updated=shape.updated),
            family=shape.label,
            rev=shape.rev,
        ))
    return out


# Raw-header tests for Suricata 7.0, which has neither dns.rcode nor dns.rrtype.
# Offsets are into the UDP payload: flags at 2-3 (QR 0x80 and RD 0x01 in byte 2,
# RCODE in the low nibble of byte 3).  RD set means a stub client asked for
# recursion; a resolver's own iterative queries to authoritative servers (and
# their answers, which copy the bit) have RD clear, so they never count.
_RESPONSE_RD = "byte_test:1,&,0x80,2; byte_test:1,&,0x01,2;"
_RD = "byte_test:1,&,0x01,2;"
"""RD alone, for the 8.0 rules: dns.rcode / dns.rrtype and the direction say the
rest, but 8.0 has no keyword for the header flags, so the RD bit is still read
from the UDP payload (hence ``alert udp``: in DNS over TCP the header starts two
bytes later).  Without it a resolver's own iterative traffic counted (seen on
8.0.8: 9072002 and 9072021 fired on it)."""
_QUERY_RD = "byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2;"
_QTYPE_AFTER_QNAME = (r'content:"|00 00 {hexcode} 00 01|"; '
                      r'pcre:"/^[\s\S]{{12}}[^\x00]{{1,254}}\x00\x00{code}\x00\x01/";')
"""The content (end of name, QTYPE, class IN) is the fast pattern, so the
PCRE that pins it right after the first name only runs on likely matches."""

# NXDOMAIN rules look at the question of the response (it starts at offset 12
# of the UDP payload, never compressed) to count only A lookups, the type DGA
# bots resolve; a Windows or Kubernetes host asks A and AAAA for every
# search-suffix candidate, and PTR sweeps, SPF/DMARC TXT and SRV probes fail
# all the time on healthy networks.  Neither rule has a content: a fast
# pattern matching the question's type (``|00 00 01 00 01|``) is in nearly
# every A answer, so it would add a payload MPM scan of every DNS response and
# still run the rules on most (measured with callgrind: 1,800 more
# instructions per query for the pair than without).  The header tests come
# first and fail on the first byte that differs for everything but an NXDOMAIN.
_NX_BURST_QUESTION = (
    r'pcre:"/^[\s\S]{12}'
    r'(?!(?:\x01[0-9]|\x02[0-9]{2}|\x03[0-9]{3}){4})'
    r'(?![^\x00]*\x04arpa\x00)'
    r'[^\x00]{1,254}\x00\x00\x01\x00\x01/i";'
)
"""The generic burst counts A lookups except two kinds that fail all day on
healthy networks: names starting with four numeric labels (DNSBL lookups of
reversed octets under zen.spamhaus.org, bl.spamcop.net...: NXDOMAIN means
"not listed", a mail server makes hundreds an hour, whatever the list's
zone) and names ending in ``.arpa`` (PTR sweeps in in-addr.arpa and
ip6.arpa, ``_dns.resolver.arpa``)."""

NX_REGISTERED_QUESTION = (
    r"^[\s\S]{12}[\x01-\x3f][a-z0-9-]{1,63}"
    r"(?:\x03(?:com|net|org|edu|gov)|\x02(?:co|ac|or|ne|go))?"
    r"[\x02-\x18][a-z][a-z0-9-]{1,23}\x00\x00\x01\x00\x01"
)
"""The question of a response, in wire format: an A lookup of a name of two
labels (``label.tld``), or three under a common second-level domain
(``label.com.sv``, ``label.co.uk``): a whole registered domain that does not
exist.  DGA bots ask for exactly that; benign NXDOMAINs are overwhelmingly
deeper names (search-suffix candidates ``x.corp.example.com``, DNSBL and PTR
names, ``wpad.<domain>``, Chrome's probes under the AD domain) or single
labels (Chrome's probes off-domain).  Label bytes ([a-z0-9-]) and the length
bytes of labels up to 24 characters (\x02-\x18) are disjoint, so the name is
read label by label.  Matched case-insensitively (0x20 randomisation)."""

NX_REGISTERED_SIDS = (9_072_003, 9_072_004, 9_073_003)
"""7.x, 8.0 (the 8.0 twin skips names below popular domains: :func:`not_popular`), and
7.x with the optional Lua script that skips them too (:data:`NX_LUA_SCRIPT`)."""
NX_REGISTERED_COUNT = 8
NX_REGISTERED_SECONDS = 300
"""Measured on the office capture (tools/office, default seed and seeds 1, 2,
3): benign hosts get at most 3 such NXDOMAINs in any 300 s (typos, ``.corp``
intranet names); the five DGA hosts at their real rates at least 12 (Ramnit,
one name every ~30 s) and up to 22 (QSnatch's rounds).  Suricata's threshold
window is fixed from its first event, not sliding, so the count sits well
below the slowest bot's."""
NX_BURST_SIDS = (9_072_001, 9_072_002, 9_073_002)
"""The same three variants as :data:`NX_REGISTERED_SIDS`."""
NX_LUA_SCRIPT = "dnsguard-nxdomain.lua"
"""Suricata 7's popular-name test for the Lua twins (9073002, 9073003): the
question's last two and three labels against the popular list, generated into
the script by tools/popular/build_popular.py."""
NX_BURST_COUNT = 30
NX_BURST_SECONDS = 60
NX_BURST_MSG = "DNSGUARD DGA Generic NXDOMAIN Burst To Client"
NX_REGISTERED_MSG = "DNSGUARD DGA Generic Repeated NXDOMAIN For Registered Domain Names To Client"
_NX_REGISTERED_PCRE = f'pcre:"/{NX_REGISTERED_QUESTION}/i";'


def nxdomain_thresholds() -> dict[int, tuple[int, int]]:
    """SID -> (answers, seconds) of the NXDOMAIN rules: what ``analyze`` and
    ``serve`` check a Suricata NXDOMAIN alert against when they have the host's
    DNS records (:mod:`dnsguard.detect.nxalerts`)."""
    return {**{sid: (NX_BURST_COUNT, NX_BURST_SECONDS) for sid in NX_BURST_SIDS},
            **{sid: (NX_REGISTERED_COUNT, NX_REGISTERED_SECONDS) for sid in NX_REGISTERED_SIDS}}


POPULAR_DATASET = "dnsguard-popular"
POPULAR_LABELS = (2, 3)
"""The popular registered domains of two and three labels
(``dnsguard.feeds.allowlist.shipped_allowlist``, the list Zeek and
``analyze`` use; ``doubleclick.net``, ``bbc.co.uk``) in one set,
``datasets/dnsguard-popular.lst``, written by ``tools/popular/build_popular.py``.
The question's last two and last three labels are each looked up there.
The six listed names of four labels are not in it.

One set, not one per depth: suricata-update (1.3) copies and renames the
file of a rule's *last* ``dataset`` keyword only, and rewrites every
``load`` of that same file name in the rule; a second file in the same
rule would keep a path that does not exist on the sensor.  A set Suricata
meets first without ``load`` is created empty and refuses a later
``load`` (8.0.8), so both lookups declare it in full."""
POPULAR_SIZING = "memcap 64mb,hashsize 65536"
"""158,695 names; 65,536 buckets is 8.0's default per-set limit."""
POPULAR_SINCE = "2026_12_05"
POPULAR_LUA_SINCE = "2026_12_05"
"""When the Lua twins of the 7.x NXDOMAIN rules (9073002, 9073003) were added."""


def popular_capture(labels: int) -> str:
    """A pcrexform pattern giving the last ``labels`` labels of a name of at
    least that many.  A shorter name does not match, so pcrexform leaves it
    whole, and the whole name is in the set only when it is listed itself
    (unlike :func:`parent_capture`, whose empty capture must miss: these
    lookups look for a miss, ``isnotset``)."""
    tail = r"\.".join([r"[^.]+"] * labels)
    return rf"^(?:[^.]+\.)*?({tail})$"


def not_popular() -> str:
    """Suricata 8.0 only: the question of an answer is not below a popular
    registered domain.

    Behind a resolver that blocks ads with NXDOMAIN (an RPZ, Pi-hole or
    AdGuard Home in NXDOMAIN mode) every browser collects NXDOMAINs for
    names under domains that exist (``securepubads.g.doubleclick.net``):
    9 of 31 benign browsing hosts raised the NXDOMAIN rules in
    ``bench/blocking_resolver.py``.  Zeek and ``analyze`` skip those names
    (``zeek-scripts/popular.zeek``); Suricata 8 reads the question on the
    answer itself (``dns.queries.rrname`` with ``flow:to_client``), so the
    NXDOMAIN rules look its last two and three labels up there, after the
    header tests, that is only for NXDOMAIN answers.  Suricata 7 has no
    question buffer on answers; a gate on every query cost 50-87 % more
    detection work per query and was not shipped (docs/detections.md)."""
    return " ".join(
        f'dns.queries.rrname; to_lowercase; pcrexform:"{popular_capture(n)}"; '
        f"dataset:isnotset,{POPULAR_DATASET},type string,load datasets/{POPULAR_DATASET}.lst,{POPULAR_SIZING};"
        for n in POPULAR_LABELS)


def _nx_threshold(count: int, seconds: int) -> str:
    return f"threshold:type both, track by_dst, count {count}, seconds {seconds};"


def nxdomain_v7(sid: int, rev: int, msg: str, question: str, count: int, seconds: int,
                metadata: tuple[tuple[str, str], ...], *, lua: bool = False) -> Rule:
    """An NXDOMAIN rule for 7.x, which reads the response flags, RD and RCODE
    from the payload; with ``lua``, the Lua twin that also skips names below
    popular domains (:data:`NX_LUA_SCRIPT`, after the cheap tests)."""
    popular = f"lua:{NX_LUA_SCRIPT}; " if lua else ""
    return Rule(sid=sid, rev=rev, msg=msg, header="alert udp any 53 -> $HOME_NET any",
                body=(f"requires: version < 8; {_RESPONSE_RD} byte_test:1,=,3,3,bitmask 0x0f; {question} "
                      f"{popular}{_nx_threshold(count, seconds)}"),
                classtype="bad-unknown", metadata=metadata,
                tags=frozenset({"v7", "threshold", *(("lua",) if lua else ())}))


def nxdomain_pair(sids: tuple[int, ...], revs: tuple[int, int], msg: str, question: str, count: int,
                  seconds: int, metadata: tuple[tuple[tuple[str, str], ...], ...]) -> list[Rule]:
    """An NXDOMAIN rule as its 7.x and 8.0 variants, counting ``count`` answers
    whose ``question`` (a PCRE over the UDP payload) matches within ``seconds``
    per client.  8.0 has ``dns.rcode`` and the direction, reads RD from the
    payload (no keyword for it) and skips names below popular domains
    (:func:`not_popular`).  The 7.x Lua twin: :func:`lua_rules`."""
    return [
        nxdomain_v7(sids[0], revs[0], msg, question, count, seconds, metadata[0]),
        Rule(sid=sids[1], rev=revs[1], msg=msg, header="alert udp any any -> $HOME_NET any",
             body=(f"requires: version >= 8; flow:to_client; dns.rcode:3; {_RD} {question} {not_popular()} "
                   f"{_nx_threshold(count, seconds)}"),
             classtype="bad-unknown", metadata=metadata[1], tags=frozenset({"v8", "threshold"})),
    ]


# Services that legitimately put long hashes or encoded data in query labels
# (anti-virus cloud lookups).  Kept short on purpose: extend locally.
_TUNNEL_ALLOW = (".sophosxl.net", ".avqs.mcafee.com", ".avts.mcafee.com", ".e5.sk", ".arpa")


def _allow() -> str:
    return "".join(f'content:!"{suffix}"; endswith; ' for suffix in _TUNNEL_ALLOW)


def behaviour_rules() -> list[Rule]:
    tunnel = _meta(severity="Major", confidence="Medium", technique="T1071.004",
                   target="Client_Endpoint")
    exfil = _meta(severity="Major", confidence="Low", technique="T1048.003", tactic="TA0010")
    nx_tuned = _meta(severity="Minor", confidence="Low", technique="T1568.002",
                     updated=OFFICE_TUNING)
    tunnel_tuned = _meta(severity="Major", confidence="Medium", technique="T1071.004",
                         target="Client_Endpoint", updated=OFFICE_TUNING)
    return [
        *nxdomain_pair(
            NX_BURST_SIDS, (3, 5), NX_BURST_MSG,
            _NX_BURST_QUESTION, NX_BURST_COUNT, NX_BURST_SECONDS,
            (nx_tuned, _meta(severity="Minor", confidence="Low", technique="T1568.002", updated=POPULAR_SINCE)),
        ),
        *nxdomain_pair(
            NX_REGISTERED_SIDS, (3, 1), NX_REGISTERED_MSG, _NX_REGISTERED_PCRE, NX_REGISTERED_COUNT,
            NX_REGISTERED_SECONDS,
            (_meta(severity="Major", confidence="Medium", technique="T1568.002",
                   created=OFFICE_TUNING, updated=POPULAR_SINCE),
             _meta(severity="Major", confidence="Medium", technique="T1568.002",
                   created=POPULAR_SINCE, updated=POPULAR_SINCE)),
        ),
        Rule(
            sid=LONG_NAME_GATE_SID,
            msg="DNSGUARD TUNNEL DGA Long Query Name Gate (no alert)",
            body=(f"dns.query; bsize:>={LONG_NAME_MIN}; "
                  f"flowbits:set,{LONG_NAME_FLOWBIT}; flowbits:noalert;"),
            classtype="policy-violation",
            metadata=_meta(severity="Informational", confidence="High", technique="T1071.004"),
            tags=frozenset({"gate"}),
        ),
        Rule(
            sid=9_072_010,
            rev=3,
            msg="DNSGUARD TUNNEL Generic Long Encoded Label Queries",
            body=(_long_gate() + "dns.query; bsize:>55; " + _allow() +
                  r'pcre:"/(?:^|\.)[a-z0-9+=_-]{52,63}\.(?:[^.]+\.)*[^.]+\.[^.]+$/i"; '
                  "threshold:type both, track by_src, count 20, seconds 60;"),
            classtype="policy-violation", metadata=tunnel_tuned, tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_072_011,
            rev=3,
            msg="DNSGUARD TUNNEL Generic Hex Encoded Label Queries",
            body=(_long_gate() + "dns.query; bsize:>35; " + _allow() +
                  r'pcre:"/(?:^|\.)[0-9a-f]{32,63}\.(?:[^.]+\.)*[^.]+\.[^.]+$/i"; '
                  "threshold:type both, track by_src, count 20, seconds 60;"),
            classtype="policy-violation", metadata=tunnel_tuned, tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_072_012,
            rev=2,
            msg="DNSGUARD TUNNEL Generic Base32 Encoded Label Queries",
            body=(_long_gate() + "dns.query; bsize:>43; " + _allow() +
                  r'pcre:"/(?:^|\.)(?=[a-z]*[2-7])[a-z2-7]{40,63}\.(?:[^.]+\.)*[^.]+\.[^.]+$/i"; '
                  "threshold:type both, track by_src, count 10, seconds 60;"),
            classtype="policy-violation", metadata=tunnel, tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_072_013,
            rev=2,
            msg="DNSGUARD TUNNEL Generic Very Long Query Names",
            body=(_long_gate() + "dns.query; bsize:>180; " + _allow() +
                  "threshold:type both, track by_src, count 10, seconds 60;"),
            classtype="policy-violation", metadata=exfil, tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_072_020,
            msg="DNSGUARD TUNNEL Generic High TXT Query Volume From Client",
            header="alert udp $HOME_NET any -> any 53",
            body=("requires: version < 8; " + _QUERY_RD + " " +
                  _QTYPE_AFTER_QNAME.format(code=r"\x10", hexcode="10") + " "
                  "threshold:type both, track by_src, count 60, seconds 60;"),
            classtype="policy-violation", metadata=exfil, tags=frozenset({"v7", "threshold"}),
        ),
        Rule(
            sid=9_072_021,
            rev=2,
            msg="DNSGUARD TUNNEL Generic High TXT Query Volume From Client",
            header="alert udp $HOME_NET any -> any any",
            body=("requires: version >= 8; flow:to_server; dns.rrtype:16; " + _RD + " "
                  "threshold:type both, track by_src, count 60, seconds 60;"),
            classtype="policy-violation", metadata=exfil, tags=frozenset({"v8", "threshold"}),
        ),
        Rule(
            sid=9_072_030,
            msg="DNSGUARD TUNNEL Generic NULL Record Queries From Client",
            header="alert udp $HOME_NET any -> any 53",
            body=("requires: version < 8; " + _QUERY_RD + " " +
                  _QTYPE_AFTER_QNAME.format(code=r"\x0a", hexcode="0a") + " "
                  "threshold:type both, track by_src, count 3, seconds 60;"),
            classtype="policy-violation", metadata=tunnel, tags=frozenset({"v7", "threshold"}),
        ),
        Rule(
            sid=9_072_031,
            rev=2,
            msg="DNSGUARD TUNNEL Generic NULL Record Queries From Client",
            header="alert udp $HOME_NET any -> any any",
            body=("requires: version >= 8; flow:to_server; dns.rrtype:10; " + _RD + " "
                  "threshold:type both, track by_src, count 3, seconds 60;"),
            classtype="policy-violation", metadata=tunnel, tags=frozenset({"v8", "threshold"}),
        ),
    ]


TUNNEL_C2_DATE = "2026_12_04"
_UDP_QUERY = "alert udp $HOME_NET any -> any 53"


def _issue15_meta(**kw) -> tuple[tuple[str, str], ...]:
    return _meta(technique="T1071.004", created=TUNNEL_C2_DATE, updated=TUNNEL_C2_DATE, **kw)


def tunnel_c2_rules() -> list[Rule]:
    """DNS tunnels and DNS C2 (issue 15), SIDs 9,074,xxx: label encodings,
    tool structures (dnscat2, iodine, RogueRobin, Symbiote), query types,
    beacon retries.  Thresholds: python/dnsguard/data/detections.yaml
    (``suricata:`` entries), checked by tests/suricata/test_rule_definitions.py;
    measured on tests/data/domainator (suricata-rules/README.md).  Every
    rule loads on 7.0 and 8.0 alike (dns.query or the UDP payload)."""
    return [
        Rule(
            sid=9_074_001,
            msg='DNSGUARD TUNNEL Generic Non Hostname Byte Encoded Label Queries (base64, base128)',
            body=r'flowbits:isset,dnsguard.longname; dns.query; content:!".sophosxl.net"; endswith; content:!".avqs.mcafee.com"; endswith; content:!".avts.mcafee.com"; endswith; content:!".e5.sk"; endswith; content:!".arpa"; endswith; pcre:"/[^a-z0-9._-]/i"; threshold:type both, track by_src, count 3, seconds 300;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_002,
            msg='DNSGUARD TUNNEL Generic Short Hex Encoded Label Queries',
            body=r'flowbits:isset,dnsguard.longname; dns.query; content:!".sophosxl.net"; endswith; content:!".avqs.mcafee.com"; endswith; content:!".avts.mcafee.com"; endswith; content:!".e5.sk"; endswith; content:!".arpa"; endswith; pcre:"/(?:^|\.)(?=[0-9a-f]{0,30}[0-9])(?=[0-9a-f]{0,30}[a-f])[0-9a-f]{16,31}\.(?:[^.]+\.)*[^.]+\.[^.]+$/i"; threshold:type both, track by_src, count 10, seconds 300;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_003,
            msg='DNSGUARD TUNNEL Generic Base36 Encoded Label Below Registered Domain',
            body=r'flowbits:isset,dnsguard.longname; dns.query; pcre:"/^(?=(?:[a-z]*[0-9]){3})(?=[0-9a-f]*[g-z])[a-z0-9]{20,51}\.[a-z0-9-]+\.[a-z]+$/i"; threshold:type both, track by_src, count 5, seconds 600;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_010,
            msg='DNSGUARD TUNNEL dnscat2 Packet Header Hex Label TXT Queries',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 10 00 01|"; byte_test:1,>,17,12; byte_test:1,<,64,12; pcre:"/^[\s\S]{12}[\x12-\x3f][0-9a-f]{4}(?:0[0-3]|ff)[0-9a-f]{12}[^\x00]*\x00\x00\x10\x00\x01/i"; threshold:type both, track by_src, count 5, seconds 300;',
            classtype='trojan-activity',
            family='dnscat2',
            metadata=_issue15_meta(severity='Major', confidence='High', family='dnscat2'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_016,
            msg='DNSGUARD TUNNEL dnscat2 Packet Header Hex Label CNAME Queries',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 05 00 01|"; byte_test:1,>,17,12; byte_test:1,<,64,12; pcre:"/^[\s\S]{12}[\x12-\x3f][0-9a-f]{4}(?:0[0-3]|ff)[0-9a-f]{12}[^\x00]*\x00\x00\x05\x00\x01/i"; threshold:type both, track by_src, count 5, seconds 300;',
            classtype='trojan-activity',
            family='dnscat2',
            metadata=_issue15_meta(severity='Major', confidence='High', family='dnscat2'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_017,
            msg='DNSGUARD TUNNEL dnscat2 Packet Header Hex Label MX Queries',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 0f 00 01|"; byte_test:1,>,17,12; byte_test:1,<,64,12; pcre:"/^[\s\S]{12}[\x12-\x3f][0-9a-f]{4}(?:0[0-3]|ff)[0-9a-f]{12}[^\x00]*\x00\x00\x0f\x00\x01/i"; threshold:type both, track by_src, count 5, seconds 300;',
            classtype='trojan-activity',
            family='dnscat2',
            metadata=_issue15_meta(severity='Major', confidence='High', family='dnscat2'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_011,
            msg='DNSGUARD TUNNEL iodine Private Query Type 65399',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 ff 77 00 01|"; pcre:"/^[\s\S]{12}[^\x00]{1,254}\x00\xff\x77\x00\x01/"; threshold:type limit, track by_src, count 1, seconds 600;',
            classtype='trojan-activity',
            family='iodine',
            metadata=_issue15_meta(severity='Major', confidence='High', family='iodine'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_012,
            msg='DNSGUARD TUNNEL iodine Downstream Case Check Query',
            body=r'dns.query; content:"aabbccddeeffgghhiijjkkllmmnnoopp"; nocase; fast_pattern; threshold:type limit, track by_src, count 1, seconds 600;',
            classtype='trojan-activity',
            family='iodine',
            metadata=_issue15_meta(severity='Major', confidence='High', family='iodine'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_013,
            msg='DNSGUARD C2 RogueRobin Nibble Letter Encoded Label Queries',
            body=r'flowbits:isset,dnsguard.longname; dns.query; pcre:"/[a-q]{24}/i"; threshold:type both, track by_src, count 3, seconds 300;',
            classtype='trojan-activity',
            family='RogueRobin',
            metadata=_issue15_meta(severity='Major', confidence='High', family='RogueRobin'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_014,
            msg='DNSGUARD C2 RogueRobin Numbered Chunk Label Queries',
            body=r'flowbits:isset,dnsguard.longname; dns.query; pcre:"/^[0-9]{2,4}-[0-9]{3,7}-[0-9]{1,6}-(?=[a-z0-9]{0,11}[a-z])[a-z0-9]{12,63}\./i"; threshold:type both, track by_src, count 3, seconds 300;',
            classtype='trojan-activity',
            family='RogueRobin',
            metadata=_issue15_meta(severity='Major', confidence='High', family='RogueRobin'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_015,
            msg='DNSGUARD C2 Symbiote Counter Id Hex Label Queries',
            body=r'flowbits:isset,dnsguard.longname; dns.query; pcre:"/^[0-9]{4,6}\.[0-9]{6,10}\.[0-9a-f]{16,63}\.x[0-9]{2,6}\./i"; threshold:type both, track by_src, count 3, seconds 300;',
            classtype='trojan-activity',
            family='Symbiote',
            metadata=_issue15_meta(severity='Major', confidence='High', family='Symbiote'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_020,
            msg='DNSGUARD TUNNEL Generic Private Use Query Type From Client',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 ff|"; fast_pattern; pcre:"/^[\s\S]{12}[^\x00]{1,254}\x00\xff(?!\x77)[\s\S]\x00\x01/"; threshold:type both, track by_src, count 2, seconds 600;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_021,
            msg='DNSGUARD TUNNEL Generic SRV Query For Non-Service Name (no alert)',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 21 00 01|"; pcre:"/^[\s\S]{12}[\x01-\x3f][^_][^\x00]*\x00\x00\x21\x00\x01/"; xbits:set,dnsguard.dq.srv,track ip_src,expire 600; noalert;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Informational', confidence='Medium'),
            tags=frozenset({"gate"}),
        ),
        Rule(
            sid=9_074_022,
            msg='DNSGUARD TUNNEL Generic SOA Query For Non-Service Name (no alert)',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 06 00 01|"; pcre:"/^[\s\S]{12}[\x01-\x3f][^_][^\x00]*\x00\x00\x06\x00\x01/"; xbits:set,dnsguard.dq.soa,track ip_src,expire 600; noalert;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Informational', confidence='Medium'),
            tags=frozenset({"gate"}),
        ),
        Rule(
            sid=9_074_023,
            msg='DNSGUARD TUNNEL Generic CNAME Query Type (no alert)',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 05 00 01|"; pcre:"/^[\s\S]{12}[\x01-\x3f][^_][^\x00]*\x00\x00\x05\x00\x01/"; xbits:set,dnsguard.dq.cname,track ip_src,expire 600; noalert;',
            classtype='policy-violation',
            metadata=_issue15_meta(severity='Informational', confidence='Medium'),
            tags=frozenset({"gate"}),
        ),
        Rule(
            sid=9_074_024,
            msg='DNSGUARD C2 Generic Query Type Rotation SRV SOA CNAME For Non-Service Names',
            header=_UDP_QUERY,
            body=r'byte_test:1,!&,0x80,2; byte_test:1,&,0x01,2; content:"|00 00 21 00 01|"; pcre:"/^[\s\S]{12}[\x01-\x3f][^_][^\x00]*\x00\x00\x21\x00\x01/"; xbits:isset,dnsguard.dq.soa,track ip_src; xbits:isset,dnsguard.dq.cname,track ip_src; threshold:type limit, track by_src, count 1, seconds 600;',
            classtype='trojan-activity',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
        Rule(
            sid=9_074_030,
            msg='DNSGUARD C2 Generic Random Label Query Count (no alert)',
            body=r'dns.query; bsize:<40; pcre:"/^(?=(?:[a-z]*[0-9]){2})(?=(?:[0-9]*[a-z]){2})[a-z0-9]{8,16}\.[a-z0-9-]+\.[a-z]{2,}$/i"; flowint:dnsguard.rq,+,1; noalert;',
            classtype='trojan-activity',
            metadata=_issue15_meta(severity='Informational', confidence='Medium'),
            tags=frozenset({"gate"}),
        ),
        Rule(
            sid=9_074_031,
            msg='DNSGUARD C2 Generic Unanswered Random Label Beacon Retries',
            body=r'flow:to_server; flowint:dnsguard.rq,>,1; dns.query; bsize:<40; pcre:"/^(?=(?:[a-z]*[0-9]){2})(?=(?:[0-9]*[a-z]){2})[a-z0-9]{8,16}\.[a-z0-9-]+\.[a-z]{2,}$/i"; threshold:type both, track by_src, count 16, seconds 3600;',
            classtype='trojan-activity',
            metadata=_issue15_meta(severity='Major', confidence='Medium'),
            tags=frozenset({"threshold"}),
        ),
    ]


def lua_rules() -> list[Rule]:
    return [Rule(
        sid=9_073_001,
        msg="DNSGUARD DGA Generic Multiple High Lexical DGA Score Queries",
        body='requires: version < 8; dns.query; lua:dnsguard-dga.lua; '
             "threshold:type limit, track by_src, count 1, seconds 300;",
        classtype="bad-unknown",
        metadata=_meta(severity="Minor", confidence="Low", technique="T1568.002",
                       updated=OFFICE_TUNING),
        rev=3,  # 3: three distinct scoring labels from one source within 300 s (the script)
    )]


LUA_TWINS = {NX_BURST_SIDS[0]: NX_BURST_SIDS[2], NX_REGISTERED_SIDS[0]: NX_REGISTERED_SIDS[2]}
"""7.x NXDOMAIN rule -> its Lua twin: a sensor that loads the twins disables the rules they replace."""


def lua_nxdomain_rules() -> list[Rule]:
    """The Lua twins of the 7.x NXDOMAIN rules (Suricata 7 only): the same
    tests, then :data:`NX_LUA_SCRIPT`, so that names below popular domains do
    not count, as in 8.0's rules.  The same alerts less those names, under
    their own SIDs (:data:`LUA_TWINS`)."""
    since = POPULAR_LUA_SINCE
    return [
        nxdomain_v7(NX_BURST_SIDS[2], 1, NX_BURST_MSG, _NX_BURST_QUESTION, NX_BURST_COUNT, NX_BURST_SECONDS,
                    _meta(severity="Minor", confidence="Low", technique="T1568.002", created=since, updated=since),
                    lua=True),
        nxdomain_v7(NX_REGISTERED_SIDS[2], 1, NX_REGISTERED_MSG, _NX_REGISTERED_PCRE, NX_REGISTERED_COUNT,
                    NX_REGISTERED_SECONDS,
                    _meta(severity="Major", confidence="Medium", technique="T1568.002", created=since, updated=since),
                    lua=True),
    ]


FILES = {
    "dnsguard.rules": (
        "Indicator lookups (feeds, forecasts, runtime verdicts), DGA family shapes, "
        "DNS behaviour (NXDOMAIN bursts, tunnelling).",
        lambda: gate_rules() + indicator_rules() + shape_rules() + behaviour_rules()
        + tunnel_c2_rules(),
    ),
    "dnsguard-lua.rules": (
        "Optional Lua lexical DGA score. Needs security.lua.allow-rules: true and "
        "dnsguard-dga.lua in default-rule-path; not loaded otherwise (see README.md).",
        lua_rules,
    ),
    "dnsguard-lua-nxdomain.rules": (
        "Optional, Suricata 7: the NXDOMAIN rules 9072001 and 9072003 with names below popular domains "
        "skipped (for sensors behind a resolver that blocks with NXDOMAIN); disable those two when loading "
        "these. Needs security.lua.allow-rules: true and dnsguard-nxdomain.lua in default-rule-path "
        "(see README.md).",
        lua_nxdomain_rules,
    ),
}


_ENABLED_RULE = re.compile(r"^[ \t]*(?:alert|drop|pass|reject)\b.*?\bsid:\s*(\d+)\s*;", re.MULTILINE)


def enabled_sids(rule_text: str) -> set[int]:
    """SIDs of the rules a rule file's text enables (commented-out lines are
    disabled, as suricata-update's disable.conf leaves them)."""
    return {int(sid) for sid in _ENABLED_RULE.findall(rule_text)}


def all_rules() -> list[Rule]:
    return [rule for _, make in FILES.values() for rule in make()]


def render_file(name: str) -> str:
    about, make = FILES[name]
    lines = [
        f"# dnsguard Suricata rules: {name}",
        f"# {about}",
        f"# SID block {SID_FIRST}-{SID_LAST} (see README.md). Generated by "
        "python -m dnsguard.suricata.rules; edit python/dnsguard/suricata/rules.py instead.",
        "",
    ]
    lines += [rule.render() for rule in make()]
    return "\n".join(lines) + "\n"


def write_all(directory: Path) -> list[Path]:
    written = []
    for name in FILES:
        path = directory / name
        path.write_text(render_file(name), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str]) -> int:
    from dnsguard.paths import suricata_rules_dir

    target = Path(argv[1]) if len(argv) > 1 else suricata_rules_dir()
    for path in write_all(target):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
