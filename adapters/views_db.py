"""The read-model database: the same PostgreSQL as the event store, or a SQLite file.

Read models are disposable: the event logs are the truth. A database whose read models were
built by another version of Dregs (other tables, or another READ_MODEL_VERSION) is emptied at
start, and the projections build it again from the first event; an upgrade needs no migration."""

import hashlib
import logging
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, delete, event, insert, select, text
from sqlalchemy.schema import CreateIndex, CreateTable

from adapters.postgres_recorder import SCHEMA_LOCK
from adapters.settings import DEFAULT_DB_POOL_SIZE
from projections.schema import READ_MODEL_VERSION, metadata, read_model_version

log = logging.getLogger(__name__)


def views_engine(database_url: str | None, data_dir: Path, pool_size: int = DEFAULT_DB_POOL_SIZE) -> Engine:
    """`pool_size` (DREGS_DB_POOL_SIZE) bounds the process's read-model connections on PostgreSQL."""
    if database_url:
        url = database_url.replace("postgres://", "postgresql://", 1).replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
        # No overflow: connections beyond pool_size would be opened and closed per checkout under
        # load, and the bound is what lets a deployment size max_connections.
        engine = create_engine(url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            f"sqlite:///{data_dir / 'views.sqlite'}", connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Held while one process checks (and maybe rebuilds) the schema, so processes starting
            # together never drop tables under each other.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        _make_current(conn)
    return engine


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


def drop_views(engine: Engine) -> None:
    with engine.begin() as conn:
        metadata.drop_all(conn)
        metadata.create_all(conn)
        conn.execute(insert(read_model_version).values(id=1, fingerprint=schema_fingerprint(conn)))
