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
}


def _finding(link_type: LinkType, links: list[Link]) -> Observation:
    analyzer, label, weight, meaning = _FINDINGS[link_type]
    strongest = max(links, key=lambda lk: lk.value)
    count = len(links)
    # One strong link already says "probably the same person"; each further one lowers it.
    value = (1.0 - strongest.value) / (1.0 + 0.5 * (count - 1))
    confidence = min(0.95, strongest.confidence + 0.05 * (count - 1))
    others = sorted(lk.other for lk in links)
    return Observation(
        U, analyzer, label,
        f"{count} other {'identity' if count == 1 else 'identities'} {meaning}.",
        round(value, 4), round(confidence, 4), weight,
        {"linkedIdentities": count, "examples": others[:5]},
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
