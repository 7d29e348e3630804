"""The API's description: GET /schema/openapi.json, and a viewer at /schema.

The viewer is Swagger UI from the swagger-ui-bundle-v2 package (Apache-2.0), served from this server:
no CDN is reached, and the page has no inline script or style, so it runs under the pages'
Content-Security-Policy (`default-src 'self'`)."""

from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.openapi.spec import Components, Contact, License, SecurityScheme, Tag
from litestar.params import FromPath
from litestar.response import File
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/schema/assets"
_OWN = Path(__file__).resolve().parent / "static"
# The files the viewer page loads, and nothing else of the package (its index.html would load a demo).
_JS, _CSS, _PNG = "text/javascript; charset=utf-8", "text/css; charset=utf-8", "image/png"
_FILES = {
    "swagger-ui.css": (Path(str(swagger_ui_path)) / "swagger-ui.css", _CSS),
    "swagger-ui-bundle.js": (Path(str(swagger_ui_path)) / "swagger-ui-bundle.js", _JS),
    "favicon-32x32.png": (Path(str(swagger_ui_path)) / "favicon-32x32.png", _PNG),
    "swagger-init.js": (_OWN / "swagger-init.js", _JS),
}

SESSION, SECRET_KEY, PUBLIC_KEY = "session", "secretKey", "publicKey"
SECURITY_SCHEMES: dict[str, SecurityScheme] = {
    SESSION: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="A dashboard session: the `token` POST /api/auth/login answers with.",
    ),
    SECRET_KEY: SecurityScheme(
        type="http",
        scheme="bearer",
        description="A team's secret API key, `sk_…`, for its servers: shown once when the credential is issued.",
    ),
    PUBLIC_KEY: SecurityScheme(
        type="http",
        scheme="bearer",
        description="A team's public browser key, `pk_…` (dregs.js): POST /api/events only, from the origins "
        "the credential allows.",
    ),
}


class SwaggerViewer(OpenAPIRenderPlugin):
    def __init__(self) -> None:
        super().__init__(path="/", favicon="", style="")

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{openapi_schema["info"]["title"]}: API</title>
<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
<script src="{ASSETS}/swagger-ui-bundle.js" defer></script>
<script src="{ASSETS}/swagger-init.js" defer></script>
</head>
<body>
<noscript>The viewer needs JavaScript; the document is
<a href="/schema/openapi.json">/schema/openapi.json</a>.</noscript>
<div id="swagger-ui"></div>
</body>
</html>
""".encode()

    def receive_router(self, router: Router) -> None:
        router.register(viewer_asset)


@get("/assets/{name:str}", sync_to_thread=False, include_in_schema=False)
def viewer_asset(name: FromPath[str]) -> File:
    if name not in _FILES:
        raise NotFoundException()
    path, media_type = _FILES[name]
    return File(
        path,
        media_type=media_type,
        content_disposition_type="inline",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def openapi_config(version: str) -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Dregs",
        version=version,
        description="Fraud detection for web apps: events in, identities scored. Errors are JSON "
        '`{"timestamp", "status", "error", "message"}`; ids in paths are percent-encoded (an encoded `/` '
        "stays inside the id).",
        license=License(name="AGPL-3.0-or-later", identifier="AGPL-3.0-or-later"),
        contact=Contact(name="Dregs"),
        path="/schema",
        render_plugins=[SwaggerViewer()],
        components=Components(security_schemes=dict(SECURITY_SCHEMES)),
        tags=[
            Tag(name="Accounts", description="Sign-up, login, the signed-in account, API credentials"),
            Tag(name="Tracking", description="Events in, and the identities, groups, devices and mappings"),
            Tag(name="Scoring", description="Scores, analysis cycles, history, links, reviews and datasets"),
            Tag(name="System", description="Health, and where to start"),
        ],
        use_handler_docstrings=True,
    )
