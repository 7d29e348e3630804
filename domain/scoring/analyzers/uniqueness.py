"""Uniqueness: is this the person's only account?

Each kind of link counts once per other identity; the more identities share a
device or a mailbox, the lower the score. Nothing shared is itself evidence, as
sure as the identity gave us things to compare."""

from domain.scoring.categories import Category
from domain.scoring.datasets import Datasets
from domain.scoring.links import Link, LinkType, links_from
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile

U = Category.UNIQUENESS

# link type → (analyzer id, label, weight, what one link means)
_FINDINGS: dict[LinkType, tuple[str, str, float, str]] = {
    LinkType.SAME_DEVICE: ("uniqueness.shared-device", "Shared Device", 3.0, "share a device with it"),
    LinkType.SHARED_SESSION: ("uniqueness.shared-session", "Shared Session", 3.0, "were seen in its browser session"),
    LinkType.SIMILAR_EMAIL: ("uniqueness.similar-email", "Similar Email", 2.5, "have an email address like its own"),
    LinkType.SHARED_IP: ("uniqueness.shared-ip", "Shared IP Address", 1.0, "connected from its IP address"),
    LinkType.SIMILAR_NAME: ("uniqueness.similar-name", "Similar Name", 1.0, "have the same full name"),
    LinkType.SIMILAR_BEHAVIOR: ("uniqueness.similar-behavior", "Similar Behavior", 0.5, "began exactly as it did"),
}
# Links that point at one person: each further account on them lowers the score. Crowd links (an IP, a
# name, a common first journey) weaken with the crowd instead, in their strength.
_PERSONAL = frozenset({LinkType.SAME_DEVICE, LinkType.SHARED_SESSION, LinkType.SIMILAR_EMAIL})


def _finding(link_type: LinkType, links: list[Link]) -> Observation:
    analyzer, label, weight, meaning = _FINDINGS[link_type]
    strength_by_key: dict[str, float] = {}
    for link in links:
        key = str(link.metadata.get("key"))
        strength_by_key[key] = max(strength_by_key.get(key, 0.0), link.value)
    unlinked = 1.0  # the chance that no shared key means a shared owner, keys taken as independent
    for strength in strength_by_key.values():
        unlinked *= 1.0 - strength
    count = len({link.other for link in links})
    value = unlinked / (1.0 + 0.5 * (count - 1)) if link_type in _PERSONAL else unlinked
    confidence = min(0.95, max(link.confidence for link in links) + 0.05 * (len(strength_by_key) - 1))
    others = sorted({link.other for link in links})
    return Observation(
        U, analyzer, label,
        f"{count} other {'identity' if count == 1 else 'identities'} {meaning}.",
        round(value, 4), round(confidence, 4), weight,
        {"linkedIdentities": count, "sharedKeys": len(strength_by_key), "examples": others[:5]},
    )  # fmt: skip


def analyze(profile: IdentityProfile, _: Datasets) -> list[Observation]:
    by_type: dict[LinkType, list[Link]] = {}
    for link in links_from(profile.shared):
        by_type.setdefault(link.type, []).append(link)
    found = [_finding(t, by_type[t]) for t in _FINDINGS if t in by_type]
    if not found and profile.key_count > 0:
        found.append(
            Observation(
                U,
                "uniqueness.distinct",
                "Distinct Identity",
                f"Nothing it uses ({profile.key_count} identifiers) is shared with another identity.",
                1.0,
                min(0.7, 0.3 + 0.1 * profile.key_count),
                1.0,
                {"identifiersCompared": profile.key_count},
            )  # fmt: skip
        )
    return found
