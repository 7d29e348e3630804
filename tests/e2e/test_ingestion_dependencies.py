"""POST /api/events is the hottest route, and Litestar's per-request costs grow with what a route declares: it
resolves two or more dependencies of one level in an anyio task group (litestar-org/litestar#4563; about a
quarter of the web workers' GIL time under an open-loop load), and copies the route handler for each guard
(another tenth). The route resolves its dependencies one at a time, has one guard, and still serves both kinds
of request."""

from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.support import LiveServer, Team


def _events_route(app: Litestar) -> HTTPRoute:
    return next(r for r in app.routes if isinstance(r, HTTPRoute) and r.path == "/api/events")


def test_post_api_events_resolves_one_dependency_at_a_time(server: LiveServer) -> None:
    _, kwargs_model = _events_route(server.app.app).route_handler_map["POST"]
    batches = kwargs_model.dependency_batches
    assert batches, "the route takes its parts through DI"
    assert all(len(batch) == 1 for batch in batches), [sorted(d.key for d in b) for b in batches]


def test_post_api_events_has_one_guard(server: LiveServer) -> None:
    handler, _ = _events_route(server.app.app).route_handler_map["POST"]
    assert len(handler.resolve_guards()) == 1


def test_the_route_still_records_and_decides(server: LiveServer, team: Team) -> None:
    with team.http as http:
        plain = http.post("/api/events", json={"id": "dep-1", "type": "signup", "identity": {"id": "dep-u1"}})
        assert plain.status_code == 200 and plain.json()["id"] == "dep-1"
        decided = http.post(
            "/api/events?decide=true", json={"id": "dep-2", "type": "login", "identity": {"id": "dep-u1"}}
        )
        assert decided.status_code == 200 and decided.json()["id"] == "dep-2"
        body = decided.json()
        assert body["cycleId"] >= 1 and body["scores"], body  # decided with the caller's team and settings
