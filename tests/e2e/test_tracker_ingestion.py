"""Browser events over HTTP, as dregs.js sends them (docs/tracker-protocol.md): allowed origins,
CORS, device reports, the device read model, sessions, the client's IP address, and Humanity
from the device's signals. tests/e2e/test_tracker_browser.py does the same from a real browser."""

import time
from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.support import Team, live_server, sign_up

ORIGIN = "https://app.example.com"  # the origin tests/support.py's credential allows
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
SIGNALS: dict[str, Any] = {
    "userAgent": CHROME,
    "uaData": {"brands": [{"brand": "Google Chrome", "version": "131"}], "mobile": False, "platform": "Windows"},
    "platform": "Win32",
    "vendor": "Google Inc.",
    "language": "en-US",
    "languages": ["en-US", "en"],
    "timezone": "Europe/Berlin",
    "timezoneOffset": -60,
    "screen": {
        "width": 1920,
        "height": 1080,
        "availWidth": 1920,
        "availHeight": 1040,
        "colorDepth": 24,
        "pixelRatio": 1,
    },  # fmt: skip
    "window": {"innerWidth": 1280, "innerHeight": 900, "outerWidth": 1296, "outerHeight": 1010},
    "hardwareConcurrency": 8,
    "deviceMemory": 8,
    "maxTouchPoints": 0,
    "canvas": "8a1f03c2",
    "webgl": {"vendor": "Google Inc. (Intel)", "renderer": "ANGLE (Intel, Intel(R) UHD Graphics 620, D3D11)"},
    "fonts": ["Arial", "Calibri", "Segoe UI"],
    "plugins": ["PDF Viewer", "Chrome PDF Viewer"],
    "cookieEnabled": True,
    "pdfViewerEnabled": True,
    "webdriver": False,
    "automation": [],
    "chrome": True,
    "notificationPermission": "default",
    "permissionState": "prompt",
}


def send(team: Team, body: dict[str, Any], origin: str | None = ORIGIN, **headers: str) -> httpx.Response:
    sent = {"Authorization": f"Bearer {team.public_key}", **headers}
    if origin is not None:
        sent["Origin"] = origin
    return httpx.post(team.server.base_url + "/api/events", json=body, headers=sent)


def browser_event(event_type: str, identity: str | None = None, session: str = "sess-1", **signals: Any) -> dict:
    body: dict[str, Any] = {
        "id": uuid4().hex,
        "type": event_type,
        "data": {},
        "source": "dregs.js/1.0.0",
        "device": {
            "session": session,
            "url": f"{ORIGIN}/signup?invite=secret",
            "signals": {**SIGNALS, **signals},
        },  # fmt: skip
    }
    if identity is not None:
        body["identity"] = {"id": identity, "data": {}}
    return body


def test_an_allowed_origin_records_the_event_with_its_device(team: Team) -> None:
    r = send(team, browser_event("dregs_init", "ada"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "success" and body["id"] and len(body["fingerprint"]) == 32
    assert r.headers["access-control-allow-origin"] == ORIGIN
    fingerprint = body["fingerprint"]
    again = send(team, browser_event("page_view", "ada", window={"innerWidth": 800}))
    assert again.json()["fingerprint"] == fingerprint  # a resized window is the same device
    with team.http as http:
        event = http.get(f"/api/events/{body['id']}").json()
        assert event["fingerprint"] == fingerprint and event["session"] == "sess-1"
        assert event["url"] == f"{ORIGIN}/signup"  # no query: links carry tokens
        assert event["ip"] == "127.0.0.1" and event["eventSource"] == "dregs.js/1.0.0"
        device = http.get(f"/api/devices/{fingerprint}").json()
        assert device["userAgent"] == CHROME and device["ip"] == "127.0.0.1"
        assert device["browser"] == "Chrome" and device["os"] == "Windows" and device["deviceType"] == "desktop"
        assert device["firstSeenAt"] <= device["lastSeenAt"]
        assert [d["fingerprint"] for d in http.get("/api/devices", params={"identity": "ada"}).json()["content"]] == [
            fingerprint
        ]
        session = http.get("/api/events", params={"session": "sess-1"}).json()["content"]
        assert sorted(e["eventName"] for e in session) == ["dregs_init", "page_view"]
        assert http.get("/api/identities", params={"device": fingerprint}).json()["content"][0]["id"] == "ada"


def test_an_anonymous_browser_event_records_the_device_alone(team: Team) -> None:
    r = send(team, browser_event("page_view", session="anon-1"))
    assert r.status_code == 200 and r.json()["id"]
    with team.http as http:
        assert http.get(f"/api/devices/{r.json()['fingerprint']}").status_code == 200
        assert http.get("/api/identities").json()["content"] == []


@pytest.mark.parametrize("origin", ["https://evil.example", "http://app.example.com", None])
def test_an_origin_the_key_does_not_allow_is_quietly_not_recorded(team: Team, origin: str | None) -> None:
    r = send(team, browser_event("signup", "mallory"), origin=origin)
    assert r.status_code == 200
    assert r.json() == {"status": "success", "id": None, "fingerprint": None}
    assert "access-control-allow-origin" not in r.headers
    with team.http as http:
        assert http.get("/api/events").json()["content"] == []
        assert http.get("/api/devices").json()["content"] == []


@pytest.mark.parametrize(
    "device",
    ["not-an-object", {"signals": {}}, {"signals": {**SIGNALS, "hardwareConcurrency": "many"}}, {"session": "x"}],
)
def test_a_malformed_device_report_is_quietly_not_recorded(team: Team, device: Any) -> None:
    body = {**browser_event("signup", "bob"), "device": device}
    r = send(team, body)
    assert r.status_code == 200 and r.json()["id"] is None
    with team.http as http:
        assert http.get("/api/events").json()["content"] == []


def test_a_browser_event_needs_an_identity_or_a_device(team: Team) -> None:
    r = send(team, {"type": "signup"})
    assert r.status_code == 400 and "identity" in r.json()["message"]


def test_a_server_keys_event_has_no_device(team: Team) -> None:
    body = browser_event("signup", "carol")
    with team.http as http:
        r = http.post("/api/events", json=body)
        assert r.status_code == 200 and r.json()["id"] and r.json()["fingerprint"] is None
        assert http.get("/api/devices").json()["content"] == []


def test_cors_preflight_is_answered_for_allowed_origins_alone(team: Team) -> None:
    def preflight(origin: str) -> httpx.Response:
        return httpx.options(
            team.server.base_url + "/api/events",
            headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                     "Access-Control-Request-Headers": "authorization, content-type"},
        )  # fmt: skip

    allowed = preflight(ORIGIN)
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    refused = preflight("https://evil.example")
    assert "access-control-allow-origin" not in refused.headers


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(team: Team) -> None:
    r = send(team, browser_event("page_view", "dave", session="xff-1"), **{"X-Forwarded-For": "203.0.113.9"})
    with team.http as http:
        assert http.get(f"/api/events/{r.json()['id']}").json()["ip"] == "127.0.0.1"
    with live_server(None, trusted_proxies=("127.0.0.1/32",)) as proxied:
        behind = sign_up(proxied)
        r = send(behind, browser_event("page_view", "dave", session="xff-2"),
                 **{"X-Forwarded-For": "198.51.100.7, 203.0.113.9"})  # fmt: skip
        with behind.http as http:
            # The rightmost address no trusted proxy added: the client the proxy saw.
            assert http.get(f"/api/events/{r.json()['id']}").json()["ip"] == "203.0.113.9"


def observations(team: Team, identity: str) -> list[dict[str, Any]]:
    """The identity's latest analysis's observations, once one has a Humanity score."""
    with team.http as http:
        assert http.post(f"/api/identities/{identity}/actions/analyze").status_code in (201, 202)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r = http.get(f"/api/identities/{identity}/analysis")
            if r.status_code == 200 and any(s["category"] == "HUMANITY" for s in r.json()["scores"]):
                return [o for score in r.json()["scores"] for o in score["observations"]]
            time.sleep(0.1)
    raise AssertionError(f"no analysis of {identity}")


def test_humanity_tells_a_person_in_a_real_browser_from_headless_automation(team: Team) -> None:
    send(team, browser_event("dregs_init", "person", session="p-1"))
    send(team, browser_event("dregs_init", "robot", session="r-1", webdriver=True, automation=["playwright"],
                             userAgent=CHROME.replace("Chrome/", "HeadlessChrome/"), chrome=False))  # fmt: skip
    person_ids = {o["id"] for o in observations(team, "person")}
    robot_ids = {o["id"] for o in observations(team, "robot")}
    assert "humanity.real-browser" in person_ids and "humanity.automation" not in person_ids
    assert {"humanity.automation", "humanity.headless-browser"} <= robot_ids
    with team.http as http:
        scores = {i["id"]: i["humanityScore"] for i in http.get("/api/identities").json()["content"]}
    assert scores["person"] >= 70 and scores["robot"] <= 15


def test_two_accounts_on_one_browser_are_linked_by_device_and_session(team: Team) -> None:
    send(team, browser_event("signup", "first-account", session="shared-tab"))
    fingerprint = send(team, browser_event("signup", "second-account", session="shared-tab")).json()["fingerprint"]
    with team.http as http:
        device = http.get(f"/api/devices/{fingerprint}").json()
        assert device["identityCount"] == 2 and device["identities"] == ["second-account", "first-account"]
        (listed,) = http.get("/api/devices").json()["content"]
        assert listed["identities"] == device["identities"]
    found = {o["id"] for o in observations(team, "second-account")}
    assert {"uniqueness.shared-device", "uniqueness.shared-session"} <= found
    with team.http as http:
        links = http.get("/api/identities/second-account/links").json()
    assert {link["targetIdentityId"] for link in links} == {"first-account"}
    assert {"SAME_DEVICE", "SHARED_SESSION"} <= {link["type"] for link in links}
