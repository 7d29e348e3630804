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
    SHARED_PROMO_CODE = "SHARED_PROMO_CODE"


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
    # A public code (SUMMER20) is redeemed by thousands: a crowd key, unless the redemptions come together.
    KeyKind.PROMO: (LinkType.SHARED_PROMO_CODE, 0.3, True, 0.5, "Redeemed the same code ({others} others did)."),
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


# A device a few people share (a family's tablet), with nothing personal in common between them: a household
# more often than one person's accounts when either has devices of its own or they began on it on different days:
# a second account is opened on the spot, for the sign-up offer, where a family's members join as each wants to.
_HOUSEHOLD_SHARERS = 4
_HOUSEHOLD_STRENGTH = 0.45
_PERSONAL_KEYS = frozenset({KeyKind.SESSION, KeyKind.EMAIL, KeyKind.EMAIL_STEM, KeyKind.EMAIL_LOCAL, KeyKind.NAME})


_APART = TOGETHER  # a day
_COINCIDENCE_STRENGTH = 0.6


def _device_doubts(shared: list[SharedKey], own_devices: int) -> dict[tuple[str, str], str]:
    """(other identity, device) → why that shared device says less than one person behind both: a household
    (this identity has devices of its own, or the two began on it days apart, with nothing personal in
    common), or a coincidence (nothing else in common at all: the fingerprints of common phones coincide)."""
    personal = {s.other for s in shared if s.kind in _PERSONAL_KEYS}
    anything_else = {s.other for s in shared if s.kind is not KeyKind.DEVICE}
    devices_with: dict[str, set[str]] = {}
    for s in shared:
        if s.kind is KeyKind.DEVICE:
            devices_with.setdefault(s.other, set()).add(s.key)
    doubts: dict[tuple[str, str], str] = {}
    for s in shared:
        if s.kind is not KeyKind.DEVICE or s.sharers > _HOUSEHOLD_SHARERS or s.other in personal:
            continue
        if s.other not in anything_else:
            doubts[(s.other, s.key)] = "coincidence"
        elif own_devices > len(devices_with[s.other]):
            doubts[(s.other, s.key)] = "own devices"
        elif abs(s.other_since - s.own_since) > _APART:
            doubts[(s.other, s.key)] = "days apart"
    return doubts


_DOUBTS = {
    "own devices": "; this identity also uses devices of its own, as a household member does.",
    "days apart": "; the two began using it on different days, as a household's members do.",
    "coincidence": "; nothing else in common: the fingerprints of common phones can coincide.",
}


def _doubted(link: Link, why: str) -> Link:
    household = why != "coincidence"
    return replace(
        link,
        value=min(link.value, _HOUSEHOLD_STRENGTH if household else _COINCIDENCE_STRENGTH),
        metadata={**link.metadata, "household": household},
        explanation=link.explanation.rstrip(".") + _DOUBTS[why],
    )


# A common model's fingerprint is a crowd key, like a carrier's IP: it weakens with the crowd holding it, adds
# nothing to the other links it shares a crowd with, and each stranger on it is not one more account.
_COMMON_MODEL_STRENGTH = 0.5
_COMMON_MODEL_CONFIDENCE = 0.5


def _common_model(link: Link, sharers: int) -> Link:
    return replace(
        link,
        value=min(link.value, _crowd_strength(sharers, _COMMON_MODEL_STRENGTH)),
        confidence=_COMMON_MODEL_CONFIDENCE,
        metadata={**link.metadata, "commonModel": True},
        explanation=link.explanation.rstrip(".") + "; a common model, whose every unit with the same language and "
        "time zone reports the same.",
    )


# One code redeemed by several accounts within a day of each other: a ring passing a code around, not a
# public campaign's customers, who redeem it over weeks.
_RING_WINDOW = TOGETHER
_RING_OTHERS = 3
_RING_STRENGTH = 0.7
_RING_SHARE = 0.5


def _promo_rings(shared: list[SharedKey]) -> dict[tuple[str, str], int]:
    """(other identity, code) → how many others redeemed the code within a day of this identity, for the
    others in such a ring: at least three, and most of the code's redeemers (a popular public code has a few
    on any day, and many more over its weeks)."""
    near: dict[str, set[str]] = {}
    holders: dict[str, int] = {}
    for s in shared:
        if s.kind is KeyKind.PROMO:
            holders[s.key] = s.sharers - 1
            if abs(s.other_since - s.own_since) <= _RING_WINDOW:
                near.setdefault(s.key, set()).add(s.other)
    return {
        (other, code): len(others)
        for code, others in near.items()
        if len(others) >= _RING_OTHERS and len(others) >= _RING_SHARE * holders[code]
        for other in others
    }


def links_from(
    shared: Iterable[SharedKey],
    began: int | None = None,
    own_devices: int = 0,
    common_models: frozenset[str] = frozenset(),
) -> list[Link]:
    """The strongest link per (other identity, link type), strongest first. `began` is when this identity
    was first seen (µs); `own_devices` how many devices it used; `common_models` which of its devices' keys
    every unit of their model gives (domain/devices/signals.py common_model)."""
    shared = list(shared)
    doubts = _device_doubts(shared, own_devices)
    personal = {s.other for s in shared if s.kind in _PERSONAL_KEYS}
    rings = _promo_rings(shared)
    best: dict[tuple[str, LinkType], Link] = {}
    for item in shared:
        link = _link(item, began)
        if item.kind is KeyKind.DEVICE and item.key in common_models and item.other not in personal:
            link = _common_model(link, item.sharers)
        elif item.kind is KeyKind.DEVICE and (why := doubts.get((item.other, item.key))) is not None:
            link = _doubted(link, why)
        if item.kind is KeyKind.PROMO and (ring := rings.get((item.other, item.key))) is not None:
            link = replace(
                link,
                value=max(link.value, _RING_STRENGTH),
                explanation=f"Redeemed the same code within a day of {ring} other accounts: a ring "
                "passing one code around.",
            )
        key = (link.other, link.type)
        current = best.get(key)
        if current is None or (link.value, -link.since) > (current.value, -current.since):
            best[key] = link
    return sorted(best.values(), key=lambda lk: (-lk.value, lk.other, lk.type.value))
