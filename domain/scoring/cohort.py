"""The accounts an identity arrived with: first seen on the same IP address or device within the hour
it registered (a burst of them is one operator's sign-ups, however plausible each looks alone), or within
minutes of a failed login that began its life (one script working through a list of credentials)."""

from dataclasses import dataclass
from typing import Any

from domain.scoring.link_keys import KeyKind
from domain.scoring.links import SharedKey
from domain.scoring.profile import IdentityProfile
from domain.scoring.windows import HOUR, MINUTE

BURST = 5  # accounts, this one included: a registration bomb


@dataclass(frozen=True)
class Cohort:
    accounts: int  # this one included
    kind: KeyKind
    key: str

    @property
    def source(self) -> str:
        return "device" if self.kind is KeyKind.DEVICE else "IP address"

    @property
    def metadata(self) -> dict[str, Any]:
        """What a finding about the cohort records: how many accounts, and the key they arrived on."""
        return {"accounts": self.accounts, "source": self.kind.value, "key": self.key}


def arrivals(profile: IdentityProfile) -> list[SharedKey]:
    """The IP addresses and devices this identity shares with accounts that first showed them within the
    hour it did; none if it never registered."""
    if profile.activity.count("REGISTRATION") == 0:
        return []
    return [
        shared
        for shared in profile.shared
        if shared.kind in (KeyKind.IP, KeyKind.DEVICE) and abs(shared.other_since - shared.own_since) <= HOUR
    ]


def registration_cohort(profile: IdentityProfile) -> Cohort | None:
    """The largest group of accounts that arrived on one IP or device within the hour of this one's
    registration, or None when it registered alone (or never registered)."""
    near: dict[tuple[KeyKind, str], set[str]] = {}
    for shared in arrivals(profile):
        near.setdefault((shared.kind, shared.key), set()).add(shared.other)
    if not near:
        return None
    (kind, key), others = max(near.items(), key=lambda item: (len(item[1]), item[0]))
    return Cohort(len(others) + 1, kind, key)


# A list of stolen credentials is worked through in minutes; a conference's or an office's people trickle onto
# a new network over hours.
CAMPAIGN_WINDOW = 10 * MINUTE


def login_campaign(profile: IdentityProfile) -> Cohort | None:
    """The largest group of accounts first tried from one IP address or device within minutes of this one,
    when this identity's life began there with a failed login and no sign-up: the accounts a credential-stuffing
    script tried together. None for an account with a life of its own before (its owner is not the script)."""
    activity = profile.activity
    began = activity.first_seen
    if (
        began is None
        or activity.count("REGISTRATION")
        or not any(t - began <= CAMPAIGN_WINDOW for t in activity.times("LOGIN_FAILED"))
    ):
        return None
    near: dict[tuple[KeyKind, str], set[str]] = {}
    for shared in profile.shared:
        if (
            shared.kind in (KeyKind.IP, KeyKind.DEVICE)
            and shared.own_since - began <= CAMPAIGN_WINDOW
            and abs(shared.other_since - shared.own_since) <= CAMPAIGN_WINDOW
        ):
            near.setdefault((shared.kind, shared.key), set()).add(shared.other)
    if not near:
        return None
    (kind, key), others = max(near.items(), key=lambda item: (len(item[1]), item[0]))
    return Cohort(len(others) + 1, kind, key)
