"""Real parts for tests: a fresh PostgreSQL database, a live Dregs server, a signed-up team."""

import contextlib
import dataclasses
import os
import secrets
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import psycopg
import uvicorn
from dregs import Dregs

from adapters.rate_limits import RULES
from adapters.settings import Settings
from domain.tracking.event_request import EventInput, build_tracked_event
from domain.tracking.tracked_event import TrackedEvent

PG_ADMIN_URL = os.environ.get("DREGS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "correct horse battery"


@contextlib.contextmanager
def fresh_postgres_database() -> Iterator[str]:
    name = "dregs_test_" + secrets.token_hex(6)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_for(database_url: str | None, data_dir: Path, **overrides: Any) -> Settings:
    settings = Settings(
        database_url=database_url,
        redis_url=None,
        data_dir=data_dir,
        host="127.0.0.1",
        port=0,
        jwt_secret=secrets.token_urlsafe(48),
        key_hash_secret=secrets.token_urlsafe(48),
        # The suite signs up many teams from one address; tests/e2e/test_rate_limits.py checks the limits.
        rate_limits=dict.fromkeys(RULES, "off"),
    )
    return dataclasses.replace(settings, **overrides)


def wait_until(condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.02) -> Any:
    """`condition()`'s first truthy value, looked for every `interval` seconds; fails the test after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(interval)


def server_event(team: UUID, request: EventInput, now: datetime | None = None) -> TrackedEvent:
    """`request` as a server key sends it (its identity required), for tests that write through the domain."""
    return build_tracked_event(team, request, now=now or datetime.now(UTC), credential_id=None, identity_required=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveServer:
    base_url: str
    settings: Settings
    app: object

    @property
    def api(self) -> str:
        return self.base_url + "/api"

    @property
    def container(self):  # type: ignore[no-untyped-def]
        return self.app.app.state.container  # Edge -> Litestar -> state


@contextlib.contextmanager
def live_server(database_url: str | None, **overrides: Any) -> Iterator[LiveServer]:
    from api.app import create_app

    with tempfile.TemporaryDirectory(prefix="dregs-test-") as data_dir:
        settings = settings_for(database_url, Path(data_dir), **overrides)
        app = create_app(settings)
        port = free_port()
        # As `dregs serve` runs it: X-Forwarded-For is believed only behind DREGS_TRUSTED_PROXIES.
        config = uvicorn.Config(
            app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", proxy_headers=False
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        try:
            yield LiveServer(f"http://127.0.0.1:{port}", settings, app)
        finally:
            server.should_exit = True
            thread.join(15)


def operator_env(server: LiveServer, monkeypatch: Any) -> None:
    """The environment `dregs …` needs to run in this process against the server's database, as an operator runs
    it beside the deployment (`monkeypatch`: pytest's, which undoes it)."""
    settings = server.settings
    monkeypatch.setenv("DREGS_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DREGS_JWT_SECRET", settings.jwt_secret)
    monkeypatch.setenv("DREGS_KEY_HASH_SECRET", settings.key_hash_secret)
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
    else:
        monkeypatch.delenv("DATABASE_URL", raising=False)


@dataclass
class Team:
    server: LiveServer
    email: str
    token: str
    secret_key: str
    public_key: str
    credential_id: str

    @property
    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.base_url, headers={"Authorization": f"Bearer {self.secret_key}"})

    @property
    def dashboard(self) -> httpx.Client:
        return httpx.Client(base_url=self.server.base_url, headers={"Authorization": f"Bearer {self.token}"})

    def sdk(self, **kwargs: object) -> Dregs:
        return Dregs(self.secret_key, base_url=self.server.api, max_retries=0, **kwargs)


def sign_up(server: LiveServer, team_name: str | None = None) -> Team:
    email = f"admin-{secrets.token_hex(6)}@example.com"
    with httpx.Client(base_url=server.base_url) as http:
        r = http.post(
            "/api/auth/signup",
            json={
                "email": email,
                "password": PASSWORD,
                "name": "Ada Admin",
                "team": team_name or "Team " + email,
            },
        )
        assert r.status_code == 201, r.text
        r = http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        token = r.json()["token"]
        r = http.post(
            "/api/credentials",
            json={"name": "server", "allowedOrigins": ["https://app.example.com"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert r.status_code == 201, r.text
        body = r.json()
    return Team(server, email, token, body["secretKey"], body["publicKey"], body["id"])


def add_member(server: LiveServer, team: Team, role: str) -> str:
    """Another member of the team, of this role, by the command accepting an invitation runs (no route adds a
    member until invitations land); its email."""
    from application.team.members import add_member as join

    accounts = server.container.accounts
    customer = accounts.log_in(team.email, PASSWORD).customer_id
    email = f"{role.lower()}-{secrets.token_hex(4)}@example.com"
    founder = accounts.log_in(team.email, PASSWORD).id
    join(accounts, customer, email, f"A {role.title()}", PASSWORD, role, {founder: "ADMIN"})
    return email


def log_in(server: LiveServer, email: str, password: str = PASSWORD) -> httpx.Client:
    r = httpx.post(server.base_url + "/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {r.json()['token']}"})


def member_session(server: LiveServer, team: Team, role: str) -> httpx.Client:
    """A dashboard session of another member of the team, of this role."""
    return log_in(server, add_member(server, team, role))
