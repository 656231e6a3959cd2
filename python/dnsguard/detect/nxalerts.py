"""When a Suricata NXDOMAIN alert is explained by names below popular domains.

The NXDOMAIN definition (``data/detections.yaml``, ``nxdomain_burst``) never
counts an answer below a popular registered domain: such a domain exists,
so the name failed by a resolver's block policy (an RPZ, an ad blocker in
NXDOMAIN mode) or a typo.  Suricata 7's NXDOMAIN rules cannot tell (no
question buffer on the answer) and count every one, so a browser behind
such a resolver reaches them (docs/detections.md, "Resolvers that block
with NXDOMAIN").  ``dnsguard analyze`` and ``dnsguard serve`` therefore
check each such alert against the host's own NXDOMAIN answers in the
rule's window, where they have them.
"""

from __future__ import annotations

COUNTED_QTYPES = frozenset({1, 28, 65, 255})
"""The look-ups whose NXDOMAIN answers the definition counts (A, AAAA,
HTTPS, ANY: ``nxdomain_burst.qtypes``); a mail server's MX and TXT
look-ups of dead spam domains do not count."""

WINDOW_SLACK = 2.0
"""Seconds either side of a rule's window: a record's time may be the
query's, the alert's is the answer's."""


def explained_by_popular(unpopular: int, popular: int, count: int, unseen: int = 0) -> bool:
    """True when the rule's ``count`` is reached in its window only with the
    popular names: the answers there reach it, those below unpopular
    domains do not.  ``unseen`` answers the checker may not have yet (a live
    service can read an alert before its answer's record) are taken as
    unpopular, so they can only keep an alert."""
    return unpopular + popular + unseen >= count > unpopular + unseen
