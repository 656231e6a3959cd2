"""deploy/container/Containerfile agrees with the repository, the CLI, the
service configuration and the Security Onion guide.

No container runtime is available here, so the image is never built; these
checks read the Containerfile instead: what it copies exists, the wheel stage
copies everything a wheel build needs, the entrypoint parses with the real
CLI and reaches ``serve``, the user is not root, and the config, volumes,
ports and paths are the ones deploy/container/serve.yaml,
deploy/serve.example.yaml and docs/security-onion.md use.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml
from dnsguard.cli import build_parser
from dnsguard.config import load_config
from dnsguard.feeds.settings import STORE_FILE
from dnsguard.service import cli as serve_cli
from dnsguard.service.settings import ServeSettings

REPO = Path(__file__).resolve().parents[1]
CONTAINER = REPO / "deploy" / "container"
CONTAINERFILE = CONTAINER / "Containerfile"
GUIDE = REPO / "docs" / "security-onion.md"


def instructions(path: Path = CONTAINERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        word, _, rest = line.partition(" ")
        out.append((word.upper(), rest.strip()))
    assert not pending, "a continuation line ends the file"
    return out


def stages() -> list[dict]:
    """Each FROM starts a stage: {'from', 'name', 'items': [(instr, args)]}."""
    args = {}
    result: list[dict] = []
    for instr, rest in instructions():
        if instr == "ARG" and not result:
            name, _, default = rest.partition("=")
            args[name] = default
        elif instr == "FROM":
            m = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            image = re.sub(r"\$\{(\w+)\}", lambda g: args[g.group(1)], m.group(1))
            result.append({"from": image, "name": m.group(2), "items": []})
        else:
            result[-1]["items"].append((instr, rest))
    return result


def final() -> dict:
    return stages()[-1]


def exec_form(stage: dict, instr: str) -> list[str]:
    values = [json.loads(rest) for i, rest in stage["items"] if i == instr]
    assert len(values) == 1, f"one {instr} in exec (JSON) form"
    assert isinstance(values[0], list)
    return values[0]


def env(stage: dict) -> dict[str, str]:
    out = {}
    for instr, rest in stage["items"]:
        if instr == "ENV":
            for part in shlex.split(rest):
                key, _, value = part.partition("=")
                out[key] = value
    return out


def copies(stage: dict) -> list[tuple[list[str], str, str | None]]:
    """(sources, destination, --from stage or None) of every COPY."""
    out = []
    for instr, rest in stage["items"]:
        if instr == "COPY":
            parts = shlex.split(rest)
            origin = None
            while parts[0].startswith("--"):
                flag = parts.pop(0)
                if flag.startswith("--from="):
                    origin = flag.split("=", 1)[1]
            *sources, dest = parts
            out.append((sources, dest, origin))
    return out


def container_config() -> dict:
    return yaml.safe_load((CONTAINER / "serve.yaml").read_text())


def guide_block(name: str) -> str:
    text = GUIDE.read_text()
    m = re.search(rf"<!-- test: {re.escape(name)} -->\s*```sh\n(.*?)```", text, re.S)
    assert m, f"docs/security-onion.md has no test block {name!r}"
    return m.group(1)


def test_every_stage_is_python_311_slim():
    images = {s["from"] for s in stages()}
    names = {s["name"] for s in stages() if s["name"]}
    assert images - names == {"docker.io/library/python:3.11-slim"}


def test_copied_sources_exist():
    for stage in stages():
        for sources, _, origin in copies(stage):
            if origin:
                assert origin in {s["name"] for s in stages()}, origin
                continue
            for src in sources:
                assert (REPO / src).exists(), f"COPY {src}: not in the repository (build context is the root)"


def test_wheel_stage_copies_what_the_build_needs():
    """setup.py's pack directories, the package sources and the files pyproject names."""
    setup = (REPO / "setup.py").read_text()
    pack_dirs = re.findall(r'"([^"]+)"', re.search(r"PACK_DIRS = \(([^)]*)\)", setup).group(1))
    needed = {"pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "python", *pack_dirs}
    wheel = next(s for s in stages() if s["name"] == "wheel")
    copied = {src.rstrip("/") for sources, _, _ in copies(wheel) for src in sources}
    assert needed <= copied, needed - copied
    # the same set tests/test_wheel_install.py builds a working wheel from
    wheel_test = (REPO / "tests" / "test_wheel_install.py").read_text()
    listed = re.findall(r'"([^"]+)"', re.search(r"SOURCES = \(([^)]*)\)", wheel_test, re.S).group(1))
    assert set(listed) <= copied
    run = " ".join(rest for i, rest in wheel["items"] if i == "RUN")
    assert "pip wheel" in run and "--no-deps" in run
    runtime = " ".join(rest for i, rest in final()["items"] if i == "RUN")
    assert re.search(r"pip install .*\.whl", runtime)


def test_runs_as_a_created_non_root_user():
    items = final()["items"]
    users = [rest for i, rest in items if i == "USER"]
    assert users == ["dnsguard"]
    run = " ".join(rest for i, rest in items if i == "RUN")
    m = re.search(r"useradd\b.*--uid (\d+)\b.*\bdnsguard\b", run)
    assert m and int(m.group(1)) != 0
    uid = m.group(1)
    order = [i for i, _ in items]
    assert order.index("USER") < order.index("ENTRYPOINT")
    # the guide gives the host directories to that uid
    run_block = guide_block("container-run")
    assert f"-o {uid} -g {uid}" in run_block
    assert f"uid {uid}" in GUIDE.read_text()


def test_entrypoint_reaches_serve_with_the_built_in_config():
    stage = final()
    argv = exec_form(stage, "ENTRYPOINT") + exec_form(stage, "CMD")
    assert argv[0] == "dnsguard"
    args = build_parser().parse_args(argv[1:])
    assert args.func is serve_cli.run
    config_path = args.config
    assert env(stage)["DNSGUARD_CONFIG"] == config_path
    assert ([(["deploy/container/serve.yaml"], config_path, None)]
            == [c for c in copies(stage) if c[1] == config_path])
    # the same entrypoint runs the feed update the guide shows
    feeds = build_parser().parse_args([*argv[1:-1], "feeds", "update", "--no-progress"])
    assert feeds.func is not serve_cli.run


def test_container_config_loads_and_matches_the_example(monkeypatch):
    monkeypatch.delenv("DNSGUARD_CONFIG", raising=False)
    config = load_config(CONTAINER / "serve.yaml")
    settings = serve_cli.build_settings(config, build_parser().parse_args(["serve"]))
    example = yaml.safe_load((REPO / "deploy" / "serve.example.yaml").read_text())["serve"]
    ours = container_config()["serve"]
    assert ours["zeek"]["url"] == example["zeek"]["url"] == "ws://127.0.0.1:25353/v1/messages/json"
    assert ours["suricata"]["socket"] == example["suricata"]["socket"]
    assert ours["metrics"] == example["metrics"]
    assert ours["state_dir"] == example["state_dir"]
    assert ours["verdict_log"] == example["verdict_log"]
    assert isinstance(settings, ServeSettings)
    assert str(settings.state_dir) == ours["state_dir"]
    # feeds update and serve agree on the store
    state = container_config()["feeds"]["state_dir"]
    assert state == ours["state_dir"] == env(final())["DNSGUARD_STATE_DIR"]
    assert [str(p) for p in settings.indicator_files] == [f"{state}/{STORE_FILE}"]


def test_volumes_hold_state_log_and_config():
    stage = final()
    volumes = exec_form(stage, "VOLUME")
    ours = container_config()["serve"]
    config_dir = str(Path(env(stage)["DNSGUARD_CONFIG"]).parent)
    assert set(volumes) == {ours["state_dir"], str(Path(ours["verdict_log"]).parent), config_dir}


def test_ports_and_healthcheck():
    stage = final()
    port = container_config()["serve"]["metrics"]["port"]
    assert [rest for i, rest in stage["items"] if i == "EXPOSE"] == [str(port)]
    health = " ".join(rest for i, rest in stage["items"] if i == "HEALTHCHECK")
    assert f"http://127.0.0.1:{port}/health" in health
    text = GUIDE.read_text()
    assert f"127.0.0.1:{port}" in text and "127.0.0.1:25353" in text


def test_guide_runs_the_image_it_builds():
    build = shlex.split(guide_block("container-build").splitlines()[0])
    assert build[:2] == ["docker", "build"]
    assert build[build.index("-f") + 1] == "deploy/container/Containerfile" and build[-1] == "."
    tag = build[build.index("-t") + 1]
    run = guide_block("container-run").replace("\\\n", " ")
    line = next(ln for ln in run.splitlines() if "docker run" in ln)
    argv = shlex.split(line)
    assert argv[-1] == tag
    assert "--network" in argv and argv[argv.index("--network") + 1] == "host"
    mounts = {}
    for i, a in enumerate(argv):
        if a == "-v":
            host, cont, *_ = argv[i + 1].split(":")
            mounts[cont] = host
    for volume in exec_form(final(), "VOLUME"):
        assert volume in mounts, f"the guide does not mount the image's volume {volume}"
    socket_dir = str(Path(container_config()["serve"]["suricata"]["socket"]).parent)
    assert socket_dir in mounts
    # the host side is the directory so-suricata's custom bind mount uses (step 3)
    assert f"{mounts[socket_dir]}:/var/run/suricata:rw" in GUIDE.read_text()
    assert argv[argv.index("--group-add") + 1] == "940"
    assert argv[argv.index("--env-file") + 1] == "/etc/dnsguard/dnsguard.env"


@pytest.mark.parametrize("name", ["serve.yaml", "dnsguard.env.example"])
def test_guide_installs_the_container_files(name):
    assert f"deploy/container/{name}" in guide_block("container-run")
