"""The read models' part of an erasure: their plain copies of the identity's personal data go.

The sealed copies in the logs are unreadable once the identity's key is destroyed
(application/privacy/erasure.py); the read models were built while it was readable. The Tracking projection
runs this when it reaches the identity's `Identity.Erased` event, in its transaction. What stays: the
identity's row (as erased, with its scores and counts), its events' types and times, its analyses' scores,
its badges, escalations and reviews' verdicts. What goes: attributes and display fields, event data and their
search text, addresses and pages, the graph keys (mailboxes, names, addresses), the clients it was seen
with, devices no other identity holds, explanations (they quote the data), review texts."""

import time
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, and_, delete, exists, select, text, update

from projections.schema import (
    analyses,
    devices,
    events,
    identities,
    identity_badges,
    identity_clients,
    identity_devices,
    identity_keys,
    reviews,
)


def purge_identity(conn: Connection, customer_id: UUID, identity: str, erased_at: int) -> None:
    def of(table: Any) -> Any:
        return and_(table.c.customer_id == customer_id, table.c.identity_id == identity)

    conn.execute(
        update(identities)
        .where(of(identities))
        .values(attributes={}, display_name=None, display_email=None, display_username=None, erased_at=erased_at)
    )
    conn.execute(update(events).where(of(events)).values(data={}, search_text="", ip=None, url=None))
    conn.execute(delete(identity_keys).where(of(identity_keys)))
    conn.execute(delete(identity_clients).where(of(identity_clients)))
    held = select(identity_devices.c.fingerprint).where(of(identity_devices))
    others = identity_devices.alias("others")
    conn.execute(
        delete(devices).where(
            devices.c.customer_id == customer_id,
            devices.c.fingerprint.in_(held),
            ~exists().where(
                others.c.customer_id == devices.c.customer_id,
                others.c.fingerprint == devices.c.fingerprint,
                others.c.identity_id != identity,
            ),
        )
    )
    conn.execute(update(analyses).where(of(analyses)).values(observations=[]))
    conn.execute(update(identity_badges).where(of(identity_badges)).values(explanation=None))
    conn.execute(update(reviews).where(of(reviews)).values(feedback=None, summary=None))


# Graph keys an identity's events made (its attributes make the mailbox and name keys, kept until erased).
_KEYS_OF_EVENTS = ("DEVICE", "SESSION", "IP", "BEHAVIOR", "PROMO")


def purge_before(conn: Connection, customer_id: UUID, before: int) -> None:
    """The read models' part of the team's retention: what its identities did before `before` (µs) goes, as
    the day keys that sealed it did. Identities keep their attributes and scores; events their types and times;
    a graph key or client first seen before then goes, and comes back with the next event that shows it."""
    team = customer_id
    conn.execute(
        update(events)
        .where(events.c.customer_id == team, events.c.occurred_at < before)
        .values(data={}, search_text="", ip=None, url=None)
    )
    conn.execute(
        delete(identity_keys).where(
            identity_keys.c.customer_id == team,
            identity_keys.c.kind.in_(_KEYS_OF_EVENTS),
            identity_keys.c.first_seen_at < before,
        )
    )
    conn.execute(
        delete(identity_clients).where(identity_clients.c.customer_id == team, identity_clients.c.last_seen_at < before)
    )
    conn.execute(delete(devices).where(devices.c.customer_id == team, devices.c.last_seen_at < before))
    conn.execute(
        delete(identity_devices).where(identity_devices.c.customer_id == team, identity_devices.c.last_seen_at < before)
    )
    conn.execute(
        update(analyses).where(analyses.c.customer_id == team, analyses.c.finished_at < before).values(observations=[])
    )
    conn.execute(
        update(reviews)
        .where(reviews.c.customer_id == team, reviews.c.created_at < before)
        .values(feedback=None, summary=None)
    )


CHECKPOINT_PATIENCE_SECONDS = 30.0


def forget_deleted_pages(engine: Engine, patience: float = CHECKPOINT_PATIENCE_SECONDS) -> bool:
    """SQLite (the embedded default): until the write-ahead log is copied into the database and emptied, it
    still holds the pages as they were before the purge. The views database deletes securely (its
    `secure_delete` pragma, adapters/views_db.py), so once this returns True no purged value is left in either
    file. PostgreSQL keeps old row versions until VACUUM (docs/privacy.md): nothing to do here. False if
    readers kept the log busy for `patience` seconds (the next erasure's checkpoint takes it along)."""
    if engine.dialect.name != "sqlite":
        return True
    deadline = time.monotonic() + patience
    pause = 0.01
    while True:
        with engine.connect() as conn:
            busy = conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)")).first()[0]  # type: ignore[index]
        if not busy:
            return True
        if time.monotonic() + pause > deadline:
            return False
        time.sleep(pause)  # a reader's snapshot ends within a request: look again shortly
        pause = min(pause * 2, 0.5)
