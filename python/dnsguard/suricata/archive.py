"""The content of ``dnsguard-rules.tar.gz``, the one archive sensors install.

Pure functions: which files go in, how a rule file is adapted for a
sensor, and what makes an archive unfit to install.  Writing it to disk
and publishing it are :mod:`dnsguard.suricata.package`'s job.

Why the archive looks the way it does (suricata-update 1.3, read in
``suricata/update/main.py``):

* suricata-update keeps every ``*.rules`` member and, for a rule with
  ``dataset:...,load <file>``, looks ``<file>`` up *relative to that rule
  file inside the archive*, copies it to ``<output>/datasets/<md5>`` and
  rewrites the rule to ``load datasets/<md5>``.  Suricata resolves that
  relative to the merged ``suricata.rules``, so the sets land where it
  looks.  A missing file only disables the rule (a warning), so the archive
  must carry every file a rule loads: :func:`check_members` insists.
* It does nothing for ``state``/``save`` files and installs no ``.lua``
  script.  A Lua rule in the merged set fails ``suricata -T`` wherever Lua
  rules are disabled (the default) and, where enabled, for want of its
  script: the archive carries no rule file with a ``lua`` keyword.
* ``state <file>`` opens ``<data-dir>/<file>`` at start and fails the rule
  (fatal under ``-T``) when the data directory is missing, which it is on a
  stock Debian 12 (``/var/lib/suricata/data``).  On a sensor the verdict set
  is therefore declared with ``save`` instead (:func:`sensor_rules`):
  nothing is read at start, ``dataset-dump`` and a clean shutdown still
  write the file where the directory exists, and ``dnsguard serve`` replays
  its journal's live verdicts whenever it (re)connects, so a restarted
  Suricata gets back exactly the verdicts that have not lapsed.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DATASET_SUFFIXES = (".lst", ".json")
"""Set files: one value a line (``.lst``), JSON lines for Suricata 8 (``.json``)."""

MIN_PACK_RULES = 10
"""An archive with fewer dnsguard rules than this is broken, not small."""

_LOAD = re.compile(r"dataset\s*:[^;]*?\bload\s+([^,;\s]+)")
_TYPE_AND_LOAD = re.compile(r"dataset\s*:[^;]*?\btype\s+(\w+)[^;]*?\bload\s+([^,;\s]+)")
_STATE = re.compile(r"(dataset\s*:[^;]*?),\s*state\s+([^,;\s]+)")
_FORMAT = re.compile(r"dataset\s*:[^;]*?\bformat\s+(\w+)")
_VALUE_KEY = re.compile(r"dataset\s*:[^;]*?\bvalue_key\s+([^,;\s]+)")
_LUA = re.compile(r";\s*lua(?:jit)?\s*:")
_BASE64_LINES = re.compile(rb"(?:[A-Za-z0-9+/]+={0,2}\n)*")
_OCTET = rb"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4_LINES = re.compile(rb"(?:" + _OCTET + rb"(?:\." + _OCTET + rb"){3}\n)*")


class ArchiveError(ValueError):
    """The archive cannot be built or must not be installed."""


@dataclass(frozen=True)
class LoadTarget:
    """A file a rule loads: its path as written after ``load`` and the set's type."""

    path: str
    kind: str
    format: str = "csv"
    """``csv`` (one value a line) or, on Suricata 8, ``json``/``ndjson``."""
    value_key: str = ""
    """For JSON sets: the member holding the value."""


def load_targets(rule_text: str) -> dict[str, LoadTarget]:
    """basename -> where the rules load it from (``datasets/x.lst``), its type and format."""
    targets = {}
    for line in rule_text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        fmt = _FORMAT.search(line)
        key = _VALUE_KEY.search(line)
        extra = (fmt.group(1), key.group(1) if key else "") if fmt else ("csv", "")
        for kind, path in _TYPE_AND_LOAD.findall(line):
            targets[Path(path).name] = LoadTarget(path, kind, *extra)
        for path in _LOAD.findall(line):
            targets.setdefault(Path(path).name, LoadTarget(path, "string", *extra))
    return targets


def has_lua(rule_text: str) -> bool:
    """Whether any enabled rule in the text needs a Lua script."""
    return any(_LUA.search(line) for line in rule_text.splitlines() if not line.lstrip().startswith("#"))


def sensor_rules(rule_text: str) -> str:
    """The pack's rules as a sensor installs them: ``state X`` becomes ``save X``
    (module docstring: a ``state`` set fails the rule when Suricata's data
    directory is missing).  Everything else is unchanged, byte for byte."""
    return "\n".join(line if line.lstrip().startswith("#") else _STATE.sub(r"\1,save \2", line)
                     for line in rule_text.split("\n"))


def rule_files(rules_dir: Path) -> list[Path]:
    """The pack's rule files a sensor gets: every top-level ``*.rules`` without Lua."""
    return [p for p in sorted(rules_dir.glob("*.rules")) if not has_lua(p.read_text("utf-8", "replace"))]


def with_shipped(rules_dir: Path, datasets: Mapping[str, bytes]) -> dict[str, bytes]:
    """``datasets`` plus the pack's own ``datasets/*.lst`` for any set they
    lack: a set nobody exports (a new rule's list, shipped in the pack) goes
    out as the pack has it instead of failing the archive."""
    shipped = {p.name: p.read_bytes() for p in sorted((rules_dir / "datasets").glob("*"))
               if p.suffix in DATASET_SUFFIXES}
    return {**shipped, **datasets}


def archive_members(rules_dir: Path, datasets: Mapping[str, bytes]) -> dict[str, bytes]:
    """Archive name -> content: ``rules/<file>.rules`` and every dataset file.

    Each dataset goes where the rules load it from (``rules/datasets/`` when
    no rule names it); a file a rule loads but ``datasets`` lacks is an
    error, because suricata-update would silently disable those rules.
    """
    members: dict[str, bytes] = {}
    placed: dict[str, str] = {}
    for path in rule_files(rules_dir):
        text = path.read_text("utf-8")
        members[f"rules/{path.name}"] = sensor_rules(text).encode("utf-8")
        for base, target in load_targets(text).items():
            if target.path.startswith("/") or ".." in Path(target.path).parts:
                raise ArchiveError(f"{path.name}: load {target.path}: must be a relative path inside the pack")
            placed.setdefault(base, f"rules/{target.path}")
    if not members:
        raise ArchiveError(f"no rule files without Lua in {rules_dir}")
    missing = sorted(set(placed) - set(datasets))
    if missing:
        raise ArchiveError(f"the rules load {', '.join(missing)} but no such dataset was given")
    for filename, content in sorted(datasets.items()):
        members[placed.get(filename, f"rules/datasets/{filename}")] = content
    return members


def check_json_lines(content: bytes, value_key: str) -> str | None:
    """Why a JSON-lines set (``format ndjson``) is unfit, or None.

    Suricata 8.0.8 skips a line that is not a JSON object, and refuses the
    whole file, fatally under ``-T`` (suricata-update's test step), when no
    line holds ``value_key``: so every line must be an object whose
    ``value_key`` is a string, and there must be one."""
    if not content:
        return f"no entry: Suricata 8 refuses a JSON set without one {value_key!r}"
    if not content.endswith(b"\n"):
        return "last line has no newline"
    for line_no, line in enumerate(content.split(b"\n")[:-1], 1):
        try:
            obj = json.loads(line)
        except ValueError:
            obj = None
        if not isinstance(obj, dict) or not isinstance(obj.get(value_key), str):
            return f"line {line_no} is not a JSON object with a string {value_key!r}: {line[:60]!r}"
    return None


def check_dataset(content: bytes, kind: str, target: LoadTarget | None = None) -> str | None:
    """Why Suricata would refuse this set file (it refuses the whole set on
    one bad line), or None.  ``string`` sets hold base64, one per line;
    JSON sets (``target.format``) are checked by :func:`check_json_lines`."""
    if target is not None and target.format in ("json", "ndjson"):
        if target.format == "json":
            return None  # one JSON document; the pack writes none
        return check_json_lines(content, target.value_key)
    if content and not content.endswith(b"\n"):
        return "last line has no newline"
    pattern = {"string": _BASE64_LINES, "ipv4": _IPV4_LINES}.get(kind)
    if pattern is None:
        return None
    match = pattern.match(content)
    if match.end() == len(content):
        return None
    line_no = content.count(b"\n", 0, match.end()) + 1
    bad = content[match.end():].split(b"\n", 1)[0][:60]
    return f"line {line_no} is not a valid {kind} entry: {bad!r}"


def check_members(members: Mapping[str, bytes], min_rules: int = MIN_PACK_RULES) -> list[str]:
    """Everything that makes these members unfit to install (empty: fit)."""
    problems = []
    rules = {name: content.decode("utf-8", "replace") for name, content in members.items()
             if name.endswith(".rules")}
    count = sum(1 for text in rules.values() for line in text.splitlines()
                if line.startswith(("alert ", "drop ", "pass ")) and 'msg:"DNSGUARD ' in line)
    if count < min_rules:
        problems.append(f"{count} dnsguard rules (at least {min_rules} expected)")
    for name, text in sorted(rules.items()):
        if has_lua(text):
            problems.append(f"{name}: has a Lua rule (suricata-update installs no scripts)")
        base = name.rsplit("/", 1)[0]
        for target in load_targets(text).values():
            member = f"{base}/{target.path}"
            if member not in members:
                problems.append(f"{name}: loads {target.path}, which the archive lacks")
                continue
            why = check_dataset(members[member], target.kind, target)
            if why:
                problems.append(f"{member}: {why}")
    return sorted(set(problems))


def count_lines(members: Mapping[str, bytes], basename: str) -> int:
    """Entries in the dataset file called ``basename`` (0 when absent)."""
    return sum(content.count(b"\n") for name, content in members.items() if name.endswith("/" + basename))


def pack_tarball(members: Mapping[str, bytes], mtime: int) -> bytes:
    """A reproducible ``.tar.gz``: sorted members, fixed times and owner, so
    the same content gives the same bytes and suricata-update's ``.md5``
    check skips an unchanged archive."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, content in sorted(members.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(content), mtime, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), compresslevel=1, mtime=mtime)


def unpack_tarball(blob: bytes) -> dict[str, bytes]:
    """The regular files of an archive; anything unreadable is an ArchiveError."""
    members = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(blob), mode="r:*") as tar:
            for info in tar:
                if info.isfile():
                    handle = tar.extractfile(info)
                    if handle is not None:
                        members[info.name.lstrip("/")] = handle.read()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"not a readable tar.gz: {exc}") from None
    return members
