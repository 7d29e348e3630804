from collections.abc import Iterator

import pytest

from tests.support import LiveServer, Team, fresh_postgres_database, live_server, sign_up


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
