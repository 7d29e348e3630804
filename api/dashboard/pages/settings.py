"""The settings pages: the team's API keys (a new secret key shown once), its members and invitations, the
account activity log, and the signed-in person's own account. Every change goes through the function the API's
route uses, so both log it alike; a refusal is shown on the page with its message."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from adapters.bootstrap import Container
from api.accounts.account import delete_own_account
from api.accounts.credentials import edit_credential, issue_credential, revoke_credential
from api.auth import SESSION_COOKIE, Caller
from api.dashboard.forms import FORM, refusable
from api.dashboard.templates import COUNTED, Viewer, page, paged
from api.errors import NotFound
from api.guards import account_change
from api.http import MAX_TERM
from api.team.activity import RequestActivity
from api.team.invitations import revoke_invitation, send_invitation
from api.team.members import change_member, remove_member
from application.accounts.application import AccountsApplication
from domain.accounts.roles import Role
from domain.team.activity import Kind
from domain.times import to_micros
from projections.accounts.queries.credentials import list_credentials
from projections.accounts.queries.members import members, pending_invitations
from projections.paging import PageRequest
from projections.read_models import ACCOUNTS, ReadModels
from projections.team.queries.activity import ActivityFilter, list_activity

ACTIVITY_PAGE = 50


class KeyForm(msgspec.Struct):
    name: str = ""
    origins: str = ""  # one per line


class InviteForm(msgspec.Struct):
    email: str = ""
    role: str = Role.VIEWER.value


class MemberForm(msgspec.Struct):
    action: str = ""  # role, disable, enable, remove
    role: str = ""


class DeleteForm(msgspec.Struct):
    password: str = ""


class PasswordForm(msgspec.Struct):
    current_password: str = ""
    new_password: str = ""


class SettingsPages(Controller):
    include_in_schema = False
    path = "/settings"

    # --- API keys ---------------------------------------------------------------------------------------

    def _keys(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        with read_models.current(ACCOUNTS) as conn:
            keys = list_credentials(conn, caller.customer_id)
        status = extra.pop("status", 200)
        return Template(template_name="settings/keys.html", context=page(viewer, "settings", tab="keys", keys=keys,
                        **extra), status_code=status)  # fmt: skip

    @get("/", sync_to_thread=False)
    def settings(self) -> Redirect:
        return Redirect("/settings/keys", status_code=303)

    @get("/keys", sync_to_thread=True)
    def keys(
        self, caller: NamedDependency[Caller], viewer: NamedDependency[Viewer], read_models: NamedDependency[ReadModels]
    ) -> Template:
        return self._keys(viewer, read_models, caller)

    @post("/keys", sync_to_thread=True, guards=[account_change])
    def new_key(  # noqa: PLR0913 - the form, who asks, and the parts that make the key
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: Annotated[KeyForm, FORM],
    ) -> Template:
        """The new key pair's page shows its secret key, this once."""
        origins = [line.strip() for line in data.origins.splitlines() if line.strip()]
        with refusable() as refused:
            issued = issue_credential(accounts, activity, caller, data.name, origins)
        if refused:
            return self._keys(viewer, read_models, caller, **refused.shown)
        return self._keys(viewer, read_models, caller, issued=issued)

    @post("/keys/{credential_id:str}/{action:str}", status_code=303, sync_to_thread=True, guards=[account_change])
    def change_key(  # noqa: PLR0913 - which key, what to do, and the parts that do it
        self,
        caller: NamedDependency[Caller],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        credential_id: FromPath[str],
        action: FromPath[str],
    ) -> Redirect:
        if action == "revoke":
            revoke_credential(accounts, activity, caller, credential_id)
        elif action in ("enable", "disable"):
            edit_credential(accounts, activity, caller, credential_id, {"enabled": action == "enable"})
        else:
            raise NotFound("No such action")
        return Redirect("/settings/keys", status_code=303)

    # --- members and invitations -------------------------------------------------------------------------

    def _team(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        now = to_micros(datetime.now(UTC))
        with read_models.current(ACCOUNTS) as conn:
            people = members(conn, caller.customer_id)
            invited = pending_invitations(conn, caller.customer_id, now) if viewer.is_admin else []
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="team", members=people, invitations=invited, roles=list(Role),
                       **extra)  # fmt: skip
        return Template(template_name="settings/team.html", context=context, status_code=status)

    @get("/team", sync_to_thread=True)
    def team(
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        invited: Annotated[str | None, QueryParameter(name="invited", max_length=320)] = None,
    ) -> Template:
        return self._team(viewer, read_models, caller, invited=invited)

    @post("/team/invitations", sync_to_thread=True, guards=[account_change])
    def invite(  # noqa: PLR0913 - the form, who invites, and the parts that do it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        data: Annotated[InviteForm, FORM],
    ) -> Template | Redirect:
        with refusable() as refused:
            invitation, _ = send_invitation(container, read_models, activity, caller, data.email, data.role)
        if refused:
            return self._team(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/team?" + urlencode({"invited": invitation.email}), status_code=303)

    @post("/team/members/{member_id:str}", sync_to_thread=True, guards=[account_change])
    def change_member(  # noqa: PLR0913 - whose member, the form, and the parts that do it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        member_id: FromPath[str],
        data: Annotated[MemberForm, FORM],
    ) -> Template | Redirect:
        changes: dict[str, Callable[[], Any]] = {
            "role": lambda: change_member(accounts, read_models, activity, caller, member_id, data.role, None),
            "disable": lambda: change_member(accounts, read_models, activity, caller, member_id, None, True),
            "enable": lambda: change_member(accounts, read_models, activity, caller, member_id, None, False),
            "remove": lambda: remove_member(accounts, read_models, activity, caller, member_id),
        }
        if data.action not in changes:
            raise NotFound("No such action")
        with refusable() as refused:
            changes[data.action]()
        if refused:
            return self._team(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/team", status_code=303)

    @post("/team/invitations/{invitation_id:str}/revoke", sync_to_thread=True, guards=[account_change])
    def revoke_invitation(  # noqa: PLR0913 - which invitation, and the parts that revoke it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        invitation_id: FromPath[str],
    ) -> Template | Redirect:
        with refusable() as refused:
            read_models.reach(ACCOUNTS, revoke_invitation(accounts, activity, caller, invitation_id))
        if refused:
            return self._team(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/team", status_code=303)

    # --- the activity log ---------------------------------------------------------------------------------

    @get("/activity", sync_to_thread=True)
    def activity_log(  # noqa: PLR0913 - the log's filters and page
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        actor: Annotated[str, QueryParameter(name="actor", max_length=MAX_TERM, pattern="^[^\x00]*$")] = "",
        kind: Annotated[str, QueryParameter(name="kind", max_length=64, pattern="^[a-z_.]*$")] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=0, le=100_000)] = 0,
    ) -> Template:
        asked = PageRequest(page_number=page_number, page_size=ACTIVITY_PAGE, sort="at", count_limit=COUNTED)
        with read_models.current(ACCOUNTS) as conn:
            found = list_activity(conn, caller.customer_id, asked, ActivityFilter(actor or None, kind or None))
        listed = paged("/settings/activity", {"actor": actor, "kind": kind}, found)
        context = page(viewer, "settings", tab="activity", actor=actor, kind=kind, kinds=[k.value for k in Kind],
                       **listed)  # fmt: skip
        return Template(template_name="settings/activity.html", context=context)

    # --- the signed-in person's account -----------------------------------------------------------------------

    @get("/account", sync_to_thread=False)
    def account(self, viewer: NamedDependency[Viewer]) -> Template:
        return _account(viewer)

    @post("/account/delete", sync_to_thread=True, guards=[account_change])
    def delete_account(  # noqa: PLR0913 - the form, whose account, and the parts that delete it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: Annotated[DeleteForm, FORM],
    ) -> Template | Redirect:
        """Deleted for good, with every session; the team's last admin cannot (the page says why)."""
        with refusable() as refused:
            delete_own_account(accounts, read_models, activity, caller, data.password)
        if refused:
            return _account(viewer, **refused.shown)
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @post("/account/password", sync_to_thread=True, guards=[account_change])
    def change_password(  # noqa: PLR0913 - the form, whose account, and the parts that change it
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        accounts: NamedDependency[AccountsApplication],
        activity: NamedDependency[RequestActivity],
        data: Annotated[PasswordForm, FORM],
    ) -> Template | Redirect:
        """Every session ends with the change, this one too: sign in again with the new password."""
        assert caller.user_id is not None
        with refusable() as refused:
            accounts.change_password(caller.user_id, data.current_password, data.new_password)
        if refused:
            return _account(viewer, **refused.shown)
        activity.note(Kind.PASSWORD_CHANGED)
        return Redirect("/login?" + urlencode({"next": request.url.path.rsplit("/", 1)[0]}), status_code=303)


def _account(viewer: Viewer, error: str | None = None, status: int = 200) -> Template:
    """The account page, and what a refused change of it says."""
    context = page(viewer, "settings", tab="account", error=error)
    return Template(template_name="settings/account.html", context=context, status_code=status)
