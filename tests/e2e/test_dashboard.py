"""The dashboard (issue 15): pages behind a session cookie (HttpOnly, SameSite=Strict) that whatever ends a token
ends; CSRF on every form; the home page's numbers; identities listed, searched and opened; a VIEWER sees no
button that changes anything and is refused anyway; and the pages in Debian's Chromium without a console error
or a Content-Security-Policy violation. SQLite and PostgreSQL."""

import email
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.test_alerting_rules_api import customer_of
from tests.e2e.test_escalations_api import _rule, record_escalation
from tests.e2e.test_tracker_browser import CHROMIUM, _playwright
from tests.support import PASSWORD, LiveServer, Team, add_member, sign_up, wait_until

CSRF_COOKIE = "dregs_csrf"


def browser_session(server: LiveServer, email: str, password: str = PASSWORD, next_page: str = "/") -> httpx.Client:
    """A client that signed in through the sign-in page, as a browser does (cookies kept, CSRF token sent)."""
    http = httpx.Client(base_url=server.base_url)
    assert http.get("/login").status_code == 200  # sets the CSRF cookie
    r = http.post("/login", data={"email": email, "password": password, "next": next_page,
                                  "_csrf_token": http.cookies[CSRF_COOKIE]})  # fmt: skip
    assert r.status_code == 303, r.text
    assert r.headers["location"] == next_page
    return http


def _post(http: httpx.Client, path: str, **data: str) -> httpx.Response:
    return http.post(path, data={**data, "_csrf_token": http.cookies[CSRF_COOKIE]})


def _scored(team: Team, identity: str) -> None:
    def ready() -> bool:
        r = team.http.get(f"/api/identities/{identity}")
        return r.status_code == 200 and r.json()["lastScoredAt"] is not None

    wait_until(ready, 30, f"{identity} scored")


@pytest.fixture(scope="module")
def tracked(server: LiveServer) -> Team:
    """A team with two scored identities that share a device, one of them with an address that needs encoding."""
    team = sign_up(server, "Dashboard team")
    client = team.sdk()
    for identity, address in (("ada", "ada@example.com"), ("grace/hopper", "grace@example.com")):
        data = {"ip": "203.0.113.7", "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"}
        client.track("user.signup", identity=identity, identity_data={"email": address, "name": identity.title()},
                     data=data)  # fmt: skip
        client.track("user.login", identity=identity, data=data)
    _scored(team, "ada")
    _scored(team, "grace%2Fhopper")
    return team


def test_pages_need_a_session_cookie_and_send_the_browser_to_sign_in(server: LiveServer, team: Team) -> None:
    with httpx.Client(base_url=server.base_url) as anyone:
        r = anyone.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/login"
        r = anyone.get("/identities", params={"term": "x"})
        assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fidentities"
        r = anyone.get("/identities", headers={"HX-Request": "true"})  # htmx is told to load the page
        assert r.status_code == 200 and r.headers["hx-redirect"] == "/login?next=%2Fidentities"
    # The API's bearer token, or a key, is no session for a page: only the cookie is.
    for token in (team.token, team.secret_key):
        r = httpx.get(server.base_url + "/", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 303
    page = httpx.get(server.base_url + "/login")
    assert page.status_code == 200 and "default-src 'self'" in page.headers["content-security-policy"]
    assert 'href="/schema"' in page.text  # says what this server is and where its API is described


def test_signing_in_sets_a_strict_http_only_cookie_and_every_form_needs_its_csrf_token(
    server: LiveServer, team: Team
) -> None:
    with httpx.Client(base_url=server.base_url) as http:
        http.get("/login")
        form = {"email": team.email, "password": PASSWORD, "next": "/identities"}
        assert http.post("/login", data=form).status_code == 403  # no CSRF token
        r = http.post("/login", data={**form, "_csrf_token": "forged"})
        assert r.status_code == 403
        r = _post(http, "/login", **{**form, "password": "wrong"})
        assert r.status_code == 401 and "not right" in r.text and "dregs_session" not in r.headers.get("set-cookie", "")
        r = _post(http, "/login", **{**form, "next": "//evil.example/x"})
        assert r.status_code == 303 and r.headers["location"] == "/"  # never away from this site
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("dregs_session="))
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
        assert "Secure" not in cookie  # served over plain HTTP here; over TLS it is Secure
        home = http.get("/")
        assert home.status_code == 200 and team.email in home.text
        assert _post(http, "/logout").status_code == 303
        assert http.get("/").status_code == 303


def test_whatever_ends_a_token_ends_the_session(server: LiveServer, team: Team) -> None:
    member = add_member(server, team, "USER")
    as_admin, as_member = browser_session(server, team.email), browser_session(server, member)
    assert as_admin.get("/").status_code == 200 and as_member.get("/").status_code == 200
    member_id = next(m["id"] for m in team.dashboard.get("/api/team/members").json() if m["email"] == member)
    assert team.dashboard.patch(f"/api/team/members/{member_id}", json={"role": "VIEWER"}).status_code == 200
    assert as_member.get("/").status_code == 303  # a role change ends it
    r = team.dashboard.put("/api/account/password", json={"currentPassword": PASSWORD, "newPassword": PASSWORD + "!"})
    assert r.status_code == 204
    assert as_admin.get("/").status_code == 303  # so does a password change


def test_home_counts_the_team_s_identities_and_events(server: LiveServer, tracked: Team) -> None:
    http = browser_session(server, tracked.email)
    home = http.get("/")
    assert home.status_code == 200
    assert re.search(r'data-stat="identities">2<', home.text) and re.search(r'data-stat="events">4<', home.text)
    assert 'id="distribution-data"' in home.text and "Grace/Hopper" in home.text  # its display name
    assert "/identities/grace%2Fhopper" in home.text  # the id is one path segment
    stats = tracked.http.get("/api/stats").json()
    assert stats["identities"] == 2 and stats["events"] == 4 and stats["activeIdentities"] == 2
    assert set(stats) == {"from", "to", "identities", "activeIdentities", "newIdentities", "scoredIdentities",
                          "events", "averages"}  # fmt: skip
    spread = tracked.http.get("/api/stats/score-distribution").json()
    assert spread["buckets"][0] == "0-9" and spread["buckets"][-1] == "90-100"
    # Humanity needs the tracker's view of a browser: events from a backend alone leave it unscored.
    assert sum(spread["humanity"]) == 0
    assert all(sum(spread[c]) == 2 for c in ("authenticity", "uniqueness", "behavior"))
    r = tracked.http.get("/api/stats", params={"from": "2026-12-02T00:00:00Z", "to": "2026-12-01T00:00:00Z"})
    assert r.status_code == 400 and "from must be before to" in r.json()["message"]


def test_an_empty_team_is_told_what_to_do_next(server: LiveServer) -> None:
    team = sign_up(server)
    home = browser_session(server, team.email).get("/")
    assert team.public_key in home.text and f"{server.base_url}/dregs.js" in home.text
    assert f'base_url="{server.base_url}/api"' in home.text


def test_identities_are_searched_sorted_and_opened(server: LiveServer, tracked: Team) -> None:
    http = browser_session(server, tracked.email)
    listed = http.get("/identities", params={"term": "grace"})
    assert listed.status_code == 200 and "grace/hopper" in listed.text and ">ada<" not in listed.text
    assert http.get("/identities", params={"sort": "humanityScore"}).status_code == 200
    assert http.get("/identities", params={"sort": "password"}).status_code == 400
    scores = tracked.http.get("/api/identities/ada").json()
    ada = scores["uniquenessScore"]
    only_ada = http.get("/identities", params={"score": "uniqueness", "least": ada, "most": ada, "term": "ada"})
    assert only_ada.status_code == 200 and "<span data-total>1</span>" in only_ada.text
    none = http.get("/identities", params={"score": "humanity", "least": "0", "most": ""})  # humanity: unscored
    assert "<span data-total>0</span>" in none.text
    assert http.get("/identities", params={"score": "humanity", "most": "101"}).status_code == 400
    page = http.get("/identities/grace%2Fhopper")
    assert page.status_code == 200 and "Why these scores" in page.text and "grace@example.com" in page.text
    assert 'id="history-data"' in page.text
    assert "Analyze now" in page.text  # an admin works identities
    r = _post(http, "/identities/grace%2Fhopper/analyze")
    assert r.status_code == 303 and r.headers["location"] == "/identities/grace%2Fhopper?analysis=requested"
    assert http.get("/identities/nobody").status_code == 404


def test_a_viewer_sees_no_button_that_changes_anything_and_is_refused_anyway(server: LiveServer, tracked: Team) -> None:
    viewer = browser_session(server, add_member(server, tracked, "VIEWER"))
    page = viewer.get("/identities/ada")
    assert page.status_code == 200 and "Analyze now" not in page.text and "Disregard" not in page.text
    assert _post(viewer, "/identities/ada/analyze").status_code == 403
    assert _post(viewer, "/identities/ada/disregard").status_code == 403


def test_escalations_are_acknowledged_and_closed_from_their_page(server: LiveServer, team: Team) -> None:
    rule = _rule(team, "Bots")
    number = record_escalation(server, customer_of(server, team), "eve-untracked", rule, "CRITICAL")
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    listed = viewer.get("/escalations", params={"severity": "CRITICAL"})
    assert f'data-escalation="{number}"' in listed.text and "Acknowledge" not in listed.text
    assert _post(viewer, f"/escalations/{number}/acknowledge").status_code == 403
    http = browser_session(server, team.email)
    assert "Acknowledge" in http.get("/escalations").text
    r = _post(http, f"/escalations/{number}/acknowledge")
    assert r.status_code == 303 and r.headers["location"] == "/escalations"
    moved = team.http.get(f"/api/escalations/{number}").json()
    assert moved["status"] == "ACKNOWLEDGED" and moved["acknowledgedBy"] == team.email
    assert _post(http, f"/escalations/{number}/close").status_code == 303
    assert team.http.get(f"/api/escalations/{number}").json()["status"] == "CLOSED"
    assert _post(http, f"/escalations/{number}/close").status_code == 400  # closed already
    assert _post(http, f"/escalations/{number}/explode").status_code == 404
    assert _post(http, "/escalations/999999/close").status_code == 404
    assert "data-escalation" not in http.get("/escalations", params={"status": "OPEN"}).text


def test_devices_and_events_are_listed(server: LiveServer, tracked: Team) -> None:
    http = browser_session(server, tracked.email)
    events = http.get("/events", params={"identity": "grace/hopper"})
    assert events.status_code == 200 and events.text.count("user.signup") == 1 and "4 events" not in events.text
    assert "2 events" in events.text and "/identities/grace%2Fhopper" in events.text
    assert "4 events" in http.get("/events").text
    devices = http.get("/devices")
    assert devices.status_code == 200 and "0 devices" in devices.text  # a backend reports no device
    assert http.get("/events", params={"page": "-1"}).status_code == 400


def test_an_admin_makes_a_key_pair_and_sees_its_secret_once_then_disables_and_revokes_it(
    server: LiveServer, team: Team
) -> None:
    http = browser_session(server, team.email)
    made = _post(http, "/settings/keys", name="Staging", origins="https://staging.example.com\n")
    assert made.status_code == 200 and "data-secret" in made.text
    secret = re.search(r"<code data-secret>(sk_[^<]+)</code>", made.text)
    assert secret is not None
    key = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {secret.group(1)}"})
    assert key.get("/api/identities").status_code == 200
    listed = http.get("/settings/keys")
    assert "data-secret" not in listed.text and secret.group(1) not in listed.text  # shown once
    assert "https://staging.example.com" in listed.text
    credential = next(c for c in team.dashboard.get("/api/credentials").json() if c["name"] == "Staging")
    assert _post(http, f"/settings/keys/{credential['id']}/disable").status_code == 303
    assert key.get("/api/identities").status_code == 401
    assert _post(http, f"/settings/keys/{credential['id']}/revoke").status_code == 303
    assert "Staging" not in http.get("/settings/keys").text
    refused = _post(http, "/settings/keys", name="Bad", origins="not an origin")
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    assert "New key pair" not in viewer.get("/settings/keys").text
    assert _post(viewer, "/settings/keys", name="Mine").status_code == 403
    assert viewer.get("/settings/activity").status_code == 403


def test_an_admin_invites_changes_and_removes_members_and_reads_the_log(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    r = _post(http, "/settings/team/invitations", email="guest@example.com", role="USER")
    assert r.status_code == 303 and r.headers["location"] == "/settings/team?invited=guest%40example.com"
    page = http.get("/settings/team")
    assert "guest@example.com as user" in page.text
    invitation = next(
        i for i in team.dashboard.get("/api/team/invitations").json() if i["email"] == "guest@example.com"
    )
    assert _post(http, f"/settings/team/invitations/{invitation['id']}/revoke").status_code == 303
    assert "guest@example.com as user" not in http.get("/settings/team").text
    again = _post(http, f"/settings/team/invitations/{invitation['id']}/revoke")
    assert again.status_code == 409 and 'role="alert"' in again.text
    member = add_member(server, team, "VIEWER")
    member_id = next(m["id"] for m in team.dashboard.get("/api/team/members").json() if m["email"] == member)
    assert _post(http, f"/settings/team/members/{member_id}", action="role", role="ADMIN").status_code == 303
    assert f'data-member="{member}"' in http.get("/settings/team").text
    assert next(m for m in team.dashboard.get("/api/team/members").json() if m["id"] == member_id)["role"] == "ADMIN"
    assert _post(http, f"/settings/team/members/{member_id}", action="remove").status_code == 303
    me = next(m["id"] for m in team.dashboard.get("/api/team/members").json() if m["email"] == team.email)
    kept = _post(http, f"/settings/team/members/{me}", action="role", role="VIEWER")
    assert kept.status_code == 409 and "last admin" in kept.text  # said on the page
    log = http.get("/settings/activity", params={"kind": "member"})
    assert log.status_code == 200
    for kind in ("member.invited", "member.role_changed", "member.removed"):
        assert kind in log.text


def test_a_password_changed_from_the_account_page_ends_the_session(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    wrong = _post(http, "/settings/account/password", current_password="nope", new_password="another long one")
    assert wrong.status_code == 403 and "not correct" in wrong.text
    r = _post(http, "/settings/account/password", current_password=PASSWORD, new_password="another long one")
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fsettings%2Faccount"
    assert http.get("/settings/account").status_code == 303
    assert browser_session(server, team.email, "another long one").get("/settings/account").status_code == 200


def test_a_member_deletes_their_account_from_the_page_but_not_the_last_admin(server: LiveServer, team: Team) -> None:
    member = add_member(server, team, "USER")
    as_member = browser_session(server, member)
    wrong = _post(as_member, "/settings/account/delete", password="not it")
    assert wrong.status_code == 403 and 'role="alert"' in wrong.text
    gone = _post(as_member, "/settings/account/delete", password=PASSWORD)
    assert gone.status_code == 303 and gone.headers["location"] == "/login"
    assert as_member.get("/").status_code == 303
    assert member not in [m["email"] for m in team.dashboard.get("/api/team/members").json()]
    admin = browser_session(server, team.email)
    kept = _post(admin, "/settings/account/delete", password=PASSWORD)
    assert kept.status_code == 409 and "last admin" in kept.text
    assert admin.get("/").status_code == 200


def test_the_emailed_links_open_pages_that_finish_the_job(server: LiveServer, team: Team) -> None:
    admin = browser_session(server, team.email)
    newcomer = f"newcomer-{team.email}"
    assert _post(admin, "/settings/team/invitations", email=newcomer, role="USER").status_code == 303
    token = _emailed_token(server, newcomer, "accept-invitation")
    anyone = httpx.Client(base_url=server.base_url)
    form = anyone.get("/accept-invitation", params={"token": token})
    assert form.status_code == 200 and f'value="{token}"' in form.text
    joined = _post(anyone, "/accept-invitation", token=token, name="Newcomer", password="a long password")
    assert joined.status_code == 303 and joined.headers["location"] == "/login?joined=1"
    assert "Welcome" in anyone.get("/login", params={"joined": "1"}).text
    again = _post(anyone, "/accept-invitation", token=token, name="Twice", password="a long password")
    assert again.status_code == 409 and 'role="alert"' in again.text
    assert browser_session(server, newcomer, "a long password").get("/").status_code == 200

    assert httpx.post(server.base_url + "/api/auth/password-reset", json={"email": team.email}).status_code == 202
    token = _emailed_token(server, team.email, "reset-password")
    assert _post(anyone, "/reset-password", token="pwr_nothing", new_password="whatever long").status_code == 404
    done = _post(anyone, "/reset-password", token=token, new_password="a brand new one")
    assert done.status_code == 303 and done.headers["location"] == "/login?reset=1"
    assert admin.get("/").status_code == 303  # every session ended with the reset
    assert browser_session(server, team.email, "a brand new one").get("/").status_code == 200


def _emailed_token(server: LiveServer, to: str, page: str) -> str:
    """The token of the link to `page` in the embedded default's mail folder's message to `to`."""
    folder = Path(server.settings.data_dir) / "mail"

    def found() -> str | None:
        for path in sorted(folder.glob("*.eml")):
            message = email.message_from_string(path.read_text())
            if message["To"] == to:
                text = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
                links = [w for w in text.split() if f"/{page}?token=" in w]
                if links:
                    return parse_qs(urlsplit(links[0]).query)["token"][0]
        return None

    return wait_until(found, 10, f"the {page} email")


def test_rules_are_made_with_a_live_preview_and_deleted(server: LiveServer, tracked: Team) -> None:
    http = browser_session(server, tracked.email)
    draft = {"name": "Old accounts", "severity": "WARNING", "kind_0": "IDENTITY_AGE_LT", "value_0": "86400"}
    shown = _post(http, "/settings/rules/preview", **draft)
    assert shown.status_code == 200 and "<strong data-preview-count>2</strong>" in shown.text  # both are new
    unsure = _post(http, "/settings/rules/preview", kind_0="SCORE_LT", category_0="HUMANITY", value_0="many")
    assert "condition 1: a whole number is needed" in unsure.text
    assert _post(http, "/settings/rules/escalation", **draft).status_code == 303
    assert _post(http, "/settings/rules/badge", name="Fresh", type="NEUTRAL", kind_0="IDENTITY_AGE_GT",
                 value_0="60").status_code == 303  # fmt: skip
    page = http.get("/settings/rules")
    assert 'data-rule="old-accounts"' in page.text and "first seen &lt; 86400 s ago" in page.text
    assert 'data-rule="fresh"' in page.text
    again = _post(http, "/settings/rules/escalation", **draft)
    assert again.status_code == 409 and 'role="alert"' in again.text
    assert _post(http, "/settings/rules/escalation", name="Nothing").status_code == 400
    assert tracked.http.get("/api/escalation-rules/old-accounts").status_code == 200
    assert _post(http, "/settings/rules/escalation/old-accounts/delete").status_code == 303
    assert _post(http, "/settings/rules/badge/fresh/delete").status_code == 303
    assert tracked.http.get("/api/escalation-rules/old-accounts").status_code == 404
    viewer = browser_session(server, add_member(server, tracked, "VIEWER"))
    assert "New escalation rule" not in viewer.get("/settings/rules").text
    assert _post(viewer, "/settings/rules/preview", **draft).status_code == 200  # a preview changes nothing
    assert _post(viewer, "/settings/rules/escalation", **draft).status_code == 403


def test_channels_are_made_tested_rotated_and_deleted_from_their_page(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    form = {"name": "Ops hook", "type": "WEBHOOK", "destination": "https://hooks.example.com/dregs",
            "events": ["ESCALATION_OPENED", "IDENTITY_SCORED"], "_csrf_token": http.cookies[CSRF_COOKIE]}  # fmt: skip
    made = http.post("/settings/channels", data=form)
    assert made.status_code == 200 and "data-secret" in made.text, made.text
    channel = team.http.get("/api/channels/ops-hook").json()
    assert sorted(channel["events"]) == ["ESCALATION_OPENED", "IDENTITY_SCORED"]
    assert "data-secret" not in http.get("/settings/channels").text  # shown once
    assert _post(http, "/settings/channels/ops-hook/test").status_code == 303
    log = http.get("/settings/channels/ops-hook")
    assert log.status_code == 200 and "1 delivery" in log.text
    rotated = _post(http, "/settings/channels/ops-hook/rotate")
    assert rotated.status_code == 200 and "data-secret" in rotated.text
    assert _post(http, "/settings/channels/ops-hook/disable").status_code == 303
    assert team.http.get("/api/channels/ops-hook").json()["enabled"] is False
    refused = _post(http, "/settings/channels", name="Mail", type="EMAIL", destination="not an address")
    assert refused.status_code == 400 and 'role="alert"' in refused.text
    emails = _post(http, "/settings/channels", name="Mail", type="EMAIL", destination="a@example.com, b@example.com",
                   events="ESCALATION_OPENED")  # fmt: skip
    assert emails.status_code == 200
    assert team.http.get("/api/channels/mail").json()["config"]["addresses"] == ["a@example.com", "b@example.com"]
    assert _post(http, "/settings/channels/ops-hook/delete").status_code == 303
    assert team.http.get("/api/channels/ops-hook").status_code == 404
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    assert "New channel" not in viewer.get("/settings/channels").text
    assert _post(viewer, "/settings/channels/mail/test").status_code == 403


def test_the_third_party_files_are_served_for_a_year_and_nothing_inline(server: LiveServer) -> None:
    r = httpx.get(server.base_url + "/static/vendor/htmx-2.0.11.min.js")
    assert r.status_code == 200 and "max-age=31536000" in r.headers["cache-control"]
    assert httpx.get(server.base_url + "/static/../templates/base.html").status_code == 404


def _browse(server: LiveServer, team: Team, steps: Any) -> list[str]:
    """Run `steps(page)` in Chromium signed in as the team's admin; every console error and CSP report."""
    sync_playwright = _playwright()
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(server.base_url + "/")
            page.fill("#email", team.email)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("h1:text('Home')")
            steps(page)
        finally:
            browser.close()
    return problems


def test_the_pages_work_in_chromium_without_an_error_or_a_csp_violation(server: LiveServer, tracked: Team) -> None:
    number = record_escalation(
        server, customer_of(server, tracked), "zoe-untracked", _rule(tracked, "Watch"), "WARNING"
    )

    def steps(page: Any) -> None:
        page.wait_for_selector("[data-histogram='humanity'] canvas")  # uPlot drew from the page's JSON
        page.keyboard.press("Tab")  # the keyboard's first stop skips the navigation
        assert page.locator("a.skip:focus").count() == 1
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.locator("main a:focus, main button:focus, main [tabindex]:focus").count() == 1
        page.click("nav[aria-label=Main] >> text=Identities")
        page.fill("#term", "grace")
        page.wait_for_selector("[data-total]:text-is('1')")  # htmx swapped the results in
        assert "term=grace" in page.url  # pushed to the history
        page.click("table.identities >> text=grace/hopper")
        page.wait_for_selector("h2:text('Why these scores')")
        page.wait_for_selector("[data-history] canvas")
        page.click("table >> text=Ada")  # pivot through the shared address to the linked identity
        page.wait_for_selector("h1:text('Ada')")
        for section in ("Devices", "Events", "Escalations"):
            page.click(f"nav[aria-label=Main] >> text={section}")
            page.wait_for_selector(f"h1:text('{section}')")
        row = f"tr[data-escalation='{number}']"
        page.click(f"{row} >> text=Acknowledge")
        page.wait_for_selector(f"{row} [data-status]:has-text('acknowledged')")
        page.click(f"{row} >> text=Close")
        page.wait_for_selector(f"{row} [data-status]:has-text('closed')")
        page.click("nav[aria-label=Main] >> text=Settings")
        page.fill("#key-name", "From the browser")
        page.click("form[action='/settings/keys'] button")
        page.wait_for_selector("[data-secret]")  # the secret key, this once
        page.click("nav[aria-label=Settings] >> text=Rules")
        page.select_option("#escalation-kind-0", "IDENTITY_AGE_LT")
        page.fill("#escalation-value-0", "86400")
        page.wait_for_selector("[data-preview-count]:text-is('2')")  # the preview, as the conditions change
        page.fill("#escalation-name", "Brand new")
        page.click("form[action='/settings/rules/escalation'] button")
        page.wait_for_selector("tr[data-rule='brand-new']")
        page.click("nav[aria-label=Settings] >> text=Channels")
        page.fill("#channel-name", "Ops hook")
        page.fill("#channel-destination", "https://hooks.example.com/dregs")
        page.click("form[action='/settings/channels'] button")
        page.wait_for_selector("[data-secret]")  # the webhook's signing secret, this once
        page.click("nav[aria-label=Settings] >> text=Team")
        page.fill("#invite-email", "newcomer@example.com")
        page.click("form[action='/settings/team/invitations'] button")
        page.wait_for_selector("[role=status]:has-text('newcomer@example.com')")
        page.click("nav[aria-label=Settings] >> text=Activity log")
        page.wait_for_selector("td:text-is('member.invited')")
        page.click("text=Sign out")
        page.wait_for_selector("#password")

    assert _browse(server, tracked, steps) == []
