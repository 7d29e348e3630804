"""GET /dregs.js: the browser tracker (api/tracking/dregs.js), minified once at import and served from memory.

Pages on other origins load it with `<script src>`, so nothing here may stop a cross-origin load: no
`Cross-Origin-Resource-Policy: same-origin` (it says `cross-origin`), and `Access-Control-Allow-Origin: *`
lets a page load it with `crossorigin` and `integrity`. The script is public; it holds no secret."""

import hashlib
import re
from pathlib import Path
from typing import Annotated

import rjsmin
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter

from api.errors import responses

SOURCE_PATH = Path(__file__).resolve().parent / "dregs.js"
CONTENT_TYPE = "application/javascript; charset=utf-8"
CACHE_CONTROL = "public, max-age=3600"

_VERSION_RE = re.compile(r"""\bVERSION\s*=\s*["']([^"']+)["']""")


def tracker_version(source: str) -> str:
    """The VERSION the script declares; the file is the one place it is written."""
    match = _VERSION_RE.search(source)
    if match is None:
        raise RuntimeError(f"{SOURCE_PATH} declares no VERSION")
    return match.group(1)


def minify(source: str) -> bytes:
    # keep_bang_comments keeps the `/*! … */` licence line.
    return rjsmin.jsmin(source, keep_bang_comments=True).encode("utf-8")


SOURCE = SOURCE_PATH.read_text(encoding="utf-8")
VERSION = tracker_version(SOURCE)
BODY = minify(SOURCE)
ETAG = '"' + hashlib.sha256(BODY).hexdigest()[:32] + '"'

HEADERS = {
    "ETag": ETAG,
    "Cache-Control": CACHE_CONTROL,
    "X-Dregs-Tracker-Version": VERSION,
    "Cross-Origin-Resource-Policy": "cross-origin",
    "Access-Control-Allow-Origin": "*",
}


def etag_matches(if_none_match: str | None, etag: str = ETAG) -> bool:
    """If-None-Match holds `*` or a comma-separated list of tags, weak (`W/"…"`) or strong; GET compares weakly."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


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
