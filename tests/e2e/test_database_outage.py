"""The server ends every connection (a PostgreSQL restart or failover does): no request gets a 500, a request
that meets a dead connection gets 503 with Retry-After, and the next ones, the projections and the listeners
carry on without a restart of Dregs. Pools do not ping on checkout (a round trip each: adapters/views_db.py),
so this is what stands behind that choice."""

from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg
import pytest
from litestar import Litestar, get
from litestar.testing import TestClient
from sqlalchemy import exc as sa_exc

from api.errors import EXCEPTION_HANDLERS
from tests.support import PG_ADMIN_URL, LiveServer, fresh_postgres_database, live_server, sign_up, wait_until

pytestmark = pytest.mark.postgres


@pytest.fixture
def server_on_its_own_database() -> Iterator[tuple[LiveServer, str]]:
    with fresh_postgres_database() as url, live_server(url) as live:
        yield live, urlsplit(url).path.lstrip("/")


def _end_every_session(database: str) -> int:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (database,),
            ).fetchall()
        )


def _track(http, n: int):  # noqa: ANN001, ANN202
    return http.post("/api/events", json={"id": f"e{n}", "type": "login", "identity": {"id": f"u{n}"}})


def test_requests_after_the_server_ended_every_connection_get_503_or_an_answer_never_500(
    server_on_its_own_database: tuple[LiveServer, str],
) -> None:
    live, database = server_on_its_own_database
    team = sign_up(live)
    with team.http as http:
        assert _track(http, 0).status_code == 200
        assert http.get("/api/identities/u0").status_code == 200  # reads its writes: the projection ran
        assert _end_every_session(database) > 0
        statuses = []
        for n in range(1, 6):
            for response in (_track(http, n), http.get("/api/identities"), http.get(f"/api/identities/u{n - 1}")):
                statuses.append(response.status_code)
                assert response.status_code in (200, 503), response.text
                if response.status_code == 503:
                    assert response.headers["Retry-After"] and response.json()["message"]
        # Within a few requests every pool has replaced what it lost.
        assert statuses[-3:] == [200, 200, 200], statuses
        # The projections run again: a new event is read back (a read waits for its own writes).
        wait_until(lambda: _track(http, 100).status_code == 200, 30, "an event to be accepted")
        wait_until(lambda: http.get("/api/identities/u100").status_code == 200, 30, "the event to be projected")


def test_a_read_that_meets_a_dead_connection_is_told_to_retry_and_any_other_database_error_is_a_500() -> None:
    """The end-to-end test above may not meet a dead connection in a request (the background loops may find
    them first): what a request that does meet one answers, exactly."""
    ended = psycopg.errors.AdminShutdown("terminating connection due to administrator command")
    broken = psycopg.errors.UniqueViolation("duplicate key value")

    @get("/ended", sync_to_thread=False)
    def read_on_an_ended_connection() -> None:
        raise sa_exc.OperationalError("SELECT 1", {}, ended)

    @get("/gone", sync_to_thread=False)
    def read_on_a_closed_connection() -> None:
        raise sa_exc.InterfaceError(
            "SELECT 1", {}, psycopg.InterfaceError("the connection is closed"), connection_invalidated=True
        )

    @get("/bug", sync_to_thread=False)
    def bug() -> None:
        raise sa_exc.IntegrityError("INSERT", {}, broken)

    app = Litestar(
        [read_on_an_ended_connection, read_on_a_closed_connection, bug], exception_handlers=EXCEPTION_HANDLERS
    )
    with TestClient(app) as client:
        for path in ("/ended", "/gone"):
            response = client.get(path)
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "1"
            assert response.json()["message"]
        assert client.get("/bug").status_code == 500
