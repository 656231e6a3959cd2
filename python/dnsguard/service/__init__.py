"""``dnsguard serve``: the long-running verdict service.

Zeek (over Broker's WebSocket JSON API) and Suricata (through eve.json or an
EVE unix socket) feed it DNS candidates; it scores them (feeds, DGA model),
aggregates per host, and pushes verdicts back: ``DNSGuard::verdict`` events
to Zeek, ``dataset-add`` to Suricata's unix socket, and a JSON-lines log for
a SIEM.  Each module does one job; :mod:`dnsguard.service.app` wires them.
"""
