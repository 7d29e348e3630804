"""Sign-up, login, the signed-in account and its password."""

import asyncio
import logging
from datetime import UTC, datetime
from functools import partial
from typing import Any

import anyio.to_thread
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.params import JSONBody

from adapters.bootstrap import Container
from adapters.settings import Settings
from api.accounts.schemas import (
    AccountDeleteIn,
    AccountOut,
    AccountSummaryOut,
    LoginIn,
    LoginOut,
    PasswordChangeIn,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RetentionOut,
    SignupIn,
    TeamOut,
    TeamUsageOut,
    UsageOut,
    UserOut,
)
from api.auth import Caller
from api.errors import responses
from api.guards import account_change
from api.rate_limits import client_ip, enforce
from api.system.openapi import SESSION
from api.team.activity import RequestActivity
from api.team.members import known_members
from api.time import format_time
from application.accounts import password_resets, sessions
from application.accounts.application import AccountsApplication, AuthenticationFailed, normalize_email
from application.team import members
from application.team.limits import limits_of
from domain.accounts.customer import Customer
from domain.accounts.user import User
from domain.errors import InvalidInput
from domain.ids import user_id_for_email
from domain.team.activity import Kind
from domain.team.limits import Limits
from domain.times import month_of, to_micros
from projections.read_models import ACCOUNTS, ALERTING, TRACKING, ReadModels
from projections.team.queries import limits as limit_queries

log = logging.getLogger(__name__)


def _user_out(user: User) -> UserOut:
    return UserOut(email=user.email, name=user.name, role=user.role, created_at=format_time(user.created_on))


def account_out(user: User, team: Customer) -> AccountOut:
    return AccountOut(user=_user_out(user), team=TeamOut(name=team.name), role=user.role)


def usage_out(month: str, limits: Limits, used: dict[str, int]) -> TeamUsageOut:
    def of(name: str) -> UsageOut:
        return UsageOut(used=used[name], limit=getattr(limits, name))

    events = of("events_per_month")
    return TeamUsageOut(
        month=month,
        events_per_month=events,
        identities=of("identities"),
        members=of("members"),
        rules=of("rules"),
        channels=of("channels"),
        retention_days=RetentionOut(limit=limits.retention_days),
        ingestion_paused=events.limit is not None and events.used >= events.limit,
    )


async def sign_in(
    request: Request[Any, Any, Any],
    accounts: AccountsApplication,
    activity: RequestActivity,
    email: str,
    password: str,
) -> User:
    """The account these credentials open (AuthenticationFailed, or RateLimited past the login limits), the
    sign-in logged: the API's login and the dashboard's."""
    # Counted before the password is checked: bcrypt is the expensive part, and a guesser
    # must not learn anything from answers past the limit.
    message = "Too many login attempts; retry after the time in Retry-After"
    await enforce(request, "login_ip", client_ip(request), message)
    await enforce(request, "login_email", _limit_key(email), message)
    try:
        user = await anyio.to_thread.run_sync(accounts.log_in, email, password)
    except AuthenticationFailed:
        # Logged off the answer's path: a refusal must take as long for an address with an account (whose
        # team's log it goes in) as for one without. Its own failures are logged by activity.record.
        asyncio.get_running_loop().run_in_executor(None, _sign_in_failed, accounts, activity, email)
        raise
    await anyio.to_thread.run_sync(partial(activity.note, Kind.SIGNED_IN, user=user))
    return user


def reset_password(
    accounts: AccountsApplication, activity: RequestActivity, token: str, new_password: str, now: int
) -> None:
    """Set the password an emailed link allows (the API's and the dashboard's way), logged."""
    user = accounts.user(password_resets.reset_password(accounts, token, new_password, now))
    activity.note(Kind.PASSWORD_RESET, user=user)


def delete_own_account(
    accounts: AccountsApplication, read_models: ReadModels, activity: RequestActivity, caller: Caller, password: str
) -> int:
    """The signed-in person deletes their account, confirmed with the password (the API's and the dashboard's
    way), logged; the position to read it at. Never the team's last admin (Conflict)."""
    assert caller.user_id is not None
    known = known_members(read_models, caller.customer_id)
    position = members.delete_account(accounts, caller.user_id, password, known)
    activity.note(Kind.ACCOUNT_DELETED)
    return position


def _sign_in_failed(accounts: AccountsApplication, activity: RequestActivity, email: str) -> None:
    """A failed sign-in to an account that exists goes in its team's log (an unknown address has no team)."""
    try:
        user = accounts.user(user_id_for_email(normalize_email(email)))
        if user is not None and not user.removed:
            activity.note(Kind.SIGN_IN_FAILED, user.email, user=user)
    except InvalidInput:
        return
    except Exception:  # noqa: BLE001 - run after the answer, nobody else would hear of it
        log.exception("a failed sign-in could not be logged")


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
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[SignupIn],
    ) -> AccountOut:
        """A new team and its first user, its admin."""
        await enforce(request, "signup_ip", client_ip(request), "Too many sign-ups from this address; retry later")
        user, team = await anyio.to_thread.run_sync(accounts.sign_up, data.email, data.password, data.name, data.team)
        await anyio.to_thread.run_sync(partial(activity.note, Kind.SIGNED_UP, team.name, user=user))
        return account_out(user, team)

    @post("/login", status_code=200, responses=responses(400, 401, 429))
    async def login(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        settings: NamedDependency[Settings],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[LoginIn],
    ) -> LoginOut:
        """A dashboard session: its token is the Bearer credential of the `session` scheme."""
        user = await sign_in(request, accounts, activity, data.email, data.password)
        session = sessions.issue(user, settings.jwt_secret, settings.token_ttl_seconds)
        return LoginOut(token=session.token, expires_at=format_time(session.expires_at))

    @post("/password-reset", status_code=202, responses=responses(400, 429))
    async def request_password_reset(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[PasswordResetIn],
    ) -> Response[None]:
        """Emails the account a link to choose a new password (single-use, an hour). Answered the same whether
        or not the address has an account."""
        message = "Too many password resets; retry after the time in Retry-After"
        await enforce(request, "login_ip", client_ip(request), message)
        await enforce(request, "login_email", _limit_key(data.email), message)

        def send() -> None:
            found = password_resets.request_reset(accounts, data.email, to_micros(datetime.now(UTC)))
            if found is None:
                return
            mail = container.account_mail
            assert mail is not None  # made with the container
            # Over the team's email limit, answered as always: the caller may not be the owner, and learns nothing.
            emailed = mail.wait_to_send(found.customer_id) is None and mail.password_reset(found.email, found.token)
            if not emailed:
                log.warning("a password reset was not emailed (the team's email limit, or the mail server)")
            detail = {"emailed": emailed}
            activity.note(Kind.PASSWORD_RESET_REQUESTED, found.email, detail, customer_id=found.customer_id)

        # Sent after the answer: it must take as long for an address with an account as for one without.
        return Response(None, status_code=202, background=BackgroundTask(send))

    @post("/password-reset/confirm", status_code=204, responses=responses(400, 404, 409, 429))
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[PasswordResetConfirmIn],
    ) -> None:
        """Sets the new password with the emailed link's token: every session of the account ends."""
        await enforce(request, "login_ip", client_ip(request), "Too many attempts; retry after the time in Retry-After")
        now = to_micros(datetime.now(UTC))

        await anyio.to_thread.run_sync(reset_password, accounts, activity, data.token, data.new_password, now)


class AccountController(Controller):
    """The signed-in dashboard user's own account."""

    path = "/api/account"
    security = [{SESSION: []}]  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def account(
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
    ) -> AccountSummaryOut:
        """The signed-in person, their team, and the team's usage against each limit its operator set."""
        found = accounts.user(caller.user_id) if caller.user_id else None
        assert found is not None  # resolved by the guard a moment ago
        month = month_of(datetime.now(UTC))
        with read_models.current(ACCOUNTS, TRACKING, ALERTING) as conn:
            used = limit_queries.usage(conn, found.customer_id, month)
        shown = account_out(found, accounts.customer(found.customer_id))
        return AccountSummaryOut(
            shown.user, shown.team, shown.role, usage_out(month, limits_of(accounts, found.customer_id), used)
        )

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
        activity: NamedDependency[RequestActivity],
        data: JSONBody[PasswordChangeIn],
    ) -> Response[None]:
        """Every session issued before the change stops working."""
        assert caller.user_id is not None
        accounts.change_password(caller.user_id, data.current_password, data.new_password)
        activity.note(Kind.PASSWORD_CHANGED)
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
        activity: NamedDependency[RequestActivity],
        data: JSONBody[AccountDeleteIn],
    ) -> None:
        """Deletes the signed-in account, confirmed with its password: every session ends and it cannot sign in
        again. The team's last admin cannot (409): make another member an admin first."""
        read_models.reach(ACCOUNTS, delete_own_account(accounts, read_models, activity, caller, data.password))
