"""Device types from the vendor services a host resolves.

A QNAP NAS phones home to myqnapcloud.com and qnap.com update servers;
knowing a compromised host is a NAS changes the response (it is not a
laptop you can re-image), and 36% of the affected corporate devices in the
Akamai report were NAS boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from dnsguard.names import registered_domain


@dataclass(frozen=True)
class DeviceTag:
    device: str
    """``nas-qnap``, ``nas-synology``..."""
    evidence: str
    """The name that gave it away."""

    @property
    def is_nas(self) -> bool:
        return self.device.startswith("nas")


def _registered(name: str) -> str:
    return registered_domain(name.lstrip(".")) or name.lstrip(".")


class DeviceTagger:
    """Tags a host once it resolved ``min_names`` service names of one vendor.

    ``fingerprints`` maps a device type to service names NAS appliances
    resolve by themselves; a name with a leading dot stands for every name
    below it (python/dnsguard/data/detections.yaml, ``nas_devices``).
    People reading the vendor's web site resolve other names.
    """

    def __init__(self, fingerprints: dict[str, tuple[str, ...]], min_names: int = 2):
        self.min_names = max(1, min_names)
        self._exact: dict[str, str] = {}
        self._below: dict[str, str] = {}
        for device, names in fingerprints.items():
            for name in names:
                name = name.lower()
                if name.startswith("."):
                    self._below[name] = device
                else:
                    self._exact[name] = device
        self._registered = {_registered(n) for n in (*self._exact, *self._below)}
        self._seen: dict[tuple[str, str], set[str]] = {}
        self._tags: dict[str, DeviceTag] = {}

    def _device_of(self, fqdn: str) -> str | None:
        device = self._exact.get(fqdn)
        if device is not None or not self._below:
            return device
        labels = fqdn.split(".")
        for i in range(1, len(labels) - 1):
            device = self._below.get("." + ".".join(labels[i:]))
            if device is not None:
                return device
        return None

    def observe(self, host: str, fqdn: str, registered: str) -> DeviceTag | None:
        """The host's tag if this name completes the evidence for it."""
        device = self._device_of(fqdn)
        if device is None or host in self._tags:
            return None
        seen = self._seen.setdefault((host, device), set())
        seen.add(fqdn)
        if len(seen) < self.min_names:
            return None
        tag = DeviceTag(device, ",".join(sorted(seen)))
        self._tags[host] = tag
        return tag

    def knows(self, registered: str) -> bool:
        """True when ``registered`` holds a service name (cheap pre-check)."""
        return registered in self._registered

    def assign(self, host: str, device: str, evidence: str) -> None:
        """A tag learnt elsewhere (the Zeek package's ``Device_Tagged`` notice)."""
        self._tags.setdefault(host, DeviceTag(device, evidence))

    def tag(self, host: str) -> DeviceTag | None:
        return self._tags.get(host)
