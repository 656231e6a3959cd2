"""dnsguard: find hosts whose DNS traffic gives away malware.

The package is organised by job: ``names`` (normalisation, registered domains),
``dga`` (lexical scoring and known-DGA generators), ``feeds`` (indicators),
``detect`` (behavioural detections), ``inputs`` (pcap, Zeek and Suricata logs),
``analyze``/``report`` (per-host verdicts) and ``cli``.
"""

__version__ = "0.1.0"
