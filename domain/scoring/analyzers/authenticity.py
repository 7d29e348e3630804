"""Authenticity: is the data the identity gave us genuine?"""

from domain.scoring.categories import Category
from domain.scoring.cohort import BURST, registration_cohort
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, Datasets
from domain.scoring.name_matching import local_part_carries_name
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.text_signals import TEST_DOMAINS, email_parts, mash_reason, role_local_part, test_data_reason

A = Category.AUTHENTICITY


def disposable_email(profile: IdentityProfile, datasets: Datasets) -> Observation | None:
    email = profile.email
    if email is None:
        return None
    parts = email_parts(email)
    label = "Disposable Email"
    if parts is None:
        return Observation(A, "authenticity.disposable-email", label, "The email is not a valid address.",
                           0.1, 0.9, 2.0, {"email": email})  # fmt: skip
    domain = parts[1]
    # A subdomain of a disposable provider (x.mailinator.com) is disposable too.
    candidates = [".".join(domain.split(".")[i:]) for i in range(domain.count("."))]
    hit = next((d for d in candidates if datasets.contains(DISPOSABLE_EMAIL_DOMAINS, d)), None)
    if hit is not None:
        return Observation(A, "authenticity.disposable-email", label,
                           f"The email domain {hit} is a disposable (throwaway) email provider.",
                           0.05, 0.95, 3.0, {"domain": domain})  # fmt: skip
    return Observation(A, "authenticity.disposable-email", label,
                       f"The email domain {domain} is not a known disposable provider.",
                       0.9, 0.6, 1.0, {"domain": domain})  # fmt: skip


def role_address(profile: IdentityProfile, _: Datasets) -> Observation | None:
    parts = email_parts(profile.email or "")
    role = role_local_part(parts[0]) if parts is not None else None
    if parts is None or role is None:
        return None
    return Observation(A, "authenticity.role-address", "Role Address",
                       f"{parts[0]}@ is a role address ({role}@), shared or unattended, not a person's own.",
                       0.3, 0.7, 1.0, {"localPart": parts[0]})  # fmt: skip


def name_quality(profile: IdentityProfile, _: Datasets) -> Observation | None:
    names = profile.names()
    if not names:
        return None
    for field_name, value in names:
        reason = mash_reason(value, personal_name=field_name != "USERNAME", surname=field_name == "LAST_NAME")
        if reason is not None:
            return Observation(A, "authenticity.keyboard-mash", "Keyboard-Mashed Name",
                               f"The {field_name.lower().replace('_', ' ')} {value!r} looks typed at random: {reason}.",
                               0.1, 0.85, 2.5, {"field": field_name})  # fmt: skip
    return Observation(A, "authenticity.keyboard-mash", "Keyboard-Mashed Name",
                       "Names and username look like ones people really have.",
                       0.85, 0.5, 1.0, {"fields": [f for f, _ in names]})  # fmt: skip


def test_data(profile: IdentityProfile, _: Datasets) -> Observation | None:
    for field_name, value in [*profile.names(), *(("EMAIL", e) for e in [profile.email] if e)]:
        reason = test_data_reason(value.split("@")[0] if field_name == "EMAIL" else value)
        parts = email_parts(value) if field_name == "EMAIL" else None
        if reason is None and parts is not None and parts[1] in TEST_DOMAINS:
            reason = f"the reserved domain {parts[1]}"
        if reason is not None:
            return Observation(A, "authenticity.test-data", "Test or Placeholder Data",
                               f"The {field_name.lower().replace('_', ' ')} contains {reason}.",
                               0.15, 0.8, 2.0, {"field": field_name})  # fmt: skip
    return None


def name_email_consistency(profile: IdentityProfile, datasets: Datasets) -> Observation | None:
    parts = email_parts(profile.email or "")
    named = [(f, v) for f, v in profile.names() if f != "USERNAME"]
    names = [v for _, v in named]
    # A made-up name (Q65Y24 Ixi from q65y24ixi@, Santa Claus) earns no credit for matching the address it
    # was made from: the keyboard-mash or test-data finding speaks for it.
    made_up = any(mash_reason(v, personal_name=True, surname=f == "LAST_NAME") or test_data_reason(v) for f, v in named)
    if parts is None or not names or made_up:
        return None
    if local_part_carries_name(parts[0], names, datasets.nicknames, datasets.readings):
        return Observation(A, "authenticity.name-email-consistency", "Name and Email Consistency",
                           "The email address carries the person's name.", 0.9, 0.5, 1.0)  # fmt: skip
    # Many real addresses have nothing to do with the name: a mild signal only.
    return Observation(A, "authenticity.name-email-consistency", "Name and Email Consistency",
                       "The email address does not carry the person's name.", 0.45, 0.35, 1.0)  # fmt: skip


def bulk_signup(profile: IdentityProfile, _: Datasets) -> Observation | None:
    """Data judged against its cohort: an account made in a burst of sign-ups from one IP or device
    carries generated data, however plausible its name and address look alone."""
    cohort = registration_cohort(profile)
    if cohort is None or cohort.accounts < BURST:
        return None
    return Observation(A, "authenticity.bulk-signup", "Made In Bulk",
                       f"One of {cohort.accounts} accounts that appeared from one {cohort.source} within an hour: "
                       "data made in bulk, however plausible each account's looks.",
                       0.2, 0.7, 2.0, cohort.metadata)  # fmt: skip


ANALYZERS = (disposable_email, role_address, name_quality, test_data, name_email_consistency, bulk_signup)
