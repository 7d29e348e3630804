"""Invitations: an admin invites an address with a role (POST /api/team/invitations), lists the pending ones
and revokes one; the invitee accepts with the emailed link's token (POST /api/auth/accept-invitation)."""

import math
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import anyio.to_thread
from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from adapters.bootstrap import Container
from api.accounts.account import account_out
from api.accounts.schemas import AccountOut
from api.auth import Caller
from api.errors import NotFound, RateLimited, responses
from api.guards import account_change
from api.rate_limits import client_ip, enforce
from api.system.openapi import SESSION
from api.team.activity import RequestActivity
from api.team.members import known_members
from api.team.schemas import AcceptInvitationIn, InvitationIn, InvitationOut, IssuedInvitationOut, invitation_out
from api.time import format_time
from application.accounts.application import AccountsApplication
from application.team import invitations as commands
from domain.accounts.user import User
from domain.team.activity import Kind
from domain.team.invitation import Invitation
from domain.times import to_micros
from projections.accounts.queries.members import pending_invitations
from projections.read_models import ACCOUNTS, ReadModels


def _now() -> int:
    return to_micros(datetime.now(UTC))


def send_invitation(  # noqa: PLR0913 - who invites whom as what, and the parts that does it
    container: Container,
    read_models: ReadModels,
    activity: RequestActivity,
    caller: Caller,
    email: str,
    role: str,
) -> tuple[Invitation, bool]:
    """Invite the address with this role and email it the link (the API's and the dashboard's way); the
    invitation, and whether the email went out. OverLimit past the team's members, RateLimited past its
    emails (nothing made)."""
    accounts, mail = container.accounts, container.account_mail
    assert caller.user_id is not None and mail is not None
    wait = mail.wait_to_send(caller.customer_id)
    if wait is not None:
        raise RateLimited(math.ceil(wait), "The team has sent as many emails as its limit allows for now")
    known = known_members(read_models, caller.customer_id)
    issued = commands.invite(accounts, caller.customer_id, caller.user_id, email, role, _now(), known)
    inviter = accounts.user(caller.user_id)
    assert inviter is not None
    invitation = issued.invitation
    team = accounts.customer(caller.customer_id)
    emailed = mail.invitation(invitation.email, team.name, inviter.name, invitation.role, issued.token)
    activity.note(Kind.MEMBER_INVITED, invitation.email, {"role": invitation.role, "emailed": emailed})
    return invitation, emailed


class InvitationController(Controller):
    path = "/api/team/invitations"
    security = [{SESSION: []}]  # noqa: RUF012

    @post(
        status_code=201, sync_to_thread=True, guards=[account_change], responses=responses(400, 401, 402, 403, 409, 429)
    )
    def invite(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[InvitationIn],
    ) -> IssuedInvitationOut:
        """Emails the address a link to join the team with this role, usable once for a week. The link is in
        the email only; `emailed` says whether it went out (revoke and invite again if not). 402 when the team
        has as many members as its limit allows; 429 when the team is over its email limit."""
        invitation, emailed = send_invitation(container, read_models, activity, caller, data.email, data.role.value)
        return IssuedInvitationOut(
            id=str(invitation.id),
            email=invitation.email,
            role=invitation.role,
            created_at=format_time(invitation.created_on),
            expires_at=format_time(invitation.expires_at),
            emailed=emailed,
        )

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def list_invitations(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> list[InvitationOut]:
        """The invitations not yet accepted, revoked or expired, newest first."""
        with read_models.current(ACCOUNTS) as conn:
            return [invitation_out(r) for r in pending_invitations(conn, caller.customer_id, _now())]

    @delete(
        "/{invitation_id:str}",
        status_code=204,
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 404, 409, 429),
    )
    def revoke(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        invitation_id: FromPath[str],
    ) -> None:
        """The link stops working; an invitation already used or revoked is a 409."""
        read_models.reach(ACCOUNTS, revoke_invitation(accounts, activity, caller, invitation_id))


def revoke_invitation(accounts: AccountsApplication, activity: RequestActivity, caller: Caller, raw_id: str) -> int:
    """The invitation's link stops working (the API's and the dashboard's way), logged; the position to read it
    at. NotFound for no such invitation in the team, Conflict for one used or revoked."""
    try:
        found = UUID(raw_id)
    except ValueError:
        raise NotFound("Invitation not found") from None
    position = commands.revoke(accounts, caller.customer_id, found)
    if position is None:
        raise NotFound("Invitation not found")
    revoked: Invitation = accounts.repository.get(found)
    activity.note(Kind.INVITATION_REVOKED, revoked.email, {"role": revoked.role})
    return position


def accept_invitation(  # noqa: PLR0913 - the link's token, who the person is, and the parts that make them
    accounts: AccountsApplication,
    read_models: ReadModels,
    activity: RequestActivity,
    token: str,
    name: str,
    password: str,
) -> User:
    """The invitee's account in the team (the API's and the dashboard's way), logged and readable on return."""
    known = known_members(read_models, commands.team_of_token(accounts, token))
    user, position = commands.accept(accounts, token, name, password, known, _now())
    activity.note(Kind.MEMBER_JOINED, user.email, {"role": user.role}, user=user)
    read_models.reach(ACCOUNTS, position)
    return user


class AcceptInvitationController(Controller):
    """Open to anyone holding an invitation's link."""

    path = "/api/auth"

    @post("/accept-invitation", status_code=201, responses=responses(400, 402, 404, 409, 429))
    async def accept_invitation(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[AcceptInvitationIn],
    ) -> AccountOut:
        """Creates the invitee's account in the team, with the invitation's address and role; then sign in
        with POST /api/auth/login. A link is used once; 402 if the team has as many members as its limit allows."""
        await enforce(request, "signup_ip", client_ip(request), "Too many sign-ups from this address; retry later")

        def accept() -> AccountOut:
            user = accept_invitation(accounts, read_models, activity, data.token, data.name, data.password)
            return account_out(user, accounts.customer(user.customer_id))

        return await anyio.to_thread.run_sync(accept)
