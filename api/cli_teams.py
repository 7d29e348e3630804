"""`dregs teams list` and `dregs teams set-limits`: the operator's view of the teams and their limits."""

import argparse
import dataclasses
import sys
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from adapters.bootstrap import Container, start_container
from adapters.settings import MIN_DB_POOL_SIZE, load_settings
from application.team import activity
from application.team.limits import limits_of, set_limits
from domain.errors import DomainError
from domain.team.activity import OPERATOR, Kind
from domain.team.limits import Limits
from domain.times import month_of
from projections.accounts.queries.members import roles
from projections.team.queries import limits as queries

UNLIMITED = ("unlimited", "none")
LIMIT_NAMES = tuple(Limits().as_dict())


def add_commands(commands: Any) -> None:
    teams = commands.add_parser("teams", help="list the teams and set their limits (operators)")
    actions = teams.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every team, its limits and its usage this month")
    listing.set_defaults(func=_list)
    setting = actions.add_parser(
        "set-limits", help="set a team's limits; those not named are kept (default: unlimited)"
    )
    setting.add_argument("team", help="the team's id, or its name if no other team has it")
    for name in LIMIT_NAMES:
        # Suppressed when not given: only the limits named are changed.
        setting.add_argument(
            f"--{name.replace('_', '-')}", type=_limit, metavar="N|unlimited", default=argparse.SUPPRESS
        )
    setting.set_defaults(func=_set_limits)


def _limit(value: str) -> int | None:
    if value.strip().lower() in UNLIMITED:
        return None
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is neither a whole number nor 'unlimited'") from None


def _container() -> Container:
    # Next to the deployment's processes: the smallest pools leave the connections to them.
    return start_container(dataclasses.replace(load_settings(), db_pool_size=MIN_DB_POOL_SIZE))


def _shown(limit: int | None) -> str:
    return "unlimited" if limit is None else str(limit)


def _list(_: argparse.Namespace) -> None:
    container = _container()
    month = month_of(datetime.now(UTC))
    try:
        with container.views.connect() as conn:
            teams = [(t, queries.usage(conn, t["customer_id"], month)) for t in queries.all_teams(conn)]
    finally:
        container.close()
    for team, used in teams:
        print(f"{team['customer_id']}  {team['name']}")
        limits: Limits = team["limits"]
        for name in LIMIT_NAMES:
            count = f"{used[name]} of " if name in used else ""
            print(f"    {name.replace('_', ' ')}: {count}{_shown(getattr(limits, name))}")
    if not teams:
        print("no teams yet")


def team_named(conn: Any, wanted: str) -> UUID:
    """A team by its id, or by its name if no other team has it; LookupError otherwise."""
    teams = queries.all_teams(conn)
    try:
        by_id = UUID(wanted)
    except ValueError:
        by_id = None
    found = [t["customer_id"] for t in teams if t["customer_id"] == by_id or t["name"] == wanted]
    if not found:
        raise LookupError(f"no team {wanted!r} (dregs teams list shows them)")
    if len(found) > 1:
        raise LookupError(f"{len(found)} teams are named {wanted!r}: name the team by its id")
    return found[0]


def _set_limits(args: argparse.Namespace) -> None:
    values = {name: getattr(args, name) for name in LIMIT_NAMES if hasattr(args, name)}
    if not values:
        print("dregs: name at least one limit to set, e.g. --events-per-month 100000", file=sys.stderr)
        sys.exit(2)
    container = _container()
    try:
        with container.views.connect() as conn:
            customer_id = team_named(conn, args.team)
            known = roles(conn, customer_id)
        if set_limits(container.accounts, customer_id, values, known):
            activity.record(container.accounts, customer_id, Kind.LIMITS_CHANGED, OPERATOR, None, values)
        limits = limits_of(container.accounts, customer_id)
    except (LookupError, DomainError) as exc:
        print(f"dregs: {getattr(exc, 'message', exc)}", file=sys.stderr)
        sys.exit(2)
    finally:
        container.close()
    print(f"{customer_id}: " + ", ".join(f"{n.replace('_', ' ')} {_shown(v)}" for n, v in limits.as_dict().items()))
