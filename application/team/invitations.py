"""Invitations: an admin invites an address with a role; the link's token is shown to no one but the
invitee (emailed, never answered), is single-use, and lasts a week; accepting it creates the account in the
team, recorded with the team's new member and the invitation's use in one save."""

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.accounts.application import AccountsApplication, LinkNotFound, normalize_email
from application.positions import last_position
from application.team.members import add_member, team_of
from domain.accounts.roles import role_named
from domain.accounts.user import User
from domain.errors import Conflict
from domain.ids import user_id_for_email
from domain.team.invitation import LIFETIME_MICROS, Invitation

TOKEN_PREFIX = "inv_"


@dataclass(frozen=True)
class Issued:
    invitation: Invitation
    token: str
    position: int


def invite(  # noqa: PLR0913 - the team as it is, who invites whom as what, and when
    accounts: AccountsApplication,
    customer_id: UUID,
    inviter: UUID,
    email: str,
    role: str,
    now: int,
    known: Mapping[UUID, str],
) -> Issued:
    """OverLimit when the team has as many members as its limit allows (accepting would be refused too)."""
    email = normalize_email(email)
    role = role_named(role)
    team = team_of(accounts, customer_id, known)
    team.limits.allow_one_more("members", len(team.members))
    existing = accounts.user(user_id_for_email(email))
    if existing is not None:
        if existing.customer_id == customer_id and existing.active:
            raise Conflict("This person is already a member of the team")
        raise Conflict(
            "This address already has a Dregs account, and an account belongs to one team: invite the person at "
            "another address, or they sign in with the account they have"
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    invitation = Invitation(customer_id=customer_id, email=email, role=role, invited_by=inviter,
                            token_hash=accounts.key_hash(token), expires_at=now + LIFETIME_MICROS)  # fmt: skip
    recordings = accounts.save(invitation)
    return Issued(invitation, token, last_position(recordings))


def _by_token(accounts: AccountsApplication, token: str) -> Invitation:
    token_hash = accounts.key_hash(token)
    try:
        invitation: Invitation = accounts.repository.get(Invitation.create_id(token_hash))
    except AggregateNotFoundError:
        invitation = None  # type: ignore[assignment]
    if invitation is None or not hmac.compare_digest(invitation.token_hash, token_hash):
        raise LinkNotFound("This invitation link is not valid")
    return invitation


def team_of_token(accounts: AccountsApplication, token: str) -> UUID:
    """The team an invitation's token is for (refused when it is not one)."""
    return _by_token(accounts, token).customer_id


def accept(  # noqa: PLR0913 - the link's token, who the person is, and the team as it is
    accounts: AccountsApplication, token: str, name: str, password: str, known: Mapping[UUID, str], now: int
) -> tuple[User, int]:
    """The invitee's account in the team. The invitation is used once: a second acceptance, even at the same
    moment, finds it used (409)."""
    invitation = _by_token(accounts, token)
    invitation.accept(now)
    return add_member(accounts, invitation.customer_id, invitation.email, name, password, invitation.role, known,
                      invitation)  # fmt: skip


def revoke(accounts: AccountsApplication, customer_id: UUID, invitation_id: UUID) -> int | None:
    """The position of the revocation; None when the team has no such invitation."""
    try:
        invitation: Invitation = accounts.repository.get(invitation_id)
    except AggregateNotFoundError:
        return None
    if not isinstance(invitation, Invitation) or invitation.customer_id != customer_id:
        return None
    invitation.revoke()
    return last_position(accounts.save(invitation))
