"""A device an identity used, as a cycle reads it: the tracker's latest signals and what the server
derived from the connection. Humanity is judged from these."""

from dataclasses import dataclass
from typing import Any

from domain.devices.signals import DeviceSignals


@dataclass(frozen=True)
class SeenDevice:
    fingerprint: str
    signals: DeviceSignals | None  # None for a device only named by a server event's data
    browser: str | None = None
    os: str | None = None
    device_type: str | None = None  # desktop, mobile, tablet, bot
    hosting: bool = False  # its latest IP address is in a data centre's network
    asn_label: str | None = None
    first_seen: int | None = None  # µs: when the identity first used it (read for clients; None in older cycles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "signals": self.signals.to_dict() if self.signals is not None else None,
            "browser": self.browser,
            "os": self.os,
            "device_type": self.device_type,
            "hosting": self.hosting,
            "asn_label": self.asn_label,
            "first_seen": self.first_seen,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "SeenDevice":
        signals = data.get("signals")
        return cls(
            fingerprint=data["fingerprint"],
            signals=DeviceSignals.from_dict(signals) if signals else None,
            browser=data.get("browser"),
            os=data.get("os"),
            device_type=data.get("device_type"),
            hosting=bool(data.get("hosting")),
            asn_label=data.get("asn_label"),
            first_seen=data.get("first_seen"),
        )
