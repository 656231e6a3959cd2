"""What an analyst should do next about a host verdict of the service.

``dnsguard analyze`` derives its steps from a host's whole evidence
(:func:`dnsguard.analyze.next_steps`); the service has one verdict per host
(threat, family, device, names), so its advice is by threat, with the NAS
step first because a NAS cannot be reimaged like a laptop.  Written into
the SIEM log (``dnsguard.next_step``) beside the evidence.
"""

from __future__ import annotations

from dnsguard.service.model import HostVerdict

NAS_STEP = ("Cut the NAS off from the internet (no port forwarding / UPnP), update its firmware, run the "
            "vendor's malware remover, then rotate every credential stored on it.")
BY_THREAT = {
    "c2": ("{family}: isolate the host, block {names} at the resolver, capture the full DNS queries to see "
           "what left, and find the process."),
    "iab": ("{family} is initial-access-broker malware: assume hands-on-keyboard follow-up (ransomware); "
            "isolate the host, block {names} and hunt for lateral movement from it."),
    "botnet": "{family} bot: block {names} at the resolver, find the process that resolves them and clean the host.",
    "phishing": "Phishing domain {names}: block it and check what the host fetched or submitted there.",
    "dga": ("{family} DGA look-ups: find the process making them; block the family's coming names "
            "(`dnsguard dga forecast`) and clean the host."),
}


def next_step(v: HostVerdict) -> str:
    family = v.family if v.family not in ("", "unknown") else "Unnamed malware"
    names = ", ".join(v.names[:3]) or "its domains"
    step = BY_THREAT.get(v.threat, BY_THREAT["dga"]).format(family=family, names=names)
    return f"{NAS_STEP} {step}" if v.device.startswith("nas") else step
