"""The tracking log → identities, events, groups, memberships and devices.

A batch loads every row it will touch once, applies the events in log order in
memory, then writes each changed row once: the result is the same whatever the
batch boundaries, which the property tests check."""

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Connection

from domain.privacy.retention import TeamRetention
from domain.scoring.link_keys import KeyKind, context_keys, graph_keys, promo_key
from domain.times import month_of, to_micros
from domain.tracking.device import Device
from domain.tracking.group import Group
from domain.tracking.identity import Identity
from domain.tracking.identity_row import clip as _clip
from domain.tracking.identity_row import disregard, merge_attributes, new_identity, touched, tracked
from domain.tracking.mapping_rule import MappingRule
from domain.tracking.mappings import Overrides, canonical_event_type, group_display_name
from domain.tracking.tracked_event import TrackedEvent
from projections.batch_rows import BatchRows
from projections.privacy.purge import purge_before, purge_identity
from projections.schema import (
    devices,
    event_groups,
    events,
    group_members,
    groups,
    identities,
    identity_clients,
    identity_devices,
    mappings,
)
from projections.scoring.identity_features import FeatureRows, now_micros
from projections.team.event_usage import add_events
from projections.tracking.queries.mappings import team_overrides
from projections.upsert import insert_ignore
from projections.wakeups import SCORING_WANTED, notify

# Written by the scoring projection; this one inserts them empty and never replaces them.
SCORING_OWNED = frozenset(
    {"humanity_score", "authenticity_score", "uniqueness_score", "behavior_score", "last_scored_at", "last_cycle_id"}
)
DEFAULT_COALESCE_MICROS = 2_000_000

IdentityKey = tuple[UUID, str]
GroupKey = tuple[UUID, str, str]
MemberKey = tuple[UUID, str, str, str]
DeviceKey = tuple[UUID, str]


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


class _Batch:
    def __init__(self, conn: Connection, now: int, window: int, new_at_once: bool) -> None:
        self.conn = conn
        self.identities = BatchRows(identities, ["customer_id", "identity_id"], keep=SCORING_OWNED)
        self.features = FeatureRows(conn, now, window, new_at_once)
        self.groups = BatchRows(groups, ["customer_id", "group_type", "group_id"])
        self.members = BatchRows(group_members, ["customer_id", "group_type", "group_id", "identity_id"])
        self.devices = BatchRows(devices, ["customer_id", "fingerprint"])
        self.identity_devices = BatchRows(identity_devices, ["customer_id", "identity_id", "fingerprint"])
        self.identity_clients = BatchRows(identity_clients, ["customer_id", "identity_id", "client_key"])
        self.mappings = BatchRows(mappings, ["customer_id", "mapping_id"])
        self._overrides: dict[UUID, Overrides] = {}
        self.new_events: list[dict[str, Any]] = []
        self.new_event_groups: list[dict[str, Any]] = []
        self.monthly_events: Counter[tuple[UUID, str]] = Counter()

    def load(self, batch: list[tuple[int, Any]]) -> None:
        identity_keys: list[IdentityKey] = []
        group_keys: list[GroupKey] = []
        member_keys: list[MemberKey] = []
        device_keys: list[DeviceKey] = []
        identity_device_keys: list[tuple[UUID, str, str]] = []
        identity_client_keys: list[tuple[UUID, str, str]] = []
        mapping_keys: list[tuple[UUID, UUID]] = []
        for _, e in batch:
            if isinstance(e, TrackedEvent.Recorded):
                if e.identity_id is not None:
                    identity_keys.append((e.customer_id, e.identity_id))
                if e.device is not None:
                    device_keys.append((e.customer_id, e.device["fingerprint"]))
                    if e.identity_id is not None:
                        identity_device_keys.append((e.customer_id, e.identity_id, e.device["fingerprint"]))
                if e.client is not None and e.identity_id is not None:
                    identity_client_keys.append((e.customer_id, e.identity_id, e.client["key"]))
                for g in e.groups:
                    group_keys.append((e.customer_id, g["type"], g["id"]))
                    if e.identity_id is not None:
                        member_keys.append((e.customer_id, g["type"], g["id"], e.identity_id))
            elif isinstance(e, (Identity.AttributesEdited, Identity.DisregardChanged, Identity.AnalysisRequested)):
                identity_keys.append((e.customer_id, e.identity))
            elif isinstance(e, Group.Registered):
                group_keys.append((e.customer_id, e.group_type, e.group))
            elif isinstance(e, (Group.AttributesMerged, Group.MemberAdded, Group.MemberRemoved)):
                group_keys.append((e.customer_id, e.group_type, e.group))
                if not isinstance(e, Group.AttributesMerged):
                    member_keys.append((e.customer_id, e.group_type, e.group, e.identity))
            elif isinstance(e, Device.DisregardChanged):
                device_keys.append((e.customer_id, e.fingerprint))
            elif isinstance(e, (MappingRule.Set, MappingRule.Removed)):
                mapping_keys.append((e.customer_id, e.originator_id))
        self.identities.load(self.conn, identity_keys)
        self.features.load(identity_keys)
        self.groups.load(self.conn, group_keys)
        self.members.load(self.conn, member_keys)
        self.devices.load(self.conn, device_keys)
        self.identity_devices.load(self.conn, identity_device_keys)
        self.identity_clients.load(self.conn, identity_client_keys)
        self.mappings.load(self.conn, mapping_keys)

    def flush(self) -> None:
        self.identities.flush(self.conn)
        self.features.flush()
        self.groups.flush(self.conn)
        self.members.flush(self.conn)
        self.devices.flush(self.conn)
        self.identity_devices.flush(self.conn)
        self.identity_clients.flush(self.conn)
        self.mappings.flush(self.conn)
        insert_ignore(self.conn, events, self.new_events)
        insert_ignore(self.conn, event_groups, self.new_event_groups)
        add_events(self.conn, self.monthly_events)

    def overrides(self, customer_id: UUID) -> Overrides:
        """The team's mappings as of the event being applied (changes in this batch included)."""
        found = self._overrides.get(customer_id)
        if found is None:
            found = self._overrides[customer_id] = team_overrides(self.conn, customer_id)
        return found

    def set_mapping(self, customer_id: UUID, kind: str, source: str, target: str | None) -> None:
        self._overrides[customer_id] = self.overrides(customer_id).with_mapping(kind, source, target)

    # --- rows ------------------------------------------------------------

    def identity(self, customer_id: UUID, identity: str, at: int) -> dict[str, Any]:
        key = (customer_id, identity)
        row = self.identities.get(key)
        row = new_identity(customer_id, identity, at) if row is None else dict(row)
        self.identities.put(key, row)
        return row

    def merge_identity_attributes(self, row: dict[str, Any], attributes: dict[str, Any], at: int) -> None:
        fields = merge_attributes(row, attributes, self.overrides(row["customer_id"]))
        if fields is not None:
            # Each sighting counts with its own time, so a key's first sighting is the same however
            # the log is cut into batches.
            self.features.hold_fields((row["customer_id"], row["identity_id"]), fields, at)

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

    def see_device(self, customer_id: UUID, identity: str | None, report: Mapping[str, Any], at: int) -> None:
        """The device row follows its newest report; the identity-device row spans its sightings."""
        fingerprint = report["fingerprint"]
        key = (customer_id, fingerprint)
        found = self.devices.get(key)
        row = _sighted(dict(found) if found is not None else {"customer_id": customer_id, "fingerprint": fingerprint,
                                                                "disregarded": False}, at)  # fmt: skip
        if found is None or at >= found["last_seen_at"]:
            row.update(device_columns(report))
        self.devices.put(key, row)
        if identity is not None:
            link_key = (customer_id, identity, fingerprint)
            link = self.identity_devices.get(link_key)
            fresh = {"customer_id": customer_id, "identity_id": identity, "fingerprint": fingerprint}
            self.identity_devices.put(link_key, _sighted(dict(link) if link is not None else fresh, at))

    def see_client(self, customer_id: UUID, identity: str, client: Mapping[str, Any], at: int) -> None:
        """The identity's row for a client its app's server reported follows the newest event that named it."""
        key = (customer_id, identity, client["key"])
        found = self.identity_clients.get(key)
        fresh = {"customer_id": customer_id, "identity_id": identity, "client_key": client["key"]}
        row = _sighted(dict(found) if found is not None else fresh, at)
        if found is None or at >= found["last_seen_at"]:
            agent, network = client["agent"], client["network"]
            row.update(
                ip=_clip(client["ip"], 64),
                user_agent=_clip(client["userAgent"], 1024),
                browser=_clip(agent["browser"], 64),
                os=_clip(agent["os"], 64),
                device_type=agent["device_type"],
                hosting=bool(network["hosting"]),
                asn_label=_clip(network["asn_label"], 255),
            )
        self.identity_clients.put(key, row)

    def leave(self, customer_id: UUID, group_type: str, group: str, identity: str, at: int) -> None:
        key = (customer_id, group_type, group, identity)
        if self.members.get(key) is not None:
            self.members.remove(key)
            row = self.group(customer_id, group_type, group, at)
            row["identity_count"] -= 1


def _sighted(row: dict[str, Any], at: int) -> dict[str, Any]:
    row["first_seen_at"] = min(row.get("first_seen_at", at), at)
    row["last_seen_at"] = max(row.get("last_seen_at", at), at)
    return row


# --- handlers -------------------------------------------------------------


def tracker_context(report: Mapping[str, Any]) -> dict[KeyKind, str]:
    """A browser event's device, session and IP address: the tracker's and the connection's."""
    found = {KeyKind.DEVICE: report["fingerprint"], KeyKind.SESSION: report["session"], KeyKind.IP: report["ip"]}
    return {kind: value for kind, value in found.items() if value}


def device_columns(report: Mapping[str, Any]) -> dict[str, Any]:
    """The device row's columns that follow its newest report."""
    network, agent, signals = report["network"], report["agent"], report["signals"]
    return {
        "ip": report["ip"],
        "user_agent": signals["user_agent"],
        **{name: _clip(network[name], 255) for name in ("asn", "asn_label", "city", "region", "country")},
        "country_code": network["country_code"],
        "timezone": network["timezone"],
        "latitude": network["latitude"],
        "longitude": network["longitude"],
        "hosting": bool(network["hosting"]),
        **{name: _clip(agent[name], 64) for name in ("browser", "browser_version", "os", "os_version")},
        "device_type": agent["device_type"],
        "signals": signals,
    }


def _recorded(batch: _Batch, position: int, e: TrackedEvent.Recorded) -> None:
    occurred = to_micros(e.occurred_at)
    received = to_micros(e.received_at)
    canonical_type = canonical_event_type(e.event_type, batch.overrides(e.customer_id))
    report = e.device
    context = context_keys(e.data) if report is None else tracker_context(report)
    batch.new_events.append(
        {
            "customer_id": e.customer_id,
            "event_id": e.event_id,
            "position": position,
            "occurred_at": occurred,
            "received_at": received,
            "identity_id": e.identity_id,
            "event_name": e.event_type,
            "canonical_type": canonical_type,
            "source": e.source,
            "data": e.data.to_dict(),
            "search_text": _search_text(e.event_type, e.data),
            "groups": [{"type": g["type"], "id": g["id"]} for g in e.groups],
            "fingerprint": context.get(KeyKind.DEVICE),
            "session": context.get(KeyKind.SESSION),
            "ip": context.get(KeyKind.IP),
            "url": report["url"] if report is not None else None,
        }
    )
    batch.monthly_events[(e.customer_id, month_of(e.received_at))] += 1
    if report is not None:
        batch.see_device(e.customer_id, e.identity_id, report, occurred)
    if e.client is not None and e.identity_id is not None:
        batch.see_client(e.customer_id, e.identity_id, e.client, occurred)
    if e.identity_id is not None:
        row = batch.identity(e.customer_id, e.identity_id, occurred)
        batch.merge_identity_attributes(row, e.identity_data, occurred)
        tracked(row, occurred, received)
        key = (e.customer_id, e.identity_id)
        batch.features.observe(
            key, position, occurred, canonical_type, e.event_type, decided_elsewhere=e.decided_in_request
        )
        for kind, value in graph_keys(context).items():
            batch.features.hold(key, kind, value, occurred)
        if canonical_type == "PROMO_REDEEM" and (code := promo_key(e.data)) is not None:
            batch.features.hold(key, KeyKind.PROMO, code, occurred)
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


def _identity_edited(batch: _Batch, position: int, e: Identity.AttributesEdited) -> None:
    at = to_micros(e.timestamp)
    row = batch.identity(e.customer_id, e.identity, at)
    batch.merge_identity_attributes(row, e.attributes, at)
    touched(row, at)
    batch.features.touch((e.customer_id, e.identity), position)


def _identity_disregarded(batch: _Batch, position: int, e: Identity.DisregardChanged) -> None:
    at = to_micros(e.timestamp)
    row = batch.identity(e.customer_id, e.identity, at)
    disregard(row, e.disregarded, at)
    batch.features.disregard_changed((e.customer_id, e.identity), position, e.disregarded)


def _analysis_requested(batch: _Batch, position: int, e: Identity.AnalysisRequested) -> None:
    batch.identity(e.customer_id, e.identity, to_micros(e.timestamp))
    batch.features.touch((e.customer_id, e.identity), position, now=True)


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
    batch.features.device_disregard_changed(e.customer_id, e.fingerprint)


def _mapping_set(batch: _Batch, position: int, e: MappingRule.Set) -> None:
    at = to_micros(e.timestamp)
    key = (e.customer_id, e.originator_id)
    row = batch.mappings.get(key)
    batch.mappings.put(
        key,
        {
            "customer_id": e.customer_id,
            "mapping_id": e.originator_id,
            "kind": e.kind,
            "source": e.source,
            "target": e.target,
            "description": e.description,
            "created_at": row["created_at"] if row else at,
            "updated_at": at,
            "position": position,
        },
    )
    batch.set_mapping(e.customer_id, e.kind, e.source, e.target)


def _mapping_removed(batch: _Batch, position: int, e: MappingRule.Removed) -> None:
    key = (e.customer_id, e.originator_id)
    row = batch.mappings.get(key)
    if row is not None:
        batch.mappings.put(key, {**row, "target": None, "updated_at": to_micros(e.timestamp), "position": position})
    batch.set_mapping(e.customer_id, e.kind, e.source, None)


_HANDLERS: dict[type, Callable[[_Batch, int, Any], None]] = {
    TrackedEvent.Recorded: _recorded,
    Identity.AttributesEdited: _identity_edited,
    Identity.DisregardChanged: _identity_disregarded,
    Identity.AnalysisRequested: _analysis_requested,
    Group.Registered: _group_registered,
    Group.AttributesMerged: _group_merged,
    Group.MemberAdded: _member_added,
    Group.MemberRemoved: _member_removed,
    Device.DisregardChanged: _device_disregarded,
    MappingRule.Set: _mapping_set,
    MappingRule.Removed: _mapping_removed,
}


class TrackingProjection:
    name = "tracking"

    def __init__(
        self,
        coalesce_micros: int = DEFAULT_COALESCE_MICROS,
        clock: Callable[[], int] = now_micros,
        *,
        new_identities_at_once: bool = True,
    ) -> None:
        self.coalesce_micros = coalesce_micros
        self.clock = clock
        self.new_identities_at_once = new_identities_at_once

    def apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        # An erasure purges rows in the database: what came before it is written first, and what comes after
        # is read afresh, so no row loaded before the purge is written back over it.
        start = 0
        for i, (_, event) in enumerate(batch_events):
            if type(event) is Identity.Erased:
                self._apply(conn, batch_events[start:i])
                purge_identity(conn, event.customer_id, event.identity, to_micros(event.at))
                start = i + 1
            elif type(event) is TeamRetention.Applied:
                self._apply(conn, batch_events[start:i])
                purge_before(conn, event.customer_id, to_micros(event.before))
                start = i + 1
        self._apply(conn, batch_events[start:])

    def _apply(self, conn: Connection, batch_events: list[tuple[int, Any]]) -> None:
        if not batch_events:
            return
        batch = _Batch(conn, self.clock(), self.coalesce_micros, self.new_identities_at_once)
        batch.load(batch_events)
        for position, event in batch_events:
            handler = _HANDLERS.get(type(event))
            if handler is not None:
                handler(batch, position, event)
        batch.flush()
        if batch.features.sign_ups:
            notify(conn, SCORING_WANTED)
