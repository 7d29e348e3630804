"""The operator's limits on a team (domain/team/limits.py), kept on the team's record so that the members'
limit is checked in the same save that adds a member."""

from collections.abc import Mapping
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from application.accounts.application import AccountsApplication
from application.team.members import save_team, team_of
from domain.team.limits import Limits
from domain.team.team import Team


def limits_of(accounts: AccountsApplication, customer_id: UUID) -> Limits:
    """The team's limits as its record has them: none for a team whose record was never founded."""
    try:
        team: Team = accounts.repository.get(Team.create_id(customer_id))
    except AggregateNotFoundError:
        return Limits()
    return team.limits


def set_limits(
    accounts: AccountsApplication, customer_id: UUID, values: Mapping[str, int | None], known: Mapping[UUID, str]
) -> int:
    """Set these limits (None: unlimited) and keep the others; the position to read them at, 0 if unchanged."""
    try:
        accounts.customer(customer_id)
    except AggregateNotFoundError:
        raise LookupError(f"no team {customer_id}") from None
    team = team_of(accounts, customer_id, known)
    if not team.set_limits(dict(values)):
        return 0
    return save_team(accounts, team)
