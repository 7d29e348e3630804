"""Where to start: `/` says what this server is (until the dashboard lives there), `/api` points clients
to the API's description."""

from importlib import metadata

import msgspec
from litestar import Response, get
from litestar.enums import MediaType

from api.errors import responses

VERSION = metadata.version("dregs-server")
SCHEMA, VIEWER = "/schema/openapi.json", "/schema"

# No inline script or style: the pages' Content-Security-Policy allows neither.
LANDING = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dregs</title>
</head>
<body>
<main>
<h1>Dregs</h1>
<p>An open, self-hosted fraud-detection server (version {VERSION}). Your apps send it events; it keeps
the identities, devices and groups they describe, and scores each identity's humanity, authenticity,
uniqueness and behavior.</p>
<ul>
<li>The API: <a href="{VIEWER}">its description</a> (OpenAPI: <a href="{SCHEMA}">{SCHEMA}</a>), served under
<code>/api</code>.</li>
<li>The browser tracker: <a href="/dregs.js">/dregs.js</a>.</li>
<li>Health: <a href="/health">/health</a>.</li>
</ul>
<p>The dashboard will live here.</p>
</main>
</body>
</html>
""".encode()


class ApiIndexOut(msgspec.Struct):
    name: str
    version: str
    openapi: str  # the OpenAPI document's path
    documentation: str  # its viewer's path


@get("/", sync_to_thread=False, media_type=MediaType.HTML, responses=responses())
def landing() -> Response[bytes]:
    """What this server is, and where its API is described."""
    return Response(LANDING, media_type=MediaType.HTML)


@get("/api", sync_to_thread=False, responses=responses())
def api_index() -> ApiIndexOut:
    """Where the API is described."""
    return ApiIndexOut(name="Dregs", version=VERSION, openapi=SCHEMA, documentation=VIEWER)
