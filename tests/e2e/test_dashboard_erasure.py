"""Erasure from the dashboard (issue 16, "API and dashboard show the identity as erased"): an admin erases an
identity's personal data from its page, after ticking the box and typing its id (no script needed); the API then
shows erasedAt, the page a banner with when and by whom (as the timeline names them) and no longer the e-mail,
name or attributes, while its scores and events' types and times stay; the list tags it. Unconfirmed, the page
comes back with a 400 and why, and nothing is erased. A USER or VIEWER sees no such form and is refused (403).
SQLite and PostgreSQL."""

import httpx

from api.dashboard.pages.identities import NOT_CONFIRMED
from api.dashboard.templates import shown_time
from api.time import parse_time
from domain.times import to_micros
from tests.e2e.test_dashboard import _post, _scored, browser_session
from tests.e2e.test_dashboard_keyboard import problems
from tests.support import LiveServer, Team, add_member

GONE = {"identity": "erase/me", "email": "wilhelmina.erasable@example.com", "name": "Wilhelmina Erasable",
        "phone": "+15550001234"}  # fmt: skip
PAGE = "/identities/erase%2Fme"
FORM = 'action="/identities/erase%2Fme/erase"'


def _tracked(team: Team) -> None:
    """The identity to erase, with an e-mail, a name and an attribute, scored; and another one, kept."""
    sdk = team.sdk()
    for identity, email in ((GONE["identity"], GONE["email"]), ("keep-me", "kept.person@example.com")):
        sdk.track("user.signup", identity=identity, identity_data={"email": email, "name": GONE["name"]},
                  data={"ip": "203.0.113.9", "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"})  # fmt: skip
    sdk.identities.update(GONE["identity"], attributes={"phone": GONE["phone"]})
    _scored(team, "erase%2Fme")
    _scored(team, "keep-me")


def _erased_at(team: Team) -> str | None:
    r = team.http.get("/api/identities/erase%2Fme")
    assert r.status_code == 200, r.text
    return r.json()["erasedAt"]


def _erase(http: httpx.Client, **confirmation: str) -> httpx.Response:
    return _post(http, PAGE + "/erase", **confirmation)


def test_an_admin_erases_an_identity_from_its_page_once_confirmed(server: LiveServer, team: Team) -> None:
    _tracked(team)
    http = browser_session(server, team.email)
    before = http.get(PAGE)
    assert before.status_code == 200 and GONE["email"] in before.text and GONE["phone"] in before.text
    assert FORM in before.text and "data-erased-banner" not in before.text
    assert problems(before.text) == []  # the form's controls are labelled, its ids unique

    # Unconfirmed: the page again with why, 400, and nothing erased.
    for confirmation in ({}, {"typed_id": "erase/me"}, {"understood": "yes"}, {"understood": "yes", "typed_id": "x"}):
        refused = _erase(http, **confirmation)
        assert refused.status_code == 400, (confirmation, refused.status_code)
        assert NOT_CONFIRMED in refused.text and 'role="alert"' in refused.text and GONE["email"] in refused.text
        assert problems(refused.text) == []
    assert _erased_at(team) is None
    assert _erase(http, understood="yes", typed_id="nobody").status_code == 400  # another id than the page's
    assert _post(http, "/identities/nobody/erase", understood="yes", typed_id="nobody").status_code == 404
    assert _erased_at(team) is None

    done = _erase(http, understood="yes", typed_id="erase/me")
    assert done.status_code == 303 and done.headers["location"] == PAGE
    erased_at = _erased_at(team)
    assert erased_at is not None
    shown = team.http.get("/api/identities/erase%2Fme").json()
    assert shown["displayEmail"] is None and shown["displayName"] is None and shown["authenticityScore"] is not None

    page = http.get(PAGE)
    assert page.status_code == 200 and problems(page.text) == []
    banner = next(line for line in page.text.splitlines() if "data-erased-banner" in line)
    when = shown_time(to_micros(parse_time(erased_at)))
    assert f"Personal data erased on {when} by {team.email}" in banner
    for value in GONE["email"], GONE["name"], GONE["phone"], "203.0.113.9":
        assert value not in page.text, value
    assert "name and e-mail erased" in page.text and '<p class="hint">Erased.</p>' in page.text
    assert "user.signup" in page.text  # its events' types and times stay, and its scores
    assert f'title="Authenticity: {shown["authenticityScore"]}"' in page.text
    assert FORM not in page.text  # nothing left to erase

    listed = http.get("/identities").text
    tagged = [row for row in listed.split("<tr>") if 'title="Personal data erased">erased<' in row]
    assert len(tagged) == 1 and 'href="/identities/erase%2Fme"' in tagged[0]
    assert "kept.person@example.com" in listed  # the other identity is untouched

    # As of an earlier instant, its data is unreadable too, and the page says why.
    then = http.get(PAGE, params={"at": 0})
    assert then.status_code == 200 and "data-erased-banner" in then.text and GONE["email"] not in then.text
    links_then = team.http.get("/api/identities/erase%2Fme/links", params={"asOf": erased_at})
    assert links_then.status_code == 200 and links_then.json() == [], links_then.text

    log = team.dashboard.get("/api/team/activity", params={"kind": "identity.erased"}).json()["content"]
    assert [(e["subject"], e["actor"]["name"]) for e in log] == [("erase/me", team.email)]
    again = _erase(http, understood="yes", typed_id="erase/me")  # asking again changes nothing
    assert again.status_code == 303 and _erased_at(team) == erased_at


def test_users_and_viewers_see_no_erase_form_and_are_refused(server: LiveServer, team: Team) -> None:
    _tracked(team)
    for role in ("USER", "VIEWER"):
        http = browser_session(server, add_member(server, team, role))
        page = http.get(PAGE)
        assert page.status_code == 200 and GONE["email"] in page.text
        assert FORM not in page.text and "Erase personal data" not in page.text
        assert _erase(http, understood="yes", typed_id="erase/me").status_code == 403
    assert _erased_at(team) is None
    admin = browser_session(server, team.email).get(PAGE).text
    assert FORM in admin and "Erase personal data" in admin
