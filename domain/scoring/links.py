"""Links between identities, ranked by how much the shared key says.

A shared session or device is strong evidence of one person behind two accounts; a
shared IP is weak alone (offices, carriers, VPNs) and weaker the more identities share
it; a matching mailbox after alias folding is strong, a similar one or a same name only
corroborates."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
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
    KeyKind.EMAIL_LOCAL: (LinkType.SIMILAR_EMAIL, 0.5, True, 0.5, "The same mailbox name at another provider."),
    KeyKind.NAME: (LinkType.SIMILAR_NAME, 0.3, False, 0.4, "Same full name."),
    KeyKind.BEHAVIOR: (LinkType.SIMILAR_BEHAVIOR, 0.35, True, 0.3, "Began with the same events at the same time."),
}


# An account that began on a household-sized IP within a day of another account arriving there: the
# second account of one person, far more often than a family member who happened to join that day.
TOGETHER = 86_400 * 1_000_000  # µs
_TOGETHER_SHARERS = 5
_TOGETHER_STRENGTH = 0.6


def _began_together(shared: SharedKey, began: int | None) -> bool:
    return (
        began is not None
        and shared.kind is KeyKind.IP
        and shared.sharers <= _TOGETHER_SHARERS
        and shared.own_since - began <= TOGETHER
        and abs(shared.other_since - shared.own_since) <= TOGETHER
    )


def _link(shared: SharedKey, began: int | None) -> Link:
    link_type, strength, crowd, confidence, explanation = _RULES[shared.kind]
    strength = _crowd_strength(shared.sharers, strength) if crowd else strength
    if _began_together(shared, began):
        strength = max(strength, _TOGETHER_STRENGTH)
        explanation = "Began on the same IP address within a day of it ({others} others on it)."
    return Link(
        shared.other,
        link_type,
        strength,
        confidence,
        explanation.format(others=shared.sharers - 1),
        max(shared.own_since, shared.other_since),
        {"key": shared.key, "keyKind": shared.kind.value, "sharedBy": shared.sharers},
    )


# A device a few people share (a family's tablet), used by an identity that has devices of its own and
# nothing personal in common with the others on it: a household more often than one person's accounts.
_HOUSEHOLD_SHARERS = 4
_HOUSEHOLD_STRENGTH = 0.45
_PERSONAL_KEYS = frozenset({KeyKind.SESSION, KeyKind.EMAIL, KeyKind.EMAIL_STEM, KeyKind.EMAIL_LOCAL, KeyKind.NAME})


def _households(shared: list[SharedKey], own_devices: int) -> set[tuple[str, str]]:
    """(other identity, device) pairs that look like a household's shared device."""
    personal = {s.other for s in shared if s.kind in _PERSONAL_KEYS}
    devices_with: dict[str, set[str]] = {}
    for s in shared:
        if s.kind is KeyKind.DEVICE:
            devices_with.setdefault(s.other, set()).add(s.key)
    return {
        (s.other, s.key)
        for s in shared
        if s.kind is KeyKind.DEVICE
        and s.sharers <= _HOUSEHOLD_SHARERS
        and s.other not in personal
        and own_devices > len(devices_with[s.other])
    }


def _as_household(link: Link) -> Link:
    return replace(
        link,
        value=min(link.value, _HOUSEHOLD_STRENGTH),
        metadata={**link.metadata, "household": True},
        explanation=link.explanation.rstrip(".")
        + "; this identity also uses devices of its own, as a household member does.",
    )


def links_from(shared: Iterable[SharedKey], began: int | None = None, own_devices: int = 0) -> list[Link]:
    """The strongest link per (other identity, link type), strongest first. `began` is when this identity
    was first seen (µs); `own_devices` how many devices it used."""
    shared = list(shared)
    households = _households(shared, own_devices)
    best: dict[tuple[str, LinkType], Link] = {}
    for item in shared:
        link = _link(item, began)
        if (item.other, item.key) in households:
            link = _as_household(link)
        key = (link.other, link.type)
        current = best.get(key)
        if current is None or (link.value, -link.since) > (current.value, -current.since):
            best[key] = link
    return sorted(best.values(), key=lambda lk: (-lk.value, lk.other, lk.type.value))
