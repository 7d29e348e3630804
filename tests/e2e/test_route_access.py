"""Every route of the OpenAPI document has a row in api/access.py, and every kind of caller (a viewer, a
user, an admin, the team's server key, its browser key, nobody) is refused or let through exactly as that row
says (issue 14). A route added without a row fails here, and is refused in production."""

import re
from typing import Any

import httpx
import pytest
from litestar.routes import HTTPRoute

from api.access import ACCESS, Access, access_of, route_key
from domain.accounts.roles import Role, ranks_at_least
from tests.support import LiveServer, Team, member_session

METHODS = ("get", "post", "put", "patch", "delete")
# Litestar's own routes that serve the OpenAPI document and are not listed in it.
UNDOCUMENTED = {("GET", "/schema"), ("GET", "/schema/{path}"), ("GET", "/schema/openapi.json"),
                ("GET", "/schema/assets/{name}")}  # fmt: skip


def operations(server: LiveServer) -> list[tuple[str, str]]:
    doc = httpx.get(server.base_url + "/schema/openapi.json").json()
    return sorted((m.upper(), path) for path, item in doc["paths"].items() for m in item if m in METHODS)


def pages(server: LiveServer) -> set[tuple[str, str]]:
    """The dashboard's pages and files: routes for people, left out of the API's document."""
    found = set()
    for route in server.app.app.routes:  # Edge -> Litestar
        if not isinstance(route, HTTPRoute):
            continue
        for method, (handler, _) in route.route_handler_map.items():
            if method not in ("OPTIONS", "HEAD") and not handler.resolve_include_in_schema():
                found.add(route_key(method, route.path_format))
    return found - UNDOCUMENTED


def test_every_route_has_exactly_one_access_rule(server: LiveServer) -> None:
    documented = operations(server)
    assert [op for op in documented if access_of(*op) is None] == []
    assert [op for op in sorted(pages(server)) if access_of(*op) is None] == []
    assert ("GET", "/identities/{identity_id}") in pages(server)
    assert set(ACCESS) - set(documented) - pages(server) <= UNDOCUMENTED, "rows for routes that do not exist"
    assert route_key("PATCH", "/api/devices/{fingerprint:str}") == ("PATCH", "/api/devices/{fingerprint}")


def _refused(access: Access, caller: str) -> bool:
    """Whether the row refuses this caller (403); 'nobody' gets 401 instead."""
    if caller == "sk":
        return not access.server_key
    if caller == "pk":
        return True
    assert access.least is not None
    return not ranks_at_least(caller, access.least)


@pytest.fixture(scope="module")
def callers(server: LiveServer, shared_team: Team) -> dict[str, httpx.Client]:
    found = {role.value: member_session(server, shared_team, role.value) for role in (Role.VIEWER, Role.USER)}
    found[Role.ADMIN.value] = shared_team.dashboard
    found["sk"] = shared_team.http
    found["pk"] = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {shared_team.public_key}"})
    found["nobody"] = httpx.Client(base_url=server.base_url)
    return found


def _concrete(path: str) -> str:
    # Nothing by these names exists: a caller let through meets 404 or 400, never a side effect on real data.
    return re.sub(r"\{[^}]+\}", "zz-absent", path)


def test_each_caller_is_refused_or_let_through_as_the_table_says(
    server: LiveServer, callers: dict[str, httpx.Client]
) -> None:
    wrong: list[Any] = []
    checked = 0
    for method, path in operations(server):
        access = access_of(method, path)
        assert access is not None
        if access.least is None:  # public, or an event sender's own checks (tests/e2e/test_tracker_ingestion.py)
            continue
        body = {} if method in ("POST", "PUT", "PATCH") else None
        for caller, http in callers.items():
            status = http.request(method, _concrete(path), json=body).status_code
            expected = 401 if caller == "nobody" else (403 if _refused(access, caller) else None)
            if (expected is not None and status != expected) or (expected is None and status in (401, 403)):
                wrong.append((caller, method, path, status, expected or "not 401/403"))
            checked += 1
    assert wrong == []
    assert checked >= 300


def test_a_viewer_reads_a_user_works_and_only_an_admin_changes_settings(
    server: LiveServer, shared_team: Team, callers: dict[str, httpx.Client]
) -> None:
    shared_team.sdk().track("view", identity="roles-1", identity_data={"email": "roles-1@example.com"})
    viewer, user = callers[Role.VIEWER.value], callers[Role.USER.value]
    assert viewer.get("/api/identities").status_code == 200
    r = viewer.patch("/api/identities/roles-1", json={"disregarded": True})
    assert r.status_code == 403 and r.json()["message"] == "A viewer may only read"
    assert user.patch("/api/identities/roles-1", json={"disregarded": True}).status_code == 200
    assert user.patch("/api/identities/roles-1", json={"disregarded": False}).status_code == 200
    r = user.put("/api/mappings", json={"kind": "EVENT_TYPE", "source": "nuevo", "target": "REGISTRATION"})
    assert r.status_code == 403 and r.json()["message"] == "Only an admin can do this"
    r = callers["sk"].post("/api/credentials", json={"name": "x"})
    assert r.status_code == 403 and r.json()["message"] == "This needs a dashboard session"
