"""What the dashboard's forms share: how a form's body is read, and how a refused change is told on the page
(the message and status the API would answer)."""

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
