"""Links between identities, ranked by how much the shared key says.

A shared session or device is strong evidence of one person behind two accounts; a
shared IP is weak alone (offices, carriers, VPNs) and weaker the more identities share
it; a matching mailbox after alias folding is strong, a similar one or a same name only
corroborates."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.scoring.link_keys import KeyKind


class LinkType(StrEnum):
    SAME_DEVICE = "SAME_DEVICE"
    SHARED_SESSION = "SHARED_SESSION"
    SHARED_IP = "SHARED_IP"
    SIMILAR_EMAIL = "SIMILAR_EMAIL"
    SIMILAR_NAME = "SIMILAR_NAME"
    SIMILAR_BEHAVIOR = "SIMILAR_BEHAVIOR"


@dataclass(frozen=True)
class SharedKey:
    """One key this identity shares with another identity."""

    other: str  # the other identity's id
    kind: KeyKind
    key: str
    sharers: int  # identities holding this key, this one included
    own_since: int  # µs: when this identity first showed the key
    other_since: int  # µs: when the other did


@dataclass(frozen=True)
class Link:
    other: str
    type: LinkType
    value: float  # strength 0..1
    confidence: float
    explanation: str
    since: int  # µs: when the link appeared (the later of the two sightings)
    metadata: dict[str, Any] = field(default_factory=dict)


def _crowd_strength(sharers: int, alone: float) -> float:
    """Keys many identities hold (a carrier's IP, a common first journey) say less the more hold them."""
    if sharers <= 3:
        return alone
    if sharers <= 20:
        return alone * 0.6
    return alone * 0.25


# key kind → (link type, strength, does a crowd weaken it, confidence, explanation with {others})
_RULES: dict[KeyKind, tuple[LinkType, float, bool, float, str]] = {
    KeyKind.DEVICE: (LinkType.SAME_DEVICE, 0.9, False, 0.9, "Used the same device ({others} others on it)."),
    KeyKind.SESSION: (LinkType.SHARED_SESSION, 0.95, False, 0.9, "Seen in the same browser session."),
    KeyKind.IP: (LinkType.SHARED_IP, 0.4, True, 0.5, "Same IP address ({others} others on it)."),
    KeyKind.EMAIL: (LinkType.SIMILAR_EMAIL, 0.85, False, 0.85, "Both deliver to one mailbox (dots, +tags, aliases)."),
    KeyKind.EMAIL_STEM: (LinkType.SIMILAR_EMAIL, 0.5, False, 0.5, "Addresses differ only by a trailing number."),
    KeyKind.NAME: (LinkType.SIMILAR_NAME, 0.3, False, 0.4, "Same full name."),
    KeyKind.BEHAVIOR: (LinkType.SIMILAR_BEHAVIOR, 0.35, True, 0.3, "Began with the same events at the same time."),
}


def _link(shared: SharedKey) -> Link:
    link_type, strength, crowd, confidence, explanation = _RULES[shared.kind]
    return Link(
        shared.other,
        link_type,
        _crowd_strength(shared.sharers, strength) if crowd else strength,
        confidence,
        explanation.format(others=shared.sharers - 1),
        max(shared.own_since, shared.other_since),
        {"key": shared.key, "keyKind": shared.kind.value, "sharedBy": shared.sharers},
    )


def links_from(shared: Iterable[SharedKey]) -> list[Link]:
    """The strongest link per (other identity, link type), strongest first."""
    best: dict[tuple[str, LinkType], Link] = {}
    for item in shared:
        link = _link(item)
        key = (link.other, link.type)
        current = best.get(key)
        if current is None or (link.value, -link.since) > (current.value, -current.since):
            best[key] = link
    return sorted(best.values(), key=lambda lk: (-lk.value, lk.other, lk.type.value))
