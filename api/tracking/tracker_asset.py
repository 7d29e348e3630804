"""The browser tracker as GET /dregs.js serves it: the source (api/tracking/dregs.js), the VERSION it
declares, and its minified bytes, made once at import. No web framework here, so bench/tracker_size.py
measures exactly what is served without loading the app."""

import hashlib
import re
from pathlib import Path

import rjsmin

SOURCE_PATH = Path(__file__).resolve().parent / "dregs.js"

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


def etag_matches(if_none_match: str | None, etag: str = ETAG) -> bool:
    """If-None-Match holds `*` or a comma-separated list of tags, weak (`W/"…"`) or strong; GET compares weakly."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False
