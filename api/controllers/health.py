"""GET /health: the read-model database answers, and each projection's state.

`{"status": "ok", "projections": {name: {"behind": n, "failed": 0}}}` while every projection
applies every event; `"degraded"` once one has stepped over an event it could not apply
(projections/runner.py), until `dregs projections rebuild`. Both are HTTP 200: the process serves
requests either way, and a load balancer must not take every web process out of rotation because
one event was skipped; monitoring alerts on the status. `behind` (log head minus position) says
whether a projection keeps up without telling an anonymous caller how many events the logs hold."""

from typing import Any

from litestar import Request, get

from api.http import container_of
from projections.projection_status import failure_counts, positions


@get("/health", sync_to_thread=True)
def health_handler(request: Request[Any, Any, Any]) -> dict[str, Any]:
    container = container_of(request)
    with container.read_models.as_they_are() as conn:
        reached = positions(conn)
        failed = failure_counts(conn)
    projections = {
        runner.name: {
            "behind": max(runner.head() - reached.get(runner.name, 0), 0),
            "failed": failed.get(runner.name, 0),
        }
        for runner in container.runners
    }
    status = "degraded" if any(failed.values()) else "ok"
    return {"status": status, "projections": projections}
