"""What the team's members routes take and answer."""

from typing import Any, ClassVar

import msgspec

from api.accounts.schemas import PASSWORD_RULE, Email, Name
from api.schemas import text
from api.time import format_time
from domain.accounts.roles import Role


class MemberOut(msgspec.Struct, rename="camel"):
    id: str
    email: str
    name: str
    role: Role
    disabled: bool  # disabled by an admin: cannot sign in until enabled


class MemberPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    role: Role | msgspec.UnsetType = msgspec.UNSET
    disabled: bool | msgspec.UnsetType = msgspec.UNSET


class InvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    role: Role


class InvitationOut(msgspec.Struct, rename="camel"):
    id: str
    email: str
    role: str
    created_at: str | None
    expires_at: str | None


class IssuedInvitationOut(InvitationOut, rename="camel"):
    emailed: bool  # whether the email with the link went out; the link is in it only


def invitation_out(row: dict[str, Any]) -> InvitationOut:
    return InvitationOut(
        id=str(row["invitation_id"]),
        email=row["email"],
        role=row["role"],
        created_at=format_time(row["created_at"]),
        expires_at=format_time(row["expires_at"]),
    )


Token = text(200, min_length=1)


class AcceptInvitationIn(msgspec.Struct, forbid_unknown_fields=True):
    token: Token
    name: Name
    password: str
    __field_schema__: ClassVar = {"password": PASSWORD_RULE}


class ActorOut(msgspec.Struct):
    id: str | None  # the person's member id; None for a key or the operator
    name: str  # an email address, "key <name>", or "operator"


class ActivityOut(msgspec.Struct, rename="camel"):
    id: str
    at: str | None
    kind: str  # e.g. member.role_changed (GET /api/team/activity?kind= takes a kind or its family, "member")
    actor: ActorOut
    subject: str | None  # what was acted on: a member's email, a key's or rule's name, a dataset entry…
    detail: dict[str, Any]  # what changed, never a secret
    ip: str | None
    user_agent: str | None


def activity_out(row: dict[str, Any]) -> ActivityOut:
    actor_id = row["actor_id"]
    return ActivityOut(
        id=str(row["activity_id"]),
        at=format_time(row["at"]),
        kind=row["kind"],
        actor=ActorOut(id=str(actor_id) if actor_id is not None else None, name=row["actor"]),
        subject=row["subject"],
        detail=row["detail"],
        ip=row["ip"],
        user_agent=row["user_agent"],
    )
