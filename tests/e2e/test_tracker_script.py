"""GET /dregs.js on a live server: the browser tracker, minified, cacheable, loadable from any origin.
tests/e2e/test_tracker_browser.py runs it in a real browser."""

import gzip
import re

import httpx
import pytest

from api.tracking import tracker_asset as tracker_script
from tests.support import LiveServer

GOAL_GZIPPED_BYTES = 10 * 1024


@pytest.fixture
def http(server: LiveServer) -> httpx.Client:
    return httpx.Client(base_url=server.base_url)


def test_serves_the_tracker_minified_as_javascript(http: httpx.Client) -> None:
    r = http.get("/dregs.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/javascript; charset=utf-8"
    source = tracker_script.SOURCE_PATH.read_text(encoding="utf-8")
    assert r.content.startswith(b"/*! dregs.js")  # the licence line stays
    assert len(r.content) < len(source.encode()) * 0.8
    assert b"dregs.js/" in r.content and b"/api/events" in r.content
    assert int(r.headers["content-length"]) == len(r.content)


def test_version_header_is_the_one_the_source_declares(http: httpx.Client) -> None:
    source = tracker_script.SOURCE_PATH.read_text(encoding="utf-8")
    declared = re.findall(r'VERSION = "([^"]+)"', source)
    assert len(declared) == 1, "VERSION must be written once in dregs.js"
    r = http.get("/dregs.js")
    assert r.headers["x-dregs-tracker-version"] == declared[0] == "1.0.0"
    assert f'VERSION="{declared[0]}"'.encode() in r.content


def test_etag_answers_304_and_a_changed_tag_gets_the_script(http: httpx.Client) -> None:
    first = http.get("/dregs.js")
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{16,}"', etag)
    assert first.headers["cache-control"] == "public, max-age=3600"
    assert http.get("/dregs.js").headers["etag"] == etag  # stable: computed once

    for tag in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        r = http.get("/dregs.js", headers={"If-None-Match": tag})
        assert r.status_code == 304, tag
        assert r.content == b""
        assert r.headers["etag"] == etag
        assert r.headers["cache-control"] == "public, max-age=3600"
        assert r.headers["x-dregs-tracker-version"] == "1.0.0"

    r = http.get("/dregs.js", headers={"If-None-Match": '"stale"'})
    assert r.status_code == 200 and r.content == first.content


def test_loadable_as_a_script_from_another_origin(http: httpx.Client) -> None:
    r = http.get("/dregs.js", headers={"Origin": "https://shop.example.net"})
    assert r.status_code == 200
    # nosniff (set by api.edge on every answer) needs a JavaScript type, which it has.
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-type"].startswith("application/javascript")
    assert r.headers.get("cross-origin-resource-policy", "cross-origin") == "cross-origin"
    assert r.headers["access-control-allow-origin"] == "*"


def test_minified_and_gzipped_it_stays_under_the_goal(http: httpx.Client) -> None:
    body = http.get("/dregs.js").content
    assert len(gzip.compress(body, compresslevel=9)) < GOAL_GZIPPED_BYTES


@pytest.mark.parametrize(
    ("header", "matches"),
    [(None, False), ("", False), ('"x"', False), ("*", True), ('W/"x", W/"e"', True), ('"e"', True)],
)
def test_if_none_match_parsing(header: str | None, matches: bool) -> None:
    assert tracker_script.etag_matches(header, '"e"') is matches
