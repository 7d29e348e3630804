"""Canonical names Dregs understands, and the GLOBAL default mappings from the
spellings apps commonly use. A team's own mappings (a later feature) override these."""

from collections.abc import Mapping
from typing import Any

EVENT_TYPES = frozenset(
    {
        "REGISTRATION",
        "LOGIN",
        "LOGIN_FAILED",
        "LOGOUT",
        "PASSWORD_RESET",
        "PASSWORD_CHANGE",
        "EMAIL_CONFIRMATION",
        "EMAIL_CHANGE",
        "PROFILE_UPDATE",
        "PURCHASE",
        "PAYMENT_FAILED",
        "REFUND",
        "PROMO_REDEEM",
        "REFERRAL",
        "INVITATION",
        "MFA_CHANGE",
        "PAGE_VIEW",
    }
)

IDENTITY_FIELDS = frozenset({"EMAIL", "FULL_NAME", "FIRST_NAME", "LAST_NAME", "USERNAME", "ORGANIZATION_NAME", "PHONE"})


def _key(name: str) -> str:
    """Spellings compare without case or separators: `firstName` == `first_name` == `First-Name`."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_DEFAULT_EVENT_TYPES: dict[str, str] = {
    _key(source): target
    for target, sources in {
        "REGISTRATION": [
            "signup",
            "sign_up",
            "user.signup",
            "user.sign_up",
            "register",
            "registration",
            "user.registered",
            "user_registered",
            "user.created",
            "account.created",
            "account_created",
        ],
        "LOGIN": [
            "login",
            "log_in",
            "signin",
            "sign_in",
            "user.login",
            "user.logged_in",
            "logged_in",
            "session.created",
        ],
        "LOGIN_FAILED": [
            "login_failed",
            "failed_login",
            "user.login_failed",
            "login.failed",
            "signin_failed",
            "sign_in_failed",
        ],
        "LOGOUT": ["logout", "log_out", "signout", "sign_out", "user.logout"],
        "PASSWORD_RESET": [
            "password_reset",
            "reset_password",
            "user.password_reset",
            "password.reset",
            "password_reset_requested",
            "forgot_password",
        ],
        "PASSWORD_CHANGE": [
            "password_change",
            "change_password",
            "password_changed",
            "user.password_changed",
            "password.changed",
        ],
        "EMAIL_CONFIRMATION": [
            "email_confirmation",
            "email_confirmed",
            "email_verified",
            "verify_email",
            "user.email_confirmed",
            "user.email_verified",
        ],
        "EMAIL_CHANGE": ["email_change", "email_changed", "user.email_changed"],
        "PROFILE_UPDATE": ["profile_update", "profile_updated", "user.updated", "user.profile_updated"],
        "PURCHASE": [
            "purchase",
            "order",
            "order_completed",
            "order.completed",
            "checkout",
            "checkout_completed",
            "payment",
            "payment_succeeded",
            "payment.succeeded",
        ],
        "PAYMENT_FAILED": ["payment_failed", "payment.failed", "charge_failed"],
        "REFUND": ["refund", "refunded", "payment.refunded"],
        "PROMO_REDEEM": [
            "promo_redeem",
            "promo_redeemed",
            "coupon_redeemed",
            "redeem_coupon",
            "promo.redeemed",
            "voucher_redeemed",
        ],
        "REFERRAL": ["referral", "referral_used", "invite_accepted"],
        "INVITATION": ["invitation", "invite", "invite_sent", "user.invited"],
        "MFA_CHANGE": ["mfa_change", "mfa_enabled", "mfa_disabled", "2fa_enabled", "2fa_disabled"],
        "PAGE_VIEW": ["page_view", "pageview", "dregs_page_view"],
    }.items()
    for source in sources
}

_DEFAULT_IDENTITY_FIELDS: dict[str, str] = {
    _key(source): target
    for target, sources in {
        "EMAIL": ["email", "email_address", "mail", "e_mail"],
        "FULL_NAME": ["name", "full_name", "display_name", "fullname"],
        "FIRST_NAME": ["first_name", "given_name", "firstname", "forename"],
        "LAST_NAME": ["last_name", "family_name", "lastname", "surname"],
        "USERNAME": ["username", "user_name", "login", "handle", "nickname", "screen_name"],
        "ORGANIZATION_NAME": [
            "company",
            "organization",
            "organisation",
            "org_name",
            "organization_name",
            "company_name",
        ],
        "PHONE": ["phone", "phone_number", "mobile", "telephone"],
    }.items()
    for source in sources
}


def canonical_event_type(event_type: str) -> str | None:
    return _DEFAULT_EVENT_TYPES.get(_key(event_type))


def canonical_fields(attributes: Mapping[str, Any]) -> dict[str, str]:
    """The canonical fields an identity's attributes fill; the first non-blank spelling wins."""
    found: dict[str, str] = {}
    for name, value in attributes.items():
        target = _DEFAULT_IDENTITY_FIELDS.get(_key(name))
        if target and target not in found and isinstance(value, str) and value.strip():
            found[target] = value.strip()
    return found


def display_fields(attributes: Mapping[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(displayName, displayEmail, displayUsername) from the identity's attributes."""
    fields = canonical_fields(attributes)
    name = fields.get("FULL_NAME")
    if name is None:
        parts = [fields[k] for k in ("FIRST_NAME", "LAST_NAME") if k in fields]
        name = " ".join(parts) or None
    return name, fields.get("EMAIL"), fields.get("USERNAME")


def group_display_name(attributes: Mapping[str, Any]) -> str | None:
    for key in ("name", "display_name", "displayName", "title"):
        value = attributes.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None
