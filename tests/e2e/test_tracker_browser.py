"""dregs.js end to end: Debian's Chromium, headless under Playwright, loads a page from another origin that
installs the tracker with the manual's snippet (section 4.1); the events come back through the official
SDK and the REST API (docs/tracker-protocol.md; api-contract sections 5, 8, 9, 11.13, 11.14).

Each page is visited once per module; the tests split what the browser did (the POSTs it made, read by
Playwright) from what the server recorded, so a failure says which half is missing. Never downloads a
browser: without /usr/bin/chromium the module is skipped, except in CI (`CI` set), where it fails."""

import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from dregs.errors import NotFoundError

from api.tracking.tracker_asset import VERSION
from tests.support import LiveServer, Team, free_port, live_server, sign_up

T = TypeVar("T")

CHROMIUM = Path("/usr/bin/chromium")
HEX32 = re.compile(r"[0-9a-f]{32}")
USER = "browser-user-1"
EMAIL = "browser-user-1@example.com"
OUTSIDER = "browser-user-2"
READ_TIMEOUT = 15.0
# docs/tracker-protocol.md: the automation markers the tracker may report
AUTOMATION_MARKERS = set("webdriver selenium playwright puppeteer phantomjs nightmare domAutomation".split())


def _playwright() -> Any:
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "the playwright package is not installed (pip install -e '.[test]')"
    if reason is None and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"the browser test cannot run in CI: {reason}")
        pytest.skip(reason)
    return sync_playwright


# --- a static page server on another origin ---------------------------------------------------


class PageServer:
    """Serves fixed HTML pages on 127.0.0.1:<own port>, a different origin from Dregs'."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                html = pages.get(urlsplit(self.path).path)
                body = (html or "not found").encode()
                self.send_response(200 if html is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def snippet_page(*, dregs: str, key: str, user: str, init_options: str = "", before_init: str = "") -> str:
    """The manual's snippet; `identify` is called before the script tag (queued, replayed on load) and
    `track` in the method form once the page has loaded."""
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Sign up</title>
<script>
  window.dregs = window.dregs || function() {{
    (window.dregs.q = window.dregs.q || []).push(arguments);
  }};
  {before_init}
  dregs('init', {{ key: '{key}'{init_options} }});
  dregs('identify', '{user}', {{ email: '{user}@example.com' }});
</script>
<script src="{dregs}/dregs.js" async></script>
<script>
  window.addEventListener('load', function () {{
    dregs.track('signup', {{ plan: 'pro' }});
    window.pageScriptDone = true;
  }});
</script>
</head><body><h1>Sign up</h1></body></html>"""


# --- a page visit, as the browser saw it ------------------------------------------------------


@dataclass
class Post:
    body: dict[str, Any]
    headers: dict[str, str]
    url: str


@dataclass
class Visit:
    url: str  # as loaded, with its fragment
    posts: list[Post] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)  # event id -> the answer's HTTP status
    failures: dict[str, str] = field(default_factory=dict)  # event id -> the browser's error text
    page_errors: list[str] = field(default_factory=list)
    page_script_done: bool = False
    user_agent: str = ""

    @property
    def types(self) -> list[str]:
        return [p.body["type"] for p in self.posts]

    @property
    def session(self) -> str:
        return self.posts[0].body["device"]["session"]

    @property
    def page_url(self) -> str:
        return self.url.split("#", 1)[0]


def visit(
    browser: Any, url: str, events_url: str, expect: int, then: Callable[[Any], None] | None = None, more: int = 0
) -> Visit:
    """Loads `url` in a fresh context, waits for `expect` POSTs to `events_url` to settle, runs `then` on the
    page and waits for `more` POSTs after it."""
    seen = Visit(url)
    pending: set[Any] = set()
    answered: list[Any] = []
    context = browser.new_context()
    page = context.new_page()

    def event_id(request: Any) -> str:
        try:
            return json.loads(request.post_data or "{}").get("id", "")
        except ValueError:
            return ""

    def on_request(request: Any) -> None:
        if request.method == "POST" and request.url == events_url:
            pending.add(request)
            seen.posts.append(Post(json.loads(request.post_data or "null"), request.headers, request.url))

    # Chromium reports no `requestfinished` for keepalive fetches: an answer or a failure settles a POST.
    def on_response(response: Any) -> None:
        if response.request in pending:
            pending.discard(response.request)
            answered.append(response)

    def on_failed(request: Any) -> None:
        if request in pending:
            pending.discard(request)
            seen.failures[event_id(request)] = request.failure or "failed"

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))

    def settle(count: int) -> None:
        deadline = time.monotonic() + READ_TIMEOUT
        while len(seen.posts) < count or pending:
            if time.monotonic() > deadline:
                raise AssertionError(f"the page made {seen.types} ({len(pending)} unsettled), expected {count} POSTs")
            page.wait_for_timeout(50)

    try:
        page.goto(url, wait_until="load")
        seen.user_agent = page.evaluate("navigator.userAgent")
        settle(expect)
        if then is not None:
            then(page)
            settle(expect + more)
        page.wait_for_timeout(300)  # nothing more should follow
        seen.page_script_done = bool(page.evaluate("window.pageScriptDone === true"))
        for response in answered:  # only the status: reading a keepalive answer's body never returns
            seen.answers[event_id(response.request)] = response.status
    finally:
        context.close()
    return seen


# --- module fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_playwright = _playwright()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def dregs_server() -> Iterator[LiveServer]:
    with live_server(None) as live:
        yield live


@pytest.fixture(scope="module")
def allowed_site() -> Iterator[PageServer]:
    site = PageServer()
    yield site
    site.close()


@pytest.fixture(scope="module")
def other_site() -> Iterator[PageServer]:
    site = PageServer()
    yield site
    site.close()


@dataclass
class Setup:
    server: LiveServer
    team: Team
    public_key: str

    @property
    def events_url(self) -> str:
        return self.server.api + "/events"


@pytest.fixture(scope="module")
def setup(dregs_server: LiveServer, allowed_site: PageServer) -> Setup:
    team = sign_up(dregs_server)
    with team.dashboard as dashboard:
        r = dashboard.post("/api/credentials", json={"name": "web", "allowedOrigins": [allowed_site.origin]})
    assert r.status_code == 201, r.text
    assert r.json()["publicKey"].startswith("pk_")
    return Setup(dregs_server, team, r.json()["publicKey"])


@pytest.fixture(scope="module")
def allowed_visit(browser: Any, setup: Setup, allowed_site: PageServer) -> Visit:
    allowed_site.pages["/shop/signup"] = snippet_page(dregs=setup.server.base_url, key=setup.public_key, user=USER)

    def navigate(page: Any) -> None:  # a single-page app's route change
        page.evaluate("history.pushState({}, '', '/shop/welcome?from=signup#top')")

    return visit(browser, f"{allowed_site.origin}/shop/signup?step=1#form", setup.events_url, 4, then=navigate, more=1)


@pytest.fixture(scope="module")
def outsider_visit(browser: Any, setup: Setup, other_site: PageServer) -> Visit:
    other_site.pages["/signup"] = snippet_page(dregs=setup.server.base_url, key=setup.public_key, user=OUTSIDER)
    return visit(browser, f"{other_site.origin}/signup", setup.events_url, 4)


def eventually(probe: Callable[[], T], done: Callable[[T], bool], what: str, timeout: float = READ_TIMEOUT) -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}; last seen: {value!r}")
        time.sleep(0.1)


def recorded_session_events(setup: Setup, visit_: Visit) -> list[dict[str, Any]]:
    """`GET /api/events?session=…` once every event the page posted is readable (the REST contract's shape)."""
    ids = {p.body["id"] for p in visit_.posts}

    def probe() -> list[dict[str, Any]]:
        with setup.team.http as http:
            r = http.get("/api/events", params={"session": visit_.session, "pageSize": 100})
        assert r.status_code == 200, r.text
        return r.json()["content"]

    return eventually(probe, lambda rows: ids <= {e["id"] for e in rows}, f"the session's events {sorted(ids)}")


# --- the browser half ---------------------------------------------------------------------------


def test_the_page_loads_the_script_and_replays_the_queued_calls_in_order(allowed_visit: Visit) -> None:
    assert allowed_visit.page_errors == []
    assert allowed_visit.page_script_done, "the page's own script stopped"
    assert allowed_visit.types == ["dregs_init", "page_view", "dregs_identify", "signup", "page_view"]


def test_every_post_has_the_protocols_shape(allowed_visit: Visit, setup: Setup) -> None:
    first_signals = allowed_visit.posts[0].body["device"]["signals"]
    ids = set()
    for post in allowed_visit.posts:
        body = post.body
        assert post.headers["authorization"] == f"Bearer {setup.public_key}"
        assert post.headers["content-type"] == "application/json"
        assert set(body) <= {"id", "type", "data", "identity", "source", "device"}
        assert HEX32.fullmatch(body["id"]) and body["id"] not in ids
        ids.add(body["id"])
        assert body["source"] == f"dregs.js/{VERSION}" == "dregs.js/1.0.0"
        assert HEX32.fullmatch(body["device"]["session"])
        assert body["device"]["session"] == allowed_visit.session
        # The signals are collected once per page load and sent with every event.
        assert body["device"]["signals"] == first_signals
        assert body["device"]["signals"]["userAgent"] == allowed_visit.user_agent
        assert "#" not in body["device"]["url"]

    init, view, identify, signup, spa_view = (p.body for p in allowed_visit.posts)
    assert init["device"]["url"] == view["device"]["url"] == allowed_visit.page_url
    assert spa_view["device"]["url"] == allowed_visit.page_url.split("/shop/")[0] + "/shop/welcome?from=signup"
    assert init["data"] == view["data"] == identify["data"] == {}
    assert "identity" not in init and "identity" not in view  # nothing identified yet in this tab
    assert identify["identity"] == {"id": USER, "data": {"email": EMAIL}}
    assert signup["identity"] == spa_view["identity"] == {"id": USER, "data": {}}
    assert signup["data"] == {"plan": "pro"}


def test_the_signals_are_the_ones_the_protocol_lists(allowed_visit: Visit) -> None:
    signals = allowed_visit.posts[0].body["device"]["signals"]
    assert signals["uaData"]["brands"] and isinstance(signals["uaData"]["mobile"], bool)
    assert isinstance(signals["platform"], str) and signals["vendor"] == "Google Inc."
    assert signals["languages"] and signals["language"] == signals["languages"][0]
    assert isinstance(signals["timezone"], str) and isinstance(signals["timezoneOffset"], int)
    assert set(signals["screen"]) == {"width", "height", "availWidth", "availHeight", "colorDepth", "pixelRatio"}
    assert set(signals["window"]) == {"innerWidth", "innerHeight", "outerWidth", "outerHeight"}
    assert signals["hardwareConcurrency"] >= 1 and signals["maxTouchPoints"] == 0
    assert re.fullmatch(r"[0-9a-f]{8}", signals["canvas"])
    assert set(signals.get("webgl") or {}) <= {"vendor", "renderer"}
    assert isinstance(signals["fonts"], list) and isinstance(signals["plugins"], list)
    assert signals["cookieEnabled"] is True and isinstance(signals["pdfViewerEnabled"], bool)
    assert signals["chrome"] is True
    assert signals["notificationPermission"] in {"default", "denied", "granted"}
    assert signals.get("permissionState") in {None, "prompt", "denied", "granted"}
    assert set(signals["automation"]) <= AUTOMATION_MARKERS
    # No personal data is collected on its own: the email is only in what the page passed to identify().
    assert EMAIL not in json.dumps(allowed_visit.posts[0].body)


def test_an_unreachable_server_does_not_break_the_page(browser: Any, setup: Setup, allowed_site: PageServer) -> None:
    """init's `endpoint` option pointed at a closed port; a call made before init waits for it."""
    dead = f"http://127.0.0.1:{free_port()}/api/events"
    allowed_site.pages["/down"] = snippet_page(
        dregs=setup.server.base_url,
        key=setup.public_key,
        user="nobody",
        init_options=f", endpoint: '{dead}'",
        before_init="dregs('track', 'early_click');",
    )
    seen = visit(browser, f"{allowed_site.origin}/down", dead, 5)
    assert seen.page_errors == [] and seen.page_script_done
    assert seen.types == ["dregs_init", "page_view", "early_click", "dregs_identify", "signup"]
    assert len(seen.failures) == 5


# --- the server half ----------------------------------------------------------------------------


def test_the_server_answers_each_post(allowed_visit: Visit) -> None:
    assert allowed_visit.failures == {}, "the browser could not complete the POSTs (CORS for the allowed origin?)"
    assert {allowed_visit.answers[p.body["id"]] for p in allowed_visit.posts} == {200}


def test_the_events_read_back_with_fingerprint_session_url_and_ip(allowed_visit: Visit, setup: Setup) -> None:
    recorded_session_events(setup, allowed_visit)
    client = setup.team.sdk()
    fingerprints = set()
    for post in allowed_visit.posts:
        event = client.events.get(post.body["id"])
        assert event.name == post.body["type"]
        assert event.source == f"dregs.js/{VERSION}"
        assert event.session == allowed_visit.session
        # The tracker sends the page without its fragment; the server keeps it without its query too
        # (domain/devices/report.py: reset tokens and emails in links are not the server's to keep).
        assert event.url == post.body["device"]["url"].split("?", 1)[0]
        assert event.ip == "127.0.0.1"
        assert event.fingerprint, f"{event.name} has no fingerprint"
        fingerprints.add(event.fingerprint)
        expected_identity = post.body.get("identity", {}).get("id")
        assert (event.identity.id if event.identity else None) == expected_identity, event.name
    assert len(fingerprints) == 1, f"the same signals must give one fingerprint: {fingerprints}"
    signup = client.events.get(allowed_visit.posts[3].body["id"])
    assert dict(signup.data) == {"plan": "pro"}


def test_the_session_filter_returns_exactly_that_sessions_events(allowed_visit: Visit, setup: Setup) -> None:
    recorded_session_events(setup, allowed_visit)
    setup.team.sdk().track("server_login", identity=USER)  # same identity, no browser session
    rows = recorded_session_events(setup, allowed_visit)
    assert {e["id"] for e in rows} == {p.body["id"] for p in allowed_visit.posts}
    assert all(e["session"] == allowed_visit.session for e in rows)
    listed = setup.team.sdk().events.list(session=allowed_visit.session, page_size=100)
    assert {e.id for e in listed} == {p.body["id"] for p in allowed_visit.posts}


def test_the_device_reads_back(allowed_visit: Visit, setup: Setup) -> None:
    recorded_session_events(setup, allowed_visit)
    client = setup.team.sdk()
    fingerprint = client.events.get(allowed_visit.posts[0].body["id"]).fingerprint
    assert fingerprint
    with setup.team.http as http:
        r = http.get(f"/api/devices/{fingerprint}")
        assert r.status_code == 200, r.text
        device = r.json()
        assert device["fingerprint"] == fingerprint
        assert device["userAgent"] == allowed_visit.user_agent
        assert device["ip"] == "127.0.0.1"
        assert device["firstSeenAt"] and device["lastSeenAt"] and device["firstSeenAt"] <= device["lastSeenAt"]
        assert device["disregarded"] is False
        listed = http.get("/api/devices", params={"identity": USER}).json()["content"]
    assert fingerprint in {d["fingerprint"] for d in listed}
    assert client.devices.get(fingerprint).user_agent == allowed_visit.user_agent


def test_the_identity_reads_back(allowed_visit: Visit, setup: Setup) -> None:
    client = setup.team.sdk()
    identity = eventually(lambda: _identity_or_none(client, USER), lambda i: i is not None, f"identity {USER}")
    assert identity.id == USER
    assert identity.data.get("email") == EMAIL
    events = {e.id for e in client.events.list(identity=USER, page_size=100)}
    assert {p.body["id"] for p in allowed_visit.posts[2:]} <= events


def test_a_later_visit_is_a_new_session_on_the_same_device(
    allowed_visit: Visit, browser: Any, setup: Setup, allowed_site: PageServer
) -> None:
    """Same browser, new tab session and page: the stable signals give the same fingerprint."""
    allowed_site.pages["/again"] = snippet_page(dregs=setup.server.base_url, key=setup.public_key, user=USER)
    again = visit(browser, f"{allowed_site.origin}/again", setup.events_url, 4)
    assert again.page_errors == [] and again.session != allowed_visit.session
    recorded_session_events(setup, allowed_visit)
    recorded_session_events(setup, again)
    client = setup.team.sdk()
    first = client.events.get(allowed_visit.posts[0].body["id"]).fingerprint
    later = client.events.get(again.posts[0].body["id"]).fingerprint
    assert first and later == first


def _identity_or_none(client: Any, identity_id: str) -> Any:
    try:
        return client.identities.get(identity_id)
    except NotFoundError:
        return None


# --- an origin the key does not allow ------------------------------------------------------------


def test_a_page_on_an_origin_not_allowed_still_runs_and_tries(outsider_visit: Visit) -> None:
    assert outsider_visit.page_errors == []
    assert outsider_visit.page_script_done
    assert outsider_visit.types == ["dregs_init", "page_view", "dregs_identify", "signup"]
    # Refused by CORS (no preflight answer for this origin), or answered 200 and quietly not recorded.
    ids = {p.body["id"] for p in outsider_visit.posts}
    assert set(outsider_visit.failures) | set(outsider_visit.answers) == ids
    assert set(outsider_visit.answers.values()) <= {200}


def test_a_page_on_an_origin_not_allowed_records_nothing(outsider_visit: Visit, setup: Setup) -> None:
    assert setup.server.container.tracking_runner.wait_for_head(10)
    client = setup.team.sdk()
    for post in outsider_visit.posts:
        with pytest.raises(NotFoundError):
            client.events.get(post.body["id"])
    with pytest.raises(NotFoundError):
        client.identities.get(OUTSIDER)
    assert list(client.events.list(identity=OUTSIDER)) == []


# --- headless automation ---------------------------------------------------------------------------


def test_headless_automation_is_in_the_signals(allowed_visit: Visit) -> None:
    signals = allowed_visit.posts[0].body["device"]["signals"]
    assert "HeadlessChrome" in signals["userAgent"]
    assert signals["webdriver"] is True
    assert "webdriver" in signals["automation"]


def test_headless_automation_reaches_the_device_and_humanity(allowed_visit: Visit, setup: Setup) -> None:
    recorded_session_events(setup, allowed_visit)
    client = setup.team.sdk()
    fingerprint = client.events.get(allowed_visit.posts[0].body["id"]).fingerprint
    assert fingerprint and "HeadlessChrome" in (client.devices.get(fingerprint).user_agent or "")

    with setup.team.http as http:
        assert http.post(f"/api/identities/{USER}/actions/analyze").status_code == 202

        def humanity() -> list[dict[str, Any]]:
            r = http.get(f"/api/identities/{USER}/analysis")
            if r.status_code != 200:
                return []
            return [s for s in r.json().get("scores", []) if s.get("category") == "HUMANITY"]

        scores = eventually(humanity, bool, f"a Humanity score for {USER}")
    text = json.dumps(scores).lower()
    assert any(word in text for word in ("webdriver", "automat", "headless")), (
        f"no Humanity observation names the automation the tracker reported: {scores}"
    )
    assert scores[0]["value"] < 50, f"a headless, webdriver-driven browser must not look human: {scores}"
