"""Enforcing the rate limits of adapters/rate_limits.py: a request over a limit is
answered 429 with Retry-After (seconds), as the contract and the SDK expect."""

from typing import Any

from litestar import Request

from adapters.bootstrap import Container
from api.errors import RateLimited


def client_ip(request: Request[Any, Any, Any]) -> str:
    # The connection's address. X-Forwarded-For is trusted only behind proxies the
    # operator lists, which arrives with the tracker's IP handling.
    client = request.scope.get("client")
    return client[0] if client else "unknown"


async def enforce(request: Request[Any, Any, Any], rule: str, key: str, message: str) -> None:
    container: Container = request.app.state.container
    refusal = await container.rate_limits.hit(rule, key)
    if refusal is not None:
        raise RateLimited(refusal.retry_after, message)
