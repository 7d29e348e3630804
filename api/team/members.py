"""The team's members: list them, change a member's role, remove a member (GET, PATCH, DELETE
/api/team/members). Adding one is an invitation's work. Who may call each route is api/access.py's."""

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from api.auth import Caller
from api.errors import NotFound, responses
from api.guards import account_change
from api.system.openapi import SESSION
from api.team.activity import RequestActivity
from api.team.schemas import MemberOut, MemberPatchIn
from application.accounts.application import AccountsApplication
from application.team import members as commands
from domain.errors import InvalidInput
from domain.team.activity import Kind
from projections.accounts.queries.members import members, roles
from projections.read_models import ACCOUNTS, ReadModels


def _out(row: dict[str, Any]) -> MemberOut:
    return MemberOut(
        id=str(row["user_id"]), email=row["email"], name=row["name"], role=row["role"], disabled=bool(row["disabled"])
    )


def known_members(read_models: ReadModels, customer_id: UUID) -> dict[UUID, str]:
    """The team's members as its read model lists them: who may be named, and what an older team adopts."""
    with read_models.current(ACCOUNTS) as conn:
        return roles(conn, customer_id)


def _member_id(raw: str, known: dict[UUID, str]) -> UUID:
    try:
        found = UUID(raw)
    except ValueError:
        raise NotFound("Member not found") from None
    if found not in known:
        raise NotFound("Member not found")
    return found


def _email(accounts: AccountsApplication, user_id: UUID) -> str:
    user = accounts.user(user_id)
    return user.email if user is not None else str(user_id)


def change_member(  # noqa: PLR0913 - whose member, which change, and the parts that make it
    accounts: AccountsApplication,
    read_models: ReadModels,
    activity: RequestActivity,
    caller: Caller,
    member_id: str,
    role: str | None,
    disabled: bool | None,
) -> tuple[UUID, int]:
    """A member's new role, or disabled or enabled (the API's and the dashboard's way), each change logged; the
    member's id and the position to read the change at (0: nothing changed)."""
    known = known_members(read_models, caller.customer_id)
    user_id = _member_id(member_id, known)
    email = _email(accounts, user_id)
    position = 0
    if role is not None:
        position = commands.change_role(accounts, caller.customer_id, user_id, role, known)
        if position:
            activity.note(Kind.ROLE_CHANGED, email, {"from": known[user_id], "role": role})
    if disabled is not None:
        changed = commands.set_disabled(accounts, caller.customer_id, user_id, disabled, known)
        if changed:
            activity.note(Kind.MEMBER_DISABLED if disabled else Kind.MEMBER_ENABLED, email)
        position = max(position, changed)
    return user_id, position


def remove_member(
    accounts: AccountsApplication, read_models: ReadModels, activity: RequestActivity, caller: Caller, member_id: str
) -> int:
    """Remove a member from the team, logged; the position to read it at."""
    known = known_members(read_models, caller.customer_id)
    user_id = _member_id(member_id, known)
    email = _email(accounts, user_id)
    position = commands.remove_member(accounts, caller.customer_id, user_id, known)
    activity.note(Kind.MEMBER_REMOVED, email, {"role": known[user_id]})
    return position


class MemberController(Controller):
    path = "/api/team/members"
    security = [{SESSION: []}]  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def list_members(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> list[MemberOut]:
        """Every member of the team, by email."""
        with read_models.current(ACCOUNTS) as conn:
            return [_out(row) for row in members(conn, caller.customer_id)]

    @patch(
        "/{member_id:str}",
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 404, 409, 429),
    )
    def change_role(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        member_id: FromPath[str],
        data: JSONBody[MemberPatchIn],
    ) -> MemberOut:
        """A member's new role, or disabled (they cannot sign in) or enabled again: their sessions end at once.
        The team's last enabled admin stays one (409)."""
        if data.role is msgspec.UNSET and data.disabled is msgspec.UNSET:
            raise InvalidInput("Send role, disabled, or both")
        role = None if data.role is msgspec.UNSET else data.role.value
        disabled = None if data.disabled is msgspec.UNSET else data.disabled
        user_id, position = change_member(accounts, read_models, activity, caller, member_id, role, disabled)
        with read_models.at_least(ACCOUNTS, position) as conn:
            return next(_out(r) for r in members(conn, caller.customer_id) if r["user_id"] == user_id)

    @delete(
        "/{member_id:str}",
        status_code=204,
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 404, 409, 429),
    )
    def remove_member(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        member_id: FromPath[str],
    ) -> None:
        """Removes a member from the team: their sessions end and they can no longer sign in. The team's last
        admin stays (409)."""
        read_models.reach(ACCOUNTS, remove_member(accounts, read_models, activity, caller, member_id))
