import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up

# No property test may fail for being slow on a busy machine. In CI the examples are derandomized, so a
# run is repeatable; locally they are random, so new cases keep being found.
settings.register_profile(
    "dregs",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=os.environ.get("CI") == "true",
    print_blob=True,
)
settings.load_profile("dregs")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """A live Dregs on the embedded default (SQLite) and on PostgreSQL."""
    database_url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    with live_server(database_url) as live:
        yield live


@pytest.fixture
def team(server: LiveServer) -> Team:
    """A freshly signed-up team with an admin session and a server key."""
    return sign_up(server)


@pytest.fixture(scope="module")
def shared_team(server: LiveServer) -> Team:
    """One team for a whole module, for tests that only read back what they wrote under unique ids."""
    return sign_up(server)
