"""The accounts log → the credentials list (never a secret or its hash), the teams, their limits and members."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, delete, update

from domain.accounts.credential import Credential
from domain.accounts.customer import Customer
from domain.accounts.user import User
from domain.team.activity import Activity
from domain.team.invitation import Invitation
from domain.team.limits import Limits
from domain.team.team import Team
from domain.times import to_micros
from projections.schema import credentials, team_activity, team_invitations, team_members, teams
from projections.upsert import insert_ignore


def _issued(conn: Connection, e: Credential.Issued) -> None:
    insert_ignore(
        conn,
        credentials,
        [
            {
                "credential_id": e.originator_id,
                "customer_id": e.customer_id,
                "name": e.name,
                "public_key": e.public_key,
                "allowed_origins": e.allowed_origins,
                "enabled": True,
                "revoked": False,
                "created_at": to_micros(e.timestamp),
            }
        ],
    )


def _activity(conn: Connection, position: int, e: Activity.Recorded) -> None:
    row = {"activity_id": e.originator_id, "customer_id": e.customer_id, "position": position,
           "at": to_micros(e.timestamp), "kind": e.kind, "actor_id": e.actor_id, "actor": e.actor,
           "subject": e.subject, "detail": e.detail, "ip": e.ip, "user_agent": e.user_agent}  # fmt: skip
    insert_ignore(conn, team_activity, [row])


def _team_registered(conn: Connection, e: Customer.Registered) -> None:
    row = {"customer_id": e.originator_id, "name": e.name, "created_at": to_micros(e.timestamp), **Limits().as_dict()}
    insert_ignore(conn, teams, [row])


def _limits_set(conn: Connection, e: Team.LimitsSet) -> None:
    conn.execute(update(teams).where(teams.c.customer_id == e.customer_id).values(**e.limits))


def _registered(conn: Connection, e: User.Registered) -> None:
    row = {"user_id": e.originator_id, "customer_id": e.customer_id, "email": e.email, "name": e.name, "role": e.role,
           "disabled": False}  # fmt: skip
    insert_ignore(conn, team_members, [row])


def _role_changed(conn: Connection, e: User.RoleChanged) -> None:
    conn.execute(update(team_members).where(team_members.c.user_id == e.originator_id).values(role=e.role))


def _member_disabled(disabled: bool) -> Callable[[Connection, Any], None]:
    def handler(conn: Connection, e: Any) -> None:
        conn.execute(update(team_members).where(team_members.c.user_id == e.originator_id).values(disabled=disabled))

    return handler


def _removed(conn: Connection, e: User.Removed) -> None:
    conn.execute(delete(team_members).where(team_members.c.user_id == e.originator_id))


def _invited(conn: Connection, e: Invitation.Issued) -> None:
    row = {
        "invitation_id": e.originator_id,
        "customer_id": e.customer_id,
        "email": e.email,
        "role": e.role,
        "invited_by": e.invited_by,
        "created_at": to_micros(e.timestamp),
        "expires_at": e.expires_at,
        "status": "PENDING",
    }
    insert_ignore(conn, team_invitations, [row])


def _invitation(status: str) -> Callable[[Connection, Any], None]:
    def handler(conn: Connection, e: Any) -> None:
        i = team_invitations.c
        conn.execute(update(team_invitations).where(i.invitation_id == e.originator_id).values(status=status))

    return handler


def _set(**values: Any) -> Callable[[Connection, Any], None]:
    def handler(conn: Connection, e: Any) -> None:
        conn.execute(update(credentials).where(credentials.c.credential_id == e.originator_id).values(**values))

    return handler


def _changed(column: str) -> Callable[[Connection, Any], None]:
    """The credential's column set to the event's field of the same name."""

    def handler(conn: Connection, e: Any) -> None:
        conn.execute(
            update(credentials)
            .where(credentials.c.credential_id == e.originator_id)
            .values({column: getattr(e, column)})
        )

    return handler


_HANDLERS: dict[type, Callable[[Connection, Any], None]] = {
    Credential.Issued: _issued,
    Credential.Disabled: _set(enabled=False),
    Credential.Enabled: _set(enabled=True),
    Credential.Revoked: _set(enabled=False, revoked=True),
    Credential.Renamed: _changed("name"),
    Credential.OriginsChanged: _changed("allowed_origins"),
    Customer.Registered: _team_registered,
    Team.LimitsSet: _limits_set,
    User.Registered: _registered,
    User.RoleChanged: _role_changed,
    User.Removed: _removed,
    User.Disabled: _member_disabled(True),
    User.Enabled: _member_disabled(False),
    Invitation.Issued: _invited,
    Invitation.Accepted: _invitation("ACCEPTED"),
    Invitation.Revoked: _invitation("REVOKED"),
}


class AccountsProjection:
    name = "accounts"

    def apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        for position, event in batch_events:
            if isinstance(event, Activity.Recorded):
                _activity(conn, position, event)
                continue
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(conn, event)
