"""The package loads cleanly on a real Zeek in every way a sensor loads it.

``zeek -a`` parses every script and stops before zeek_init: the place where
a shadowed built-in, a type clash or a deprecated call shows up, and which
``zeek-script parse`` cannot see.  Bare mode (``-b``, only what the package
loads itself) and default mode (Zeek's local policy), standalone and as each
cluster node type, must print nothing at all.
"""

from __future__ import annotations

import pytest
from zeek_support import PACKAGE, run_zeek

LAYOUT = """\
redef Cluster::nodes = {
	["manager"] = [$node_type=Cluster::MANAGER, $ip=127.0.0.1, $p=37761/tcp],
	["logger-1"] = [$node_type=Cluster::LOGGER, $ip=127.0.0.1, $p=37762/tcp],
	["proxy-1"] = [$node_type=Cluster::PROXY, $ip=127.0.0.1, $p=37763/tcp, $manager="manager"],
	["worker-1"] = [$node_type=Cluster::WORKER, $ip=127.0.0.1, $p=37764/tcp, $manager="manager"],
};
"""

NODES = ["standalone", "manager", "logger-1", "proxy-1", "worker-1"]


@pytest.mark.parametrize("bare", [True, False], ids=["bare", "default"])
@pytest.mark.parametrize("node", NODES)
def test_package_loads_without_messages(node, bare, tmp_path):
    (tmp_path / "cluster-layout.zeek").write_text(LAYOUT)
    env = {}
    if node != "standalone":
        env = {"CLUSTER_NODE": node, "ZEEKPATH": f"{tmp_path}:" + zeekpath()}
    args = ["-a"] + (["-b"] if bare else []) + [str(PACKAGE)]
    proc = run_zeek(args, cwd=tmp_path, extra_env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and proc.stderr == "", proc.stdout + proc.stderr


def test_load_check_catches_a_shadowed_builtin(tmp_path):
    """The check sees what a parse check cannot: a local named like a built-in."""
    bad = tmp_path / "bad.zeek"
    bad.write_text('event zeek_init()\n\t{\n\tlocal sub = "x";\n\tprint sub;\n\t}\n')
    proc = run_zeek(["-a", "-b", str(bad)], cwd=tmp_path)
    assert proc.returncode != 0
    assert "already a global identifier (sub)" in proc.stderr


def zeekpath() -> str:
    out = run_zeek(["--help"], cwd=PACKAGE)
    # zeek-config knows the compiled-in path; zeek --help prints it as the ZEEKPATH default.
    for line in (out.stdout + out.stderr).splitlines():
        if "$ZEEKPATH" in line and "(" in line:
            return line.split("(", 1)[1].rstrip(")").strip()
    raise AssertionError("zeek --help did not print the default ZEEKPATH")
