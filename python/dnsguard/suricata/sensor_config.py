"""Does a sensor's suricata.yaml let the optional Lua rule see whole hosts?

The Lua host rule (sid 9073001) counts a source's scoring names in Lua
state, and Lua state is per detection thread.  Suricata balances packets
over threads by flow by default, and every DNS query has its own source
port, so on a sensor with several threads a host's names are spread over
all of them: on 8 threads the rule missed one DGA host in three for a whole
hour (docs/suricata.md).  Balanced by IP pair, a host's queries to its
resolver stay on one thread and the rule counts as on one thread.  This
module reads the configuration and says which case a sensor is in; the
pack's other rules count in Suricata's shared host table and do not care.

It also checks the Lua twins of the 7.x NXDOMAIN rules (sids 9073002 and
9073003, for sensors behind a resolver that blocks with NXDOMAIN): they
need ``allow-rules`` and their script, and replace 9072001 and 9072003,
which must then be disabled or every blocked name alerts twice as before.

Pure: :func:`check` takes the parsed YAML and the text of the rule files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from dnsguard.suricata.rules import LUA_TWINS, NX_LUA_SCRIPT, enabled_sids

LUA_SID = 9_073_001
LUA_SCRIPT = "dnsguard-dga.lua"
FLOW_CLUSTERS = frozenset({"cluster_flow", "cluster_cpu", "cluster_round_robin", "cluster_rollover",
                           "cluster_random"})
"""AF_PACKET fanout modes that put one host's DNS flows on different threads."""


@dataclass(frozen=True)
class Finding:
    level: str
    """``ok``, ``warn`` (the Lua rule will miss hosts or not load) or ``check`` (depends on the NIC)."""
    message: str


class ConfigError(ValueError):
    """The configuration cannot be read or is not a suricata.yaml."""


@dataclass(frozen=True)
class SensorFiles:
    config: dict[str, Any]
    rule_texts: dict[str, str | None]
    """Each configured rule file's text; None where it was not found."""
    lua_script: bool
    """Whether the rule's script is in ``default-rule-path``, where Suricata 7 looks for it."""
    nx_lua_script: bool = True
    """The same for the NXDOMAIN twins' script."""


def load(path: Path, rule_path: Path | None = None) -> SensorFiles:
    """Read a suricata.yaml and the rule files it names, relative to
    ``rule_path`` if given (a container's ``default-rule-path`` seen from the
    host), else to its ``default-rule-path``."""
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {str(exc).splitlines()[0]}") from exc
    if not isinstance(config, dict):
        raise ConfigError(f"{path} is not a suricata.yaml (no mapping at the top)")
    rule_dir = rule_path or Path(str(config.get("default-rule-path") or path.parent))
    names = config.get("rule-files") or []
    texts: dict[str, str | None] = {}
    for name in [names] if isinstance(names, str) else names if isinstance(names, list) else []:
        rule_path = Path(str(name)) if Path(str(name)).is_absolute() else rule_dir / str(name)
        try:
            texts[str(name)] = rule_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            texts[str(name)] = None
    return SensorFiles(config, texts, (rule_dir / LUA_SCRIPT).is_file(), (rule_dir / NX_LUA_SCRIPT).is_file())


def _on(value: Any) -> bool:
    return value is True or str(value).lower() in ("yes", "true", "on", "1")


def _lua_allowed(config: Mapping[str, Any]) -> bool:
    security = config.get("security") or {}
    lua = security.get("lua") if isinstance(security, Mapping) else None
    return isinstance(lua, Mapping) and _on(lua.get("allow-rules"))


def check_twins(config: Mapping[str, Any], rule_texts: Mapping[str, str | None],
                nx_lua_script: bool | None = None) -> list[Finding]:
    """The NXDOMAIN twins (9073002, 9073003): loadable, and not beside the rules they replace."""
    enabled = set().union(*(enabled_sids(text) for text in rule_texts.values() if text))
    twins = sorted(t for t in LUA_TWINS.values() if t in enabled)
    if not twins:
        return []
    out = [Finding("ok", f"the Lua NXDOMAIN twins ({', '.join(map(str, twins))}) are enabled (Suricata 7; "
                         "8.0 skips them)")]
    doubled = sorted(plain for plain, twin in LUA_TWINS.items() if twin in enabled and plain in enabled)
    if doubled:
        out.append(Finding("warn", f"{', '.join(map(str, doubled))} still enabled beside the Lua twins that replace "
                                   "them: names below popular domains still alert; disable them (disable.conf)"))
    if not _lua_allowed(config):
        out.append(Finding("warn", "security.lua.allow-rules is not on: Suricata 7 will not load the Lua twins"))
    if nx_lua_script is False:
        out.append(Finding("warn", f"{NX_LUA_SCRIPT} is not in default-rule-path: Suricata 7 will not load "
                                   "the Lua twins"))
    return out


def check(config: Mapping[str, Any], rule_texts: Mapping[str, str | None],
          lua_script: bool | None = None, nx_lua_script: bool | None = None) -> list[Finding]:
    """What the configuration means for the Lua rules, one finding per point
    (``lua_script``, ``nx_lua_script``: whether their scripts were found; None
    when not looked for)."""
    return _check_lexical(config, rule_texts, lua_script) + check_twins(config, rule_texts, nx_lua_script)


def _check_lexical(config: Mapping[str, Any], rule_texts: Mapping[str, str | None],
                   lua_script: bool | None) -> list[Finding]:
    loaded = [name for name, text in rule_texts.items() if text and LUA_SID in enabled_sids(text)]
    missing = [name for name, text in rule_texts.items() if text is None]
    out: list[Finding] = []
    if missing:
        out.append(Finding("check", f"rule file(s) not found, not searched for sid {LUA_SID}: {', '.join(missing)}"))
    if not loaded and missing and len(missing) == len(rule_texts):
        out.append(Finding("check", f"no rule file was found: cannot tell whether sid {LUA_SID} is enabled "
                                    "(--rule-path DIR, where the sensor's rule files are)"))
        return out
    if not loaded:
        out.append(Finding("ok", f"sid {LUA_SID} (the Lua host rule) is not enabled in the rule files: "
                                 "no rule of the pack depends on how packets are balanced"))
        return out
    out.append(Finding("ok", f"sid {LUA_SID} is enabled in {', '.join(loaded)} (Suricata 7; 8.0 skips it)"))
    if config.get("include"):
        out.append(Finding("check", "the file includes others (include:), which this check does not read: "
                                    "settings there are not seen"))
    if not _lua_allowed(config):
        out.append(Finding("warn", "security.lua.allow-rules is not on: Suricata 7 will not load the Lua rule"))
    if lua_script is False:
        out.append(Finding("warn", f"{LUA_SCRIPT} is not in default-rule-path: Suricata 7 will not load the Lua rule"))
    out += _balancing(config)
    return out


def _balancing(config: Mapping[str, Any]) -> list[Finding]:
    out: list[Finding] = []
    runmode = str(config.get("runmode") or "").lower()
    if runmode == "single":
        return [Finding("ok", "runmode single: one detection thread sees every query")]
    if runmode == "autofp":
        # Capture threads hand packets to the detection threads by this scheduler,
        # whatever the capture method balanced them by.
        scheduler = str(config.get("autofp-scheduler") or "hash").lower()
        if scheduler == "ippair":
            return [Finding("ok", "autofp-scheduler ippair: a host's queries stay on one thread")]
        return [Finding("warn", f"runmode autofp with autofp-scheduler {scheduler} balances by flow: set "
                                "autofp-scheduler: ippair, or the Lua rule misses hosts")]
    entries = [e for e in config.get("af-packet") or [] if isinstance(e, Mapping)]
    defaults = next((e for e in entries if e.get("interface") == "default"), {})
    for entry in entries:
        iface = entry.get("interface")
        if iface == "default":
            continue
        merged = {**defaults, **entry}
        threads = str(merged.get("threads", "auto")).lower()
        cluster = str(merged.get("cluster-type") or "cluster_flow").lower()
        if threads == "1":
            out.append(Finding("ok", f"af-packet {iface}: one thread"))
        elif cluster in FLOW_CLUSTERS:
            out.append(Finding("warn", f"af-packet {iface}: {threads} threads balanced by {cluster}: a host's "
                                       "queries fall on every thread and the Lua rule misses hosts; use "
                                       "cluster_ebpf with Suricata's lb.bpf, cluster_qm with RSS on "
                                       "addresses only, or threads: 1"))
        elif cluster == "cluster_qm":
            out.append(Finding("check", f"af-packet {iface}: cluster_qm follows the NIC's RSS hash: make it hash "
                                        f"UDP on addresses only (ethtool -N {iface} rx-flow-hash udp4 sd)"))
        elif cluster == "cluster_ebpf":
            lb = str(merged.get("ebpf-lb-file") or "")
            if Path(lb).name.startswith("lb"):
                out.append(Finding("ok", f"af-packet {iface}: cluster_ebpf with {lb} (IP-pair balancing)"))
            else:
                out.append(Finding("check", f"af-packet {iface}: cluster_ebpf with {lb or 'no ebpf-lb-file'}: "
                                            "make sure the program balances by IP pair"))
        else:
            out.append(Finding("check", f"af-packet {iface}: cluster-type {cluster} unknown to this check"))
    if not out:
        out.append(Finding("check", "no af-packet interface and no runmode: balancing depends on the capture "
                                    "method given on the command line"))
    return out
