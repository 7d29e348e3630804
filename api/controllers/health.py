from typing import Any

from litestar import Request, get
from sqlalchemy import text

from api.http import container_of


@get("/health", sync_to_thread=True)
def health_handler(request: Request[Any, Any, Any]) -> dict[str, str]:
    with container_of(request).read_models.as_they_are() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok"}
