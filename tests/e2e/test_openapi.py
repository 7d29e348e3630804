"""GET /schema/openapi.json describes every route the app serves, and validates as OpenAPI; the viewer at
/schema works offline and under the pages' Content-Security-Policy."""

import re
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from openapi_spec_validator import validate

from api.access import access_of
from tests.e2e.test_tracker_browser import CHROMIUM, _playwright
from tests.support import LiveServer


def _public(path: str, method: str) -> bool:
    """Open to anyone by api/access.py's table (sign-up, sign-in, accepting an invitation, the tracker…)."""
    access = access_of(method.upper(), path)
    return access is not None and access.least is None and not access.sender


@pytest.fixture(scope="module")
def document(server: LiveServer) -> dict[str, Any]:
    r = httpx.get(server.base_url + "/schema/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()


def served_operations(app: Litestar) -> set[tuple[str, str]]:
    """(path, method) of every route handler the app serves, but the OpenAPI document's own routes, the
    OPTIONS handlers Litestar adds by itself, and the dashboard's pages and files (for people, not clients)."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/schema"):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if handler.handler_name != "options_handler" and not is_page(handler) and method != "HEAD":
                found.add((route.path_format, method.lower()))
    return found


def is_page(handler: Any) -> bool:
    """A dashboard page or file: left out of the API's document on purpose (api/dashboard/)."""
    return not handler.resolve_include_in_schema()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(path, method): op for path, item in document["paths"].items() for method, op in item.items()}


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_route_the_app_serves_is_described(server: LiveServer, document: dict[str, Any]) -> None:
    served = served_operations(server.app.app)  # Edge -> Litestar
    assert ("/api/identities/{identity_id}", "get") in served  # the walk sees the API
    assert served - set(operations(document)) == set()
    assert set(operations(document)) - served == set()


def test_routes_list_their_credentials_and_their_errors(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]
    assert {name: (s["type"], s["scheme"]) for name, s in schemes.items()} == {
        "session": ("http", "bearer"),
        "secretKey": ("http", "bearer"),
        "publicKey": ("http", "bearer"),
    }
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for (path, method), op in operations(document).items():
        if path.startswith("/api/") and not _public(path, method) and method != "options":
            assert op.get("security"), (path, method)
            assert {"401", "429"} <= set(op["responses"]), (path, method)
        for status, answer in op["responses"].items():
            if status.startswith(("4", "5")):
                assert answer["content"]["application/json"]["schema"] == error, (path, method, status)
    ingest = operations(document)[("/api/events", "post")]
    assert {"publicKey": []} in ingest["security"] and {"secretKey": []} in ingest["security"]
    assert operations(document)[("/api/credentials", "post")]["security"] == [{"session": []}]


def test_bodies_parameters_and_bounds_are_described(document: dict[str, Any]) -> None:
    ops = operations(document)
    for (path, method), op in ops.items():
        bodiless = path.endswith(("/actions/analyze", "/actions/test", "/actions/rotate-secret"))
        if method in ("post", "put", "patch") and not bodiless and "identities/{" not in path:
            assert "requestBody" in op, (path, method)
    assert ops[("/api/events", "post")]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TrackIn"
    }
    listing = {p["name"]: p for p in ops[("/api/identities", "get")]["parameters"]}
    assert {"pageNumber", "pageSize", "sort", "order", "term", "group", "groupType", "device", "badge"} <= set(listing)
    assert listing["pageNumber"]["schema"]["minimum"] == 0 and listing["pageNumber"]["schema"]["maximum"] > 0
    assert "humanityScore" in listing["sort"]["schema"]["enum"]
    history = {p["name"]: p for p in ops[("/api/identities/{identity_id}/history", "get")]["parameters"]}
    assert (history["limit"]["schema"]["minimum"], history["limit"]["schema"]["maximum"]) == (1, 500)
    assert history["identity_id"]["in"] == "path" and history["identity_id"]["required"] is True


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "style" in found or tag == "style" or (tag == "script" and not found.get("src")):
            self.inline.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_the_viewer_loads_only_this_servers_files(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        page = http.get("/schema")
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        parsed = _Page()
        parsed.feed(page.text)
        assert parsed.inline == []  # the CSP allows no inline script or style
        assert parsed.urls and all(u.startswith("/") and not u.startswith("//") for u in parsed.urls)
        for url in parsed.urls:
            assert http.get(url).status_code == 200, url
        assert http.get("/schema/assets/index.html").status_code == 404  # only the files the page needs


def test_the_viewer_renders_every_operation_in_a_browser(server: LiveServer, document: dict[str, Any]) -> None:
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            refused: list[str] = []
            page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
            outside: list[str] = []
            page.on("request", lambda r: None if r.url.startswith(server.base_url) else outside.append(r.url))
            page.goto(server.base_url + "/schema")
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = page.locator(".opblock").count()
        finally:
            browser.close()
    assert shown == len(operations(document))
    assert outside == []
    assert [m for m in refused if not re.search(r"img-src|data:", m)] == []


def test_the_root_sends_people_to_sign_in_and_clients_to_the_api(server: LiveServer) -> None:
    with httpx.Client(base_url=server.base_url, follow_redirects=True) as http:
        page = http.get("/")
        assert page.url.path == "/login"
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Dregs" in page.text and 'href="/schema"' in page.text and 'href="/schema/openapi.json"' in page.text
        parsed = _Page()
        parsed.feed(page.text)
        assert parsed.inline == []
        assert "default-src 'self'" in page.headers["content-security-policy"]
        index = http.get("/api")
        assert index.status_code == 200 and index.headers["content-type"].startswith("application/json")
        assert index.json()["openapi"] == "/schema/openapi.json"
        assert http.get(index.json()["openapi"]).status_code == 200
        assert http.get(index.json()["documentation"]).status_code == 200
