from typing import Annotated, Any, ClassVar

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from api.schemas import name, text
from api.time import format_time
from application.accounts.application import MAX_NAME, MAX_ORIGINS
from application.accounts.passwords import MAX_BYTES, MIN_CHARS

MAX_EMAIL = 254  # RFC 5321's longest address
MAX_ORIGIN = 255
Email = text(MAX_EMAIL, min_length=1, format="email")
# Passwords are checked by application/accounts/passwords.py, with its messages; the document states the rule.
PASSWORD_RULE = {
    "min_length": MIN_CHARS,
    "max_length": MAX_BYTES,
    "description": f"{MIN_CHARS} characters or more, at most {MAX_BYTES} bytes in UTF-8",
}
LoginEmail = text(MAX_EMAIL)
# What normalize_origin accepts: a scheme, a host (a name, or an IPv6 address in brackets) and an optional port.
_H = "[0-9A-Fa-f]{1,4}"
_IPV6 = (
    f"({_H}:){{7}}{_H}|({_H}:){{1,7}}:|({_H}:){{1,6}}:{_H}|({_H}:){{1,5}}(:{_H}){{1,2}}|({_H}:){{1,4}}(:{_H}){{1,3}}"
    f"|({_H}:){{1,3}}(:{_H}){{1,4}}|({_H}:){{1,2}}(:{_H}){{1,5}}|{_H}:(:{_H}){{1,6}}|:((:{_H}){{1,7}}|:)"
)
_PORT = "[0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]"
ORIGIN = rf"^https?://([A-Za-z0-9._~-]+|\[({_IPV6})\])(:({_PORT}))?/?$"
Origin = text(MAX_ORIGIN, min_length=1, pattern=ORIGIN)
Name = name(MAX_NAME)


class SignupIn(msgspec.Struct):
    email: Email
    password: str
    name: Name
    team: Name
    __field_schema__: ClassVar = {"password": PASSWORD_RULE}


class LoginIn(msgspec.Struct):
    email: LoginEmail
    password: str


class PasswordChangeIn(msgspec.Struct, rename="camel"):
    current_password: str
    new_password: str
    __field_schema__: ClassVar = {"new_password": PASSWORD_RULE}


class PasswordResetIn(msgspec.Struct, forbid_unknown_fields=True):
    email: LoginEmail


class PasswordResetConfirmIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    token: text(200, min_length=1)  # type: ignore[valid-type]
    new_password: str
    __field_schema__: ClassVar = {"new_password": PASSWORD_RULE}


class AccountDeleteIn(msgspec.Struct, forbid_unknown_fields=True):
    password: str  # the current password, confirming the deletion


class UserOut(msgspec.Struct, rename="camel"):
    email: str
    name: str
    role: str
    created_at: str | None


class TeamOut(msgspec.Struct):
    name: str


class AccountOut(msgspec.Struct):
    user: UserOut
    team: TeamOut
    role: str


class UsageOut(msgspec.Struct):
    used: int
    limit: int | None  # None: unlimited


class RetentionOut(msgspec.Struct):
    limit: int | None  # days; None: kept as long as the deployment keeps it


class TeamUsageOut(msgspec.Struct, rename="camel"):
    """What the team has used of each limit its operator set (manual §18)."""

    month: str  # the calendar month (UTC) events_per_month counts, YYYY-MM
    events_per_month: UsageOut
    identities: UsageOut
    members: UsageOut
    rules: UsageOut  # badge and escalation rules together
    channels: UsageOut
    retention_days: RetentionOut
    ingestion_paused: bool  # the monthly events are used up: POST /api/events answers 402 until next month


class AccountSummaryOut(msgspec.Struct):
    user: UserOut
    team: TeamOut
    role: str
    usage: TeamUsageOut


class LoginOut(msgspec.Struct, rename="camel"):
    token: str
    expires_at: str | None


_ORIGINS_SCHEMA = {
    "items": Schema(type=OpenAPIType.STRING, min_length=1, max_length=MAX_ORIGIN, pattern=ORIGIN),
    "description": "Origins a page may send events from with the public key, e.g. https://app.example.com",
}


class CredentialIn(msgspec.Struct, rename="camel"):
    name: Name
    allowed_origins: Annotated[list[Origin], msgspec.Meta(max_length=MAX_ORIGINS)] = []
    # Litestar describes the list but not its items' bounds.
    __field_schema__: ClassVar = {"allowed_origins": _ORIGINS_SCHEMA}


class CredentialPatchIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    allowed_origins: Annotated[list[Origin], msgspec.Meta(max_length=MAX_ORIGINS)] | msgspec.UnsetType = msgspec.UNSET
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    __field_schema__: ClassVar = {"allowed_origins": _ORIGINS_SCHEMA}


class CredentialOut(msgspec.Struct, rename="camel"):
    id: str
    name: str
    public_key: str
    enabled: bool
    allowed_origins: list[str]
    created_at: str | None
    last_used_at: str | None  # when it last authenticated a request, to the minute; None: never


class IssuedCredentialOut(CredentialOut, rename="camel"):
    secret_key: str


def credential_out(row: dict[str, Any]) -> CredentialOut:
    return CredentialOut(
        id=str(row["credential_id"]),
        name=row["name"],
        public_key=row["public_key"],
        enabled=bool(row["enabled"]),
        allowed_origins=list(row["allowed_origins"]),
        created_at=format_time(row["created_at"]),
        last_used_at=format_time(row.get("last_used_at")),
    )
