"""Where to start: `/api` points clients to the API's description (people start at `/`, the dashboard)."""

from importlib import metadata

import msgspec
from litestar import get

from api.errors import responses

VERSION = metadata.version("dregs-server")
SCHEMA, VIEWER = "/schema/openapi.json", "/schema"


class ApiIndexOut(msgspec.Struct):
    name: str
    version: str
    openapi: str  # the OpenAPI document's path
    documentation: str  # its viewer's path


@get("/api", sync_to_thread=False, responses=responses())
def api_index() -> ApiIndexOut:
    """Where the API is described."""
    return ApiIndexOut(name="Dregs", version=VERSION, openapi=SCHEMA, documentation=VIEWER)
