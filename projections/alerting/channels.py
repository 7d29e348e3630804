"""The alerting log → the channels list (never a secret: the aggregate keeps those sealed)."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, update

from domain.alerting.channel import Channel
from domain.times import to_micros
from projections.schema import channels
from projections.upsert import insert_ignore

_SHOWN = frozenset({"name", "config", "events", "enabled"})


def _created(conn: Connection, position: int, e: Channel.Created) -> None:
    at = to_micros(e.at)
    row = {
        "customer_id": e.customer_id,
        "number": e.number,
        "channel_id": e.originator_id,
        "slug": e.slug,
        "name": e.name,
        "type": e.type,
        "config": e.config,
        "events": e.events,
        "enabled": e.enabled,
        "disabled_reason": None,
        "deleted": False,
        "failing_since": None,
        "last_success_at": None,
        "created_at": at,
        "updated_at": at,
    }
    insert_ignore(conn, channels, [row])


def _update(conn: Connection, e: Any, **values: Any) -> None:
    conn.execute(update(channels).where(channels.c.channel_id == e.originator_id).values(**values))


def _changed(conn: Connection, position: int, e: Channel.Changed) -> None:
    values: dict[str, Any] = {k: v for k, v in e.changes.items() if k in _SHOWN}
    if e.changes.get("enabled"):
        values.update(disabled_reason=None, failing_since=None)
    _update(conn, e, updated_at=to_micros(e.at), **values)


def _rotated(conn: Connection, position: int, e: Channel.SecretRotated) -> None:
    _update(conn, e, updated_at=to_micros(e.at))


def _disabled(conn: Connection, position: int, e: Channel.Disabled) -> None:
    _update(conn, e, enabled=False, disabled_reason=e.reason, updated_at=to_micros(e.at))


def _deleted(conn: Connection, position: int, e: Channel.Deleted) -> None:
    _update(conn, e, enabled=False, deleted=True, updated_at=to_micros(e.at))


def _succeeded(conn: Connection, position: int, e: Channel.Succeeded) -> None:
    _update(conn, e, failing_since=None, last_success_at=to_micros(e.at))


def _failing(conn: Connection, position: int, e: Channel.Failing) -> None:
    _update(conn, e, failing_since=to_micros(e.at))


HANDLERS: dict[type, Callable[[Connection, int, Any], None]] = {
    Channel.Created: _created,
    Channel.Changed: _changed,
    Channel.SecretRotated: _rotated,
    Channel.Disabled: _disabled,
    Channel.Deleted: _deleted,
    Channel.Succeeded: _succeeded,
    Channel.Failing: _failing,
}
