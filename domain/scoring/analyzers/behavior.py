"""Behavior: does the identity use the app the way its users normally do?

Windows are measured back from the identity's own latest event, never from the wall
clock, so a cycle replayed later gives the same result."""

from domain.scoring.activity import Activity
from domain.scoring.analyzers import takeover
from domain.scoring.categories import Category
from domain.scoring.cohort import BURST, registration_cohort
from domain.scoring.datasets import Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.windows import HOUR, MINUTE, densest
from domain.scoring.wording import counted

B = Category.BEHAVIOR
WEAK_FINDING = 0.4  # a finding valued at least this is a doubt, not an accusation


# Tries before a reset that a person makes; a guessing script makes more, or resets nothing.
_FORGETFUL_TRIES = 10


def failed_logins(activity: Activity) -> Observation | None:
    burst, _, last = densest(activity.times("LOGIN_FAILED"), 10 * MINUTE)
    reset = last is not None and any(last <= t <= last + HOUR for t in activity.times("PASSWORD_RESET"))
    if burst >= 5 and reset and burst < _FORGETFUL_TRIES:
        return Observation(B, "behavior.failed-logins", "Failed Login Velocity",
                           f"{burst} failed logins within 10 minutes, then a password reset: most likely its owner, "
                           "who forgot the password.",
                           0.4, 0.6, 1.5, {"failedLogins": burst, "windowMinutes": 10, "thenReset": True})  # fmt: skip
    if burst >= 5:
        return Observation(B, "behavior.failed-logins", "Failed Login Velocity",
                           f"{burst} failed logins within 10 minutes: password guessing or credential stuffing.",
                           0.1, 0.9, 3.0, {"failedLogins": burst, "windowMinutes": 10})  # fmt: skip
    if burst >= 3:
        return Observation(B, "behavior.failed-logins", "Failed Login Velocity",
                           f"{burst} failed logins within 10 minutes.",
                           0.4, 0.6, 1.5, {"failedLogins": burst, "windowMinutes": 10})  # fmt: skip
    return None


def promo_velocity(activity: Activity) -> Observation | None:
    redeemed, _, _ = densest(activity.times("PROMO_REDEEM"), 24 * HOUR)
    if redeemed < 3:
        return None
    return Observation(B, "behavior.promo-velocity", "Promotion Abuse",
                       f"{redeemed} promotions redeemed within 24 hours.",
                       0.15, 0.8, 2.5, {"redemptions": redeemed})  # fmt: skip


def password_reset_velocity(activity: Activity) -> Observation | None:
    resets, _, _ = densest(activity.times("PASSWORD_RESET"), 24 * HOUR)
    if resets >= 5:
        return Observation(B, "behavior.password-reset-velocity", "Password Reset Velocity",
                           f"{resets} password resets within 24 hours.",
                           0.1, 0.85, 2.5, {"resets": resets})  # fmt: skip
    if resets >= 3:
        return Observation(B, "behavior.password-reset-velocity", "Password Reset Velocity",
                           f"{resets} password resets within 24 hours.",
                           0.35, 0.6, 1.5, {"resets": resets})  # fmt: skip
    return None


def repetitive_usage(activity: Activity) -> Observation | None:
    """Scripts repeat one action at a steady pace; people mix actions and pause irregularly."""
    if activity.event_count < 30 or activity.gap_cv is None:
        return None
    kind, count = max(activity.by_type.items(), key=lambda item: (item[1], item[0]))
    share = count / activity.event_count
    if share < 0.9 or activity.gap_cv >= 0.3:
        return None
    return Observation(B, "behavior.repetitive-usage", "Repetitive Usage",
                       f"{share:.0%} of {activity.event_count} events are {kind.lower().replace('_', ' ')}, "
                       "at a steady pace: automation-like use.",
                       0.2, 0.65, 2.0,
                       {"events": activity.event_count, "share": round(share, 3), "type": kind})  # fmt: skip


RISK_ANALYZERS = (failed_logins, promo_velocity, password_reset_velocity, repetitive_usage)


def registration_bombing(profile: IdentityProfile) -> Observation | None:
    """Many accounts first seen on one IP or device within the hour this one registered."""
    cohort = registration_cohort(profile)
    if cohort is None or cohort.accounts < 3:
        return None
    text = f"{cohort.accounts} accounts appeared from one {cohort.source} within an hour."
    meta = cohort.metadata
    if cohort.accounts >= BURST:
        return Observation(B, "behavior.registration-bombing", "Registration Bombing", text, 0.05, 0.85, 3.0, meta)
    return Observation(B, "behavior.registration-bombing", "Registration Bombing", text, 0.4, 0.5, 1.5, meta)


def analyze(profile: IdentityProfile, _: Datasets) -> list[Observation]:
    activity = profile.activity
    found = [o for analyzer in RISK_ANALYZERS if (o := analyzer(activity)) is not None]
    found.extend(takeover.analyze(profile))
    if (bombing := registration_bombing(profile)) is not None:
        found.append(bombing)
    known = activity.event_count - activity.count("OTHER")
    # A history of ordinary use still speaks beside a weak finding (a new phone); not beside a strong one.
    if known > 0 and all(o.value >= WEAK_FINDING for o in found):
        found.append(
            Observation(
                B,
                "behavior.activity",
                "Normal Activity",
                f"{counted(known, 'recognised event')}, none in a pattern of abuse.",
                0.85,
                min(0.7, 0.2 + known / 50),
                1.0,
                {"recognisedEvents": known},
            )  # fmt: skip
        )
    return found
