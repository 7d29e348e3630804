"""The tracking log → identities, events, groups, memberships and devices.

A batch loads every row it will touch once, applies the events in log order in
memory, then writes each changed row once: the result is the same whatever the
batch boundaries, which the property tests check."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Table, and_, delete, select, tuple_

from domain.mappings import canonical_event_type, display_fields, group_display_name
from domain.tracking.device import Device
from domain.tracking.group import Group
from domain.tracking.identity import Identity
from domain.tracking.tracked_event import TrackedEvent
from projections.schema import devices, event_groups, events, group_members, groups, identities
from projections.times import to_micros
from projections.upsert import insert_ignore, upsert

IdentityKey = tuple[UUID, str]
GroupKey = tuple[UUID, str, str]
MemberKey = tuple[UUID, str, str, str]
DeviceKey = tuple[UUID, str]

_CHUNK = 500


def _search_text(event_type: str, data: Mapping[str, Any]) -> str:
    parts = [event_type]

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                parts.append(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            parts.append(str(value))

    walk(data)
    return " ".join(parts).lower()


class _Rows:
    """Rows of one table keyed by (customer_id, *natural key), loaded once per batch."""

    def __init__(self, table: Table, key_columns: list[str]) -> None:
        self.table = table
        self.key_columns = key_columns
        self.rows: dict[tuple[Any, ...], dict[str, Any] | None] = {}
        self.dirty: set[tuple[Any, ...]] = set()
        self.deleted: set[tuple[Any, ...]] = set()

    def load(self, conn: Connection, keys: Iterable[tuple[Any, ...]]) -> None:
        wanted = [k for k in set(keys) if k not in self.rows]
        by_customer: dict[UUID, list[tuple[Any, ...]]] = defaultdict(list)
        for key in wanted:
            by_customer[key[0]].append(key)
            self.rows[key] = None
        cols = [self.table.c[name] for name in self.key_columns]
        for customer_id, customer_keys in by_customer.items():
            for i in range(0, len(customer_keys), _CHUNK):
                chunk = customer_keys[i : i + _CHUNK]
                if len(cols) == 2:
                    condition = cols[1].in_([k[1] for k in chunk])
                else:
                    condition = tuple_(*cols[1:]).in_([k[1:] for k in chunk])
                query = select(self.table).where(and_(cols[0] == customer_id, condition))
                for row in conn.execute(query).mappings():
                    key = tuple(row[name] for name in self.key_columns)
                    if key in self.rows:
                        self.rows[key] = dict(row)

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        return self.rows.get(key)

    def put(self, key: tuple[Any, ...], row: dict[str, Any]) -> None:
        self.rows[key] = row
        self.dirty.add(key)
        self.deleted.discard(key)

    def remove(self, key: tuple[Any, ...]) -> None:
        if self.rows.get(key) is not None:
            self.rows[key] = None
            self.dirty.discard(key)
            self.deleted.add(key)

    def flush(self, conn: Connection) -> None:
        upsert(conn, self.table, [self.rows[k] for k in self.dirty if self.rows[k] is not None])
        cols = [self.table.c[name] for name in self.key_columns]
        for key in self.deleted:
            conn.execute(delete(self.table).where(and_(*(c == v for c, v in zip(cols, key, strict=True)))))


class _Batch:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.identities = _Rows(identities, ["customer_id", "identity_id"])
        self.groups = _Rows(groups, ["customer_id", "group_type", "group_id"])
        self.members = _Rows(group_members, ["customer_id", "group_type", "group_id", "identity_id"])
        self.devices = _Rows(devices, ["customer_id", "fingerprint"])
        self.new_events: list[dict[str, Any]] = []
        self.new_event_groups: list[dict[str, Any]] = []

    def load(self, batch: list[tuple[int, Any]]) -> None:
        identity_keys: list[IdentityKey] = []
        group_keys: list[GroupKey] = []
        member_keys: list[MemberKey] = []
        device_keys: list[DeviceKey] = []
        for _, e in batch:
            if isinstance(e, TrackedEvent.Recorded):
                if e.identity_id is not None:
                    identity_keys.append((e.customer_id, e.identity_id))
                for g in e.groups:
                    group_keys.append((e.customer_id, g["type"], g["id"]))
                    if e.identity_id is not None:
                        member_keys.append((e.customer_id, g["type"], g["id"], e.identity_id))
            elif isinstance(e, (Identity.AttributesEdited, Identity.DisregardChanged)):
                identity_keys.append((e.customer_id, e.identity))
            elif isinstance(e, Group.Registered):
                group_keys.append((e.customer_id, e.group_type, e.group))
            elif isinstance(e, (Group.AttributesMerged, Group.MemberAdded, Group.MemberRemoved)):
                group_keys.append((e.customer_id, e.group_type, e.group))
                if not isinstance(e, Group.AttributesMerged):
                    member_keys.append((e.customer_id, e.group_type, e.group, e.identity))
            elif isinstance(e, Device.DisregardChanged):
                device_keys.append((e.customer_id, e.fingerprint))
        self.identities.load(self.conn, identity_keys)
        self.groups.load(self.conn, group_keys)
        self.members.load(self.conn, member_keys)
        self.devices.load(self.conn, device_keys)

    def flush(self) -> None:
        self.identities.flush(self.conn)
        self.groups.flush(self.conn)
        self.members.flush(self.conn)
        self.devices.flush(self.conn)
        insert_ignore(self.conn, events, self.new_events)
        insert_ignore(self.conn, event_groups, self.new_event_groups)

    # --- rows ------------------------------------------------------------

    def identity(self, customer_id: UUID, identity: str, at: int) -> dict[str, Any]:
        key = (customer_id, identity)
        row = self.identities.get(key)
        if row is None:
            row = {
                "customer_id": customer_id,
                "identity_id": identity,
                "attributes": {},
                "display_name": None,
                "display_email": None,
                "display_username": None,
                "disregarded": False,
                "created_at": at,
                "updated_at": at,
                "last_tracked_at": None,
                "last_scored_at": None,
                "humanity_score": None,
                "authenticity_score": None,
                "uniqueness_score": None,
                "behavior_score": None,
                "event_count": 0,
            }
        else:
            row = dict(row)
        self.identities.put(key, row)
        return row

    def merge_identity_attributes(self, row: dict[str, Any], attributes: dict[str, Any]) -> None:
        if attributes:
            row["attributes"] = {**row["attributes"], **attributes}
            row["display_name"], row["display_email"], row["display_username"] = (
                _clip(v) for v in display_fields(row["attributes"])
            )

    def group(self, customer_id: UUID, group_type: str, group: str, at: int) -> dict[str, Any]:
        key = (customer_id, group_type, group)
        row = self.groups.get(key)
        if row is None:
            row = {
                "customer_id": customer_id,
                "group_type": group_type,
                "group_id": group,
                "attributes": {},
                "display_name": None,
                "identity_count": 0,
                "created_at": at,
                "updated_at": at,
                "last_tracked_at": None,
            }
        else:
            row = dict(row)
        self.groups.put(key, row)
        return row

    def merge_group_attributes(self, row: dict[str, Any], attributes: dict[str, Any], at: int) -> None:
        if attributes:
            row["attributes"] = {**row["attributes"], **attributes}
            row["display_name"] = _clip(group_display_name(row["attributes"]))
        row["updated_at"] = max(row["updated_at"], at)

    def join(self, customer_id: UUID, group_type: str, group: str, identity: str, at: int) -> None:
        key = (customer_id, group_type, group, identity)
        if self.members.get(key) is None:
            self.members.put(
                key,
                {
                    "customer_id": customer_id,
                    "group_type": group_type,
                    "group_id": group,
                    "identity_id": identity,
                    "joined_at": at,
                },
            )
            self.group(customer_id, group_type, group, at)["identity_count"] += 1

    def leave(self, customer_id: UUID, group_type: str, group: str, identity: str, at: int) -> None:
        key = (customer_id, group_type, group, identity)
        if self.members.get(key) is not None:
            self.members.remove(key)
            row = self.group(customer_id, group_type, group, at)
            row["identity_count"] -= 1


def _clip(value: str | None, limit: int = 255) -> str | None:
    return value[:limit] if value is not None else None


# --- handlers -------------------------------------------------------------


def _recorded(batch: _Batch, position: int, e: TrackedEvent.Recorded) -> None:
    occurred = to_micros(e.occurred_at)
    received = to_micros(e.received_at)
    batch.new_events.append(
        {
            "customer_id": e.customer_id,
            "event_id": e.event_id,
            "position": position,
            "occurred_at": occurred,
            "received_at": received,
            "identity_id": e.identity_id,
            "event_name": e.event_type,
            "canonical_type": canonical_event_type(e.event_type),
            "source": e.source,
            "data": e.data.to_dict(),
            "search_text": _search_text(e.event_type, e.data),
            "groups": [{"type": g["type"], "id": g["id"]} for g in e.groups],
            "fingerprint": None,
            "session": None,
            "ip": None,
            "url": None,
        }
    )
    if e.identity_id is not None:
        row = batch.identity(e.customer_id, e.identity_id, occurred)
        batch.merge_identity_attributes(row, e.identity_data)
        row["created_at"] = min(row["created_at"], occurred)
        row["last_tracked_at"] = max(row["last_tracked_at"] or occurred, occurred)
        row["updated_at"] = max(row["updated_at"], received)
        row["event_count"] += 1
    for g in e.groups:
        batch.new_event_groups.append(
            {"customer_id": e.customer_id, "event_id": e.event_id, "group_type": g["type"], "group_id": g["id"]}
        )
        group = batch.group(e.customer_id, g["type"], g["id"], occurred)
        batch.merge_group_attributes(group, g["data"], received)
        group["created_at"] = min(group["created_at"], occurred)
        group["last_tracked_at"] = max(group["last_tracked_at"] or occurred, occurred)
        if e.identity_id is not None:
            batch.join(e.customer_id, g["type"], g["id"], e.identity_id, occurred)


def _identity_edited(batch: _Batch, _: int, e: Identity.AttributesEdited) -> None:
    at = to_micros(e.timestamp)
    row = batch.identity(e.customer_id, e.identity, at)
    batch.merge_identity_attributes(row, e.attributes)
    row["updated_at"] = max(row["updated_at"], at)


def _identity_disregarded(batch: _Batch, _: int, e: Identity.DisregardChanged) -> None:
    at = to_micros(e.timestamp)
    row = batch.identity(e.customer_id, e.identity, at)
    row["disregarded"] = e.disregarded
    row["updated_at"] = max(row["updated_at"], at)


def _group_registered(batch: _Batch, _: int, e: Group.Registered) -> None:
    batch.group(e.customer_id, e.group_type, e.group, to_micros(e.timestamp))


def _group_merged(batch: _Batch, _: int, e: Group.AttributesMerged) -> None:
    at = to_micros(e.timestamp)
    batch.merge_group_attributes(batch.group(e.customer_id, e.group_type, e.group, at), e.attributes, at)


def _member_added(batch: _Batch, _: int, e: Group.MemberAdded) -> None:
    batch.join(e.customer_id, e.group_type, e.group, e.identity, to_micros(e.timestamp))


def _member_removed(batch: _Batch, _: int, e: Group.MemberRemoved) -> None:
    batch.leave(e.customer_id, e.group_type, e.group, e.identity, to_micros(e.timestamp))


def _device_disregarded(batch: _Batch, _: int, e: Device.DisregardChanged) -> None:
    key = (e.customer_id, e.fingerprint)
    row = batch.devices.get(key)
    if row is not None:  # a device is only ever disregarded after it was seen
        batch.devices.put(key, {**row, "disregarded": e.disregarded})


_HANDLERS: dict[type, Callable[[_Batch, int, Any], None]] = {
    TrackedEvent.Recorded: _recorded,
    Identity.AttributesEdited: _identity_edited,
    Identity.DisregardChanged: _identity_disregarded,
    Group.Registered: _group_registered,
    Group.AttributesMerged: _group_merged,
    Group.MemberAdded: _member_added,
    Group.MemberRemoved: _member_removed,
    Device.DisregardChanged: _device_disregarded,
}


class TrackingProjection:
    name = "tracking"

    def apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        batch = _Batch(conn)
        batch.load(batch_events)
        for position, event in batch_events:
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(batch, position, event)
        batch.flush()
