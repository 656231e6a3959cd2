"""Retraction and refusal against a real Zeek (issue 16 item 4).

A live Zeek with the package listens for the scorer; ``dnsguard serve``
starts with a journal holding one verdict and replays it (Zeek inserts
the Intel item); a hostile local process publishes a forged verdict for
google.com on the same WebSocket (Zeek refuses it); then
``dnsguard verdicts retract`` reaches the running service, which sends
``DNSGuard::retract``: the Intel item is gone.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import time

import yaml
from dnsguard.cli import main as dnsguard_main
from dnsguard.service import broker_json as bj
from dnsguard.service.app import Service
from dnsguard.service.journal import Journal
from dnsguard.service.model import NameVerdict
from dnsguard.service.settings import ServeSettings
from websockets.sync.client import connect
from zeek_support import PACKAGE, NoScorer, free_port, zeek_bin_dir, zeek_env

NAME = "xretractme12.com"




SCRIPT = """
redef exit_only_after_terminate = T;
redef DNSGuard::scorer_port = {port}/tcp;

global matches: table[string] of count &default=0;

event Intel::match(s: Intel::Seen, items: set[Intel::Item])
    {{
    ++matches[s$indicator];
    }}

function look(n: string)
    {{
    Intel::seen([$indicator=n, $indicator_type=Intel::DOMAIN, $where=DNSGuard::IN_DNS_QUERY]);
    }}

event report(what: string, name: string)
    {{
    print fmt("%s %s matches=%d refused=%d retracted=%d", what, name, matches[name],
        DNSGuard::verdicts_refused, DNSGuard::verdicts_retracted);
    if ( what == "retract" )
        terminate();
    }}

event looked(what: string, name: string)
    {{
    look(name);
    schedule 0.2sec {{ report(what, name) }};
    }}

event DNSGuard::verdict(name: string, score: double, family: string, threat: string, expire: count) &priority=-10
    {{
    schedule 0.2sec {{ looked("verdict", name) }};
    }}

event DNSGuard::retract(name: string) &priority=-10
    {{
    schedule 0.2sec {{ looked("retract", name) }};
    }}
"""


def forge(port: int) -> None:
    """A local process that is not the scorer publishes a verdict for google.com."""
    with connect(f"ws://127.0.0.1:{port}/v1/messages/json", open_timeout=10) as ws:
        ws.send(json.dumps([]))
        assert json.loads(ws.recv(timeout=10))["type"] == "ack"
        ws.send(json.dumps(bj.data_message("dnsguard/verdicts", bj.encode_event(
            "DNSGuard::verdict", "google.com", 0.99, "forged", "c2", bj.Count(3600)))))
        time.sleep(0.3)


def test_verdict_retracted_through_the_service_leaves_zeeks_intel(tmp_path, capsys):
    port = free_port()
    script = tmp_path / "retract.zeek"
    script.write_text(SCRIPT.format(port=port))
    zeek = subprocess.Popen(
        [str(zeek_bin_dir() / "zeek"), "-b", str(PACKAGE), str(script)],
        cwd=tmp_path, env=zeek_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    serve = {"zeek": {"url": f"ws://127.0.0.1:{port}/v1/messages/json"}, "suricata": {"enabled": False},
             "state_dir": str(tmp_path / "state"), "verdict_log": "", "metrics": {"enabled": False},
             "backoff": {"base": 0.1, "cap": 0.5}}
    config = tmp_path / "dnsguard.yaml"
    config.write_text(yaml.safe_dump({"serve": serve}))
    settings = ServeSettings.from_dict(serve)
    j = Journal(settings.journal_path)
    j.open(time.time())
    j.append([NameVerdict(NAME, 0.97, "testfam", "dga", 3600, time.time(), NAME)], time.time())
    j.close()

    async def go():
        service = Service(settings, NoScorer())
        task = asyncio.create_task(service.run(install_signals=False))
        try:
            for _ in range(400):
                if service.zeek.state.replayed >= 1:
                    break
                await asyncio.sleep(0.05)
            assert service.zeek.state.replayed >= 1, service.zeek.state.last_error
            await asyncio.sleep(1.0)
            await asyncio.to_thread(forge, port)
            await asyncio.sleep(1.0)  # Zeek reports on the forged verdict before the retraction
            code = await asyncio.to_thread(dnsguard_main, ["--config", str(config), "verdicts", "retract", NAME])
            assert code == 0
            for _ in range(200):
                if zeek.poll() is not None:
                    break
                await asyncio.sleep(0.05)
        finally:
            service.request_stop()
            await asyncio.wait_for(task, 15)

    try:
        asyncio.run(go())
        out, err = zeek.communicate(timeout=30)
    finally:
        zeek.kill()
    assert "via running service" in capsys.readouterr().out
    lines = out.splitlines()
    # The replayed verdict made an Intel item (a look-up matches) ...
    assert f"verdict {NAME} matches=1 refused=0 retracted=0" in lines, out + err
    # ... the forged one for google.com did not ...
    assert any(line.startswith("verdict google.com matches=0 refused=1 ") for line in lines), out + err
    # ... and after the retraction a look-up matches no more.
    assert f"retract {NAME} matches=1 refused=1 retracted=1" in lines, out + err
    assert "refused a scorer verdict for google.com (allowlisted)" in err
