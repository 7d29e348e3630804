"""Commands on a team's members. The team (domain/team/team.py) and the member's account are saved together, in
one recording of the accounts event store: a role change and the end of the member's sessions happen at once,
and a save that finds the team changed since it was read is refused (two admins demoting each other)."""

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from application.accounts.application import AccountsApplication, check_name, normalize_email
from application.accounts.passwords import hash_password, verify_password
from application.positions import last_position
from domain.accounts.user import User
from domain.errors import Conflict, InvalidInput, NotAllowed
from domain.team.team import Team

_RACED = "The team's members changed at the same moment; read them again and retry"


def team_of(accounts: AccountsApplication, customer_id: UUID, known: Mapping[UUID, str]) -> Team:
    """The team's record; for a team signed up before members were kept, one that adopts `known`, the members
    its read model lists (every one of them, since no member could be added or changed before)."""
    try:
        return accounts.repository.get(Team.create_id(customer_id))
    except AggregateNotFoundError:
        return Team(customer_id=customer_id, members={str(user): role for user, role in known.items()})


def save_team(accounts: AccountsApplication, *aggregates: object) -> int:
    """Save the team's record with the aggregates its change touched; the saved events' last position in the
    accounts log, for a read that must see them. Conflict when the team changed since it was read."""
    try:
        recordings = accounts.save(*aggregates)  # type: ignore[arg-type]
    except IntegrityError:
        raise Conflict(_RACED) from None
    return last_position(recordings)


def add_member(  # noqa: PLR0913 - who joins, as what, and the team as it is
    accounts: AccountsApplication,
    customer_id: UUID,
    email: str,
    name: str,
    password: str,
    role: str,
    known: Mapping[UUID, str],
    *also: Aggregate,
) -> tuple[User, int]:
    """A new account in the team with this role, saved with the team and `also` (the invitation it accepts) in
    one recording; the account, and the position to read it at."""
    email = normalize_email(email)
    team = team_of(accounts, customer_id, known)
    user = User(email=email, name=check_name("name", name), customer_id=customer_id, role=role,
                password_hash=hash_password(password))  # fmt: skip
    team.join(user.id, role)
    if accounts.user(user.id) is not None:
        raise Conflict(_TAKEN)
    try:
        recordings = accounts.save(team, user, *also)
    except IntegrityError:
        raise Conflict(_TAKEN) from None
    return user, last_position(recordings)


_TAKEN = "An account with this email already exists; it belongs to its own team"


def _member(accounts: AccountsApplication, customer_id: UUID, user_id: UUID) -> User:
    user = accounts.user(user_id)
    if user is None or user.customer_id != customer_id or user.removed:
        raise InvalidInput("No such member in this team")
    return user


def change_role(
    accounts: AccountsApplication, customer_id: UUID, user_id: UUID, role: str, known: Mapping[UUID, str]
) -> int:
    """The position to read the change at; 0 when the member already had the role."""
    user = _member(accounts, customer_id, user_id)
    team = team_of(accounts, customer_id, known)
    if not team.change_role(user_id, role):
        return 0
    user.change_role(team.members[user_id])
    return save_team(accounts, team, user)


def remove_member(accounts: AccountsApplication, customer_id: UUID, user_id: UUID, known: Mapping[UUID, str]) -> int:
    user = _member(accounts, customer_id, user_id)
    team = team_of(accounts, customer_id, known)
    team.remove(user_id)
    user.remove()
    return save_team(accounts, team, user)


def set_disabled(
    accounts: AccountsApplication, customer_id: UUID, user_id: UUID, disabled: bool, known: Mapping[UUID, str]
) -> int:
    """Disable a member (every session ends; they cannot sign in) or enable them again; never the team's last
    enabled admin. The position to read the change at; 0 when nothing changed."""
    user = _member(accounts, customer_id, user_id)
    team = team_of(accounts, customer_id, known)
    if not team.set_disabled(user_id, disabled):
        return 0
    user.disable() if disabled else user.enable()
    return save_team(accounts, team, user)


def delete_account(accounts: AccountsApplication, user_id: UUID, password: str, known: Mapping[UUID, str]) -> int:
    """The signed-in person deletes their own account, confirming with their password; never the team's last
    admin (make another member an admin first)."""
    user = accounts.user(user_id)
    if user is None or user.removed:
        raise InvalidInput("No such account")
    if not verify_password(password, user.password_hash):
        raise NotAllowed("the password is not correct")
    team = team_of(accounts, user.customer_id, known)
    team.remove(user_id)
    user.remove()
    return save_team(accounts, team, user)
