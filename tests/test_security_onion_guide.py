"""docs/security-onion.md, run against Security Onion's directory layout.

The guide's commands marked ``<!-- test: NAME -->`` run here in bash, with
Security Onion's host paths moved under a temporary root and the programs a
grid has and this machine does not (sudo, docker, systemctl, useradd, dnf,
python3.11) replaced by recorders.  Between the manager's and the sensor's
steps, Salt's part is done the way Security Onion's states do it:
``salt/zeek/config.sls`` copies ``salt://zeek/policy`` to
``/opt/so/conf/zeek/policy`` through Jinja (``template: jinja``) and renders
``local.zeek`` from the ``zeek.config.local`` pillar with
``salt/zeek/files/local.zeek.jinja`` (one ``@load`` line per list entry,
sorted).  The tests then check what the steps leave behind: SO's
``intel.dat`` untouched, ``dnsguard.intel`` apart and well-formed, the
package loaded once and its scripts reaching the sensor unchanged, the
container and systemd paths consistent with deploy/.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from dnsguard.config import load_config
from dnsguard.feeds.indicators import Indicator
from dnsguard.feeds.store import IndicatorStore, write_store

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "security-onion.md"

# Security Onion facts the emulation uses (github.com/Security-Onion-Solutions/securityonion):
# header of SO's intel.dat (four columns; issue 18, SO's intel documentation)
SO_INTEL_HEADER = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.do_notice"
# salt/zeek/defaults.yaml: zeek.config.local['@load'] (a part; the UI list starts from it)
SO_DEFAULT_LOADS = ["misc/loaded-scripts", "tuning/defaults", "frameworks/files/hash-all-files",
                    "intel", "securityonion/communityid", "securityonion/file-extraction"]
# salt/zeek/enabled.sls: so-zeek binds (host -> container)
SO_ZEEK_BINDS = {"/opt/so/conf/zeek/policy/custom": "/opt/zeek/share/zeek/policy/custom",
                 "/opt/so/conf/zeek/policy/intel": "/opt/zeek/share/zeek/policy/intel"}
MANAGER_POLICY = "opt/so/saltstack/local/salt/zeek/policy"
SENSOR_POLICY = "opt/so/conf/zeek/policy"
# host paths a grid has; everything else (container paths, /usr, /sbin) stays as written
HOST_PREFIXES = ("/opt/so/", "/opt/dnsguard/", "/etc/dnsguard", "/etc/systemd/", "/etc/cron.d/",
                 "/var/lib/dnsguard", "/var/log/dnsguard")
JINJA_OPEN = re.compile(r"\{[{%#]")

STUB = r"""#!/bin/bash
printf '%s\n' "$(basename "$0") $*" >> "$STUBLOG"
"""
STUBS = {
    "sudo": r"""#!/bin/bash
printf '%s\n' "sudo $*" >> "$STUBLOG"
if [ "$1" = "-u" ]; then shift 2; fi
exec "$@"
""",
    "install": r"""#!/bin/bash
printf '%s\n' "install $*" >> "$STUBLOG"
args=()
while [ $# -gt 0 ]; do
  case "$1" in -o|-g) shift 2 ;; *) args+=("$1"); shift ;; esac
done
exec /usr/bin/install "${args[@]}"
""",
    "python3.11": r"""#!/bin/bash
printf '%s\n' "python3.11 $*" >> "$STUBLOG"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  for tool in pip dnsguard; do
    printf '#!/bin/bash\nprintf "%%s\\n" "%s $*" >> "$STUBLOG"\n' "$3/bin/$tool" > "$3/bin/$tool"
    chmod +x "$3/bin/$tool"
  done
fi
""",
}
RECORDED = ("docker", "systemctl", "useradd", "dnf", "salt-call")


def guide_blocks() -> dict[str, str]:
    text = GUIDE.read_text()
    blocks = dict(re.findall(r"<!-- test: ([\w-]+) -->\s*```sh\n(.*?)```", text, re.S))
    assert blocks, "no test blocks in docs/security-onion.md"
    return blocks


def rooted(block: str, root: Path) -> str:
    """Move the grid's host paths under ``root``."""
    pattern = "|".join(re.escape(p) for p in HOST_PREFIXES)
    return re.sub(rf"(?<![\w./-])({pattern})", lambda m: f"{root}{m.group(1)}", block)


class Grid:
    """A temporary Security Onion layout, a work directory and the recorders."""

    def __init__(self, tmp: Path):
        self.root = tmp / "so"
        self.work = tmp / "work"
        self.bin = tmp / "bin"
        self.log = tmp / "stub.log"
        for d in (self.root, self.work, self.bin):
            d.mkdir(parents=True)
        self.log.write_text("")
        for name in RECORDED:
            self._stub(name, STUB)
        for name, body in STUBS.items():
            self._stub(name, body)

    def _stub(self, name: str, body: str) -> None:
        path = self.bin / name
        path.write_text(body)
        path.chmod(0o755)

    def path(self, host_path: str) -> Path:
        return self.root / host_path.lstrip("/")

    def run(self, name: str) -> str:
        block = guide_blocks()[name]
        script = "set -euo pipefail\n" + rooted(block, self.root)
        env = {**os.environ, "PATH": f"{self.bin}:{os.environ['PATH']}", "STUBLOG": str(self.log)}
        done = subprocess.run(["bash", "-c", script], cwd=self.work, env=env, capture_output=True,
                              text=True, timeout=120)
        assert done.returncode == 0, f"{name}: exit {done.returncode}\n{done.stderr}\n--- script\n{script}"
        return done.stdout

    def calls(self, program: str) -> list[list[str]]:
        root = str(self.root)
        out = []
        for line in self.log.read_text().splitlines():
            argv = shlex.split(line.replace(root, ""))
            if argv and Path(argv[0]).name == program:
                out.append(argv)
        return out


RAW_OPEN = re.compile(r"\{%-?\s*raw\s*-?%\}")
RAW_CLOSE = re.compile(r"\{%-?\s*endraw\s*-?%\}")
JINJA_CODE = ("import sys, jinja2; sys.stdout.write(jinja2.Environment("
              "undefined=jinja2.StrictUndefined).from_string(sys.stdin.read()).render())")


def _raw_only_render(text: str) -> str:
    """Jinja's reading of a file whose only tags are raw blocks; any other
    delimiter is an error here (Salt would try to render it)."""
    out, pos = [], 0
    while True:
        m = RAW_OPEN.search(text, pos)
        plain = text[pos:m.start() if m else len(text)]
        if JINJA_OPEN.search(plain):
            raise ValueError(f"Jinja delimiter outside a raw block: {JINJA_OPEN.search(plain).group()!r}")
        out.append(plain)
        if not m:
            break
        e = RAW_CLOSE.search(text, m.end())
        if not e:
            raise ValueError("raw block without endraw")
        out.append(text[m.end():e.start()])
        pos = e.end()
    rendered = "".join(out)
    return rendered[:-1] if rendered.endswith("\n") else rendered  # keep_trailing_newline=False


def _jinja_python() -> str | None:
    """A python3 with jinja2 (Salt's template engine), if this machine has one."""
    for candidate in (sys.executable, shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import jinja2"],
                                        capture_output=True).returncode == 0:
            return candidate
    return None


JINJA_PYTHON = _jinja_python()


def jinja_render(text: str) -> str:
    """Render as Salt's file.recurse with template: jinja does (Jinja2 defaults).
    With no jinja2 on the machine, the raw-block reading above stands in."""
    expected = None
    try:
        expected = _raw_only_render(text)
    except ValueError as exc:
        if JINJA_PYTHON is None:
            raise
        problem = exc
    if JINJA_PYTHON is None:
        return expected
    done = subprocess.run([JINJA_PYTHON, "-c", JINJA_CODE], input=text, capture_output=True, text=True)
    if done.returncode:
        raise ValueError(done.stderr.strip().splitlines()[-1])
    if expected is None:
        raise AssertionError(f"Jinja rendered a file the raw-block reading refuses ({problem})")
    assert done.stdout == expected, "the raw-block reading differs from Jinja's"
    return done.stdout


def salt_highstate(grid: Grid, ui_loads: list[str]) -> None:
    """What Security Onion's zeek states do with the manager's files (see module doc)."""
    src = grid.root / MANAGER_POLICY
    dst = grid.root / SENSOR_POLICY
    for f in sorted(p for p in src.rglob("*") if p.is_file()):
        out = dst / f.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(jinja_render(f.read_text()))
    loads = sorted(SO_DEFAULT_LOADS + ui_loads)
    lines = ["##! Local site policy."] + [f"@load {x}" for x in loads]
    local = grid.path("/opt/so/conf/zeek/local.zeek")
    local.write_text("\n".join(lines) + "\n")


def exported_intel(grid: Grid) -> Path:
    """out/zeek/dnsguard.intel from the real exporter over a small store."""
    state = grid.work / "state"
    store = IndicatorStore()
    store.merge([Indicator("bad-c2.example", "domain", family="emotet", threat="c2", confidence=90,
                           sources=("test",)),
                 Indicator("qsnatch-dga.example", "domain", family="qsnatch", threat="dga",
                           confidence=70, sources=("test",))], "test")
    state.mkdir()
    write_store(store, state / "indicators.msgpack")
    env = {**os.environ, "DNSGUARD_STATE_DIR": str(state)}
    env.pop("DNSGUARD_CONFIG", None)
    done = subprocess.run([sys.executable, "-m", "dnsguard", "feeds", "export", "--zeek", "out/zeek"],
                          cwd=grid.work, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return grid.work / "out" / "zeek" / "dnsguard.intel"


@pytest.fixture
def grid(tmp_path) -> Grid:
    g = Grid(tmp_path)
    for name in ("zeek-scripts", "deploy"):
        (g.work / name).symlink_to(REPO / name)
    intel = g.root / MANAGER_POLICY / "intel" / "intel.dat"
    intel.parent.mkdir(parents=True)
    intel.write_text(SO_INTEL_HEADER + "\nevil.example\tIntel::DOMAIN\tsite-list\tT\n")
    (g.root / MANAGER_POLICY / "custom").mkdir()
    for d in ("/opt/so/conf/zeek", "/etc/systemd/system", "/etc/cron.d"):
        g.path(d).mkdir(parents=True)
    return g


def parse_unit(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key, []).append(value)
    return out


def test_blocks_are_found():
    assert {"zeek-package", "zeek-site", "zeek-intel", "zeek-check", "suricata-socket-dir",
            "container-build", "container-run", "systemd-install"} <= set(guide_blocks())


def test_plain_copy_of_the_package_breaks_salts_jinja():
    """Why step 1 wraps the scripts: some hold `{%d}`, which Jinja reads as a tag."""
    breaking = [p.name for p in sorted((REPO / "zeek-scripts").glob("*.zeek"))
                if JINJA_OPEN.search(p.read_text())]
    # A package that no longer holds one still gets wrapped: a future {%d} must not break a grid.
    text = (REPO / "zeek-scripts" / breaking[0]).read_text() if breaking else 'print fmt("{%d}", 1);\n'
    with pytest.raises(ValueError):
        jinja_render(text)


def test_zeek_steps_on_the_grid(grid):
    intel_dat = grid.root / MANAGER_POLICY / "intel" / "intel.dat"
    before = intel_dat.read_bytes()
    export = exported_intel(grid)

    grid.run("zeek-package")
    grid.run("zeek-site")
    grid.run("zeek-intel")
    salt_highstate(grid, ["custom/dnsguard", "custom/dnsguard-site"])
    out = grid.run("zeek-check").splitlines()

    # local.zeek loads the package and the site script once each
    assert out[0] == "1" and out[1] == "1"
    # the scripts reach the sensor as they are in the repository
    sensor_pkg = grid.root / SENSOR_POLICY / "custom" / "dnsguard"
    for script in sorted((REPO / "zeek-scripts").iterdir()):
        got = (sensor_pkg / script.name).read_text()
        assert got.strip("\n") == script.read_text().strip("\n"), script.name
    for script in sensor_pkg.glob("*.zeek"):
        assert not RAW_OPEN.search(script.read_text()) and not RAW_CLOSE.search(script.read_text())
    assert not RAW_OPEN.search(out[2])
    assert (sensor_pkg / "__load__.zeek").exists()
    # SO's intel.dat untouched, dnsguard.intel apart and well-formed
    assert intel_dat.read_bytes() == before
    sensor_intel = grid.root / SENSOR_POLICY / "intel"
    assert (sensor_intel / "intel.dat").read_text().splitlines()[0] == SO_INTEL_HEADER
    assert set(out[3:]) == {"intel.dat", "dnsguard.intel"}
    lines = (sensor_intel / "dnsguard.intel").read_text().splitlines()
    assert lines == export.read_text().splitlines()
    header = lines[0].split("\t")
    assert header == ["#fields", "indicator", "indicator_type", "meta.source", "meta.desc", "meta.do_notice"]
    rows = [ln.split("\t") for ln in lines[1:] if ln and not ln.startswith("#")]
    assert {r[0] for r in rows} == {"bad-c2.example", "qsnatch-dga.example"}
    for row in rows:
        assert len(row) == len(header) - 1
        assert row[1] in {"Intel::DOMAIN", "Intel::ADDR", "Intel::URL"} and row[-1] in {"T", "F"}
        assert re.fullmatch(r"family=[^;]+;threat=[^;]+;confidence=\d+", row[3])


def test_site_script_points_at_the_container_path(grid):
    grid.run("zeek-site")
    site = (grid.root / MANAGER_POLICY / "custom" / "dnsguard-site" / "__load__.zeek").read_text()
    scripts = "\n".join(p.read_text() for p in (REPO / "zeek-scripts").glob("*.zeek"))
    for option in re.findall(r"redef DNSGuard::(\w+)", site):
        assert re.search(rf"\boption {option}\b", scripts), option
    paths = re.findall(r'"(/[^"]+)"', site)
    host_dir = next(h for h, c in SO_ZEEK_BINDS.items() if c.endswith("/intel"))
    assert paths == [SO_ZEEK_BINDS[host_dir] + "/dnsguard.intel"]
    assert "/dnsguard.intel" in guide_blocks()["zeek-intel"]
    assert not JINJA_OPEN.search(site)


def test_intel_step_refuses_a_file_jinja_would_change(grid):
    out = grid.work / "out" / "zeek"
    out.mkdir(parents=True)
    (out / "dnsguard.intel").write_text("#fields\tindicator\n{{x}}.example\tIntel::DOMAIN\ts\td\tF\n")
    with pytest.raises(AssertionError, match="Jinja delimiter"):
        grid.run("zeek-intel")


def test_suricata_socket_dir_matches_the_bind_mount(grid):
    grid.run("suricata-socket-dir")
    (argv,) = [a for a in grid.calls("install") if "-d" in a]
    host_dir = argv[-1]
    assert grid.path(host_dir).is_dir()
    assert argv[argv.index("-o") + 1] == argv[argv.index("-g") + 1] == "940"
    assert f"{host_dir}:/var/run/suricata:rw" in GUIDE.read_text()


def test_container_path_on_the_sensor(grid):
    (grid.work / "dnsguard-image.tar.gz").write_bytes(b"")
    grid.run("container-build")
    grid.run("container-run")
    assert (grid.path("/etc/dnsguard/serve.yaml").read_text()
            == (REPO / "deploy" / "container" / "serve.yaml").read_text())
    assert "ABUSE_CH_AUTH_KEY=" in grid.path("/etc/dnsguard/dnsguard.env").read_text()
    for d in ("/var/lib/dnsguard", "/var/log/dnsguard"):
        assert grid.path(d).is_dir()
    run = [a for a in grid.calls("docker") if a[1] == "run"]
    assert len(run) == 1
    argv = run[0]
    mounts = {argv[i + 1].split(":")[1]: argv[i + 1].split(":")[0] for i, a in enumerate(argv) if a == "-v"}
    assert mounts["/etc/dnsguard"] == "/etc/dnsguard"
    assert mounts["/var/run/suricata"] == "/opt/so/run/suricata"
    config = yaml.safe_load(grid.path("/etc/dnsguard/serve.yaml").read_text())["serve"]
    assert Path(config["suricata"]["socket"]).parent == Path("/var/run/suricata")
    assert mounts[config["state_dir"]] == config["state_dir"]


def test_systemd_path_creates_what_the_unit_expects(grid):
    unit = parse_unit((REPO / "deploy" / "dnsguard.service").read_text())
    grid.run("systemd-install")

    (useradd,) = grid.calls("useradd")
    assert useradd[-1] == unit["User"][0] == unit["Group"][0]
    assert "--user-group" in useradd and "--system" in useradd
    assert useradd[useradd.index("--groups") + 1] == unit["SupplementaryGroups"][0]
    assert ["dnf", "install", "-y", "python3.11"] in grid.calls("dnf")

    exec_start = shlex.split(unit["ExecStart"][0])
    assert grid.path(exec_start[0]).exists(), "the venv the unit runs is not created"
    config_path = dict(e.split("=", 1) for e in unit["Environment"])["DNSGUARD_CONFIG"]
    as_on_the_host = grid.work / "serve.yaml"
    as_on_the_host.write_text(grid.path(config_path).read_text().replace(str(grid.root), ""))
    config = load_config(as_on_the_host)
    assert config["feeds"]["state_dir"] == config["serve"]["state_dir"]
    writable = {p.lstrip("-") for p in unit["ReadWritePaths"][0].split()}
    assert config["serve"]["state_dir"] in writable
    assert str(Path(config["serve"]["verdict_log"]).parent) in writable
    socket_dir = str(Path(config["serve"]["suricata"]["socket"]).parent)
    assert socket_dir == "/opt/so/run/suricata" and socket_dir in writable
    for d in (config["serve"]["state_dir"], str(Path(config["serve"]["verdict_log"]).parent)):
        assert grid.path(d).is_dir()
    assert (grid.path("/etc/systemd/system/dnsguard.service").read_text()
            == (REPO / "deploy" / "dnsguard.service").read_text())

    cron = grid.path("/etc/cron.d/dnsguard-feeds").read_text().replace(str(grid.root), "")
    update = next(ln for ln in cron.splitlines() if "feeds update" in ln)
    assert update.split()[5] == unit["User"][0]
    assert ". /etc/dnsguard/dnsguard.env" in update and exec_start[0] in update
    assert f"--config {config_path}" in update
    assert "ABUSE_CH_AUTH_KEY=" in grid.path("/etc/dnsguard/dnsguard.env").read_text()

    assert [exec_start[0], "--config", config_path, "serve", "--check"] in grid.calls("dnsguard")
    venv_bin = str(Path(exec_start[0]).parent)
    assert [f"{venv_bin}/pip", "install", "--no-index", "--find-links", "wheelhouse", "dnsguard"] in grid.calls("pip")
    assert ["systemctl", "enable", "--now", "dnsguard"] in grid.calls("systemctl")


def test_sigma_table_lists_every_rule():
    text = GUIDE.read_text()
    for path in sorted((REPO / "sigma").glob("dnsguard_*.yml")):
        rule = yaml.safe_load(path.read_text())
        note = rule["detection"]["selection"]["notice.note"]
        assert re.search(rf"\| `{path.name}` \| `{re.escape(note)}` \| {rule['level']} \|", text), path.name
    assert "notice.note" in text and "user.uid" in text


def test_rulecat_step_links_to_suricata_md():
    assert "suricata.md#security-onion-idstools-rulecat" in GUIDE.read_text()
    headings = re.findall(r"^#+ (.+)$", (REPO / "docs" / "suricata.md").read_text(), re.M)
    assert "Security Onion (idstools-rulecat)" in headings


def test_recorders_saw_no_salt_or_docker_on_the_manager_steps(grid):
    """The manager's steps only write files; Salt and the UI do the rest."""
    exported_intel(grid)
    for name in ("zeek-package", "zeek-site", "zeek-intel"):
        grid.run(name)
    assert not grid.calls("docker") and not grid.calls("salt-call") and not grid.calls("systemctl")
