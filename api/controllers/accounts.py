"""Sign-up, login, the signed-in account and its password."""

from typing import Any

import anyio.to_thread
from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import RawBody

from api.auth import ACCOUNT_CHANGE, Caller
from api.http import container_of, decode_body
from api.rate_limits import client_ip, enforce
from api.schemas.accounts import AccountOut, LoginIn, LoginOut, PasswordChangeIn, SignupIn, TeamOut, UserOut
from api.time import format_time
from application.accounts import sessions
from domain.accounts.customer import Customer
from domain.accounts.user import User


def _user_out(user: User) -> UserOut:
    return UserOut(email=user.email, name=user.name, role=user.role, created_at=format_time(user.created_on))


def _account_out(user: User, team: Customer) -> AccountOut:
    return AccountOut(user=_user_out(user), team=TeamOut(name=team.name), role=user.role)


@post("/api/auth/signup", status_code=201)
async def signup_handler(request: Request[Any, Any, Any], body: RawBody) -> AccountOut:
    data = decode_body(body, SignupIn)
    await enforce(request, "signup_ip", client_ip(request), "Too many sign-ups from this address; retry later")
    accounts = container_of(request).accounts
    user, team = await anyio.to_thread.run_sync(accounts.sign_up, data.email, data.password, data.name, data.team)
    return _account_out(user, team)


@post("/api/auth/login", status_code=200)
async def login_handler(request: Request[Any, Any, Any], body: RawBody) -> LoginOut:
    container = container_of(request)
    data = decode_body(body, LoginIn)
    # Counted before the password is checked: bcrypt is the expensive part, and a guesser
    # must not learn anything from answers past the limit.
    message = "Too many login attempts; retry after the time in Retry-After"
    await enforce(request, "login_ip", client_ip(request), message)
    await enforce(request, "login_email", data.email.strip().lower(), message)
    user = await anyio.to_thread.run_sync(container.accounts.log_in, data.email, data.password)
    session = sessions.issue(user, container.settings.jwt_secret, container.settings.token_ttl_seconds)
    return LoginOut(token=session.token, expires_at=format_time(session.expires_at))


@get("/api/account", sync_to_thread=True)
def account_handler(request: Request[Any, Any, Any], user: NamedDependency[Caller]) -> AccountOut:
    accounts = container_of(request).accounts
    found = accounts.user(user.user_id) if user.user_id else None
    assert found is not None  # resolved by the dashboard_user dependency a moment ago
    return _account_out(found, accounts.customer(found.customer_id))


@put("/api/account/password", status_code=204, sync_to_thread=True, dependencies=ACCOUNT_CHANGE)
def change_password_handler(
    request: Request[Any, Any, Any], user: NamedDependency[Caller], body: RawBody
) -> Response[None]:
    data = decode_body(body, PasswordChangeIn)
    assert user.user_id is not None
    container_of(request).accounts.change_password(user.user_id, data.current_password, data.new_password)
    return Response(None, status_code=204)
