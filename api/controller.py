from litestar import Controller

from api.guards import api_client
from api.system.openapi import SECRET_KEY, SESSION


class TeamController(Controller):
    """A controller of a team's data: read and changed by a dashboard user or the team's server key,
    each counted against its API rate limit; a browser key is refused."""

    guards = [api_client]  # noqa: RUF012 - Litestar reads the layer's guards as a class attribute
    security = [{SECRET_KEY: []}, {SESSION: []}]  # noqa: RUF012
