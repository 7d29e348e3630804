"""POST /api/events is the hottest route: Litestar resolves two or more dependencies of one level in an anyio
task group, every request (litestar-org/litestar#4563; about a quarter of the web workers' GIL time under an
open-loop load). The route must resolve its dependencies one at a time, and still serve both kinds of request."""

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
