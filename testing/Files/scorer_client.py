"""A minimal stand-in for ``dnsguard serve`` in the WebSocket btest.

Connects to Zeek's WebSocket API (Broker JSON v1), subscribes to
``dnsguard/candidates`` and says hello (Zeek, reading a trace, waits for
it), waits for the candidate and the host tag the test trace produces and
for ``trace_done``, then answers with a host verdict and a verdict on
``dnsguard/verdicts`` and, last, ``scorer_drained``, which ends Zeek.
Prints what it saw, sorted, for btest-diff.
"""

import json
import os
import sys
import time

from websockets.sync.client import connect

PORT = os.environ["DNSGUARD_WS_PORT"].split("/")[0]
URL = f"ws://127.0.0.1:{PORT}/v1/messages/json"
TARGET = "xkqzvbtrwplmnhg.com"
NAS_HOST = "10.0.0.61"


def value(kind, data):
    return {"@data-type": kind, "data": data}


def event_message(topic, name, args):
    """A Broker JSON v1 data message carrying one Zeek event."""
    return {
        "type": "data-message",
        "topic": topic,
        "@data-type": "vector",
        "data": [
            value("count", 1),  # format: event
            value("count", 1),  # version
            value("vector", [value("string", name), value("vector", args)]),
        ],
    }


def parse_event(msg):
    """(name, [arg values]) of an event message; metadata is ignored."""
    ev = msg["data"][2]["data"]
    return ev[0]["data"], [a["data"] for a in ev[1]["data"]]


def open_socket(deadline):
    while True:
        try:
            return connect(URL, open_timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def main():
    deadline = time.monotonic() + 45
    lines = []
    with open_socket(deadline) as ws:
        ws.send(json.dumps(["dnsguard/candidates"]))
        ack = json.loads(ws.recv(timeout=10))
        if ack.get("type") != "ack":
            print("unexpected handshake answer:", ack, file=sys.stderr)
            return 1
        print("ack")
        ws.send(json.dumps(event_message("dnsguard/verdicts", "DNSGuard::scorer_hello",
                                         [value("string", "btest")])))

        got_candidate = got_tag = got_done = False
        while not (got_candidate and got_tag and got_done):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                print("timed out waiting for events", file=sys.stderr)
                return 1
            msg = json.loads(ws.recv(timeout=remaining))
            if msg.get("type") != "data-message":
                continue
            name, args = parse_event(msg)
            if name == "DNSGuard::candidate" and args[3] == TARGET:
                _ts, _uid, orig_h, query, qtype, rcode = args
                lines.append(f"candidate {query} from {orig_h} qtype={qtype} rcode={rcode}")
                got_candidate = True
            elif name == "DNSGuard::host_tag" and args[0] == NAS_HOST:
                lines.append(f"host_tag {args[0]} {args[1]} {args[2]}")
                got_tag = True
            elif name == "DNSGuard::trace_done":
                lines.append(f"trace_done after {args[0]} candidates")
                got_done = True

        for line in sorted(lines):
            print(line)

        # Host verdict first, the name verdict (whose Intel item the test
        # looks up), then the word that Zeek may stop.
        ws.send(
            json.dumps(
                event_message(
                    "dnsguard/verdicts",
                    "DNSGuard::host_verdict",
                    [
                        value("address", NAS_HOST),
                        value("string", "qsnatch"),
                        value("string", "botnet"),
                        value("real", 0.88),
                        value("string", "NXDOMAIN burst from a NAS"),
                    ],
                )
            )
        )
        ws.send(
            json.dumps(
                event_message(
                    "dnsguard/verdicts",
                    "DNSGuard::verdict",
                    [
                        value("string", TARGET),
                        value("real", 0.97),
                        value("string", "testfam"),
                        value("string", "dga"),
                        value("count", 3600),
                    ],
                )
            )
        )
        ws.send(json.dumps(event_message("dnsguard/verdicts", "DNSGuard::scorer_drained",
                                         [value("count", 1)])))
        print("sent host_verdict, verdict and drained")
        sys.stdout.flush()

        # Stay until Zeek terminates and drops the connection.
        try:
            while True:
                ws.recv(timeout=max(1.0, deadline - time.monotonic()))
        except Exception:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
