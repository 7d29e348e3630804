"""Waiting at start for PostgreSQL and Redis.

Processes of a deployment start in any order, often before the database accepts
connections or while it has none left ("too many clients"); a process that exits with a
traceback then is restarted in a loop by its supervisor. Each process instead retries,
saying what it waits for, for at most DREGS_START_TIMEOUT_SECONDS, then gives up with
one line."""

import logging
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import eventsourcing.persistence
import psycopg
import redis
import sqlalchemy.exc

from adapters.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_RETRY_SECONDS = 0.5
LONGEST_RETRY_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 5

# What a pool or engine raises when it cannot get a working connection.
_CONNECTION_ERRORS = (
    psycopg.OperationalError,
    eventsourcing.persistence.OperationalError,
    eventsourcing.persistence.InterfaceError,
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
)


class ServiceUnavailable(Exception):
    """A service Dregs needs did not answer in time, or never will as configured."""


class _NotYet(Exception):
    def __init__(self, service: str, address: str, reason: str) -> None:
        super().__init__(f"{service} at {address}: {reason}")
        self.service, self.address, self.reason = service, address, reason


def _address(url: str, default_port: int) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or '127.0.0.1'}:{parts.port or default_port}"


def _reason(exc: BaseException) -> str:
    """The server's or the socket's own words, without psycopg's 'connection to server … failed:' frame."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "failed: " in text:
        text = text.rsplit("failed: ", 1)[1]
    return text.replace("FATAL:  ", "").strip()


def probe_postgres(database_url: str) -> None:
    address = _address(database_url, 5432)
    try:
        psycopg.connect(database_url, connect_timeout=PROBE_TIMEOUT_SECONDS).close()
    except psycopg.OperationalError as exc:
        reason = _reason(exc)
        if "database" in reason and "does not exist" in reason:
            parts = urlsplit(database_url)
            command = f"createdb -h {parts.hostname or '127.0.0.1'} -p {parts.port or 5432}"
            if parts.username:
                command += f" -U {unquote(parts.username)}"
            # Waiting cannot help, and creating it here would hide a mistyped DATABASE_URL.
            raise ServiceUnavailable(
                f"PostgreSQL at {address}: {reason}; create it first ({command} "
                f"{unquote(parts.path.lstrip('/'))}): Dregs creates its tables itself"
            ) from None
        raise _NotYet("PostgreSQL", address, reason) from None


def probe_redis(redis_url: str) -> None:
    client = redis.Redis.from_url(
        redis_url, socket_connect_timeout=PROBE_TIMEOUT_SECONDS, socket_timeout=PROBE_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise _NotYet("Redis", _address(redis_url, 6379), _reason(exc)) from None
    finally:
        client.close()


def when_ready(settings: Settings, start: Callable[[], T], *, redis_needed: bool) -> T:
    """`start()` once PostgreSQL (if configured) and, when needed, Redis answer; retried while it
    fails for want of a connection, until settings.start_timeout_seconds have passed."""
    timeout = settings.start_timeout_seconds
    deadline = time.monotonic() + timeout
    delay = FIRST_RETRY_SECONDS
    while True:
        try:
            if settings.database_url:
                probe_postgres(settings.database_url)
            if redis_needed and settings.redis_url:
                probe_redis(settings.redis_url)
            return start()
        except _NotYet as exc:
            problem = exc
        except _CONNECTION_ERRORS as exc:
            if not settings.database_url:
                raise
            # The probe got through but the pools did not (the server filled up in between).
            problem = _NotYet("PostgreSQL", _address(settings.database_url or "", 5432), _reason(exc))
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ServiceUnavailable(
                f"{problem.service} at {problem.address} did not answer within {timeout:g} s: {problem.reason}"
            )
        wait = min(delay, remaining)
        log.warning(
            "waiting for %s at %s: %s; retrying in %.1f s", problem.service, problem.address, problem.reason, wait
        )
        time.sleep(wait)
        delay = min(delay * 2, LONGEST_RETRY_SECONDS)
