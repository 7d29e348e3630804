"""Every aggregate rebuilt from its stored events equals the live one.

Hypothesis drives a random sequence of commands (with saves at random points)
against a live aggregate of a real application on SQLite, and on PostgreSQL for
some types; the aggregate read back from the repository must be equal in every
attribute, its version and its timestamps."""

import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.eventstore import postgres_env, sqlite_env
from adapters.privacy.key_store import key_ring_beside
from application.accounts.application import AccountsApplication
from application.tracking.application import TrackingApplication
from domain.accounts.credential import Credential
from domain.accounts.customer import Customer
from domain.accounts.roles import Role
from domain.accounts.user import User
from domain.errors import Conflict, InvalidInput
from domain.tracking.device import Device
from domain.tracking.event_request import EventInput, GroupInput, build_tracked_event
from domain.tracking.group import Group
from domain.tracking.identity import Identity
from domain.tracking.tracked_event import TrackedEvent
from tests.support import fresh_postgres_database, server_event

# JSON as clients send it. Dict keys are free text; the transcoder's own
# `{"_type_": ..., "_data_": ...}` shape is covered by its own test below.
json_scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
attributes = st.dictionaries(st.text(max_size=10), json_values, max_size=4)
valid_attributes = st.dictionaries(st.text(min_size=1, max_size=10), json_values, max_size=4)  # within the limits
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2100, 1, 1), timezones=offsets)
names = st.text(max_size=30)


def state(aggregate: Aggregate) -> dict[str, Any]:
    """Everything the aggregate holds, bookkeeping included, except the (empty) pending list."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def assert_rebuilt_equal(app: Application[UUID], live: Aggregate) -> None:
    assert not live.pending_events
    rebuilt = app.repository.get(live.id)
    assert type(rebuilt) is type(live)
    assert state(rebuilt) == state(live)
    assert rebuilt.version == live.version
    assert (rebuilt.created_on, rebuilt.modified_on) == (live.created_on, live.modified_on)
    # Every attribute of the class's public surface, properties included.
    for name in dir(live):
        if not name.startswith("_") and not callable(getattr(type(live), name, None)):
            assert getattr(rebuilt, name) == getattr(live, name), name


def run(app: Application[UUID], live: Aggregate, commands: list[tuple[Callable[[Any], None], bool]]) -> None:
    """Apply commands to the live aggregate, saving after those flagged so, and once at the end."""
    for command, save_after in commands:
        command(live)
        if save_after:
            app.save(live)
    app.save(live)
    assert_rebuilt_equal(app, live)


def then_save() -> st.SearchStrategy[bool]:
    return st.booleans()


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dregs-aggregates-") as d:
        yield Path(d)


@pytest.fixture(scope="module")
def tracking(data_dir: Path) -> Iterator[TrackingApplication]:
    app = TrackingApplication(env := sqlite_env(data_dir, "tracking"), key_ring=key_ring_beside(env))
    yield app
    app.close()


@pytest.fixture(scope="module")
def accounts(data_dir: Path) -> Iterator[AccountsApplication]:
    app = AccountsApplication(sqlite_env(data_dir, "accounts"), key_hash_secret=b"aggregate-test-secret")
    yield app
    app.close()


@pytest.fixture(scope="module")
def pg_tracking() -> Iterator[TrackingApplication]:
    with fresh_postgres_database() as url:
        app = TrackingApplication(env := postgres_env(url, pool_size=2), key_ring=key_ring_beside(env))
        yield app
        app.close()


@pytest.fixture(scope="module")
def pg_accounts() -> Iterator[AccountsApplication]:
    with fresh_postgres_database() as url:
        app = AccountsApplication(postgres_env(url, pool_size=2), key_hash_secret=b"aggregate-test-secret")
        yield app
        app.close()


# --- command strategies ---------------------------------------------------------

identity_commands = st.lists(
    st.tuples(
        st.one_of(
            attributes.map(lambda a: lambda i: i.edit_attributes(a)),
            st.booleans().map(lambda b: lambda i: i.set_disregarded(b)),
        ),
        then_save(),
    ),
    max_size=8,
)
group_commands = st.lists(
    st.tuples(
        st.one_of(
            attributes.map(lambda a: lambda g: g.merge_attributes(a)),
            names.map(lambda n: lambda g: g.add_member(n)),
            names.map(lambda n: lambda g: g.remove_member(n)),
        ),
        then_save(),
    ),
    max_size=8,
)
device_commands = st.lists(
    st.tuples(st.booleans().map(lambda b: lambda d: d.set_disregarded(b)), then_save()), max_size=8
)


def _credential_command(name: str) -> Callable[[Credential], None]:
    def command(credential: Credential) -> None:
        try:
            getattr(credential, name)()
        except Conflict:
            assert credential.revoked  # only a revoked credential refuses a change, and nothing happened

    return command


credential_commands = st.lists(
    st.tuples(st.sampled_from(["disable", "enable", "revoke"]).map(_credential_command), then_save()), max_size=8
)
user_commands = st.lists(
    st.tuples(st.text(min_size=1, max_size=60).map(lambda h: lambda u: u.change_password(h)), then_save()),
    max_size=6,
)


# --- tracking aggregates ---------------------------------------------------------


@given(identity=names, commands=identity_commands)
@settings(max_examples=40, deadline=None)
def test_identity_rebuilds_equal(tracking: TrackingApplication, identity: str, commands: list[Any]) -> None:
    live = Identity(customer_id=uuid4(), identity=identity)
    assert live.id == Identity.create_id(live.customer_id, identity)
    run(tracking, live, commands)


@given(group_type=names, group=names, commands=group_commands)
@settings(max_examples=40, deadline=None)
def test_group_rebuilds_equal(tracking: TrackingApplication, group_type: str, group: str, commands: list[Any]) -> None:
    live = Group(customer_id=uuid4(), group_type=group_type, group=group)
    run(tracking, live, commands)


@given(fingerprint=names, commands=device_commands)
@settings(max_examples=25, deadline=None)
def test_device_rebuilds_equal(tracking: TrackingApplication, fingerprint: str, commands: list[Any]) -> None:
    live = Device(customer_id=uuid4(), fingerprint=fingerprint)
    run(tracking, live, commands)


tracked_events = st.builds(
    lambda event_id, event_type, data, identity_id, identity_data, groups, source, occurred_at, received_at, credential: (  # noqa: E501
        TrackedEvent(
            customer_id=uuid4(),
            event_id=event_id,
            event_type=event_type,
            data=data,
            identity_id=identity_id,
            identity_data=identity_data,
            groups=groups,
            source=source,
            occurred_at=occurred_at,
            received_at=received_at,
            credential_id=credential,
        )
    ),
    names,
    names,
    attributes,
    st.none() | names,
    attributes,
    st.lists(st.fixed_dictionaries({"type": names, "id": names, "data": attributes}), max_size=3),
    st.none() | names,
    moments,
    moments,
    st.none() | st.uuids(),
)


@given(tracked_events)
@settings(max_examples=40, deadline=None)
def test_tracked_event_rebuilds_equal(tracking: TrackingApplication, live: TrackedEvent) -> None:
    run(tracking, live, [])


@given(
    st.builds(
        EventInput,
        type=st.sampled_from(["signup", "login", "Order Completed"]),
        id=st.none() | st.text(min_size=1, max_size=20).filter(lambda s: not s.startswith("dregs-")),
        data=valid_attributes,
        identity_id=st.text(min_size=1, max_size=20),
        identity_data=valid_attributes,
        groups=st.lists(
            st.builds(
                GroupInput,
                type=st.sampled_from(["team", "ParentCompany", None]),
                id=st.text(min_size=1, max_size=9),
                data=valid_attributes,
            ),
            max_size=1,
        ).map(tuple),
        source=st.none() | st.text(max_size=10),
        timestamp=st.none()
        | st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2025, 1, 1), timezones=offsets),
        decide=st.booleans(),
    )
)
@settings(max_examples=30, deadline=None)
def test_built_tracked_event_rebuilds_equal(tracking: TrackingApplication, event_input: EventInput) -> None:
    try:
        live = build_tracked_event(
            uuid4(), event_input, now=datetime.now(UTC), credential_id=uuid4(), identity_required=True
        )
    except InvalidInput:
        return  # refused before it could reach the store
    run(tracking, live, [])


@pytest.mark.parametrize("stored_as", [1, 2, 3])
def test_a_tracked_event_stored_by_an_earlier_version_reads_as_not_decided_in_its_request(
    tracking: TrackingApplication, stored_as: int
) -> None:
    """What an auditor replays: events stored before `client`, `decided_in_request` and `device` existed."""
    live = server_event(uuid4(), EventInput(type="signup", identity_id="u1", decide=True))
    (recorded,) = live.collect_events()
    stored = tracking.mapper.to_stored_event(recorded)
    state = tracking.mapper.transcoder.decode(stored.state)
    del state["client"]
    state["class_version"] = stored_as
    if stored_as <= 2:
        del state["decided_in_request"]
    if stored_as == 1:
        del state["device"]
        del state["class_version"]
    old = type(stored)(
        stored.originator_id, stored.originator_version, stored.topic, tracking.mapper.transcoder.encode(state)
    )
    read = tracking.mapper.to_domain_event(old)
    assert isinstance(read, TrackedEvent.Recorded)
    assert read.decided_in_request is (stored_as == 3) and read.device is None and read.client is None
    assert read.event_id == recorded.event_id and read.identity_id == "u1"


def test_application_commands_match_a_live_identity(tracking: TrackingApplication) -> None:
    """The application's edit path stores what a live aggregate would hold (redaction included)."""
    customer = uuid4()
    tracking.edit_identity(customer, "u1", attributes={"name": "Ada", "password": "x"}, disregarded=None)
    tracking.edit_identity(customer, "u1", attributes={"plan": "pro"}, disregarded=True)
    tracking.edit_identity(customer, "u1", attributes=None, disregarded=True)  # no change, no event
    stored = tracking.repository.get(Identity.create_id(customer, "u1"))
    assert stored.attributes == {"name": "Ada", "password": "[REDACTED]", "plan": "pro"}
    assert stored.disregarded is True
    assert stored.version == 4  # registered, two edits, one disregard


# --- accounts aggregates ---------------------------------------------------------


@given(names)
@settings(max_examples=20, deadline=None)
def test_customer_rebuilds_equal(accounts: AccountsApplication, name: str) -> None:
    run(accounts, Customer(name=name), [])


@given(
    email=st.emails(),
    name=names,
    role=st.sampled_from([r.value for r in Role]),
    password_hash=st.text(min_size=1, max_size=60),
    commands=user_commands,
)
@settings(max_examples=30, deadline=None)
def test_user_rebuilds_equal(
    accounts: AccountsApplication, email: str, name: str, role: str, password_hash: str, commands: list[Any]
) -> None:
    email = f"{uuid4().hex}.{email}"  # the id derives from the email: one account per example
    live = User(email=email, name=name, customer_id=uuid4(), role=role, password_hash=password_hash)
    run(accounts, live, commands)
    assert live.token_version == 1 + len(commands)


def new_credential(name: str, origins: list[str]) -> Credential:
    return Credential(
        customer_id=uuid4(),
        name=name,
        public_key="pk_" + uuid4().hex,
        secret_key_hash=uuid4().hex,
        allowed_origins=origins,
        issued_by=uuid4(),
    )


@given(
    name=names,
    origins=st.lists(st.text(max_size=30), max_size=4),
    commands=credential_commands,
)
@settings(max_examples=30, deadline=None)
def test_credential_rebuilds_equal(
    accounts: AccountsApplication, name: str, origins: list[str], commands: list[Any]
) -> None:
    live = new_credential(name, origins)
    run(accounts, live, commands)
    assert live.usable == (live.enabled and not live.revoked)


# --- PostgreSQL -------------------------------------------------------------------


@given(identity=names, commands=identity_commands)
@settings(max_examples=15, deadline=None)
def test_identity_rebuilds_equal_on_postgres(
    pg_tracking: TrackingApplication, identity: str, commands: list[Any]
) -> None:
    run(pg_tracking, Identity(customer_id=uuid4(), identity=identity), commands)


@given(tracked_events)
@settings(max_examples=15, deadline=None)
def test_tracked_event_rebuilds_equal_on_postgres(pg_tracking: TrackingApplication, live: TrackedEvent) -> None:
    run(pg_tracking, live, [])


@given(
    name=names,
    origins=st.lists(st.text(max_size=30), max_size=3),
    commands=credential_commands,
)
@settings(max_examples=10, deadline=None)
def test_credential_rebuilds_equal_on_postgres(
    pg_accounts: AccountsApplication, name: str, origins: list[str], commands: list[Any]
) -> None:
    live = new_credential(name, origins)
    run(pg_accounts, live, commands)


# --- client data shaped like the transcoder's own envelopes -------------------------

ENVELOPES = [
    {"_type_": "uuid_hex", "_data_": "6b1f0c8e3b574c1e9d0a2f7c1d5e8a40"},
    {"_type_": "decimal_str", "_data_": "1.50"},
    {"_type_": "datetime_iso", "_data_": "2026-01-01T00:00:00+00:00"},
    {"_type_": "not-a-registered-type", "_data_": 1},
]


@pytest.mark.parametrize("envelope", ENVELOPES, ids=lambda e: e["_type_"])
def test_client_data_shaped_like_a_transcoder_envelope_round_trips(
    tracking: TrackingApplication, envelope: dict[str, Any]
) -> None:
    live = Identity(customer_id=uuid4(), identity="u1")
    live.edit_attributes({"meta": dict(envelope)})
    tracking.save(live)
    assert_rebuilt_equal(tracking, live)
