from litestar import get
from litestar.di import NamedDependency
from sqlalchemy import text

from api.errors import responses
from projections.read_models import ReadModels


@get("/health", sync_to_thread=True, responses=responses())
def health(read_models: NamedDependency[ReadModels]) -> dict[str, str]:
    """Up, and its read-model database answers."""
    with read_models.as_they_are() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok"}
