"""GET /health: the read-model database answers, and each projection's state.

`{"status": "ok", "projections": {name: {"behind": n, "failed": 0}}}` while every projection
applies every event; `"degraded"` once one has stepped over an event it could not apply
(projections/runner.py), until `dregs projections rebuild`. Both are HTTP 200: the process serves
requests either way, and a load balancer must not take every web process out of rotation because
one event was skipped; monitoring alerts on the status. `behind` (log head minus position) says
whether a projection keeps up without telling an anonymous caller how many events the logs hold."""

from typing import Literal

import msgspec
from litestar import get
from litestar.di import NamedDependency

from api.errors import responses
from projections.projection_status import failure_counts, positions
from projections.read_models import ReadModels


class ProjectionHealthOut(msgspec.Struct):
    behind: int  # notifications of its log not yet applied
    failed: int  # notifications it stepped over (projection_failures)


class HealthOut(msgspec.Struct):
    status: Literal["ok", "degraded"]
    projections: dict[str, ProjectionHealthOut]


@get("/health", sync_to_thread=True, responses=responses())
def health(read_models: NamedDependency[ReadModels]) -> HealthOut:
    """Up, its read-model database answers, and how each projection keeps up."""
    heads = read_models.heads()
    with read_models.as_they_are() as conn:
        reached = positions(conn)
        failed = failure_counts(conn)
    projections = {
        name: ProjectionHealthOut(behind=max(head - reached.get(name, 0), 0), failed=failed.get(name, 0))
        for name, head in heads.items()
    }
    return HealthOut(status="degraded" if any(failed.values()) else "ok", projections=projections)
