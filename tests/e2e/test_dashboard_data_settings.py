"""The dashboard's Settings pages for mappings and datasets: an admin adds, replaces and deletes a mapping and a
dataset entry through the same functions as /api/mappings and /api/datasets (the API sees the change, the
activity log names the admin); a refusal shows the API's message and status and changes nothing; a VIEWER sees
no form or button and is refused anyway; Dregs's GLOBAL lists are read-only there too; a team sees only its
own; every field has its label. SQLite and PostgreSQL."""

from html.parser import HTMLParser
from typing import Any

import httpx

from tests.e2e.test_dashboard import _browse, _post, browser_session
from tests.support import LiveServer, Team, add_member, sign_up

DISPOSABLE = "disposable_email_domains"
OWN_LIST = f"/settings/datasets/CUSTOMER/{DISPOSABLE}"
GLOBAL_LIST = f"/settings/datasets/GLOBAL/{DISPOSABLE}"


def _own_mappings(team: Team) -> list[dict[str, Any]]:
    r = team.http.get("/api/mappings", params={"scope": "CUSTOMER"})
    assert r.status_code == 200, r.text
    return r.json()


def _own_entries(team: Team) -> list[tuple[str, str | None]]:
    r = team.http.get(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries")
    assert r.status_code == 200, r.text
    return [(e["key"], e["value"]) for e in r.json()]


def _logged(team: Team, family: str) -> list[dict[str, Any]]:
    """The activity log's entries of a family (mapping, dataset), newest first."""
    r = team.dashboard.get("/api/team/activity", params={"kind": family, "pageSize": 100})
    assert r.status_code == 200, r.text
    return r.json()["content"]


def _redirected(r: httpx.Response, to: str) -> None:
    assert r.status_code == 303, r.text
    assert r.headers["location"] == to


def test_an_admin_adds_replaces_and_deletes_a_mapping_from_its_page(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    shown = http.get("/settings/mappings")
    assert shown.status_code == 200 and "<code>user.signup</code>" in shown.text  # a GLOBAL default
    assert "data-mapping=" not in shown.text and 'action="/settings/mappings"' in shown.text
    made = _post(http, "/settings/mappings", kind="EVENT_TYPE", source="nuevo_usuario", target="REGISTRATION",
                 description="es")  # fmt: skip
    _redirected(made, "/settings/mappings")
    (mapping,) = _own_mappings(team)
    assert (mapping["source"], mapping["target"], mapping["description"]) == ("nuevo_usuario", "REGISTRATION", "es")
    assert f'data-mapping="{mapping["id"]}"' in http.get("/settings/mappings").text

    # Same source however spelled: the same mapping, replaced.
    _redirected(_post(http, "/settings/mappings", kind="event_type", source="Nuevo-Usuario", target="LOGIN"),
                "/settings/mappings")  # fmt: skip
    (replaced,) = _own_mappings(team)
    assert replaced["id"] == mapping["id"] and replaced["target"] == "LOGIN" and replaced["description"] is None

    _redirected(_post(http, f"/settings/mappings/{mapping['id']}/delete"), "/settings/mappings")
    assert _own_mappings(team) == []
    assert "data-mapping=" not in http.get("/settings/mappings").text
    again = _post(http, f"/settings/mappings/{mapping['id']}/delete")
    assert again.status_code == 404 and "Mapping not found" in again.text and 'role="alert"' in again.text

    logged = _logged(team, "mapping")
    assert [e["kind"] for e in logged] == ["mapping.removed", "mapping.set", "mapping.set"]
    assert all(e["actor"]["name"] == team.email for e in logged)
    assert logged[-1]["subject"] == "EVENT_TYPE nuevo_usuario"
    assert logged[-1]["detail"] == {"target": "REGISTRATION", "description": "es"}


def test_a_refused_mapping_shows_the_api_s_message_and_status_and_changes_nothing(
    server: LiveServer, team: Team
) -> None:
    http = browser_session(server, team.email)
    for form, message in (
        ({"kind": "EVENT_TYPE", "source": "correo", "target": "EMAIL"}, "target must be one of"),
        ({"kind": "IDENTITY_FIELD", "source": "  ", "target": "EMAIL"}, "source must be 1 to 128 characters"),
        ({"kind": "COLOUR", "source": "correo", "target": "EMAIL"}, "kind must be EVENT_TYPE or IDENTITY_FIELD"),
        ({"kind": "EVENT_TYPE", "source": "x" * 129, "target": "LOGIN"}, "source must be 1 to 128 characters"),
    ):
        refused = _post(http, "/settings/mappings", **form)
        assert refused.status_code == 400, form
        assert message in refused.text and 'role="alert"' in refused.text
        api = team.http.put("/api/mappings", json=form)
        assert api.status_code == 400  # the API refuses it alike
    kept = _post(http, "/settings/mappings", kind="EVENT_TYPE", source="correo", target="EMAIL")
    assert 'value="correo"' in kept.text  # the form keeps what was typed
    assert _own_mappings(team) == [] and _logged(team, "mapping") == []


def test_an_admin_adds_and_removes_dataset_entries_from_its_page(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    listed = http.get("/settings/datasets")
    assert listed.status_code == 200 and f'data-dataset="GLOBAL/{DISPOSABLE}"' in listed.text
    assert 'data-dataset="CUSTOMER/' not in listed.text
    empty = http.get(OWN_LIST)
    assert empty.status_code == 200 and "No entry yet" in empty.text and f'action="{OWN_LIST}/entries"' in empty.text

    _redirected(_post(http, f"{OWN_LIST}/entries", key=" MailCorp.example ", value="ours"), OWN_LIST)
    _redirected(_post(http, f"{OWN_LIST}/entries", key="ops/team", value=""), OWN_LIST)  # a key with a slash
    assert _own_entries(team) == [("mailcorp.example", "ours"), ("ops/team", None)]
    own = http.get(OWN_LIST).text
    assert 'data-entry="mailcorp.example"' in own and "ours" in own
    assert f'action="{OWN_LIST}/entries/delete"' in own and 'name="key" value="ops/team"' in own
    counted = http.get("/settings/datasets").text
    assert f'data-dataset="CUSTOMER/{DISPOSABLE}"' in counted and "<td data-count>2</td>" in counted

    _redirected(_post(http, f"{OWN_LIST}/entries/delete", key="ops/team"), OWN_LIST)
    _redirected(_post(http, f"{OWN_LIST}/entries/delete", key="MailCorp.example"), OWN_LIST)  # any case
    assert _own_entries(team) == []
    gone = _post(http, f"{OWN_LIST}/entries/delete", key="mailcorp.example")
    assert gone.status_code == 404 and "Dataset entry not found" in gone.text

    logged = _logged(team, "dataset")
    assert [e["kind"] for e in logged] == ["dataset.entry_removed"] * 2 + ["dataset.entry_set"] * 2
    assert all(e["actor"]["name"] == team.email and e["subject"] == DISPOSABLE for e in logged)
    assert logged[-1]["detail"] == {"key": "mailcorp.example", "value": "ours"}
    assert logged[1]["detail"] == {"key": "ops/team"}


def test_a_refused_entry_shows_the_api_s_message_and_status_and_changes_nothing(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    for form, message in (
        ({"key": "  ", "value": ""}, "key must be 1 to 255 characters"),
        ({"key": "x" * 256, "value": ""}, "key must be 1 to 255 characters"),
        ({"key": "x.example", "value": "v" * 501}, "value must be at most 500 characters"),
    ):
        refused = _post(http, f"{OWN_LIST}/entries", **form)
        assert refused.status_code == 400, form
        assert message in refused.text and 'role="alert"' in refused.text
    assert _own_entries(team) == [] and _logged(team, "dataset") == []
    assert http.get("/settings/datasets/CUSTOMER/Bad-Slug").status_code == 404
    assert http.get("/settings/datasets/GLOBAL/no_such_list").status_code == 404
    assert http.get("/settings/datasets/SHARED/" + DISPOSABLE).status_code == 404


def test_a_global_list_is_paged_and_read_only_on_its_page_too(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    first = http.get(GLOBAL_LIST)
    assert first.status_code == 200 and first.text.count("data-entry=") == 50
    assert 'rel="next"' in first.text and "/entries" not in first.text  # no form, no button
    second = http.get(GLOBAL_LIST, params={"page": 1})
    api = team.http.get(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries", params={"offset": 50, "limit": 1}).json()
    assert f'data-entry="{api[0]["key"]}"' in second.text and 'rel="prev"' in second.text
    count = next(d["entryCount"] for d in team.http.get("/api/datasets").json() if d["scope"] == "GLOBAL")
    assert f"{count} entries" in first.text

    refused = _post(http, f"{GLOBAL_LIST}/entries", key="x.example", value="")
    assert refused.status_code == 403 and "GLOBAL datasets are maintained by Dregs" in refused.text
    assert _post(http, f"{GLOBAL_LIST}/entries/delete", key=api[0]["key"]).status_code == 403
    assert team.http.get(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries", params={"offset": 50, "limit": 1}).json() == api
    assert _own_entries(team) == [] and _logged(team, "dataset") == []


def test_a_viewer_sees_no_form_or_button_and_is_refused_anyway(server: LiveServer, team: Team) -> None:
    mapping = team.http.put("/api/mappings", json={"kind": "IDENTITY_FIELD", "source": "correo", "target": "EMAIL"})
    assert mapping.status_code == 200
    assert team.http.put(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries", json={"key": "a.example"}).status_code == 200
    viewer = browser_session(server, add_member(server, team, "VIEWER"))
    for path in ("/settings/mappings", "/settings/datasets", OWN_LIST):
        shown = viewer.get(path)
        assert shown.status_code == 200
        assert 'method="post" action="/settings/' not in shown.text, path  # only the sign-out form
    assert "<code>correo</code>" in viewer.get("/settings/mappings").text
    assert 'data-entry="a.example"' in viewer.get(OWN_LIST).text
    for path, form in (
        ("/settings/mappings", {"kind": "EVENT_TYPE", "source": "alta", "target": "REGISTRATION"}),
        (f"/settings/mappings/{mapping.json()['id']}/delete", {}),
        (f"{OWN_LIST}/entries", {"key": "b.example"}),
        (f"{OWN_LIST}/entries/delete", {"key": "a.example"}),
    ):
        assert _post(viewer, path, **form).status_code == 403, path
    assert [m["source"] for m in _own_mappings(team)] == ["correo"]
    assert _own_entries(team) == [("a.example", None)]


def test_a_team_sees_and_changes_only_its_own(server: LiveServer, team: Team) -> None:
    mapping = team.http.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": "alta", "target": "REGISTRATION"})
    assert (
        team.http.put(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries", json={"key": "ours.example"}).status_code == 200
    )
    other = sign_up(server)
    http = browser_session(server, other.email)
    assert "data-mapping=" not in http.get("/settings/mappings").text
    assert 'data-dataset="CUSTOMER/' not in http.get("/settings/datasets").text
    assert "ours.example" not in http.get(OWN_LIST).text
    assert _post(http, f"/settings/mappings/{mapping.json()['id']}/delete").status_code == 404
    assert _post(http, f"{OWN_LIST}/entries/delete", key="ours.example").status_code == 404
    assert len(_own_mappings(team)) == 1 and _own_entries(team) == [("ours.example", None)]


class _Fields(HTMLParser):
    """The ids of a page's fields (inputs but hidden ones, selects, text areas) and its labels' `for`."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str | None] = []
        self.labelled: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append(found.get("id"))
        elif tag == "label":
            self.labelled.append(found.get("for"))


def test_every_field_has_a_label_for_its_id(server: LiveServer, team: Team) -> None:
    http = browser_session(server, team.email)
    assert team.http.put(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries", json={"key": "a.example"}).status_code == 200
    pages = [http.get(p) for p in ("/settings/mappings", "/settings/datasets", OWN_LIST, GLOBAL_LIST)]
    pages.append(_post(http, "/settings/mappings", kind="EVENT_TYPE", source="x", target="EMAIL"))
    pages.append(_post(http, f"{OWN_LIST}/entries", key=" "))
    fields = 0
    for page in pages:
        assert page.status_code in (200, 400), page.url
        parsed = _Fields()
        parsed.feed(page.text)
        assert None not in parsed.fields, page.url
        assert sorted(parsed.fields) == sorted(set(parsed.fields)), page.url  # ids are unique
        assert set(parsed.fields) <= set(parsed.labelled), page.url
        assert set(parsed.labelled) <= set(parsed.fields), page.url  # no label names a missing field
        fields += len(parsed.fields)
    assert fields == 4 + 4 + 2 + 2  # the mapping form twice, the entry form twice


def test_the_pages_work_in_chromium_without_an_error_or_a_csp_violation(server: LiveServer, team: Team) -> None:
    def steps(page: Any) -> None:
        page.click("nav[aria-label=Main] >> text=Settings")
        page.click("nav[aria-label=Settings] >> text=Mappings")
        page.select_option("#mapping-kind", "IDENTITY_FIELD")
        page.fill("#mapping-source", "correo")
        page.select_option("#mapping-target", "EMAIL")
        page.click("form[action='/settings/mappings'] button")
        page.wait_for_selector("tr[data-mapping] >> text=correo")
        page.click("tr[data-mapping] button")
        page.wait_for_selector("text=None yet")
        page.click("nav[aria-label=Settings] >> text=Datasets")
        page.click(f"tr[data-dataset='GLOBAL/{DISPOSABLE}'] >> text=add your own")
        page.fill("#entry-key", "mailcorp.example")
        page.click(f"form[action='{OWN_LIST}/entries'] button")
        page.wait_for_selector("tr[data-entry='mailcorp.example']")
        page.click("tr[data-entry='mailcorp.example'] button")
        page.wait_for_selector("text=No entry yet")

    assert _browse(server, team, steps) == []
    assert _own_mappings(team) == [] and _own_entries(team) == []
    assert [e["kind"] for e in _logged(team, "mapping")] == ["mapping.removed", "mapping.set"]
