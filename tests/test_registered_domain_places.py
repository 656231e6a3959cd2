"""Every place that works out a registered domain agrees with the shipped
Public Suffix List, or differs only as detections.yaml's
``registered_domain: approximations`` says (issue 15 item 1).

* zeek-scripts/public-suffixes.zeek is what tools/suffixes/build_zeek_suffixes.py
  writes from the PSL and detections.yaml;
* a real Zeek runs ``DNSGuard::registered_domain`` over a few thousand names
  (popular domains, the office capture's names, Domainator recordings'
  queries, names under sampled PSL rules, hand cases) and gives Python's
  answer (``dnsguard.names``) except under 3+-label suffixes, wildcard or
  exception rules and private suffixes Zeek does not list;
* the Suricata rule's second levels and the Lua rule's suffix table are
  PSL rules and are the ones detections.yaml lists.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path

import pytest
import yaml
from dnsguard.names import Name, default_suffix_list, normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "zeek"))

from zeek_support import run_zeek  # noqa: E402

_spec = importlib.util.spec_from_file_location("build_zeek_suffixes", ROOT / "tools/suffixes/build_zeek_suffixes.py")
builder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(builder)

GENERATED = ROOT / "zeek-scripts" / "public-suffixes.zeek"
DOMAINATOR = ROOT / "tests" / "data" / "domainator"
RECORDINGS = ("saitama_handshake-fakenet_240223.pcapng", "roguerobin-net_handshake-fakenet_240229.pcapng",
              "iodine_handshake-fakenet_240904.pcapng", "dnscat_handshake-fakenet_240731.pcapng")
HAND_CASES = (
    "foo.com.fj", "www.foo.com.fj", "a.b.co.uk", "co.uk.example.com", "x.myqnapcloud.com",
    "a.b.myqnapcloud.com", "qwrtzp.duckdns.org", "www.abc.com.sv", "x.y.ck", "a.www.ck",
    "foo.bar.kawasaki.jp", "a.city.kawasaki.jp", "a.b.pvt.k12.ma.us", "bucket.s3.amazonaws.com",
    "x.blogspot.com", "d1.cloudfront.net", "www.example.xn--12c1fe0br.xn--o3cw4h",
    "shop.xn--55qx5d.cn", "a.b.xn--0trq7p7nn.jp", "www.example.com", "example.com", "a.b.c.d.e.example.org",
    "x.gov.uk", "x.nic.in", "x.gob.mx", "dyn.no-ip.biz", "x.myds.me",
)


def definitions() -> dict:
    return yaml.safe_load(resources.files("dnsguard").joinpath("data/detections.yaml").read_text())


def section() -> dict:
    return definitions()["registered_domain"]


@cache
def psl_sections() -> tuple[frozenset[str], frozenset[str]]:
    icann, private = builder.sections(builder.PSL.read_text("utf-8"))
    return frozenset(icann), frozenset(private)


def zeek_table() -> set[str]:
    return set(re.findall(r'^\t\t"([^"]+)",$', GENERATED.read_text(), re.M))


# --------------------------------------------------------------------------- the generated table


def test_the_zeek_table_is_generated_from_the_psl():
    assert GENERATED.read_text() == builder.build(), "run: python tools/suffixes/build_zeek_suffixes.py"


def test_the_generated_file_says_it_is_generated_and_is_loaded_first():
    head = GENERATED.read_text().split("module DNSGuard;")[0]
    assert "GENERATED FILE" in head and "tools/suffixes/build_zeek_suffixes.py" in head
    loads = re.findall(r"^@load \./(\S+)", (ROOT / "zeek-scripts/__load__.zeek").read_text(), re.M)
    assert loads.index("public-suffixes") < loads.index("main")
    assert "option public_suffixes" not in (ROOT / "zeek-scripts/main.zeek").read_text()


def test_the_table_is_the_documented_selection():
    icann, private = psl_sections()
    listed = [s for group in section()["zeek_private_suffixes"].values() for s in group]
    assert len(listed) == len(set(listed))
    assert set(listed) <= private, sorted(set(listed) - private)
    table = zeek_table()
    # Two labels each: max_suffix_labels stays 2, every query keeps the fast path.
    assert {s.count(".") for s in table} == {1}
    assert all(s.isascii() and s == s.lower() for s in table)
    assert table == {r for r in icann if r.count(".") == 1 and r[0] not in "*!"} | set(listed)
    assert {"com.fj", "co.uk", "myqnapcloud.com"} <= table
    assert any(s.startswith("xn--") for s in table)


def test_a_drifted_table_is_noticed():
    text = builder.PSL.read_text("utf-8")
    d = definitions()
    changed = builder.render(text.replace("\ncom.fj\n", "\n"), d)
    assert changed != GENERATED.read_text()
    d["registered_domain"]["zeek_private_suffixes"]["nas_ddns"].append("example.com")
    with pytest.raises(ValueError):
        builder.render(text, d)


# --------------------------------------------------------------------------- Zeek against Python


def sample_names() -> list[str]:
    """Lower-case, valid host names with a registered domain (Python's view)."""
    out: list[str] = list(HAND_CASES)
    popular = (ROOT / "data/benign/top-registered-domains.txt").read_text().split()
    out += popular[::60]
    out += [f"www.{d}" for d in popular[30::120]]
    # Popular names whose last two labels are a PSL rule's tail (the
    # interesting cases), a bounded sample.
    tails = default_suffix_list().tails
    deep = [d for d in popular if d.count(".") >= 2 and d.split(".", 1)[1] in tails]
    out += deep[:: max(1, len(deep) // 800)]
    from dnsguard.testdata.office import build_office

    out += sorted({str(e.qname) for e in build_office(minutes=10).exchanges})
    # Names under every 4th rule of the PSL, both sections, wildcards and
    # exceptions included.
    icann, private = psl_sections()
    for i, rule in enumerate(sorted(icann | private)):
        if i % 4:
            continue
        if rule.startswith("*."):
            out += [f"x.y.{rule[2:]}", f"w.x.y.{rule[2:]}"]
        elif rule.startswith("!"):
            out += [f"a.{rule[1:]}", rule[1:]]
        else:
            out += [f"x.{rule}", f"w.x.{rule}"]
    names = []
    for raw in out:
        n = normalize(raw)
        if isinstance(n, Name) and n.registered:
            names.append(n.fqdn)
    return list(dict.fromkeys(names))


ZEEK_SCRIPT = """\
@load base/protocols/dns
@load {package}

global names: vector of string = vector({names});

event zeek_init()
	{{
	for ( i in names )
		print fmt("N|%s|%s", names[i], DNSGuard::registered_domain(names[i]));
	}}

event dns_request(c: connection, msg: dns_msg, query: string, qtype: count, qclass: count)
	{{
	print fmt("Q|%s|%s", query, DNSGuard::registered_domain(query));
	}}
"""


def zeek_answers(tmp_path: Path, names: list[str], pcap: str | None = None) -> dict[str, str]:
    script = tmp_path / "rd.zeek"
    script.write_text(ZEEK_SCRIPT.format(package=ROOT / "zeek-scripts",
                                         names=", ".join(f'"{n}"' for n in names)))
    args = ["-b", *(["-r", str(DOMAINATOR / pcap)] if pcap else []), str(script), "DNSGuard::scorer_link=F"]
    proc = run_zeek(args, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [line.split("|") for line in proc.stdout.splitlines() if line[:2] in ("N|", "Q|")]
    return {name: rd for _, name, rd in rows}


def difference_class(name: str, python_rd: str, table: set[str]) -> str:
    """Why Zeek may give another answer for *name* (detections.yaml,
    ``approximations: zeek``), or "unexplained"."""
    psl = default_suffix_list()
    suffix = python_rd.split(".", 1)[1]
    parent = suffix.split(".", 1)[1] if "." in suffix else ""
    if python_rd in psl.exceptions or (suffix not in psl.rules and parent in psl.wildcards):
        return "wildcard or exception rule"
    if suffix.count(".") >= 2:
        return "suffix of 3+ labels"
    if suffix.count(".") == 1 and suffix in psl_sections()[1] and suffix not in table:
        return "unlisted private suffix"
    return "unexplained"


def test_zeek_gives_the_psl_answer_but_for_the_documented_classes(tmp_path):
    names = sample_names()
    assert len(names) > 3000
    answers = zeek_answers(tmp_path, names)
    for rec in RECORDINGS:
        queried = zeek_answers(tmp_path, [], rec)
        assert queried, rec
        answers.update({n: rd for n, rd in queried.items() if n not in answers})
    table = zeek_table()
    classes: Counter[str] = Counter()
    unexplained = []
    compared = 0
    for name, zeek_rd in answers.items():
        n = normalize(name)
        if not (isinstance(n, Name) and n.registered) or n.fqdn != name:
            continue  # Python rejects it (or changes it): nothing to compare
        compared += 1
        if zeek_rd == n.registered:
            continue
        why = difference_class(name, n.registered, table)
        classes[why] += 1
        if why == "unexplained":
            unexplained.append((name, n.registered, zeek_rd))
    print(f"compared {compared} names; differences: {dict(classes)}")
    assert compared > 3000
    assert not unexplained, unexplained[:20]
    # The hand cases that motivated the generated table.
    for name, rd in {"foo.com.fj": "foo.com.fj", "a.b.co.uk": "b.co.uk", "x.myqnapcloud.com": "x.myqnapcloud.com",
                     "www.example.xn--12c1fe0br.xn--o3cw4h": "example.xn--12c1fe0br.xn--o3cw4h",
                     "shop.xn--55qx5d.cn": "shop.xn--55qx5d.cn"}.items():
        assert answers[name] == rd, name
    # Each documented class really occurs (the classes are not dead text).
    assert set(classes) == {"wildcard or exception rule", "suffix of 3+ labels", "unlisted private suffix"}


# --------------------------------------------------------------------------- Suricata and Lua


def test_suricata_second_levels_are_psl_second_levels():
    from dnsguard.suricata import rules

    icann, _ = psl_sections()
    pattern = rules.NX_REGISTERED_QUESTION
    assert f'pcre:"/{pattern}/i";' in (ROOT / "suricata-rules/dnsguard.rules").read_text()
    found = re.findall(r"\\x0(\d)\(\?:([a-z|]+)\)", pattern)
    levels = [s for length, alts in found for s in alts.split("|")]
    assert all(len(s) == int(length) for length, alts in found for s in alts.split("|"))
    assert levels == section()["suricata_second_levels"]
    firsts = Counter(r.split(".")[0] for r in icann if r.count(".") == 1 and r[0] not in "*!")
    assert all(firsts[s] >= 5 for s in levels), {s: firsts[s] for s in levels}
    # The listed-name rules take parents by label count, no suffix list, and
    # so do the 8.0 NXDOMAIN rules' popular-domain lookups.
    forms = set(re.findall(r'pcrexform:"([^"]*)"', (ROOT / "suricata-rules/dnsguard.rules").read_text()))
    assert forms == {rules.parent_capture(2), rules.parent_capture(3),
                     rules.popular_capture(2), rules.popular_capture(3)}


def test_lua_suffixes_are_psl_rules():
    from dnsguard.suricata import lexical

    icann, private = psl_sections()
    lua = re.findall(r'\["([a-z.]+)"\] = true', (ROOT / "suricata-rules/dnsguard-dga.lua").read_text())
    lua = [s for s in lua if "." in s]
    assert lua == section()["lua_suffixes"]
    assert set(lua) == set(lexical.TWO_LEVEL)
    assert set(lua) <= icann | private, sorted(set(lua) - icann - private)
    assert set(lua) <= zeek_table()
