"""The scoring queue and the inputs of one cycle, read from the read models.

A cycle's cost does not grow with history: the Activity is kept incrementally, and
the identity graph is read for at most KEYS_READ of the identity's newest keys of each
kind and MAX_SHARERS other holders of each key.

A cycle's statements are built once (functools.cache) with bound parameters: SQLAlchemy memoizes a statement
object's cache key, and building each expression and its key anew took about a fifth of a decision's Python
CPU (bench/cycle_cost.py under py-spy)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Connection,
    Engine,
    Row,
    Select,
    TextClause,
    Update,
    and_,
    bindparam,
    case,
    exists,
    func,
    select,
    text,
    update,
)

from domain.devices.signals import DeviceSignals
from domain.scoring.activity import Activity
from domain.scoring.fraud_decision import NO_MAPPINGS, NO_TEAM_DATASETS
from domain.scoring.link_keys import KeyKind
from domain.scoring.links import SharedKey
from domain.scoring.profile import IdentityProfile
from domain.scoring.seen_device import SeenDevice
from domain.tracking.mappings import Overrides, canonical_fields
from projections.schema import (
    dataset_entries,
    devices,
    identities,
    identity_clients,
    identity_devices,
    identity_features,
    identity_keys,
    mappings,
)
from projections.scoring.queries.datasets import dataset_versions, team_entries
from projections.scoring.queries.reviews import pending_reviews
from projections.single_reads import single_reads
from projections.tracking.queries.mappings import mapping_versions, team_overrides

MAX_KEYS = 50  # identity_devices fingerprints read besides the graph's own device keys
MAX_SHARERS = 50
MAX_COUNTED = 1000  # beyond this many holders a key is a crowd; its exact size no longer matters


@dataclass(frozen=True)
class CycleInputs:
    profile: IdentityProfile
    position: int  # the tracking log position the inputs reflect
    disregarded: bool
    mappings_version: str
    datasets_version: str  # the team's own entries: "c<log position of the last change>"


def settle(
    conn: Connection,
    customer_id: UUID,
    identity: str,
    position: int,
    versions: str,
    next_due: int | None,
) -> None:
    """Record that inputs up to `position` were scored with `versions`.

    The identity leaves the queue unless newer inputs arrived meanwhile; those wait
    until `next_due` (the coalescing window), or keep their time when replayed
    (`next_due` None: the scoring projection settles what a worker already did). A held
    identity (disregarded meanwhile: no due time) stays held."""
    # Not named after the columns they set: SQLAlchemy keeps those names for the SET clause.
    params = {"customer": customer_id, "identity": identity, "scored_up_to": position, "scored_versions": versions}
    if next_due is None:
        conn.execute(_settle_statement(replay=True), params)
    else:
        conn.execute(_settle_statement(replay=False), {**params, "next_due_at": next_due})


@functools.cache
def _settle_statement(*, replay: bool) -> Update:
    f = identity_features.c
    position = bindparam("scored_up_to", type_=f.position.type)
    newer = f.position > position
    return (
        update(identity_features)
        .where(
            f.customer_id == bindparam("customer", type_=f.customer_id.type),
            f.identity_id == bindparam("identity", type_=f.identity_id.type),
            f.scored_position < position if replay else f.scored_position <= position,
        )
        .values(
            scored_position=position,
            scored_with=bindparam("scored_versions", type_=f.scored_with.type),
            pending=case((newer, f.pending), else_=False),
            due_at=case((newer, f.due_at), else_=None)
            if replay
            else case((newer & f.due_at.is_not(None), bindparam("next_due_at", type_=f.due_at.type)), else_=None),
        )
    )


def due(conn: Connection, now: int, limit: int) -> list[tuple[UUID, str, bool]]:
    """The identities to score this round, each with whether it was never scored: first those never scored
    yet (up to half the round), then by due time. A sign-up's first cycle is what an app waits for (its
    decision, its webhook); behind a backlog of re-scores it waited for all of them (bench/webhook_latency.py
    at half load: tens of seconds), while the half left to the others keeps a stream of sign-ups from
    starving them."""
    f = identity_features.c
    first = conn.execute(
        select(f.customer_id, f.identity_id)
        .where(f.pending, f.scored_position == 0, f.due_at <= now)
        .order_by(f.due_at, f.customer_id, f.identity_id)
        .limit(max(1, limit // 2))
    ).all()
    rest = conn.execute(
        select(f.customer_id, f.identity_id, f.scored_position)
        .where(f.pending.is_(True), f.due_at <= now)
        .order_by(f.due_at, f.customer_id, f.identity_id)
        .limit(limit)
    ).all()
    found = {(r.customer_id, r.identity_id): True for r in first}
    for r in rest:
        found.setdefault((r.customer_id, r.identity_id), r.scored_position == 0)
    return [(customer_id, identity, never) for (customer_id, identity), never in found.items()][:limit]


def mark_stale(conn: Connection, current: dict[UUID, str], default: str, now: int) -> int:
    """Queue every scored identity whose last cycle used other rules or datasets than today's."""
    f = identity_features.c
    versions = conn.execute(
        select(f.customer_id, f.scored_with).where(f.scored_with.is_not(None), f.pending.is_(False)).distinct()
    ).all()
    marked = 0
    for customer_id, old in versions:
        wanted = current.get(customer_id, default)
        if old != wanted:
            marked += conn.execute(
                update(identity_features)
                .where(f.customer_id == customer_id, f.scored_with == old, f.pending.is_(False))
                .values(pending=True, due_at=now)
            ).rowcount
    return marked


def _excluded_devices(conn: Connection, customer_id: UUID, fingerprints: list[str]) -> set[str]:
    """Devices that link nobody: disregarded ones, and those an operator (a disregarded identity) used."""
    if not fingerprints:
        return set()
    operator, flagged = _excluded_devices_statements()
    params = {"customer": customer_id, "fingerprints": fingerprints}
    return set(conn.execute(operator, params).scalars()) | set(conn.execute(flagged, params).scalars())


@functools.cache
def _excluded_devices_statements() -> tuple[Select[Any], Select[Any]]:
    k, i, d = identity_keys.c, identities.c, devices.c
    customer = bindparam("customer", type_=k.customer_id.type)
    fingerprints = bindparam("fingerprints", expanding=True)
    operator = (
        select(k.key)
        .join(identities, and_(i.customer_id == k.customer_id, i.identity_id == k.identity_id))
        .where(
            k.customer_id == customer,
            k.kind == KeyKind.DEVICE.value,
            k.key.in_(fingerprints),
            i.disregarded.is_(True),
        )
    )
    flagged = select(d.fingerprint).where(
        d.customer_id == customer, d.fingerprint.in_(fingerprints), d.disregarded.is_(True)
    )
    return operator, flagged


def _customer_bound(sql: str) -> TextClause:
    return text(sql).bindparams(bindparam("customer", type_=identity_keys.c.customer_id.type))


# A holder counts unless disregarded: asked of the small index of disregarded identities (every holder has its
# identities row: the tracking projection writes both in one batch), not of each holder's row, which cost three
# or four reads per holder, a thousand holders per crowded key.
_COUNTING_HOLDER = (
    "k.customer_id = :customer AND k.identity_id != :identity"
    " AND NOT EXISTS (SELECT 1 FROM identities i WHERE i.customer_id = k.customer_id"
    " AND i.identity_id = k.identity_id AND i.disregarded)"
)
_HOLDERS = (
    "SELECT * FROM (SELECT k.kind, k.key, k.identity_id, k.first_seen_at FROM identity_keys k"
    " WHERE k.kind = :kind{n} AND k.key = :key{n} AND " + _COUNTING_HOLDER + " {tail}) AS holders{n}"
)

# PostgreSQL takes the keys as two arrays and visits each through a LATERAL subquery: one plan, whatever the
# number of keys. A UNION ALL of one subquery per key was planned anew each cycle (its text changes with the
# number of keys): 13-24 ms of planning against 2-5 ms of execution for an identity with 56 keys.
_HOLDERS_EACH_KEY = _customer_bound(
    "SELECT h.kind, h.key, h.identity_id, h.first_seen_at"
    " FROM unnest(CAST(:kinds AS text[]), CAST(:keys AS text[])) AS w(kind, key)"
    " CROSS JOIN LATERAL (SELECT k.kind, k.key, k.identity_id, k.first_seen_at FROM identity_keys k"
    " WHERE k.kind = w.kind AND k.key = w.key AND " + _COUNTING_HOLDER + " ORDER BY k.first_seen_at, k.identity_id"
    " LIMIT :shown) AS h"
)
_COUNTS_EACH_KEY = _customer_bound(
    "SELECT w.kind, w.key, (SELECT count(*) FROM (SELECT 1 FROM identity_keys k"
    " WHERE k.kind = w.kind AND k.key = w.key AND " + _COUNTING_HOLDER + " LIMIT :counted) AS counted) AS n"
    " FROM unnest(CAST(:kinds AS text[]), CAST(:keys AS text[])) AS w(kind, key)"
)


@functools.cache
def _holders_statement(keys: int) -> TextClause:
    """Each key's first :shown other holders who count (not disregarded), one index range per key,
    in one statement. Written as text: built as an expression, 70 keys cost more to assemble than to run."""
    parts = [_HOLDERS.format(n=n, tail="ORDER BY k.first_seen_at, k.identity_id LIMIT :shown") for n in range(keys)]
    return _customer_bound(" UNION ALL ".join(parts))


@functools.cache
def _counts_statement(keys: int) -> TextClause:
    """How many other holders each key has, counted up to :counted."""
    parts = [
        f"SELECT :kind{n} AS kind, :key{n} AS key, count(*) AS n"
        f" FROM ({_HOLDERS.format(n=n, tail='LIMIT :counted')}) AS counted{n}"
        for n in range(keys)
    ]
    return _customer_bound(" UNION ALL ".join(parts))


def _key_params(keys: list[tuple[str, str]]) -> dict[str, str]:
    params: dict[str, str] = {}
    for n, (kind, key) in enumerate(keys):
        params[f"kind{n}"], params[f"key{n}"] = kind, key
    return params


def _per_key(
    conn: Connection,
    each_key: TextClause,
    portable: Callable[[int], TextClause],
    keys: list[tuple[str, str]],
    params: dict[str, Any],
) -> list[Row[Any]]:
    """A holders or counts statement for these keys: PostgreSQL's one text, or elsewhere the union for this many."""
    if conn.dialect.name == "postgresql":
        return conn.execute(each_key, {**params, **_key_arrays(keys)}).all()
    return conn.execute(portable(len(keys)), {**params, **_key_params(keys)}).all()


def _key_arrays(keys: list[tuple[str, str]]) -> dict[str, list[str]]:
    return {"kinds": [kind for kind, _ in keys], "keys": [key for _, key in keys]}


def _shared_keys(
    conn: Connection, customer_id: UUID, identity: str, own: dict[tuple[str, str], int]
) -> list[SharedKey]:
    """Each key's first MAX_SHARERS other holders, and how many there are (counted up to MAX_COUNTED):
    bounded index lookups per key, in one round trip, however crowded a key is."""
    if not own:
        return []
    keys = sorted(own)
    base = {"customer": customer_id, "identity": identity}
    found = _per_key(conn, _HOLDERS_EACH_KEY, _holders_statement, keys, {**base, "shown": MAX_SHARERS})
    counts: dict[tuple[str, str], int] = {}
    for r in found:
        counts[(r.kind, r.key)] = counts.get((r.kind, r.key), 0) + 1
    crowded = sorted(key for key, n in counts.items() if n >= MAX_SHARERS)
    if crowded:
        rows = _per_key(conn, _COUNTS_EACH_KEY, _counts_statement, crowded, {**base, "counted": MAX_COUNTED})
        counts.update({(r.kind, r.key): r.n for r in rows})
    return [
        SharedKey(
            r.identity_id, KeyKind(r.kind), r.key, counts[(r.kind, r.key)] + 1, own[(r.kind, r.key)], r.first_seen_at
        )
        for r in sorted(found, key=lambda r: (r.kind, r.key, r.first_seen_at, r.identity_id))
    ]


# How many of its newest keys of each kind a cycle reads: bounded, however long the history.
KEYS_READ = {
    KeyKind.DEVICE: 20,
    KeyKind.SESSION: 15,
    KeyKind.IP: 20,
    KeyKind.EMAIL: 5,
    KeyKind.EMAIL_STEM: 5,
    KeyKind.EMAIL_LOCAL: 5,
    KeyKind.NAME: 5,
    KeyKind.BEHAVIOR: 5,
    KeyKind.PROMO: 5,
}


USED_DEVICE = "~used"  # not a key kind: marks the fingerprints of identity_devices in the own-keys statement


@functools.cache
def _own_keys_statement() -> TextClause:
    """The newest keys of each kind, then the devices the tracker saw the identity use: one statement."""
    parts = [
        f"SELECT * FROM (SELECT kind, key, first_seen_at FROM identity_keys WHERE customer_id = :customer"
        f" AND identity_id = :identity AND kind = '{kind.value}'"
        f" ORDER BY first_seen_at DESC LIMIT {limit}) AS newest_{kind.value.lower()}"
        for kind, limit in KEYS_READ.items()
    ]
    parts.append(
        f"SELECT * FROM (SELECT '{USED_DEVICE}' AS kind, fingerprint AS key, 0 AS first_seen_at FROM identity_devices"
        f" WHERE customer_id = :customer AND identity_id = :identity LIMIT {MAX_KEYS}) AS used_devices"
    )
    return text(" UNION ALL ".join(parts)).bindparams(bindparam("customer", type_=identity_keys.c.customer_id.type))


def _own_keys(conn: Connection, customer_id: UUID, identity: str) -> tuple[list[Row[Any]], list[str]]:
    """The identity's newest keys of each kind (one index range per kind), and the fingerprints of the
    devices it used."""
    rows = conn.execute(_own_keys_statement(), {"customer": customer_id, "identity": identity}).all()
    return [r for r in rows if r.kind != USED_DEVICE], [r.key for r in rows if r.kind == USED_DEVICE]


def _identity_and_team(conn: Connection, customer_id: UUID, identity: str) -> Row[Any] | None:
    """The identity's features and attributes, and its team's mapping and datasets versions, in one
    statement: one snapshot, so no input is older than the position the features claim."""
    return conn.execute(_identity_and_team_statement(), {"customer": customer_id, "identity": identity}).first()


@functools.cache
def _identity_and_team_statement() -> Select[Any]:
    i, f, m, d, c = identities.c, identity_features.c, mappings.c, dataset_entries.c, identity_clients.c
    customer = bindparam("customer", type_=f.customer_id.type)
    return (
        select(
            f.activity,
            f.position,
            i.attributes,
            i.disregarded,
            select(func.max(m.position)).where(m.customer_id == customer).scalar_subquery().label("mappings_at"),
            select(func.max(d.position)).where(d.customer_id == customer).scalar_subquery().label("datasets_at"),
            exists().where(c.customer_id == f.customer_id, c.identity_id == f.identity_id).label("has_clients"),
        )
        .join_from(identity_features, identities, and_(i.customer_id == f.customer_id, i.identity_id == f.identity_id))
        .where(f.customer_id == customer, f.identity_id == bindparam("identity", type_=f.identity_id.type))
    )


def load_inputs(conn: Connection, customer_id: UUID, identity: str) -> CycleInputs | None:
    """A cycle's inputs in few round trips: what does not apply to this identity (mappings, devices) is
    not asked for."""
    found = _identity_and_team(conn, customer_id, identity)
    if found is None:
        return None
    keys, used = _own_keys(conn, customer_id, identity)
    fingerprints = [r.key for r in keys if r.kind == KeyKind.DEVICE.value] + used
    excluded = _excluded_devices(conn, customer_id, fingerprints)
    own = {(r.kind, r.key): r.first_seen_at for r in keys if not (r.kind == KeyKind.DEVICE.value and r.key in excluded)}
    overrides = team_overrides(conn, customer_id) if found.mappings_at else Overrides()
    profile = IdentityProfile(
        identity_id=identity,
        fields=canonical_fields(found.attributes, overrides),
        activity=Activity.from_dict(found.activity),
        device_count=len(set(fingerprints)),
        key_count=len(own),
        shared=tuple(_shared_keys(conn, customer_id, identity, own)),
        sources=tuple(
            (KeyKind(r.kind), r.key, r.first_seen_at)
            for r in keys
            if r.kind in (KeyKind.DEVICE.value, KeyKind.IP.value)
        ),
        devices=_seen_devices(conn, customer_id, identity) if used else (),
        clients=_seen_clients(conn, customer_id, identity) if found.has_clients else (),
    )
    return CycleInputs(
        profile,
        found.position,
        bool(found.disregarded),
        _mappings_label(found.mappings_at),
        _datasets_label(found.datasets_at),
    )


DEVICES_READ = 5  # the identity's most recently used tracked devices a cycle judges
CLIENTS_READ = 5  # and the clients its app's server most recently reported


def _seen_clients(conn: Connection, customer_id: UUID, identity: str) -> tuple[SeenDevice, ...]:
    rows = conn.execute(_seen_clients_statement(), {"customer": customer_id, "identity": identity}).all()
    return tuple(
        SeenDevice(r.client_key, None, r.browser, r.os, r.device_type, bool(r.hosting), r.asn_label, r.first_seen_at)
        for r in rows
    )


@functools.cache
def _seen_clients_statement() -> Select[Any]:
    c = identity_clients.c
    return (
        select(c.client_key, c.browser, c.os, c.device_type, c.hosting, c.asn_label, c.first_seen_at)
        .where(
            c.customer_id == bindparam("customer", type_=c.customer_id.type),
            c.identity_id == bindparam("identity", type_=c.identity_id.type),
        )
        .order_by(c.last_seen_at.desc(), c.client_key)
        .limit(CLIENTS_READ)
    )


def _seen_devices(conn: Connection, customer_id: UUID, identity: str) -> tuple[SeenDevice, ...]:
    rows = conn.execute(_seen_devices_statement(), {"customer": customer_id, "identity": identity}).all()
    return tuple(
        SeenDevice(
            r.fingerprint,
            DeviceSignals.from_dict(r.signals) if r.signals else None,
            r.browser,
            r.os,
            r.device_type,
            bool(r.hosting),
            r.asn_label,
        )
        for r in rows
    )


@functools.cache
def _seen_devices_statement() -> Select[Any]:
    used, dv = identity_devices.c, devices.c
    return (
        select(dv.fingerprint, dv.signals, dv.browser, dv.os, dv.device_type, dv.hosting, dv.asn_label)
        .join(identity_devices, (used.customer_id == dv.customer_id) & (used.fingerprint == dv.fingerprint))
        .where(
            used.customer_id == bindparam("customer", type_=used.customer_id.type),
            used.identity_id == bindparam("identity", type_=used.identity_id.type),
        )
        .order_by(used.last_seen_at.desc(), dv.fingerprint)
        .limit(DEVICES_READ)
    )


def _mappings_label(position: int | None) -> str:
    return f"m{position}" if position else NO_MAPPINGS


def _datasets_label(position: int | None) -> str:
    return f"c{position}" if position else NO_TEAM_DATASETS


class ScoringQueue:
    """The queue and inputs over one read-model engine, each call its own transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = single_reads(engine)  # a cycle's reads: each statement its own snapshot in any case

    def due(self, now: int, limit: int) -> list[tuple[UUID, str, bool]]:
        with self._reads.connect() as conn:
            return due(conn, now, limit)

    def load(self, customer_id: UUID, identity: str) -> CycleInputs | None:
        with self._reads.connect() as conn:
            return load_inputs(conn, customer_id, identity)

    def settle(self, customer_id: UUID, identity: str, position: int, versions: str, next_due: int) -> None:
        with self.engine.begin() as conn:
            settle(conn, customer_id, identity, position, versions, next_due)

    def mark_stale(self, current: dict[UUID, str], default: str, now: int) -> int:
        with self.engine.begin() as conn:
            return mark_stale(conn, current, default, now)

    def pending_reviews(self, limit: int) -> list[tuple[UUID, int, str]]:
        with self._reads.connect() as conn:
            return pending_reviews(conn, limit)

    def team_versions(self) -> dict[UUID, tuple[str, str]]:
        with self._reads.connect() as conn:
            mappings, datasets = mapping_versions(conn), dataset_versions(conn)
        return {
            team: (_datasets_label(datasets.get(team)), _mappings_label(mappings.get(team)))
            for team in mappings.keys() | datasets.keys()
        }

    def team_entries(self, customer_id: UUID) -> tuple[str, dict[str, frozenset[str]]]:
        with self._reads.connect() as conn:
            latest, entries = team_entries(conn, customer_id)
        return _datasets_label(latest), entries

    def postpone(self, customer_id: UUID, identity: str, due: int) -> None:
        f = identity_features.c
        with self.engine.begin() as conn:
            conn.execute(
                update(identity_features)
                .where(f.customer_id == customer_id, f.identity_id == identity, f.pending.is_(True))
                .values(due_at=due)
            )
