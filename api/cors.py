"""CORS for browser keys: only the origins a usable `pk_` key allows are answered.

The preflight cannot say which key will follow (browsers send no Authorization header with it),
so it is answered for an origin any usable browser key allows; the event itself is recorded only
if its own key allows the origin."""

import time
from typing import Any

import anyio.to_thread
from litestar.connection import ASGIConnection

from application.accounts.application import normalize_origin
from domain.errors import InvalidInput
from projections.accounts.queries.credentials import browser_origins
from projections.read_models import ReadModels

REMEMBER_SECONDS = 5.0  # a new key's origins are answered within this long
MAX_AGE_SECONDS = 600  # how long a browser may reuse a preflight's answer


def request_origin(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The request's Origin, spelt as allowed origins are stored; None if absent or unusable."""
    value = request.headers.get("origin")
    if not value or value == "null":
        return None
    try:
        return normalize_origin(value)
    except InvalidInput:
        return None


def allow_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def preflight_headers(origin: str) -> dict[str, str]:
    return {
        **allow_headers(origin),
        "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": str(MAX_AGE_SECONDS),
    }


class BrowserOrigins:
    """The origins usable browser keys allow, re-read at most every few seconds."""

    def __init__(self) -> None:
        self._origins: set[str] = set()
        self._until = 0.0

    async def allows(self, read_models: ReadModels, origin: str) -> bool:
        if time.monotonic() >= self._until:
            self._origins = await anyio.to_thread.run_sync(self._read, read_models)
            self._until = time.monotonic() + REMEMBER_SECONDS
        return origin in self._origins

    @staticmethod
    def _read(read_models: ReadModels) -> set[str]:
        with read_models.as_they_are() as conn:
            return browser_origins(conn)
