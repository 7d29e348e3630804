"""GET /dregs.js: the browser tracker (api/tracking/dregs.js), minified once at import and served from memory.

Pages on other origins load it with `<script src>`, so nothing here may stop a cross-origin load: no
`Cross-Origin-Resource-Policy: same-origin` (it says `cross-origin`), and `Access-Control-Allow-Origin: *`
lets a page load it with `crossorigin` and `integrity`. The script is public; it holds no secret."""

from typing import Annotated

from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from api.errors import responses
from api.tracking.tracker_asset import BODY, ETAG, VERSION, etag_matches

CONTENT_TYPE = "application/javascript; charset=utf-8"
CACHE_CONTROL = "public, max-age=3600"

HEADERS = {
    "ETag": ETAG,
    "Cache-Control": CACHE_CONTROL,
    "X-Dregs-Tracker-Version": VERSION,
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
}


@get(
    "/dregs.js",
    sync_to_thread=False,
    media_type=CONTENT_TYPE,
    responses={
        304: ResponseSpec(None, description="The copy the browser holds is current (If-None-Match)"),
        **responses(400),
    },
)
def tracker_script(
    if_none_match: Annotated[
        str | None, HeaderParameter(name="If-None-Match", description="ETags of copies the browser holds")
    ] = None,
) -> Response[bytes]:
    """The browser tracker, minified; pages on any origin load it with `<script src>`."""
    if etag_matches(if_none_match):
        return Response(content=b"", status_code=304, headers=HEADERS)
    return Response(content=BODY, status_code=200, media_type=CONTENT_TYPE, headers=HEADERS)
