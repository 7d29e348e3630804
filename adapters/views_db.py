"""The read-model database: the same PostgreSQL as the event store, or a SQLite file.

Read models are disposable: the event logs are the truth. A database whose read models were
built by another version of Dregs (other tables, or another READ_MODEL_VERSION) is emptied at
start, and the projections build it again from the first event; an upgrade needs no migration."""

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Connection, Engine, create_engine, delete, event, insert, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.schema import CreateIndex, CreateTable

from adapters.data_dir import private_file, private_folder
from adapters.postgres_recorder import SCHEMA_LOCK
from adapters.settings import DEFAULT_DB_POOL_SIZE
from projections.schema import (
    READ_MODEL_VERSION,
    TRIGRAMS,
    metadata,
    policy_metadata,
    projection_positions,
    read_model_version,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
# deadlock_detected, lock_not_available
RETRIED = ("40P01", "55P03")
LOCK_WAIT_MS = 200
RECYCLE_SECONDS = 3600


def postgres_url(database_url: str) -> str:
    """SQLAlchemy's name of a postgres:// or postgresql:// URL, with psycopg 3 as its driver."""
    return database_url.replace("postgres://", "postgresql://", 1).replace("postgresql://", "postgresql+psycopg://", 1)


def sqlite_engine(database: Path, pragmas: Iterable[str]) -> Engine:
    """A SQLite file's engine for this process's threads, each connection set with `pragmas` ("name=value")."""
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False, "timeout": 30})
    settings = tuple(pragmas)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        for pragma in settings:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    return engine


def views_engine(database_url: str | None, data_dir: Path, pool_size: int = DEFAULT_DB_POOL_SIZE) -> Engine:
    """`pool_size` (DREGS_DB_POOL_SIZE) bounds the process's read-model connections on PostgreSQL."""
    if database_url:
        url = postgres_url(database_url)
        # No overflow: connections beyond pool_size would be opened and closed per checkout under
        # load, and the bound is what lets a deployment size max_connections. No pre-ping: a round trip on
        # every checkout, two of a projection round's fifteen. A connection the server ended (a restart, a
        # failover) fails the one statement that finds it; SQLAlchemy then discards every connection opened
        # before, the loops retry, and a request gets 503 with Retry-After (api/errors.py). Recycled hourly,
        # before a server or proxy's idle timeout ends them unseen.
        engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_recycle=RECYCLE_SECONDS)
    else:
        # Deleted and overwritten rows are zeroed, not left on free pages: an erasure's purge leaves nothing.
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", "secure_delete=ON")
        engine = sqlite_engine(private_file(private_folder(data_dir) / "views.sqlite"), pragmas)

    with engine.begin() as conn:
        lock_schema(conn)
        _install_trigrams(conn)
        _make_current(conn)
        policy_metadata.create_all(conn)
    return engine


def _install_trigrams(conn: Connection) -> None:
    """pg_trgm, for the search of events' text (projections/schema.py events_search_trigram). A trusted extension
    since PostgreSQL 13: the database's owner may install it. Without it the search still works, reading every
    event of the team."""
    if conn.dialect.name != "postgresql":
        return
    try:
        with conn.begin_nested():
            conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {TRIGRAMS}"))
    except DBAPIError as exc:
        log.warning("cannot install %s (%s): searching events' text reads every event", TRIGRAMS, exc.orig)


def lock_schema(conn: Connection) -> None:
    """Until the transaction ends, so processes starting together never drop tables under each other."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})


def schema_fingerprint(conn: Connection) -> str:
    """What the read models' shape depends on: every table and index as this dialect creates it."""
    parts = [READ_MODEL_VERSION]
    for table in metadata.sorted_tables:
        parts.append(str(CreateTable(table).compile(dialect=conn.dialect)))
        parts.extend(sorted(str(CreateIndex(i).compile(dialect=conn.dialect)) for i in table.indexes))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _make_current(conn: Connection) -> None:
    current = schema_fingerprint(conn)
    metadata.create_all(conn)
    stored = conn.execute(select(read_model_version.c.fingerprint)).scalar()
    if stored == current:
        return
    if stored is not None or _has_positions(conn):
        log.warning("the read models were built by another version of Dregs: rebuilding them from the event logs")
    metadata.drop_all(conn)
    metadata.create_all(conn)
    conn.execute(delete(read_model_version))
    conn.execute(insert(read_model_version).values(id=1, fingerprint=current))


def _has_positions(conn: Connection) -> bool:
    return conn.execute(text("SELECT 1 FROM projection_positions LIMIT 1")).first() is not None


def drop_views(engine: Engine, projections: Iterable[str] = ()) -> None:
    """Empty every read model; the named projections start again from the first event.

    Their positions are written in the same transaction, so a projection process running
    beside (the Procfile's) finds its position at 0 rather than missing, and starts over too."""

    def drop() -> None:
        with engine.begin() as conn:
            lock_schema(conn)
            _lock_every_table(conn)
            metadata.drop_all(conn)
            metadata.create_all(conn)
            conn.execute(insert(read_model_version).values(id=1, fingerprint=schema_fingerprint(conn)))
            names = sorted(set(projections))
            if names:
                conn.execute(insert(projection_positions), [{"name": name, "position": 0} for name in names])

    # Under steady traffic each try waits at most LOCK_WAIT_MS: a minute at worst.
    retrying_conflicts(drop, attempts=200)


def _lock_every_table(conn: Connection) -> None:
    """All of them before dropping any: dropping table by table, this transaction held some while
    it waited for the others, and readers and writers of several tables deadlocked with it. Here it
    waits briefly, well before PostgreSQL looks for deadlocks (deadlock_timeout, 1 s by default),
    then lets go of all of them and tries again."""
    if conn.dialect.name != "postgresql":
        return
    present = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename = ANY(:names)"),
        {"names": [t.name for t in metadata.sorted_tables]},
    ).scalars()
    names = ", ".join(conn.dialect.identifier_preparer.quote(name) for name in sorted(present))
    if names:
        conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT_MS}ms'"))
        conn.execute(text(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE"))
        conn.execute(text("SET LOCAL lock_timeout = 0"))


_jitter = random.Random()  # its own: a server thread must not move the global `random` state of a test process


def retrying_conflicts(work: Callable[[], T], attempts: int = 5) -> T:
    """Run `work` (whole transactions) again when PostgreSQL aborted it for a deadlock or a lock
    it could not get in time; such a transaction changed nothing."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) not in RETRIED or attempt == attempts:
                raise
            log.info("another process holds what this one needs (%s); trying again", exc.orig.sqlstate)
            time.sleep(_jitter.uniform(0.01, 0.1))
    raise AssertionError("unreachable")
