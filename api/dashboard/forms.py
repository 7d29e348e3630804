"""What the dashboard's forms share: how a form's body is read, and how a refused change is told on the page
(the message and status the API would answer)."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from api.errors import NotFound, RateLimited, domain_status
from application.accounts.application import LinkNotFound
from domain.errors import DomainError

FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
REFUSED = (DomainError, RateLimited, NotFound, LinkNotFound)


def refusal(exc: Exception) -> tuple[str, int]:
    """The message and status of a refused change (one of REFUSED), to show on the page it came from."""
    if isinstance(exc, RateLimited):
        return f"{exc.message} (try again in {exc.retry_after} s)", 429
    if isinstance(exc, NotFound | LinkNotFound):
        return exc.message, 404
    assert isinstance(exc, DomainError)
    return exc.message, domain_status(exc)


@dataclass
class Refusal:
    """What `refusable` caught: false while the change goes through; once refused, its message and status."""

    error: str | None = None
    status: int = 200
    refused: bool = False

    def __bool__(self) -> bool:
        return self.refused

    @property
    def shown(self) -> dict[str, Any]:
        """The page's `error` and `status`, as the pages' render functions take them."""
        return {"error": self.error, "status": self.status}


@contextmanager
def refusable() -> Iterator[Refusal]:
    """Runs a form's change; a refusal (one of REFUSED) ends the block and is kept for the page to tell:

        with refusable() as refused:
            change(...)
        if refused:
            return render(..., **refused.shown)

    A block rather than a function taking the change, so the same helper serves the handlers that await
    (a rate limit, a thread) and those that do not, and what follows the change stays outside it."""
    found = Refusal()
    try:
        yield found
    except REFUSED as exc:
        found.error, found.status = refusal(exc)
        found.refused = True
