"""Where the identities' data keys live (application/privacy/key_ring.py): a table beside the event store,
never in it, so destroying a key is one UPDATE while the log stays immutable.

PostgreSQL: the table `personal_data_keys` in the event store's database, outside the read models' schema
(a read-model rebuild never touches it). The embedded default: a SQLite file of its own, written with
`secure_delete` and a rollback journal that is deleted at each commit, so a destroyed key's bytes are
overwritten in the file rather than left on a free page or in a write-ahead log."""

from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    create_engine,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.data_dir import private_file, private_folder
from adapters.settings import Settings
from adapters.views_db import lock_schema, postgres_url, sqlite_engine
from application.privacy.key_ring import CachedKeyRing, Owner, SealingKey, new_secret
from domain.privacy.personal_data import LIFELONG
from domain.times import to_micros

key_metadata = MetaData()

personal_data_keys = Table(
    "personal_data_keys",
    key_metadata,
    Column("key_id", Uuid, primary_key=True),
    Column("customer_id", Uuid, nullable=False),
    Column("identity_id", String(255), nullable=False),
    Column("period", Integer, nullable=False),  # LIFELONG (0) or a day (domain/privacy/personal_data.py)
    Column("secret", LargeBinary),  # NULL once destroyed: the row stays, so the period stays shredded
    Column("created_at", BigInteger, nullable=False),
    Column("destroyed_at", BigInteger),
    UniqueConstraint("customer_id", "identity_id", "period", name="personal_data_keys_owner"),
    Index("personal_data_keys_period", "customer_id", "period"),  # the retention job's
)

KEYS_FILE = "personal-data-keys.sqlite"
# Bound parameters a statement: under the 999 of SQLite before 3.32, and short lists for PostgreSQL.
_KEYS_A_READ = 500
_IDENTITIES_A_READ = 200  # two parameters each, with the periods
_ROWS_A_WRITE = 100  # seven each


def key_engine(database_url: str) -> Engine:
    return create_engine(
        postgres_url(database_url),
        pool_size=KEY_POOL_SIZE,
        max_overflow=0,
        pool_timeout=KEY_WAIT_SECONDS,
        pool_recycle=3600,
        # Unlike the other pools, it pings at checkout: it is asked rarely (keys are cached), and a key asked for
        # inside a group commit must not fail the whole batch on a connection the server ended meanwhile (a restart
        # or failover: tests/e2e/test_database_outage.py), where the event stores' own writes retry.
        pool_pre_ping=True,
    )


def sqlite_key_engine(data_dir: Path) -> Engine:
    return sqlite_engine(
        private_file(private_folder(data_dir) / KEYS_FILE), ("journal_mode=DELETE", "secure_delete=ON")
    )


# One connection of its own per process (README, Connections): a thread that holds a read-model connection while
# it decodes events must never wait for a second one from that pool, and keys are cached (CachedKeyRing), so the
# store is asked for a new identity's or a new day's key mostly, one short statement at a time.
KEY_POOL_SIZE = 1
KEY_WAIT_SECONDS = 30


def key_store_engine(settings: Settings) -> Engine:
    """PostgreSQL: the event store's database; the embedded default: a key file in the data folder."""
    if settings.database_url:
        return key_engine(settings.database_url)
    return sqlite_key_engine(settings.data_dir)


class SqlKeyRing:
    """Implements application.privacy.key_ring.KeyRing (wrap it in CachedKeyRing)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._insert = postgres_insert if engine.dialect.name == "postgresql" else sqlite_insert
        with engine.begin() as conn:
            lock_schema(conn)  # processes starting together would each create the table (one failing)
            key_metadata.create_all(conn)

    def sealing_key(self, customer_id: UUID, identity: str, period: int) -> SealingKey | None:
        return self.sealing_keys(((customer_id, identity, period),))[(customer_id, identity, period)]

    def sealing_keys(self, owners: Collection[Owner]) -> dict[Owner, SealingKey | None]:
        # Three statements for a whole batch of new identities' events, not three (and a commit) a key: one
        # process's group commit makes its keys one after another on its one connection.
        found = self._owned(owners)
        missing = [owner for owner in owners if found[owner] is None]
        if missing:
            at = to_micros(datetime.now(UTC))
            rows = [
                {"key_id": uuid4(), "customer_id": c, "identity_id": i, "period": p, "secret": new_secret(),
                 "created_at": at, "destroyed_at": None}
                for c, i, p in missing
            ]  # fmt: skip
            with self._engine.begin() as conn:
                for start in range(0, len(rows), _ROWS_A_WRITE):
                    chunk = rows[start : start + _ROWS_A_WRITE]
                    conn.execute(self._insert(personal_data_keys).values(chunk).on_conflict_do_nothing())
            found |= self._owned(missing)  # ours, or those another process made first
        return {owner: _key(found[owner]) for owner in owners}

    def opening_key(self, key_id: UUID) -> bytes | None:
        return self.opening_keys((key_id,))[key_id]

    def opening_keys(self, key_ids: Collection[UUID], *, fresh: bool = False) -> dict[UUID, bytes | None]:  # noqa: ARG002 - always read
        keys = personal_data_keys.c
        found: dict[UUID, bytes | None] = dict.fromkeys(key_ids)
        wanted = list(found)
        with self._engine.connect() as conn:
            for start in range(0, len(wanted), _KEYS_A_READ):
                chunk = wanted[start : start + _KEYS_A_READ]
                read = conn.execute(select(keys.key_id, keys.secret).where(keys.key_id.in_(chunk)))
                found.update(read.tuples().all())
        return found

    def erase(self, customer_id: UUID, identity: str, at: datetime) -> bool:
        keys = personal_data_keys.c
        with self._engine.begin() as conn:
            # The tombstone first: its row locked, a key being made for the identity meanwhile waits, then is
            # destroyed with the others below (or sees the tombstone).
            self._new_row(conn, customer_id, identity, LIFELONG, None, at)
            destroyed = conn.execute(
                update(personal_data_keys)
                .where(keys.customer_id == customer_id, keys.identity_id == identity, keys.secret.is_not(None))
                .values(secret=None, destroyed_at=to_micros(at))
            ).rowcount
        return destroyed > 0

    def expire(self, customer_id: UUID, before: int, at: datetime) -> int:
        keys = personal_data_keys.c
        with self._engine.begin() as conn:
            return conn.execute(
                update(personal_data_keys)
                .where(
                    keys.customer_id == customer_id,
                    keys.period > LIFELONG,
                    keys.period < before,
                    keys.secret.is_not(None),
                )
                .values(secret=None, destroyed_at=to_micros(at))
            ).rowcount

    def _new_row(  # noqa: PLR0913 - one key's row
        self, conn: Connection, customer_id: UUID, identity: str, period: int, secret: bytes | None, at: datetime
    ) -> None:
        """A key, or (no secret) a tombstone; nothing if the period has its row already."""
        conn.execute(
            self._insert(personal_data_keys)
            .values(
                key_id=uuid4(),
                customer_id=customer_id,
                identity_id=identity,
                period=period,
                secret=secret,
                created_at=to_micros(at),
                destroyed_at=None if secret is not None else to_micros(at),
            )
            .on_conflict_do_nothing()
        )

    def _owned(self, owners: Collection[Owner]) -> dict[Owner, Any]:
        """Each owner's (key id, secret), _ERASED once its identity is erased (the lifelong key is only ever
        destroyed by erasing it), or None where it has no key yet."""
        keys = personal_data_keys.c
        found: dict[Owner, Any] = dict.fromkeys(owners)
        identities = list({(c, i) for c, i, _ in owners})
        periods = {LIFELONG} | {p for _, _, p in owners}
        rows = []
        with self._engine.connect() as conn:
            for start in range(0, len(identities), _IDENTITIES_A_READ):
                chunk = identities[start : start + _IDENTITIES_A_READ]
                rows += conn.execute(
                    select(keys.key_id, keys.secret, keys.customer_id, keys.identity_id, keys.period).where(
                        tuple_(keys.customer_id, keys.identity_id).in_(chunk), keys.period.in_(periods)
                    )
                ).all()
        erased = {(c, i) for _, secret, c, i, p in rows if p == LIFELONG and secret is None}
        for key_id, secret, c, i, p in rows:
            if (c, i, p) in found:
                found[(c, i, p)] = (key_id, secret)
        for owner in found:
            if owner[:2] in erased:
                found[owner] = _ERASED
        return found


def _key(found: Any) -> SealingKey | None:
    if found is None or found is _ERASED or found[1] is None:
        return None  # erased (meanwhile, too), or the period's key destroyed
    return SealingKey(found[0], found[1])


_ERASED: Any = object()


def key_ring_beside(env: dict[str, str]) -> CachedKeyRing:
    """The key ring kept with an event store given by its eventsourcing settings (adapters/eventstore.py's):
    for a tool or a test that opens one application's store on its own, as the container does for all."""
    if env.get("PERSISTENCE_MODULE") == "eventsourcing.postgres":
        user, password = quote(env["POSTGRES_USER"]), quote(env.get("POSTGRES_PASSWORD", ""))
        url = f"postgresql://{user}:{password}@{env['POSTGRES_HOST']}:{env['POSTGRES_PORT']}/{env['POSTGRES_DBNAME']}"
        engine = key_engine(url)
    else:
        engine = sqlite_key_engine(Path(env["SQLITE_DBNAME"]).parent)
    return CachedKeyRing(SqlKeyRing(engine))
