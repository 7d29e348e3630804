"""The PostgreSQL NOTIFY channels by which one Dregs process asks another to act now rather than at its next
poll; adapters/wakeups.py listens. A NOTIFY sent inside a transaction is delivered when it commits, so the
listener finds what it was told about, and a batch rolled back tells nobody. SQLite has no NOTIFY: the
embedded default runs every part in one process, polling."""

from sqlalchemy import Connection, text

# A reader in a process that does not run the projections (a decision inside a request) asks the one that does
# to apply a log now. Payload: the log's name.
PROJECTION_WANTED = "dregs_projection_wanted"
# A projection committed a batch: readers waiting in other processes look again now. Payload: "<log> <position>".
PROJECTION_APPLIED = "dregs_projection_applied"
# The tracking projection made an identity never scored due: the scoring process scores it now.
SCORING_WANTED = "dregs_scoring_wanted"


def notify(conn: Connection, channel: str, payload: str = "") -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload})
