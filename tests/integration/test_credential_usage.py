"""When an API key was last used (issue 14): noted on each request without a database write, written at most
once a minute per key by a thread of its own, and kept across a rebuild of the read models."""

from pathlib import Path
from uuid import uuid4

from sqlalchemy import select

from adapters.credential_usage import CredentialUsage
from adapters.views_db import drop_views, views_engine
from projections.schema import credential_usage
from tests.support import wait_until


def _stored(engine, key):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return conn.execute(
            select(credential_usage.c.last_used_at).where(credential_usage.c.credential_id == key)
        ).scalar()


def test_a_key_is_written_once_a_minute_and_survives_a_rebuild(tmp_path: Path) -> None:
    engine = views_engine(None, tmp_path)
    now = [1_764_000_000.0]
    usage = CredentialUsage(engine, clock=lambda: now[0])
    key, other = uuid4(), uuid4()
    usage.used(key)
    wait_until(lambda: _stored(engine, key) == 1_764_000_000 * 1_000_000, 10, "the first use written")
    now[0] += 30  # the same minute: noted already, nothing to write
    usage.used(key)
    assert usage._pending == {}  # noqa: SLF001 - that nothing waits to be written is the point
    now[0] += 31  # the next minute
    usage.used(key)
    usage.used(other)
    wait_until(lambda: _stored(engine, key) == int(now[0] * 1_000_000), 10, "the next minute written")
    wait_until(lambda: _stored(engine, other) is not None, 10, "another key written")
    drop_views(engine, ["accounts"])  # a rebuild of the read models: usage is not one
    assert _stored(engine, key) == int(now[0] * 1_000_000)
    usage.close()
    engine.dispose()
