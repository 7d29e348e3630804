"""Sign-up, login, the signed-in account and its password."""

from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from adapters.settings import Settings
from api.accounts.schemas import AccountOut, LoginIn, LoginOut, PasswordChangeIn, SignupIn, TeamOut, UserOut
from api.auth import Caller
from api.errors import responses
from api.guards import account_change, dashboard_user
from api.rate_limits import client_ip, enforce
from api.system.openapi import SESSION
from api.time import format_time
from application.accounts import sessions
from application.accounts.application import AccountsApplication, normalize_email
from domain.accounts.customer import Customer
from domain.accounts.user import User
from domain.errors import InvalidInput


def _user_out(user: User) -> UserOut:
    return UserOut(email=user.email, name=user.name, role=user.role, created_at=format_time(user.created_on))


def account_out(user: User, team: Customer) -> AccountOut:
    return AccountOut(user=_user_out(user), team=TeamOut(name=team.name), role=user.role)


def _limit_key(email: str) -> str:
    """The address as login reads it, so every spelling of one address (`ｅxample.org`, `example。org`)
    spends the same budget."""
    try:
        return normalize_email(email)
    except InvalidInput:
        return email.strip().lower()  # no account has it; it is counted all the same


class SessionController(Controller):
    """Open to anyone: a new team and its admin, and a dashboard session for a user."""

    path = "/api/auth"

    @post("/signup", status_code=201, responses=responses(400, 409, 429))
    async def signup(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[AccountsApplication], data: JSONBody[SignupIn]
    ) -> AccountOut:
        """A new team and its first user, its admin."""
        await enforce(request, "signup_ip", client_ip(request), "Too many sign-ups from this address; retry later")
        user, team = await anyio.to_thread.run_sync(accounts.sign_up, data.email, data.password, data.name, data.team)
        return account_out(user, team)

    @post("/login", status_code=200, responses=responses(400, 401, 429))
    async def login(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        settings: NamedDependency[Settings],
        data: JSONBody[LoginIn],
    ) -> LoginOut:
        """A dashboard session: its token is the Bearer credential of the `session` scheme."""
        # Counted before the password is checked: bcrypt is the expensive part, and a guesser
        # must not learn anything from answers past the limit.
        message = "Too many login attempts; retry after the time in Retry-After"
        await enforce(request, "login_ip", client_ip(request), message)
        await enforce(request, "login_email", _limit_key(data.email), message)
        user = await anyio.to_thread.run_sync(accounts.log_in, data.email, data.password)
        session = sessions.issue(user, settings.jwt_secret, settings.token_ttl_seconds)
        return LoginOut(token=session.token, expires_at=format_time(session.expires_at))


class AccountController(Controller):
    """The signed-in dashboard user's own account."""

    path = "/api/account"
    guards = [dashboard_user]  # noqa: RUF012 - Litestar reads the layer's guards as a class attribute
    security = [{SESSION: []}]  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def account(self, caller: NamedDependency[Caller], accounts: NamedDependency[AccountsApplication]) -> AccountOut:
        found = accounts.user(caller.user_id) if caller.user_id else None
        assert found is not None  # resolved by the guard a moment ago
        return account_out(found, accounts.customer(found.customer_id))

    @put(
        "/password",
        status_code=204,
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 429),
    )
    def change_password(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        data: JSONBody[PasswordChangeIn],
    ) -> Response[None]:
        """Every session issued before the change stops working."""
        assert caller.user_id is not None
        accounts.change_password(caller.user_id, data.current_password, data.new_password)
        return Response(None, status_code=204)
