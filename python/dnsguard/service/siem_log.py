"""Verdicts as JSON lines for a SIEM, with ECS field names.

One object per line, nested the ECS way (``dns.question.name``,
``source.ip``, ``threat.software.name``...) so Elastic, Security Onion or
any JSON-aware SIEM maps it without a custom parser; fields ECS has no name
for live under ``dnsguard.*``.  The file is reopened when logrotate moves
it away.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dnsguard.service.advice import next_step
from dnsguard.service.model import HostVerdict, NameVerdict


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def ecs_record(v: NameVerdict | HostVerdict) -> dict[str, Any]:
    if isinstance(v, NameVerdict):
        return {
            "@timestamp": iso(v.created),
            "event": {
                "kind": "alert",
                "category": ["network", "threat"],
                "type": ["indicator"],
                "module": "dnsguard",
                "dataset": "dnsguard.verdict",
                "reason": "; ".join(v.reasons) or f"{v.threat} verdict",
            },
            "dns": {"question": {"name": v.name, "registered_domain": v.registered}},
            "source": {"ip": v.orig_h} if v.orig_h else {},
            "threat": {
                "software": {"name": v.family},
                "indicator": {
                    "type": "domain-name",
                    "url": {"domain": v.name},
                    "confidence": "High" if v.score >= 0.9 else "Medium" if v.score >= 0.6 else "Low",
                    "provider": v.source,
                },
            },
            "dnsguard": {
                "kind": "name",
                "threat": v.threat,
                "score": v.score,
                "expire": v.expire,
                "expires_at": iso(v.expires_at),
                "source": v.source,
            },
        }
    return {
        "@timestamp": iso(v.created),
        "event": {
            "kind": "alert",
            "category": ["network", "threat", "host"],
            "type": ["indicator"],
            "module": "dnsguard",
            "dataset": "dnsguard.host_verdict",
            "reason": v.evidence,
        },
        "source": {"ip": v.orig_h},
        "host": {"type": v.device} if v.device else {},
        "threat": {"software": {"name": v.family}},
        "dnsguard": {
            "kind": "host",
            "threat": v.threat,
            "score": v.score,
            "device": v.device,
            "names": list(v.names[:50]),
            "next_step": next_step(v),
        },
    }


@dataclass
class SiemLog:
    path: Path
    written: int = 0
    errors: int = 0
    _fh: Any = field(default=None, repr=False)
    _inode: tuple[int, int] | None = None

    def _ensure_open(self) -> None:
        try:
            st = os.stat(self.path)
            current = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            current = None
        if self._fh is not None and current == self._inode:
            return
        if self._fh is not None:
            self._fh.close()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - held open
        st = os.fstat(self._fh.fileno())
        self._inode = (st.st_dev, st.st_ino)

    def write(self, verdicts: list[NameVerdict | HostVerdict]) -> None:
        if not verdicts:
            return
        try:
            self._ensure_open()
            self._fh.write("".join(json.dumps(ecs_record(v), separators=(",", ":")) + "\n" for v in verdicts))
            self._fh.flush()
            self.written += len(verdicts)
        except OSError:
            self.errors += 1

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
