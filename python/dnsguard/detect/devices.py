"""Device types from the vendor services a host resolves.

A QNAP NAS phones home to myqnapcloud.com and qnap.com update servers;
knowing a compromised host is a NAS changes the response (it is not a
laptop you can re-image), and 36% of the affected corporate devices in the
Akamai report were NAS boxes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeviceTag:
    device: str
    """``nas-qnap``, ``nas-synology``..."""
    evidence: str
    """The name that gave it away."""

    @property
    def is_nas(self) -> bool:
        return self.device.startswith("nas")


class DeviceTagger:
    def __init__(self, fingerprints: dict[str, tuple[str, ...]]):
        self._by_domain = {d.lower(): device for device, ds in fingerprints.items() for d in ds}
        self._tags: dict[str, DeviceTag] = {}

    def observe(self, host: str, fqdn: str, registered: str) -> DeviceTag | None:
        """The host's tag if this name is new evidence for it."""
        device = self._by_domain.get(registered)
        if device is None or host in self._tags:
            return None
        tag = DeviceTag(device, fqdn)
        self._tags[host] = tag
        return tag

    def knows(self, registered: str) -> bool:
        """True when ``registered`` is a fingerprint domain (cheap pre-check)."""
        return registered in self._by_domain

    def assign(self, host: str, device: str, evidence: str) -> None:
        """A tag learnt elsewhere (the Zeek package's ``Device_Tagged`` notice)."""
        self._tags.setdefault(host, DeviceTag(device, evidence))

    def tag(self, host: str) -> DeviceTag | None:
        return self._tags.get(host)
