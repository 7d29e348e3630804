"""The read-model database: the same PostgreSQL as the event store, or a SQLite file."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from projections.schema import metadata


def views_engine(database_url: str | None, data_dir: Path) -> Engine:
    if database_url:
        url = database_url.replace("postgres://", "postgresql://", 1).replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
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

    metadata.create_all(engine)
    return engine


def drop_views(engine: Engine) -> None:
    metadata.drop_all(engine)
    metadata.create_all(engine)
