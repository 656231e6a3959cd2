"""Hold the test's scorer port (DNSGUARD_WS_PORT) so Zeek cannot bind it.

Without arguments: bind, listen, and stay until killed (at most two
minutes, so a holder btest failed to kill frees the port by itself).
With --wait: return once the port is taken (by the other instance).
"""

import os
import socket
import sys
import time

PORT = int(os.environ["DNSGUARD_WS_PORT"].split("/")[0])

if "--wait" in sys.argv:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", PORT)) == 0:
                sys.exit(0)
        time.sleep(0.1)
    sys.exit("port was never taken")

server = socket.socket()
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", PORT))
server.listen()
time.sleep(120)
