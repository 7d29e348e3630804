"""Scoring inputs, kept by the tracking projection in the same transaction as the
identities they describe: each identity's Activity, its keys in the identity graph,
and its place in the scoring queue.

Coalescing: an identity that becomes pending is due `window` later, and events
arriving meanwhile do not move that time, so a burst of events costs one cycle. A new
identity (never scored) is due at once unless `new_at_once` is off: an app deciding
about a sign-up should not wait out the window; unless the event's own request decides
about it (POST /api/events?decide=true): that decision scores it, and the window is only
in case it never comes. An
identity whose graph neighbours gain or lose a shared key becomes pending too: their
Uniqueness depends on it."""

import time
from collections.abc import Iterable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, select, update

from domain.scoring.activity import Activity
from domain.scoring.link_keys import KeyKind, behavior_key, identity_keys
from projections.batch_rows import BatchRows, by_customer, matching
from projections.schema import identity_devices, identity_features
from projections.schema import identity_keys as keys_table
from projections.upsert import upsert

IdentityKey = tuple[UUID, str]
GraphKey = tuple[UUID, str, str, str]  # customer, kind, key, identity

MAX_NEIGHBOURS_MARKED = 500  # identities re-scored because a neighbour changed (the manual's bound)
SCORING_OWNED = frozenset({"scored_position", "scored_with"})


def now_micros() -> int:
    return time.time_ns() // 1000


class FeatureRows:
    def __init__(self, conn: Connection, now: int, window: int, new_at_once: bool = True) -> None:
        self.conn = conn
        self.now = now
        self.window = window
        self.new_at_once = new_at_once
        self.rows = BatchRows(identity_features, ["customer_id", "identity_id"], keep=SCORING_OWNED)
        self.sign_ups = 0  # identities never scored that this batch made due at once
        self.activities: dict[IdentityKey, Activity] = {}
        self.held: dict[GraphKey, int] = {}  # graph keys seen in this batch → first time seen
        self.neighbours_of: set[IdentityKey] = set()  # identities whose device-sharers must be re-scored
        self.device_sharers: set[tuple[UUID, str]] = set()  # (customer, fingerprint) whose holders must be

    def load(self, keys: Iterable[IdentityKey]) -> None:
        self.rows.load(self.conn, keys)

    def _row(self, key: IdentityKey, position: int) -> dict[str, Any]:
        row = self.rows.get(key)
        if row is None:
            row = {
                "customer_id": key[0],
                "identity_id": key[1],
                "activity": Activity().to_dict(),
                "position": position,
                "pending": False,
                "due_at": None,
                "scored_position": 0,
                "scored_with": None,
            }
        else:
            row = dict(row)
        row["position"] = max(row["position"], position)
        self.rows.put(key, row)
        return row

    def touch(self, key: IdentityKey, position: int, *, now: bool = False, decided_elsewhere: bool = False) -> None:
        """The identity's inputs changed at `position`: queue a cycle (at once when asked for). A held
        (disregarded) identity stays without a due time."""
        row = self._row(key, position)
        if not row["pending"]:
            row["pending"] = True
            # Its later events coalesce: each cycle makes the next one due a window later.
            never_scored = row["scored_position"] == 0 and row["scored_with"] is None
            at_once = self.new_at_once and never_scored and not decided_elsewhere
            row["due_at"] = self.now if at_once else self.now + self.window
            self.sign_ups += at_once
        if now:
            row["due_at"] = min(row["due_at"] or self.now, self.now)

    def observe(  # noqa: PLR0913 - the event's facts the queue and the activity need
        self, key: IdentityKey, position: int, at: int, canonical_type: str | None, name: str, *,
        decided_elsewhere: bool = False,
    ) -> None:  # fmt: skip
        self.touch(key, position, decided_elsewhere=decided_elsewhere)
        activity = self.activities.get(key)
        if activity is None:
            activity = self.activities[key] = Activity.from_dict(self.rows.rows[key]["activity"])
        if activity.observe(at, canonical_type, name):
            opening = activity.opening_sequence()
            if opening is not None and activity.first_seen is not None:
                self.hold(key, KeyKind.BEHAVIOR, behavior_key(activity.first_seen, opening), activity.first_seen)

    def hold(self, key: IdentityKey, kind: KeyKind, value: str, at: int) -> None:
        graph_key = (key[0], kind.value, value, key[1])
        self.held[graph_key] = min(self.held.get(graph_key, at), at)

    def hold_fields(self, key: IdentityKey, fields: Mapping[str, str], at: int) -> None:
        """The mailbox and name keys of the identity's canonical fields, as of this change."""
        for kind, value in identity_keys(fields):
            self.hold(key, kind, value, at)

    def disregard_changed(self, key: IdentityKey, position: int, disregarded: bool) -> None:
        """A disregarded identity is held: queued, so that regarding it again scores at once what arrived
        meanwhile, but never due (no due time), so no cycle takes it."""
        if disregarded:
            row = self._row(key, position)
            row["pending"], row["due_at"] = True, None
        else:
            self.touch(key, position, now=True)
        self.neighbours_of.add(key)

    def device_disregard_changed(self, customer_id: UUID, fingerprint: str) -> None:
        self.device_sharers.add((customer_id, fingerprint))

    def flush(self) -> None:
        for key, activity in self.activities.items():
            row = self.rows.get(key)
            if row is not None:
                row["activity"] = activity.to_dict()
        self.rows.flush(self.conn)
        new_keys = self._insert_new_keys()
        in_batch = {k for k in self.rows.rows if self.rows.get(k) is not None}
        self._mark(self._holders_of(new_keys), in_batch, self.now + self.window)
        # An operator's decision about a person or device takes effect at once.
        self._mark(self._device_neighbours(), in_batch, self.now)

    def _insert_new_keys(self) -> set[tuple[UUID, str, str]]:
        """Store the graph keys not stored yet, and earlier sightings of stored ones (events arrive out of
        time order); returns the (customer, kind, key) that gained a holder."""
        if not self.held:
            return set()
        stored: dict[GraphKey, int] = {}
        columns = ["kind", "key", "identity_id"]
        for customer_id, wanted in by_customer(self.held).items():
            for r in matching(self.conn, keys_table, customer_id, columns, wanted, [*columns, "first_seen_at"]):
                stored[(customer_id, r["kind"], r["key"], r["identity_id"])] = r["first_seen_at"]
        rows = [
            {"customer_id": k[0], "kind": k[1], "key": k[2], "identity_id": k[3], "first_seen_at": at}
            for k, at in sorted(self.held.items(), key=lambda item: str(item[0]))
            if k not in stored or at < stored[k]
        ]
        upsert(self.conn, keys_table, rows)
        return {(k[0], k[1], k[2]) for k in self.held if k not in stored}

    def _holders_of(self, graph_keys: set[tuple[UUID, str, str]]) -> set[IdentityKey]:
        found: set[IdentityKey] = set()
        for customer_id, wanted in by_customer(graph_keys).items():
            rows = matching(
                self.conn, keys_table, customer_id, ["kind", "key"], wanted, ["identity_id"], MAX_NEIGHBOURS_MARKED
            )
            found.update((customer_id, r["identity_id"]) for r in rows)
        return found

    def _device_neighbours(self) -> set[IdentityKey]:
        """Identities on the devices of identities (or the devices) whose disregard flag changed."""
        devices: set[tuple[UUID, str]] = set(self.device_sharers)
        c, d = keys_table.c, identity_devices.c
        for customer_id, identity in self.neighbours_of:
            rows = self.conn.execute(
                select(c.key).where(
                    c.customer_id == customer_id, c.identity_id == identity, c.kind == KeyKind.DEVICE.value
                )
            )
            devices.update((customer_id, r.key) for r in rows)
            rows = self.conn.execute(
                select(d.fingerprint).where(d.customer_id == customer_id, d.identity_id == identity)
            )
            devices.update((customer_id, r.fingerprint) for r in rows)
        found: set[IdentityKey] = set()
        for customer_id, fingerprint in devices:
            for query in (
                select(c.identity_id).where(
                    c.customer_id == customer_id, c.kind == KeyKind.DEVICE.value, c.key == fingerprint
                ),
                select(d.identity_id).where(d.customer_id == customer_id, d.fingerprint == fingerprint),
            ):
                rows = self.conn.execute(query.limit(MAX_NEIGHBOURS_MARKED))
                found.update((customer_id, r.identity_id) for r in rows)
        return found

    def _mark(self, identities: set[IdentityKey], skip: set[IdentityKey], due: int) -> None:
        """Queue identities outside this batch for a cycle; those already queued keep their time."""
        f = identity_features.c
        for customer_id, rest in by_customer(identities - skip).items():
            wanted = sorted(identity for (identity,) in rest)[:MAX_NEIGHBOURS_MARKED]
            self.conn.execute(
                update(identity_features)
                .where(f.customer_id == customer_id, f.identity_id.in_(wanted), f.pending.is_(False))
                .values(pending=True, due_at=due)
            )
