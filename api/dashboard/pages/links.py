"""The pages the emailed links open: accepting an invitation (choose a name and a password) and resetting a
forgotten password. Open to anyone holding a link; the token is checked when the form is sent, by the same
functions as POST /api/auth/accept-invitation and /password-reset/confirm."""

from datetime import UTC, datetime
from typing import Annotated, Any

import anyio.to_thread
import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from api.accounts.account import reset_password
from api.dashboard.forms import FORM, refusable
from api.rate_limits import client_ip, enforce
from api.team.activity import RequestActivity
from api.team.invitations import accept_invitation
from application.accounts.application import AccountsApplication
from domain.times import to_micros
from projections.read_models import ReadModels

TOKEN = QueryParameter(name="token", max_length=200, pattern="^[A-Za-z0-9_-]*$")


class AcceptForm(msgspec.Struct):
    token: str = ""
    name: str = ""
    password: str = ""


class ResetForm(msgspec.Struct):
    token: str = ""
    new_password: str = ""


def _form(name: str, token: str, error: str | None = None, status: int = 200) -> Template:
    return Template(template_name=name, context={"token": token, "error": error}, status_code=status)


class LinkPages(Controller):
    include_in_schema = False

    @get("/accept-invitation", sync_to_thread=False)
    def invitation(self, token: Annotated[str, TOKEN] = "") -> Template:
        return _form("accept_invitation.html", token)

    @post("/accept-invitation")
    async def accept(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        read_models: NamedDependency[ReadModels],
        activity: NamedDependency[RequestActivity],
        data: Annotated[AcceptForm, FORM],
    ) -> Template | Redirect:
        """The account is made in the team; then the person signs in."""
        with refusable() as refused:
            await enforce(request, "signup_ip", client_ip(request), "Too many sign-ups from this address")
            await anyio.to_thread.run_sync(
                accept_invitation, accounts, read_models, activity, data.token, data.name, data.password
            )
        if refused:
            return _form("accept_invitation.html", data.token, **refused.shown)
        return Redirect("/login?joined=1", status_code=303)

    @get("/reset-password", sync_to_thread=False)
    def reset_page(self, token: Annotated[str, TOKEN] = "") -> Template:
        return _form("reset_password.html", token)

    @post("/reset-password")
    async def reset(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: Annotated[ResetForm, FORM],
    ) -> Template | Redirect:
        """The new password is set and every session of the account ends; then the person signs in."""
        now = to_micros(datetime.now(UTC))
        with refusable() as refused:
            await enforce(request, "login_ip", client_ip(request), "Too many attempts")
            await anyio.to_thread.run_sync(reset_password, accounts, activity, data.token, data.new_password, now)
        if refused:
            return _form("reset_password.html", data.token, **refused.shown)
        return Redirect("/login?reset=1", status_code=303)
