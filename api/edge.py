"""The outermost ASGI layer, around every response including router 404s and errors:
request ids, security headers, and routing on the raw path so `%2F` stays inside an id."""

import random
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from litestar.utils import normalize_path

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

API_PREFIX = "/api/"
ID_PAGES = "/identities/"  # dashboard pages named by an id, which may hold %2F as the API's paths do

_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"strict-transport-security", b"max-age=63072000; includeSubDomains"),
    (b"referrer-policy", b"no-referrer"),
]
_API_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
    (b"cache-control", b"no-store"),
]
_PAGE_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"),
]


def routed_path(scope: Scope) -> str:
    """The path as Litestar's router matches it (litestar._asgi.asgi_router.ASGIRouter.__call__):
    `//api/x`, `/api//x` and `/api/x/` all reach the handler of `/api/x`, so the API's headers
    are chosen on this form, never on the spelling the client sent."""
    path = scope["path"]
    if root_path := scope.get("root_path", ""):
        path = path.split(root_path, maxsplit=1)[-1]
    return normalize_path(path)


def _is_api(path: str) -> bool:
    return path == API_PREFIX.rstrip("/") or path.startswith(API_PREFIX)


# Unique, not secret: the fast non-cryptographic generator is enough. An instance of its own, so requests never
# move the global `random` state (Hypothesis warns when a live server in the test process does).
_ids = random.Random()


def new_request_id() -> str:
    return f"req_{_ids.getrandbits(96):024x}"


class Edge:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw_path = scope.get("raw_path")
        routed = routed_path(scope)
        is_api = _is_api(routed)
        if (is_api or routed.startswith(ID_PAGES)) and raw_path:
            # Percent-encoded ids reach the handlers still encoded; api.http.path_value decodes them.
            scope = dict(scope, path=raw_path.decode("latin-1").split("?", 1)[0])
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id
        extra = [(b"x-request-id", request_id.encode()), *_COMMON_HEADERS]
        extra += _API_HEADERS if is_api else _PAGE_HEADERS

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in extra}
                headers = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
