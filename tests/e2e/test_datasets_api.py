"""Datasets: the GLOBAL lists seeded from maintained packages, and a team's own
CUSTOMER entries, put and deleted by an admin, used by the next cycle of that team only."""

import time

from dregs import Dregs

from tests.support import LiveServer, Team, sign_up

DISPOSABLE = "disposable_email_domains"


def _suspicions(client: Dregs, identity: str) -> set[str]:
    """The analyzers that found something suspicious (value below one half) in a cycle that ran after this call
    asked for one (a new identity is also scored at once on its own, so cycles are not counted)."""
    before = len(client.identities.history(identity))
    client.identities.analyze(identity)
    deadline = time.monotonic() + 15
    while len(client.identities.history(identity)) <= before:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return {o.id for o in client.identities.analysis(identity).observations if o.value < 0.5}


def test_global_datasets_are_listed_with_their_entries(team: Team) -> None:
    r = team.http.get("/api/datasets")
    assert r.status_code == 200
    (global_list,) = [d for d in r.json() if d["scope"] == "GLOBAL" and d["slug"] == DISPOSABLE]
    assert global_list["entryCount"] > 1000 and global_list["version"].startswith("disposable-email-domains==")
    first = team.http.get(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries", params={"limit": 5}).json()
    assert len(first) == 5 and [e["key"] for e in first] == sorted(e["key"] for e in first)
    after = team.http.get(f"/api/datasets/global/{DISPOSABLE}/entries", params={"limit": 5, "offset": 4}).json()
    assert after[0]["key"] == first[4]["key"]
    assert len(team.http.get(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries").json()) == 50
    assert team.http.get(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries", params={"limit": 501}).status_code == 400
    assert team.http.get("/api/datasets/GLOBAL/no_such_list/entries").status_code == 404
    assert team.http.get(f"/api/datasets/SHARED/{DISPOSABLE}/entries").status_code == 404


def test_a_customer_entry_is_used_by_that_teams_next_cycle_only(team: Team, server: LiveServer) -> None:
    client = team.sdk()
    client.track("signup", identity="d1", identity_data={"email": "ann@mailcorp.example"})
    assert "authenticity.disposable-email" not in _suspicions(client, "d1")

    r = team.http.put(
        f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries", json={"key": " MailCorp.example ", "value": "ours"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["key"] == "mailcorp.example" and r.json()["value"] == "ours"
    listed = team.http.get(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries").json()
    assert [(e["key"], e["value"]) for e in listed] == [("mailcorp.example", "ours")]
    own = [d for d in team.http.get("/api/datasets").json() if d["scope"] == "CUSTOMER"]
    assert [(d["slug"], d["entryCount"]) for d in own] == [(DISPOSABLE, 1)]
    assert "authenticity.disposable-email" in _suspicions(client, "d1")

    other = sign_up(server)
    other.sdk().track("signup", identity="d1", identity_data={"email": "ann@mailcorp.example"})
    assert "authenticity.disposable-email" not in _suspicions(other.sdk(), "d1")
    assert other.http.get(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries").json() == []

    assert team.http.delete(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries/mailcorp.example").status_code == 204
    assert team.http.get(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries").json() == []
    assert team.http.delete(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries/mailcorp.example").status_code == 404
    assert "authenticity.disposable-email" not in _suspicions(client, "d1")


def test_bad_entries_and_global_writes_are_refused(team: Team) -> None:
    assert team.http.put(f"/api/datasets/GLOBAL/{DISPOSABLE}/entries", json={"key": "x.example"}).status_code == 403
    for slug, body in (
        ("Bad-Slug", {"key": "x.example"}),
        (DISPOSABLE, {"key": "  "}),
        (DISPOSABLE, {"key": "x" * 256}),
        (DISPOSABLE, {"key": "x.example", "value": "v" * 501}),
        (DISPOSABLE, {"value": "no key"}),
        (DISPOSABLE, {"key": "x.example", "other": 1}),
    ):
        r = team.http.put(f"/api/datasets/CUSTOMER/{slug}/entries", json=body)
        assert r.status_code == 400, (slug, body)
        assert r.json()["message"]
    assert team.http.get(f"/api/datasets/CUSTOMER/{DISPOSABLE}/entries").json() == []
    assert team.http.delete("/api/datasets/CUSTOMER/Bad-Slug/entries/x").status_code == 404
