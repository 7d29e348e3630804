"""The tracking read model does not depend on how the log was cut into batches.

Hypothesis writes a random history (tracked events with identities, identity
data and groups from small pools; identity edits and disregards; group upserts
and memberships; device disregards) to one real event store, then projects that
one log into separate view databases:

  (a) everything in one batch,
  (b) batches of a random size,
  (c) a runner stopped after a random number of batches and a new runner
      continuing from the stored position, possibly several times,
  (d) live: caught up at random points while the history was being written.
Histories also carry what feeds scoring: IPs, sessions and devices in event data, names
and emails that become graph keys, re-analysis requests and the team's mappings.

Every read-model table, every column, must be identical in all of them."""

import contextlib
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from adapters.eventstore import postgres_env, sqlite_env
from adapters.privacy.key_store import key_ring_beside
from adapters.views_db import drop_views, views_engine
from application.tracking.application import MappingNotFound, TrackingApplication
from domain.devices.context import AgentFacts, NetworkFacts
from domain.devices.report import device_record
from domain.devices.signals import DeviceSignals
from domain.errors import InvalidInput
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event
from domain.tracking.mapping_rule import MappingRule
from projections.runner import ProjectionRunner
from projections.schema import events, group_members, groups, identities, metadata
from projections.tracking.projection import TrackingProjection
from tests.support import fresh_postgres_database, server_event

IDENTITIES = ["u1", "u2", "u3", "ü/4 @x"]
GROUP_TYPES = ["team", "organization"]  # already normalized: the Group aggregate takes them as given
RAW_GROUP_TYPES = ["team", "Team", "organization", None]  # as events may spell them
GROUP_IDS = ["g1", "g2"]
KEYS = ["name", "first_name", "lastName", "email", "user_name", "plan", "title", "display_name", "password", "ip",
        "session_id", "device_id"]  # fmt: skip
FINGERPRINTS = ["fp1", "fp2"]

values = (
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.sampled_from(["", " ", "Ada", "Bob", "a@b.c", "Ada Lee", "a.da+x@gmail.com", "10.0.0.1"])
    | st.lists(st.integers(0, 3), max_size=2)
)
attributes = st.dictionaries(st.sampled_from(KEYS), values, max_size=3)

# A browser event's device report: a few browsers, sessions and addresses, so they recur.
browser_devices = st.builds(
    lambda agent, session, ip, city: device_record(
        DeviceSignals(user_agent=agent, fonts=("Arial",)),
        session=session,
        url="https://app.example/page",
        ip=ip,
        agent=AgentFacts(browser=agent.split("/")[0], device_type="desktop"),
        network=NetworkFacts(city=city, country_code="DE" if city else None),
    ),
    st.sampled_from(["Firefox/133", "Chrome/131", "Safari/17"]),
    st.sampled_from(["s1", "s2"]),
    st.sampled_from(["192.0.2.1", "2001:db8:1:1::5", "2001:db8:1:1::9"]),
    st.none() | st.just("Berlin"),
)

track = st.builds(
    lambda identity, event_type, data, identity_data, group_list, minutes, source, device: (
        "track",
        identity,
        event_type,
        data,
        identity_data if identity else {},
        group_list if identity else [],
        minutes,
        source,
        device,
    ),
    st.none() | st.sampled_from(IDENTITIES),
    st.sampled_from(["signup", "login", "purchase", "custom.thing"]),
    attributes,
    attributes,
    st.lists(st.tuples(st.sampled_from(RAW_GROUP_TYPES), st.sampled_from(GROUP_IDS), attributes), max_size=2).map(
        # at most one group per (normalized) type in one event
        lambda gs: list({(t or "organization").lower(): (t, g, d) for t, g, d in gs}.values())
    ),
    st.integers(-600, 600),  # occurred this many minutes from now: out-of-order arrival
    st.none() | st.sampled_from(["web", "server"]),
    st.none() | browser_devices,
)
operations = st.one_of(
    track,
    track,
    st.tuples(st.just("edit"), st.sampled_from(IDENTITIES), attributes),
    st.tuples(st.just("disregard"), st.sampled_from(IDENTITIES), st.booleans()),
    st.tuples(st.just("upsert_group"), st.sampled_from(GROUP_TYPES), st.sampled_from(GROUP_IDS), attributes),
    st.tuples(
        st.just("add_member"), st.sampled_from(GROUP_TYPES), st.sampled_from(GROUP_IDS), st.sampled_from(IDENTITIES)
    ),
    st.tuples(
        st.just("remove_member"), st.sampled_from(GROUP_TYPES), st.sampled_from(GROUP_IDS), st.sampled_from(IDENTITIES)
    ),
    st.tuples(st.just("device"), st.sampled_from(FINGERPRINTS), st.booleans()),
    st.tuples(st.just("analyze"), st.sampled_from(IDENTITIES)),
    st.tuples(
        st.just("map"),
        st.sampled_from([("EVENT_TYPE", "custom.thing", "LOGIN"), ("IDENTITY_FIELD", "plan", "FULL_NAME")]),
        st.booleans(),  # set or remove
    ),
)
histories = st.lists(st.tuples(operations, st.booleans()), min_size=1, max_size=25)
customers = st.lists(st.just(None), min_size=1, max_size=2)  # one or two teams share the log


def apply(app: TrackingApplication, customer: UUID, op: tuple[Any, ...], n: int) -> None:
    kind = op[0]
    if kind == "track":
        _, identity, event_type, data, identity_data, group_list, minutes, source, device = op
        now = datetime.now(UTC)
        if identity is None and device is None:
            return  # refused at the edge: it says nothing about anyone
        event = build_tracked_event(
            customer,
            EventInput(
                type=event_type,
                id=f"e{n}" if n % 3 else None,  # client ids and server ids
                data=data,
                identity_id=identity,
                identity_data=identity_data,
                groups=tuple(GroupInput(t, g, d) for t, g, d in group_list),
                source=source,
                timestamp=now + timedelta(minutes=minutes) if minutes % 2 else None,
            ),
            now=now,
            credential_id=None,
            identity_required=False,
            device=device,
        )
        app.save(event)
    elif kind == "edit":
        app.edit_identity(customer, op[1], attributes=op[2], disregarded=None)
    elif kind == "disregard":
        app.edit_identity(customer, op[1], attributes=None, disregarded=op[2])
    elif kind == "upsert_group":
        app.upsert_group(customer, op[1], op[2], op[3])
    elif kind == "add_member":
        app.add_member(customer, op[1], op[2], op[3])
    elif kind == "remove_member":
        app.remove_member(customer, op[1], op[2], op[3])
    elif kind == "device":
        app.set_device_disregarded(customer, op[1], op[2])
    elif kind == "analyze":
        app.request_analysis(customer, op[1], "user:test")
    elif kind == "map":
        (mapping_kind, source, target), put = op[1], op[2]
        if put:
            app.put_mapping(customer, mapping_kind, source, target, None)
        else:
            with contextlib.suppress(MappingNotFound):
                app.remove_mapping(customer, MappingRule.create_id(customer, mapping_kind, source))
    else:
        raise AssertionError(kind)


def runner(engine: Engine, app: TrackingApplication, batch_size: int) -> ProjectionRunner:
    # The scoring queue's due times are the one wall-clock input; a fixed clock makes them comparable.
    projection = TrackingProjection(clock=lambda: 1_000_000)
    return ProjectionRunner(engine, projection, app.recorder, app.mapper.to_domain_event, batch_size=batch_size)


def dump(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every row of every read-model table, every column, ordered by primary key."""
    result = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            result[table.name] = [dict(r) for r in rows]
    return result


def check_invariants(view: dict[str, list[dict[str, Any]]], head: int) -> None:
    assert {r["name"]: r["position"] for r in view["projection_positions"]} == {"tracking": head}
    for group in view["groups"]:
        members = [
            m
            for m in view["group_members"]
            if (m["customer_id"], m["group_type"], m["group_id"])
            == (group["customer_id"], group["group_type"], group["group_id"])
        ]
        assert group["identity_count"] == len(members)
    for identity in view["identities"]:
        tracked = [
            e
            for e in view["events"]
            if (e["customer_id"], e["identity_id"]) == (identity["customer_id"], identity["identity_id"])
        ]
        assert identity["event_count"] == len(tracked)
        assert identity["created_at"] <= identity["updated_at"]


def project_all_ways(
    app: TrackingApplication,
    engines: list[Engine],
    live: Engine,
    data: st.DataObject,
) -> None:
    one, sized, restarted = engines
    runner(one, app, 100_000).catch_up()
    runner(sized, app, data.draw(st.integers(1, 6), label="batch size")).catch_up()
    # Restart anywhere: each runner does a few batches, then a new one takes over.
    while True:
        current = runner(restarted, app, data.draw(st.integers(1, 6), label="restart batch size"))
        batches = data.draw(st.integers(0, 4), label="batches before restart")
        if batches == 0:
            current.catch_up()
            break
        for _ in range(batches):
            current.run_once()
    head = app.recorder.max_notification_id() or 0
    runner(live, app, 100_000).catch_up()
    views = [dump(e) for e in [one, sized, restarted, live]]
    check_invariants(views[0], head)
    for other in views[1:]:
        assert other == views[0]


def write_history(
    app: TrackingApplication,
    history: list[tuple[tuple[Any, ...], bool]],
    teams: list[UUID],
    live: Engine,
    data: st.DataObject,
) -> None:
    live_runner = runner(live, app, data.draw(st.integers(1, 10), label="live batch size"))
    for n, (op, catch_up_now) in enumerate(history):
        apply(app, teams[n % len(teams)], op, n)
        if catch_up_now:
            live_runner.catch_up()


@given(history=histories, teams=customers, data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_projection_is_independent_of_batching_on_sqlite(
    history: list[tuple[tuple[Any, ...], bool]], teams: list[None], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory(prefix="dregs-projection-") as d, ExitStack() as stack:
        root = Path(d)
        app = TrackingApplication(env := sqlite_env(root / "store", "tracking"), key_ring=key_ring_beside(env))
        stack.callback(app.close)
        engines = [views_engine(None, root / name) for name in ("one", "sized", "restarted", "live")]
        for engine in engines:
            stack.callback(engine.dispose)
        team_ids = [uuid4() for _ in teams]
        write_history(app, history, team_ids, engines[3], data)
        project_all_ways(app, engines[:3], engines[3], data)


@pytest.fixture(scope="module")
def pg_urls() -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [stack.enter_context(fresh_postgres_database()) for _ in range(5)]


@given(history=histories, data=st.data())
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_projection_is_independent_of_batching_on_postgres(
    pg_urls: list[str], history: list[tuple[tuple[Any, ...], bool]], data: st.DataObject
) -> None:
    """The same on PostgreSQL (event store and views). The store keeps earlier examples'
    events, so every projection replays those too; the views start empty each time."""
    with tempfile.TemporaryDirectory() as d, ExitStack() as stack:
        app = TrackingApplication(env := postgres_env(pg_urls[0], pool_size=2), key_ring=key_ring_beside(env))
        stack.callback(app.close)
        engines = [views_engine(url, Path(d)) for url in pg_urls[1:]]
        for engine in engines:
            drop_views(engine)
            stack.callback(engine.dispose)
        write_history(app, history, [uuid4(), uuid4()], engines[3], data)
        project_all_ways(app, engines[:3], engines[3], data)


@pytest.fixture
def sqlite_store() -> Iterator[tuple[TrackingApplication, Engine]]:
    """A Tracking application and a view database, both SQLite files in a fresh folder."""
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        app = TrackingApplication(env := sqlite_env(root, "tracking"), key_ring=key_ring_beside(env))
        engine = views_engine(None, root)
        try:
            yield app, engine
        finally:
            engine.dispose()
            app.close()


def test_restart_continues_from_the_stored_position(sqlite_store: tuple[TrackingApplication, Engine]) -> None:
    """A concrete run of the restart path, so a runner that replays or skips shows up plainly."""
    app, engine = sqlite_store
    customer = uuid4()
    now = datetime.now(UTC)
    for i in range(5):
        app.save(server_event(customer, EventInput(type="login", id=f"e{i}", identity_id="u1"), now=now))
    first = runner(engine, app, 2)
    assert first.run_once() == 2
    assert first.position() == 2
    second = runner(engine, app, 2)  # a restart: a new instance on the same views
    assert second.position() == 2
    assert second.catch_up() == 3
    with engine.connect() as conn:
        assert conn.execute(select(identities.c.event_count)).scalar_one() == 5
        assert len(conn.execute(select(events.c.event_id)).all()) == 5


def test_membership_counts_follow_adds_and_removes_across_batches(
    sqlite_store: tuple[TrackingApplication, Engine],
) -> None:
    app, engine = sqlite_store
    customer = uuid4()
    app.upsert_group(customer, "team", "g1", {"name": "Blue"})
    app.add_member(customer, "team", "g1", "u1")
    app.add_member(customer, "team", "g1", "u1")  # twice: still one member
    app.add_member(customer, "team", "g1", "u2")
    app.remove_member(customer, "team", "g1", "u1")
    app.remove_member(customer, "team", "g1", "u3")  # never a member
    runner(engine, app, 1).catch_up()
    with engine.connect() as conn:
        assert conn.execute(select(groups.c.identity_count, groups.c.display_name)).one() == (1, "Blue")
        assert conn.execute(select(group_members.c.identity_id)).scalars().all() == ["u2"]


# --- events the domain accepts but PostgreSQL views cannot hold ------------------------


@pytest.fixture(scope="module")
def pg_views_url(pg_urls: list[str]) -> str:
    return pg_urls[1]  # each test below starts with drop_views


def _accepted_event_projects_on_postgres(pg_views_url: str, request: EventInput) -> None:
    """Either the domain refuses the event, or the PostgreSQL read model takes it in."""
    try:
        event = server_event(uuid4(), request)
    except InvalidInput:
        return
    _accepted_write_projects_on_postgres(pg_views_url, lambda app: app.save(event))


def _accepted_write_projects_on_postgres(pg_views_url: str, write: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        app = TrackingApplication(env := sqlite_env(Path(d), "tracking"), key_ring=key_ring_beside(env))
        engine = views_engine(pg_views_url, Path(d))
        try:
            drop_views(engine)
            try:
                write(app)
            except InvalidInput:
                return  # refused up front: fine
            runner(engine, app, 10).catch_up()
            with engine.connect() as conn:
                position = conn.execute(select(metadata.tables["projection_positions"].c.position)).scalar_one()
            assert position == app.recorder.max_notification_id()
        finally:
            engine.dispose()
            app.close()


@pytest.mark.parametrize(
    "request_",
    [
        EventInput(type="signup", identity_id="u1", data={"note": "a\x00b"}),
        EventInput(type="signup", identity_id="u\x001"),
        EventInput(type="signup", identity_id="u1", id="e\x001"),
        EventInput(type="sign\x00up", identity_id="u1"),
    ],
    ids=["data-value", "identity-id", "event-id", "event-type"],
)
def test_accepted_event_with_nul_projects_on_postgres(pg_views_url: str, request_: EventInput) -> None:
    _accepted_event_projects_on_postgres(pg_views_url, request_)


@pytest.mark.parametrize(
    "write",
    [
        lambda app: app.edit_identity(UUID(int=1), "u1", attributes={"name": "Ada\x00"}, disregarded=None),
        lambda app: app.upsert_group(UUID(int=1), "team", "g\x001", {"plan": "pro"}),
        lambda app: app.upsert_group(UUID(int=1), "team", "g1", {"title": "Blue\x00"}),
    ],
    ids=["identity-name", "group-id", "group-title"],
)
def test_accepted_edit_with_nul_projects_on_postgres(pg_views_url: str, write: Any) -> None:
    _accepted_write_projects_on_postgres(pg_views_url, write)


def test_accepted_group_type_projects_on_postgres(pg_views_url: str) -> None:
    _accepted_event_projects_on_postgres(
        pg_views_url, EventInput(type="signup", identity_id="u1", groups=(GroupInput("aA" * 32, "g1"),))
    )


def test_accepted_event_with_envelope_shaped_data_projects(sqlite_store: tuple[TrackingApplication, Engine]) -> None:
    app, engine = sqlite_store
    event = server_event(
        uuid4(), EventInput(type="signup", identity_id="u1", data={"meta": {"_type_": "v2", "_data_": 1}})
    )
    app.save(event)
    runner(engine, app, 10).catch_up()
    with engine.connect() as conn:
        assert conn.execute(select(events.c.data)).scalar_one() == {"meta": {"_type_": "v2", "_data_": 1}}
