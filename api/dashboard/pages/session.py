"""The dashboard's session: a sign-in page whose form sets the session cookie (the API's JWT, HttpOnly,
SameSite=Strict, Secure over TLS), and signing out. Whatever ends a token (a password change, a role change,
removal) ends the session: the cookie carries the same token the API checks."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, QueryParameter
from litestar.response import Redirect, Template

from adapters.settings import Settings
from api.accounts.account import sign_in
from api.auth import SESSION_COOKIE
from api.errors import RateLimited
from api.system.pages import SCHEMA, VERSION, VIEWER
from api.team.activity import RequestActivity
from application.accounts import sessions
from application.accounts.application import AccountsApplication, AuthenticationFailed


class SignInForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = "/"


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only, never `//elsewhere` or a full URL. Browsers drop
    tabs and line breaks from a URL and read a backslash as a slash, so a path holding any of them is refused."""
    if not target or not target.startswith("/") or "\\" in target or any(c.isspace() or ord(c) < 32 for c in target):
        return "/"
    return "/" if target.startswith("//") else target


def _form(
    next_page: str, error: str | None = None, email: str = "", status: int = 200, notice: str | None = None
) -> Template:
    context = {"next": next_page, "error": error, "email": email, "version": VERSION, "schema": SCHEMA,
               "docs": VIEWER, "notice": notice}  # fmt: skip
    return Template(template_name="login.html", context=context, status_code=status)


class SessionPages(Controller):
    include_in_schema = False  # pages for people; the API's sign-in is POST /api/auth/login

    @get("/login", sync_to_thread=False)
    def login_page(
        self,
        next_page: Annotated[str | None, QueryParameter(name="next")] = None,
        joined: Annotated[str | None, QueryParameter(name="joined", pattern="^1$")] = None,
        reset: Annotated[str | None, QueryParameter(name="reset", pattern="^1$")] = None,
    ) -> Template:
        """After an emailed link did its work, the page says so."""
        notice = "Welcome: sign in with your address and new password." if joined else None
        notice = "Your password is set: sign in with it." if reset else notice
        return _form(safe_next(next_page), notice=notice)

    @post("/login", status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        accounts: NamedDependency[AccountsApplication],
        settings: NamedDependency[Settings],
        activity: NamedDependency[RequestActivity],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        target = safe_next(data.next)
        try:
            user = await sign_in(request, accounts, activity, data.email, data.password)
        except AuthenticationFailed:
            return _form(target, "The email or the password is not right.", data.email, status=401)
        except RateLimited as refused:
            wait = f"Too many attempts: try again in {refused.retry_after} seconds."
            return _form(target, wait, data.email, status=429)
        session = sessions.issue(user, settings.jwt_secret, settings.token_ttl_seconds)
        cookie = Cookie(
            key=SESSION_COOKIE,
            value=session.token,
            max_age=settings.token_ttl_seconds,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return Redirect(target, status_code=303, cookies=[cookie])

    @post("/logout", status_code=303, sync_to_thread=False)
    def logout(self) -> Redirect:
        response = Redirect("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response
