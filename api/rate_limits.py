"""Enforcing the rate limits of adapters/rate_limits.py: a request over a limit is
answered 429 with Retry-After (seconds), as the contract and the SDK expect."""

from typing import Any

from litestar.connection import ASGIConnection

from adapters.bootstrap import Container
from api.errors import RateLimited


def client_ip(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    # The connection's address: behind DREGS_TRUSTED_PROXIES, uvicorn's middleware has already
    # put the client from X-Forwarded-For there.
    client = connection.scope.get("client")
    return client[0] if client else "unknown"


async def enforce(connection: ASGIConnection[Any, Any, Any, Any], rule: str, key: str, message: str) -> None:
    container: Container = connection.app.state.container
    refusal = await container.rate_limits.hit(rule, key)
    if refusal is not None:
        raise RateLimited(refusal.retry_after, message)
