"""Canonical names Dregs understands, and the GLOBAL default mappings from the
spellings apps commonly use. A team's own (CUSTOMER) mappings override these."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.errors import InvalidInput
from domain.text import check_storable

EVENT_TYPE = "EVENT_TYPE"
IDENTITY_FIELD = "IDENTITY_FIELD"
MAX_SOURCE = 128
MAX_DESCRIPTION = 500

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


_GLOBAL_EVENT_TYPE_SOURCES: list[tuple[str, str]] = [
    (source, target)
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
]
_DEFAULT_EVENT_TYPES: dict[str, str] = {_key(source): target for source, target in _GLOBAL_EVENT_TYPE_SOURCES}

_GLOBAL_IDENTITY_FIELD_SOURCES: list[tuple[str, str]] = [
    (source, target)
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
]
_DEFAULT_IDENTITY_FIELDS: dict[str, str] = {_key(source): target for source, target in _GLOBAL_IDENTITY_FIELD_SOURCES}


@dataclass(frozen=True)
class Overrides:
    """A team's CUSTOMER mappings: source key (see `source_key`) → canonical target."""

    event_types: Mapping[str, str] = field(default_factory=dict)
    identity_fields: Mapping[str, str] = field(default_factory=dict)

    def with_mapping(self, kind: str, source: str, target: str | None) -> "Overrides":
        """These overrides with one mapping set (or removed, when target is None)."""
        current = dict(self.event_types if kind == EVENT_TYPE else self.identity_fields)
        if target is None:
            current.pop(source_key(source), None)
        else:
            current[source_key(source)] = target
        if kind == EVENT_TYPE:
            return Overrides(current, self.identity_fields)
        return Overrides(self.event_types, current)


NO_OVERRIDES = Overrides()


def source_key(name: str) -> str:
    """How sources compare: without case or separators."""
    return _key(name)


def check_mapping(kind: str, source: str, target: str, description: str | None) -> tuple[str, str, str]:
    """A mapping as stored: an unknown kind, an empty source or an unknown target is refused."""
    kind = kind.strip().upper()
    targets = {EVENT_TYPE: EVENT_TYPES, IDENTITY_FIELD: IDENTITY_FIELDS}.get(kind)
    if targets is None:
        raise InvalidInput(f"kind must be {EVENT_TYPE} or {IDENTITY_FIELD}")
    source = source.strip()
    if not source or len(source) > MAX_SOURCE or not source_key(source):
        raise InvalidInput(f"source must be 1 to {MAX_SOURCE} characters and contain a letter or digit")
    check_storable("source", source)
    target = target.strip().upper()
    if target not in targets:
        raise InvalidInput(f"target must be one of {', '.join(sorted(targets))} for {kind}")
    if description is not None and len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"description must be at most {MAX_DESCRIPTION} characters")
    if description is not None:
        check_storable("description", description)
    return kind, source, target


def global_mappings() -> list[tuple[str, str, str]]:
    """(kind, source, target) of every GLOBAL default, sources as apps spell them."""
    return [(EVENT_TYPE, source, target) for source, target in _GLOBAL_EVENT_TYPE_SOURCES] + [
        (IDENTITY_FIELD, source, target) for source, target in _GLOBAL_IDENTITY_FIELD_SOURCES
    ]


def canonical_event_type(event_type: str, overrides: Overrides = NO_OVERRIDES) -> str | None:
    key = _key(event_type)
    return overrides.event_types.get(key) or _DEFAULT_EVENT_TYPES.get(key)


def canonical_fields(attributes: Mapping[str, Any], overrides: Overrides = NO_OVERRIDES) -> dict[str, str]:
    """The canonical fields an identity's attributes fill; the first non-blank spelling wins."""
    found: dict[str, str] = {}
    for name, value in attributes.items():
        key = _key(name)
        target = overrides.identity_fields.get(key) or _DEFAULT_IDENTITY_FIELDS.get(key)
        if target and target not in found and isinstance(value, str) and value.strip():
            found[target] = value.strip()
    return found


def display_fields(
    attributes: Mapping[str, Any], overrides: Overrides = NO_OVERRIDES
) -> tuple[str | None, str | None, str | None]:
    """(displayName, displayEmail, displayUsername) from the identity's attributes."""
    return display_from_fields(canonical_fields(attributes, overrides))


def display_from_fields(fields: Mapping[str, str]) -> tuple[str | None, str | None, str | None]:
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
