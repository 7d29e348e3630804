from litestar import Controller

from api.system.openapi import SECRET_KEY, SESSION


class TeamController(Controller):
    """A controller of a team's data: read and changed by a dashboard user or the team's server key (who may
    call each route, and the count against their API budget: api/access.py); a browser key is refused."""

    security = [{SECRET_KEY: []}, {SESSION: []}]  # noqa: RUF012
