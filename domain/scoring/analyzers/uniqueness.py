"""Uniqueness: is this the person's only account?

Each kind of link is judged by the most strongly linked other identity; the more
identities share a device, a session or a mailbox, the lower the score, while keys a
crowd holds (an office or carrier IP) weigh less the bigger the crowd. Weak links
that agree about one other identity add up, and accounts created together from one
source are one actor's batch. Nothing shared is itself evidence, as sure as the
identity gave us things to compare."""

import math

from domain.scoring.categories import Category
from domain.scoring.cohort import arrivals
from domain.scoring.datasets import Datasets
from domain.scoring.links import Link, LinkType
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.windows import DAY
from domain.scoring.wording import counted

U = Category.UNIQUENESS

# link type → (analyzer id, label, weight, what one link means)
_FINDINGS: dict[LinkType, tuple[str, str, float, tuple[str, str]]] = {
    LinkType.SAME_DEVICE: ("uniqueness.shared-device", "Shared Device", 3.0, ("shares a device", "share a device")),
    LinkType.SHARED_SESSION: ("uniqueness.shared-session", "Shared Session", 3.0,
                              ("was seen in its browser session", "were seen in its browser session")),
    LinkType.SIMILAR_EMAIL: ("uniqueness.similar-email", "Similar Email", 2.5,
                             ("has an email address like its own", "have an email address like its own")),
    LinkType.SHARED_IP: ("uniqueness.shared-ip", "Shared IP Address", 1.0,
                         ("connected from its IP address", "connected from its IP address")),
    LinkType.SIMILAR_NAME: ("uniqueness.similar-name", "Similar Name", 1.0,
                            ("has the same full name", "have the same full name")),
    LinkType.SIMILAR_BEHAVIOR: ("uniqueness.similar-behavior", "Similar Behavior", 0.5,
                                ("began exactly as it did", "began exactly as it did")),
    LinkType.SHARED_PROMO_CODE: ("uniqueness.shared-promo-code", "Shared Promo Code", 2.0,
                                 ("redeemed the same code", "redeemed the same code")),
}  # fmt: skip
# Links that point at one person: each further account on them lowers the score. Crowd links (an IP, a
# name, a common first journey) weaken with the crowd instead, in their strength.
_PERSONAL = frozenset({LinkType.SAME_DEVICE, LinkType.SHARED_SESSION, LinkType.SIMILAR_EMAIL})


def _finding(link_type: LinkType, links: list[Link]) -> Observation:
    """One finding per kind of link, judged by the most strongly linked other identity."""
    analyzer, label, weight, meaning = _FINDINGS[link_type]
    strongest = max(links, key=lambda lk: (lk.value, lk.confidence))
    count = len({link.other for link in links})
    value = 1.0 - strongest.value
    if link_type in _PERSONAL:
        # Strangers on a common model's fingerprint are a crowd, already weighed in the link's strength.
        value /= 1.0 + 0.5 * (max(1, len({lk.other for lk in links if not lk.metadata.get("commonModel")})) - 1)
    others = sorted({link.other for link in links})
    common = all(lk.metadata.get("commonModel") for lk in links)
    return Observation(
        U, analyzer, label,
        f"{counted(count, 'other identity', 'other identities')} {meaning[count != 1]}"
        + (": a common model, whose every unit with the same settings reports the same." if common else "."),
        round(value, 4), strongest.confidence, weight,
        {"linkedIdentities": count, "strongest": strongest.other, "examples": others[:5]},
    )  # fmt: skip


def corroborated(links: list[Link]) -> Observation | None:
    """Weak links that agree: one other identity on the same IP, with the same name and a similar
    address, is one person more surely than any of those links says alone."""
    by_other: dict[str, list[Link]] = {}
    for link in links:
        # A household's shared device is on the household's IP by nature: the two are one fact, not two. A common
        # model's strangers share a city, so a carrier's or a café's addresses too.
        if not link.metadata.get("household") and not link.metadata.get("commonModel"):
            by_other.setdefault(link.other, []).append(link)
    best: tuple[float, str, list[Link]] | None = None
    for other, theirs in by_other.items():
        if len(theirs) < 2:
            continue
        apart = 1.0
        for link in theirs:
            apart *= 1.0 - link.value
        together = 1.0 - apart
        if best is None or together > best[0]:
            best = (together, other, theirs)
    if best is None or best[0] < 0.5:
        return None
    together, other, theirs = best
    kinds = sorted(link.type.value.replace("_", " ").lower() for link in theirs)
    return Observation(
        U, "uniqueness.corroborated-link", "Corroborated Link",
        f"Linked to {other} in {len(theirs)} ways at once ({', '.join(kinds)}).",
        round(1.0 - together, 4), 0.8, 2.5, {"other": other, "links": kinds},
    )  # fmt: skip


def co_registered(profile: IdentityProfile) -> Observation | None:
    """Accounts that appeared on one IP or device within the hour this one signed up: one actor's batch.
    Unlike a long-shared office IP, a burst of new accounts is not a crowd."""
    near = {shared.other for shared in arrivals(profile)}
    if len(near) < 2:
        return None
    return Observation(
        U, "uniqueness.co-registered", "Accounts Created Together",
        f"{len(near)} other accounts appeared from the same IP address or device within the hour it signed up.",
        round(0.4 / (1.0 + 0.5 * (len(near) - 1)), 4), 0.75, 2.5, {"accounts": len(near) + 1},
    )  # fmt: skip


_WATCHED_ENOUGH = 7 * DAY
_WATCHED_FLOOR = 0.25


def _watched(profile: IdentityProfile) -> int:
    """µs between the identity's first and last event."""
    a = profile.activity
    return 0 if a.first_seen is None or a.last_seen is None else a.last_seen - a.first_seen


def analyze(profile: IdentityProfile, _: Datasets) -> list[Observation]:
    by_type: dict[LinkType, list[Link]] = {}
    for link in profile.links():
        by_type.setdefault(link.type, []).append(link)
    found = [_finding(t, by_type[t]) for t in _FINDINGS if t in by_type]
    links = [link for t in by_type for link in by_type[t]]
    for extra in (corroborated(links), co_registered(profile)):
        if extra is not None:
            found.append(extra)
    if not found and profile.key_count > 0:
        # Nothing shared says more the more there was to compare, and the longer the account has been
        # watched: a second account usually turns up on the first one's device or network within days, so
        # an account seen for a few minutes has had no time to show one.
        events = max(1, profile.activity.event_count)
        sure = min(0.8, 0.2 + 0.08 * min(profile.key_count, 6) + 0.1 * math.log10(events))
        sure *= _WATCHED_FLOOR + (1.0 - _WATCHED_FLOOR) * min(1.0, _watched(profile) / _WATCHED_ENOUGH)
        found.append(
            Observation(
                U,
                "uniqueness.distinct",
                "Distinct Identity",
                f"Nothing it uses ({counted(profile.key_count, 'identifier')} over {counted(events, 'event')}) is "
                "shared with another "
                "identity.",
                1.0,
                round(sure, 4),
                1.0,
                {"identifiersCompared": profile.key_count, "events": events},
            )  # fmt: skip
        )
    return found
