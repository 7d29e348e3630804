"""Humanity from the rhythm of events: people are irregular and slow, scripts are
regular or instant; and a script working through a list of accounts, each tried only a
few times, shows in the accounts it tried together. The devices' own signals are judged
in device_humanity.py."""

from domain.scoring.categories import Category
from domain.scoring.cohort import BURST, login_campaign
from domain.scoring.datasets import Datasets
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile

H = Category.HUMANITY
MIN_GAPS = 5


def event_timing(profile: IdentityProfile, _: Datasets) -> Observation | None:
    activity = profile.activity
    cv = activity.gap_cv
    if activity.gap_count < MIN_GAPS or cv is None:
        return None
    n = activity.gap_count
    meta = {"gaps": n, "meanSeconds": round(activity.gap_mean, 3), "variation": round(cv, 3)}
    if activity.gap_mean < 1.0 and (activity.min_gap or 0.0) < 0.05:
        return Observation(H, "humanity.event-timing", "Event Timing",
                           "Events arrive faster than a person can act.",
                           0.1, min(0.9, 0.4 + n / 20), 2.0, meta)  # fmt: skip
    short_cv = activity.short_gap_cv
    if activity.short_count >= 10 and short_cv is not None and short_cv < 0.3:
        meta |= {"gapsInVisits": activity.short_count, "variationInVisits": round(short_cv, 3)}
        return Observation(H, "humanity.event-timing", "Event Timing",
                           "Inside each visit, events arrive at clockwork-regular intervals, as a scheduled script "
                           "sends them.",
                           0.1, min(0.9, 0.4 + activity.short_count / 40), 2.0, meta)  # fmt: skip
    if cv < 0.15:
        return Observation(H, "humanity.event-timing", "Event Timing",
                           "Events arrive at clockwork-regular intervals, as a script sends them.",
                           0.1, min(0.9, 0.3 + n / 20), 2.0, meta)  # fmt: skip
    if n >= 20 and cv < 0.5:
        return Observation(H, "humanity.event-timing", "Event Timing",
                           f"{n + 1} events at a pace too even for a person: a script with randomised pauses.",
                           0.15, min(0.85, 0.3 + n / 100), 2.0, meta)  # fmt: skip
    if cv >= 0.5:
        return Observation(H, "humanity.event-timing", "Event Timing",
                           "Events arrive at the irregular pace of a person.",
                           0.85, min(0.8, 0.2 + n / 30), 1.0, meta)  # fmt: skip
    return Observation(H, "humanity.event-timing", "Event Timing",
                       "Event timing is somewhat regular.", 0.55, 0.4, 1.0, meta)  # fmt: skip


def tried_together(profile: IdentityProfile, _: Datasets) -> Observation | None:
    """Failed logins that began this identity's life, from an IP address or device from which other accounts
    were first tried within minutes: too few attempts per account for their timing to show, one script across
    them all."""
    campaign = login_campaign(profile)
    if campaign is None or campaign.accounts < BURST:
        return None
    return Observation(H, "humanity.login-campaign", "Login Campaign",
                       f"Failed logins from one {campaign.source} from which {campaign.accounts - 1} other accounts "
                       "were first tried within minutes: a script working through a list of credentials.",
                       0.1, min(0.9, 0.5 + campaign.accounts / 50), 2.5, campaign.metadata)  # fmt: skip


ANALYZERS = (event_timing, tried_together)
