from typing import Any

import msgspec

from api.time import format_time


class SignupIn(msgspec.Struct):
    email: str
    password: str
    name: str
    team: str


class LoginIn(msgspec.Struct):
    email: str
    password: str


class PasswordChangeIn(msgspec.Struct, rename="camel"):
    current_password: str
    new_password: str


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


class LoginOut(msgspec.Struct, rename="camel"):
    token: str
    expires_at: str | None


class CredentialIn(msgspec.Struct, rename="camel"):
    name: str
    allowed_origins: list[str] = []


class CredentialPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    enabled: bool


class CredentialOut(msgspec.Struct, rename="camel"):
    id: str
    name: str
    public_key: str
    enabled: bool
    allowed_origins: list[str]
    created_at: str | None


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
    )
