"""Sign-up, login, the signed-in account and its password."""

from datetime import UTC, datetime
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from adapters.bootstrap import Container
from adapters.settings import Settings
from api.accounts.schemas import (
    AccountDeleteIn,
    AccountOut,
    LoginIn,
    LoginOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    SignupIn,
    TeamOut,
    UserOut,
)
from api.auth import Caller
from api.errors import responses
from api.guards import account_change
from api.rate_limits import client_ip, enforce
from api.system.openapi import SESSION
from api.team.members import known_members
from api.time import format_time
from application.accounts import password_resets, sessions
from application.accounts.application import AccountsApplication, normalize_email
from application.team import members
from domain.accounts.customer import Customer
from domain.accounts.user import User
from domain.errors import InvalidInput
from domain.times import to_micros
from projections.read_models import ACCOUNTS, ReadModels


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

    @post("/password-reset", status_code=202, responses=responses(400, 429))
    async def request_password_reset(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        container: NamedDependency[Container],
        data: JSONBody[PasswordResetIn],
    ) -> None:
        """Emails the account a link to choose a new password (single-use, an hour). Answered the same whether
        or not the address has an account."""
        message = "Too many password resets; retry after the time in Retry-After"
        await enforce(request, "login_ip", client_ip(request), message)
        await enforce(request, "login_email", _limit_key(data.email), message)

        def send() -> None:
            found = password_resets.request_reset(accounts, data.email, to_micros(datetime.now(UTC)))
            if found is not None and container.account_mail is not None:
                container.account_mail.password_reset(*found)

        await anyio.to_thread.run_sync(send)

    @post("/password-reset/confirm", status_code=204, responses=responses(400, 404, 409, 429))
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        data: JSONBody[PasswordResetConfirmIn],
    ) -> None:
        """Sets the new password with the emailed link's token: every session of the account ends."""
        await enforce(request, "login_ip", client_ip(request), "Too many attempts; retry after the time in Retry-After")
        now = to_micros(datetime.now(UTC))
        await anyio.to_thread.run_sync(password_resets.reset_password, accounts, data.token, data.new_password, now)


class AccountController(Controller):
    """The signed-in dashboard user's own account."""

    path = "/api/account"
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

    @delete(
        status_code=204,
        sync_to_thread=True,
        guards=[account_change],
        responses=responses(400, 401, 403, 409, 429),
    )
    def delete_account(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        data: JSONBody[AccountDeleteIn],
    ) -> None:
        """Deletes the signed-in account, confirmed with its password: every session ends and it cannot sign in
        again. The team's last admin cannot (409): make another member an admin first."""
        assert caller.user_id is not None
        known = known_members(read_models, caller.customer_id)
        read_models.reach(ACCOUNTS, members.delete_account(accounts, caller.user_id, data.password, known))
