"""The account activity log over HTTP: `RequestActivity`, which a handler asks for to record what its caller
did (who, from which address and browser), and GET /api/team/activity, which lists it for the team's admins."""

from dataclasses import dataclass
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get
from litestar.di import NamedDependency

from adapters.bootstrap import Container
from api.auth import Caller
from api.errors import responses
from api.http import optional, paging, text_query
from api.rate_limits import client_ip
from api.schemas import PageOut, page_out
from api.system.openapi import SESSION
from api.team.schemas import ActivityOut, activity_out
from application.accounts.application import AccountsApplication
from application.team import activity as log
from domain.accounts.user import User
from domain.team.activity import Actor, Kind
from projections.paging import PageRequest
from projections.read_models import ACCOUNTS, ReadModels
from projections.team.queries.activity import SORTS, ActivityFilter, list_activity


@dataclass(frozen=True)
class RequestActivity:
    accounts: AccountsApplication
    caller: Caller | None  # None on the routes open to anyone (sign-in, sign-up, links from emails)
    ip: str
    user_agent: str | None

    def actor(self, user: User | None = None) -> Actor:
        """The caller as the log names them, or `user` where the request's person is not a caller (sign-in)."""
        if user is None and self.caller is not None:
            if self.caller.user_id is not None and self.caller.email is not None:
                return Actor(self.caller.email, self.caller.user_id, self.ip, self.user_agent)
            if self.caller.credential_id is not None:
                credential = self.accounts.credential(self.caller.credential_id)
                name = credential.name if credential is not None else str(self.caller.credential_id)
                return Actor(f"key {name}", None, self.ip, self.user_agent)
        if user is None:
            return Actor("anonymous", None, self.ip, self.user_agent)
        return Actor(user.email, user.id, self.ip, self.user_agent)

    def note(
        self,
        kind: Kind,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
        *,
        user: User | None = None,
        customer_id: UUID | None = None,
    ) -> None:
        """Record that the caller (or `user`) did `kind` to `subject`, in their team (or `customer_id`'s)."""
        team = customer_id or (user.customer_id if user is not None else None)
        if team is None:
            assert self.caller is not None, "a public route names the team"
            team = self.caller.customer_id
        log.record(self.accounts, team, kind, self.actor(user), subject, detail)


def activity(request: Request[Any, Any, Any], container: NamedDependency[Container]) -> RequestActivity:
    return RequestActivity(
        container.accounts, request.scope.get("user"), client_ip(request), request.headers.get("user-agent")
    )


class ActivityController(Controller):
    path = "/api/team/activity"
    security = [{SESSION: []}]  # noqa: RUF012
    dependencies = {"page": paging(SORTS, "at")}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(400, 401, 403, 429))
    def list_activity(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        actor: Annotated[
            str | None, text_query("actor", "only what this person (member id or email) or key (key <name>) did")
        ] = None,
        kind: Annotated[
            str | None, text_query("kind", "only this kind (member.role_changed) or family (member)")
        ] = None,
    ) -> PageOut[ActivityOut]:
        """Who did what to the team's account, access and settings, when, and from where: sign-ins and failed
        ones, passwords, invitations, members, keys, rules, channels, datasets, mappings, limits. Newest first."""
        with read_models.current(ACCOUNTS) as conn:
            rows = list_activity(conn, caller.customer_id, page, ActivityFilter(optional(actor), optional(kind)))
        return page_out(rows, [activity_out(r) for r in rows.rows])
