"""Everything one analysis cycle reads about one identity. A cycle records it whole,
so an auditor can run the same rules over the same inputs and get the same scores."""

from dataclasses import dataclass, field
from typing import Any

from domain.devices.signals import common_model
from domain.scoring.activity import Activity
from domain.scoring.link_keys import KeyKind
from domain.scoring.links import Link, SharedKey, links_from
from domain.scoring.seen_device import SeenDevice


@dataclass(frozen=True)
class IdentityProfile:
    identity_id: str
    fields: dict[str, str] = field(default_factory=dict)  # canonical field (EMAIL, FULL_NAME, …) → value
    activity: Activity = field(default_factory=Activity)
    device_count: int = 0
    key_count: int = 0  # graph keys the identity holds: what the Uniqueness check could compare
    shared: tuple[SharedKey, ...] = ()  # keys it shares with other (not disregarded) identities
    sources: tuple[tuple[KeyKind, str, int], ...] = ()  # its newest devices and IPs: (kind, key, µs first seen)
    devices: tuple[SeenDevice, ...] = ()  # its most recently used tracked devices
    # the clients its app's server most recently reported for its server-side events (no tracker signals)
    clients: tuple[SeenDevice, ...] = ()

    @property
    def email(self) -> str | None:
        return self.fields.get("EMAIL")

    def names(self) -> list[tuple[str, str]]:
        """(field, value) of every name-like field the identity has."""
        return [(f, self.fields[f]) for f in ("FULL_NAME", "FIRST_NAME", "LAST_NAME", "USERNAME") if f in self.fields]

    def links(self) -> list[Link]:
        """Its links to other identities, strongest first."""
        common = frozenset(d.fingerprint for d in self.devices if d.signals is not None and common_model(d.signals))
        return links_from(self.shared, self.activity.first_seen, self.device_count, common)

    def to_dict(self) -> dict[str, Any]:
        return {
            "identity_id": self.identity_id,
            "fields": dict(self.fields),
            "activity": self.activity.to_dict(),
            "device_count": self.device_count,
            "key_count": self.key_count,
            "shared": [[s.other, s.kind.value, s.key, s.sharers, s.own_since, s.other_since] for s in self.shared],
            "sources": [[kind.value, key, since] for kind, key, since in self.sources],
            "devices": [d.to_dict() for d in self.devices],
            "clients": [c.to_dict() for c in self.clients],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "IdentityProfile":
        return cls(
            identity_id=data["identity_id"],
            fields=dict(data["fields"]),
            activity=Activity.from_dict(data["activity"]),
            device_count=data["device_count"],
            key_count=data["key_count"],
            shared=tuple(
                SharedKey(other, KeyKind(kind), key, sharers, own, theirs)
                for other, kind, key, sharers, own, theirs in data["shared"]
            ),
            sources=tuple((KeyKind(kind), key, since) for kind, key, since in data.get("sources", [])),
            devices=tuple(SeenDevice.from_dict(d) for d in data.get("devices", [])),
            clients=tuple(SeenDevice.from_dict(c) for c in data.get("clients", [])),
        )
