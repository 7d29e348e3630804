"""Production that starts cleanly: the `dregs` processes as an operator runs them (real
subprocesses, a real PostgreSQL and Redis), how many connections they hold, how they wait
for their services, how they report a wrong configuration, and what they leave readable."""

import contextlib
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.support import PASSWORD, PG_ADMIN_URL, Team, free_port, fresh_postgres_database, live_server, sign_up

ROOT = Path(__file__).resolve().parents[1]
DREGS = [sys.executable, "-m", "api.cli"]
# Small pools keep these tests light on the shared server; the bounds they check scale with it.
POOL_SIZE = 2
POOLS_PER_PROCESS = 4  # the accounts, tracking and scoring event stores, and the read models


def wait_until(condition: Callable[[], object], timeout: float, what: str, interval: float = 0.1) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout} s waiting for {what}"
        time.sleep(interval)


def production_env(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DREGS_", "PG")) and k != "REDIS_URL"}
    return env | {
        "DATABASE_URL": database_url,
        "DREGS_JWT_SECRET": secrets.token_urlsafe(40),
        "DREGS_KEY_HASH_SECRET": secrets.token_urlsafe(40),
        "DREGS_DATA_DIR": str(data_dir),
        "DREGS_DB_POOL_SIZE": str(POOL_SIZE),
        # The suite signs up many teams from one address.
        **{f"DREGS_RATE_LIMIT_{rule}": "off" for rule in ("LOGIN_IP", "LOGIN_EMAIL", "SIGNUP_IP", "API", "INGEST")},
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@dataclass
class Process:
    popen: subprocess.Popen[bytes]
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> int:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(10)
        return self.popen.returncode


@contextlib.contextmanager
def dregs(args: list[str], env: dict[str, str], log_dir: Path) -> Iterator[Process]:
    log_path = log_dir / f"{'-'.join(args)}-{secrets.token_hex(3)}.log"
    with open(log_path, "wb") as log:
        popen = subprocess.Popen([*DREGS, *args], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    process = Process(popen, log_path)
    try:
        yield process
    finally:
        process.stop()


def run_dregs(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DREGS, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def health(base_url: str) -> bool:
    try:
        return httpx.get(base_url + "/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def serving(process: Process, base_url: str) -> bool:
    assert process.popen.poll() is None, f"dregs exited ({process.popen.returncode}):\n{process.log}"
    return health(base_url)


@dataclass
class HttpTeam:
    base_url: str
    token: str
    secret_key: str

    def server(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers={"Authorization": f"Bearer {self.secret_key}"}, timeout=30)


def sign_up_over_http(base_url: str) -> HttpTeam:
    email = f"ops-{secrets.token_hex(6)}@example.com"
    with httpx.Client(base_url=base_url, timeout=30) as http:
        r = http.post("/api/auth/signup", json={"email": email, "password": PASSWORD, "name": "Ops", "team": email})
        assert r.status_code == 201, r.text
        token = http.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()["token"]
        r = http.post("/api/credentials", json={"name": "server"}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 201, r.text
    return HttpTeam(base_url, token, r.json()["secretKey"])


def connections_by_process(database: str) -> dict[str, int]:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT application_name, count(*) FROM pg_stat_activity WHERE datname = %s GROUP BY 1", (database,)
        ).fetchall()
    return dict(rows)


# -- 1. Workers starting together --------------------------------------------------------------


def test_serve_with_four_workers_starts_cleanly_on_fresh_databases(tmp_path: Path) -> None:
    """Every worker creates the event stores' tables and functions at start; together they once
    failed ("tuple concurrently updated") and uvicorn then stopped the whole server."""
    for attempt in range(4):
        with fresh_postgres_database() as url:
            port = free_port()
            env = production_env(url, tmp_path / f"var{attempt}", PORT=str(port))
            with dregs(["serve", "--workers", "4"], env, tmp_path) as web:
                wait_until(
                    lambda: web.popen.poll() is not None or web.log.count("Application startup complete.") == 4,
                    90,
                    "four workers to start",
                )
                assert web.popen.poll() is None, f"start {attempt} failed:\n{web.log}"
                assert health(f"http://127.0.0.1:{port}")
            assert "Traceback" not in web.log and "startup failed" not in web.log, web.log


# -- 7. Headers follow the data, not the spelling of the path ---------------------------------

API_CSP = "default-src 'none'; frame-ancestors 'none'"


@pytest.fixture(scope="module")
def embedded_team() -> Iterator[Team]:
    with live_server(None) as server:
        yield sign_up(server)


@pytest.mark.parametrize(
    "target",
    [
        "/api/identities",
        "//api/identities",
        "/api//identities",
        "///api///identities/",
        "/./api/identities",
        "/api/./identities",
        "/x/../api/identities",
        "/%2Fapi/identities",
        "/%61pi/identities",
        "//api/identities?pageSize=5",
    ],
)
def test_api_data_always_carries_the_api_headers(embedded_team: Team, target: str) -> None:
    with embedded_team.dashboard as http:
        # The request target exactly as written: httpx would otherwise tidy the path first.
        r = http.get("/api/identities", extensions={"target": target.encode()})
    assert r.status_code in (200, 404), r.text
    if r.status_code == 200:
        assert "content" in r.json()
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["content-security-policy"] == API_CSP
