"""The scoring engine over real stores (SQLite and PostgreSQL): coalescing, the queue,
per-team cycle numbers, replayable decisions, the identity graph's propagation,
disregarding, the rules sweep and rebuilds."""

import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select, update

from adapters.bootstrap import Container, build_container
from adapters.scoring.datasets import global_datasets
from application.scoring.application import ScoringApplication
from domain.scoring.fraud_decision import FraudDecision, evaluate
from domain.scoring.profile import IdentityProfile
from domain.scoring.review import IdentityReview
from domain.tracking.event_request import EventInput
from projections.schema import events, identity_features
from projections.scoring.queries.analyses import latest_analysis, score_history
from projections.scoring.queries.links import identity_links
from projections.tracking.queries.identities import get_identity
from tests.support import PASSWORD, fresh_postgres_database, server_event, settings_for

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine_database() -> Iterator[str]:
    """This module's own database: the engine here drains the whole queue, so other tests' teams must not be in it."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def container(request: pytest.FixtureRequest) -> Iterator[Container]:
    database_url = request.getfixturevalue("engine_database") if request.param == "postgres" else None
    with tempfile.TemporaryDirectory() as tmp:
        built = build_container(settings_for(database_url, Path(tmp), scoring_coalesce_seconds=60.0))
        built.start(run_projections=False)
        try:
            yield built
        finally:
            built.close()


class World:
    """A team in a container, driven step by step: ingest, project, score."""

    def __init__(self, container: Container) -> None:
        self.c = container
        email = f"engine-{id(self)}-{datetime.now(UTC).timestamp()}@example.com"
        _, team = container.accounts.sign_up(email, PASSWORD, "Ada", "Team")
        self.team: UUID = team.id
        self.count = 0
        self.later = timedelta(0)  # how far the engine's clock runs ahead of the wall clock
        container.engine.clock = lambda: datetime.now(UTC) + self.later

    def track(self, identity: str, event_type: str, *, at: datetime = T0, data: dict[str, Any] | None = None,
              identity_data: dict[str, Any] | None = None, decide: bool = False) -> int:  # fmt: skip
        """Returns the event's position in the log."""
        self.count += 1
        event = server_event(
            self.team,
            EventInput(
                type=event_type,
                id=f"e{self.count}",
                identity_id=identity,
                data=data or {},
                identity_data=identity_data or {},
                timestamp=at,
                decide=decide,
            ),
        )
        assert self.c.writer is not None
        return self.c.writer.submit(event).result(10).position

    def score(self, *, after_window: bool = True) -> int:
        """Project, then run every cycle that is due (after the coalescing window, by default)."""
        self.c.tracking_runner.catch_up()
        self.later = timedelta(seconds=61) if after_window else timedelta(0)
        done = self.c.engine.drain()
        self.c.scoring_runner.catch_up()
        return done

    def latest(self, identity: str) -> dict[str, Any] | None:
        with self.c.views.connect() as conn:
            return latest_analysis(conn, self.team, identity)

    def history(self, identity: str) -> list[dict[str, Any]]:
        with self.c.views.connect() as conn:
            return score_history(conn, self.team, identity, 100)

    def identity(self, identity: str) -> dict[str, Any]:
        with self.c.views.connect() as conn:
            row = get_identity(conn, self.team, identity)
        assert row is not None
        return row

    def observation_ids(self, identity: str) -> set[str]:
        latest = self.latest(identity)
        assert latest is not None
        return {o["id"] for o in latest["observations"]}


@pytest.fixture
def world(container: Container) -> World:
    return World(container)


def test_a_new_identity_is_scored_at_once_and_a_burst_after_it_in_one_cycle_after_the_window(world: World) -> None:
    world.track("u1", "signup", at=T0)
    assert world.score(after_window=False) == 1  # a new identity does not wait out the window
    for i in range(1, 20):
        world.track("u1", "login", at=T0 + timedelta(seconds=7 * i + i * i))
    assert world.score(after_window=False) == 0  # inside the window: nothing yet
    assert world.score() == 1
    latest = world.latest("u1")
    assert latest is not None and latest["event_count"] == 20
    # Nothing new: nothing more to do.
    assert world.score() == 0
    world.track("u1", "logout", at=T0 + timedelta(hours=1))
    world.track("u1", "login", at=T0 + timedelta(hours=2))
    assert world.score() == 1
    assert [h["event_count"] for h in world.history("u1")] == [22, 20, 1]


def test_a_new_identity_waits_out_the_window_when_the_operator_says_so(world: World) -> None:
    world.c.tracking_runner.projection.new_identities_at_once = False  # DREGS_SCORE_NEW_AT_ONCE=false
    world.track("u1", "signup", at=T0)
    assert world.score(after_window=False) == 0
    assert world.score() == 1


def test_a_new_identity_whose_request_decides_is_left_to_that_decision_and_scored_once(world: World) -> None:
    position = world.track("u1", "signup", decide=True)
    world.c.tracking_runner.catch_up()
    # The request's own decision (POST /api/events?decide=true) scores it: the background does not, at once.
    assert world.score(after_window=False) == 0
    decided = world.c.decide_now.decide(world.team, "u1", position)
    assert decided is not None
    assert world.score() == 0  # nor after the window: the decision covered the event
    assert [h["cycle_id"] for h in world.history("u1")] == [decided.cycle_id]
    # The next sign-up without a decision in its request is scored at once, as before.
    world.track("u2", "signup")
    assert world.score(after_window=False) == 1


def test_a_sign_up_whose_decision_never_comes_is_scored_after_the_window(world: World) -> None:
    world.track("u1", "signup", decide=True)  # the web process stopped before deciding
    assert world.score(after_window=False) == 0
    assert world.score() == 1


def test_asking_for_an_analysis_skips_the_window(world: World) -> None:
    world.track("u1", "signup", identity_data={"email": "ann@example.org"})
    world.score()
    world.c.tracking.request_analysis(world.team, "u1", "user:test")
    assert world.score(after_window=False) == 1
    assert len(world.history("u1")) == 2


def test_scores_and_identity_columns_follow_the_latest_cycle(world: World) -> None:
    world.track("u1", "signup", identity_data={"email": "qwsdfgh@mailinator.com", "name": "asdf qwerty"})
    world.score()
    row = world.identity("u1")
    latest = world.latest("u1")
    assert latest is not None
    assert row["last_cycle_id"] == latest["cycle_id"]
    assert row["authenticity_score"] == latest["authenticity_score"] < 30
    assert row["last_scored_at"] == latest["finished_at"]
    assert {"authenticity.disposable-email", "authenticity.keyboard-mash"} <= world.observation_ids("u1")


def test_cycle_ids_count_per_team(container: Container) -> None:
    one, two = World(container), World(container)
    for w in (one, two):
        w.track("a", "signup")
        w.track("b", "signup")
        w.score()
    for w in (one, two):
        ids = sorted(h["cycle_id"] for i in ("a", "b") for h in w.history(i))
        assert ids == [1, 2]


def test_a_second_scoring_process_takes_the_next_free_cycle_number(world: World) -> None:
    for i in range(3):
        world.track(f"u{i}", "signup")
    world.score()  # cycles 1..3, from the container's Scoring application
    other = ScoringApplication(world.c.scoring.env, key_ring=world.c.key_ring)  # another process: nothing in memory
    try:
        assert other.cycles.last_taken(world.team) == 3
        world.track("u9", "signup")
        world.c.tracking_runner.catch_up()
        inputs = world.c.engine.queue.load(world.team, "u9")
        assert inputs is not None
        made = other.record_decision(
            world.team, inputs.profile, evaluate(inputs.profile, global_datasets()),
            started_at=T0, finished_at=T0, inputs_position=inputs.position, rules_version="r", datasets_version="d",
            mappings_version="m0",
        )  # fmt: skip
        assert made.cycle_id == 4
    finally:
        other.close()
    world.c.scoring_runner.catch_up()  # the projection settles u9's queue entry for the other process
    # This process's memory says 4 next; the store refuses it, and it steps past.
    world.track("u10", "signup")
    world.score()
    assert world.latest("u10")["cycle_id"] == 5  # type: ignore[index]


def test_a_process_far_behind_another_fails_one_save_not_one_per_number_taken_since(world: World) -> None:
    app = world.c.scoring
    app.request_review(world.team, "u1", None, None)  # review 1: this process's memory says 2 next
    other = ScoringApplication(app.env, key_ring=world.c.key_ring)  # another process, busy meanwhile: reviews 2..41
    try:
        taken = [other.request_review(world.team, "u1", None, None).number for _ in range(40)]
    finally:
        other.close()
    assert taken == list(range(2, 42))
    attempts: list[int] = []

    def save(number: int) -> int:
        attempts.append(number)
        app.save(IdentityReview(customer_id=world.team, number=number, identity="u1", feedback=None, requested_by=None))
        return number

    assert app.reviews.save_numbered(world.team, save) == 42
    assert attempts == [2, 42]  # one refused save, then the probes found where the numbers end
    assert app.request_review(world.team, "u1", None, None).number == 43


def test_background_cycles_rest_by_their_duty_and_drain_does_not(world: World) -> None:
    engine = world.c.engine
    engine.duty = 0.5  # a rest as long as each cycle
    engine.pace_from = 2  # two identities due make a backlog here
    for i in range(2):
        world.track(f"u{i}", "signup")
    world.c.tracking_runner.catch_up()
    began = time.monotonic()
    assert engine.run_once(paced=True) == 2  # the background loop's round
    took = time.monotonic() - began
    assert 0 < engine.rested_seconds <= took
    rested = engine.rested_seconds
    world.track("u8", "signup")
    world.c.tracking_runner.catch_up()
    assert engine.run_once(paced=True) == 1  # fewer due than a backlog: no rest before the next sign-up
    assert engine.rested_seconds == rested
    for i in (9, 10):
        world.track(f"u{i}", "signup")
    assert world.score() == 2  # drain(): tests and benchmarks score at once
    assert engine.rested_seconds == rested


def test_stopping_the_engine_ends_a_background_rest_at_once(world: World) -> None:
    engine = world.c.engine
    engine.duty = 0.0001  # each cycle is followed by a rest 10,000 times as long: minutes
    engine.pace_from = 1
    world.track("u1", "signup")
    world.c.tracking_runner.catch_up()
    engine.start()
    deadline = time.monotonic() + 30
    while engine.rested_seconds == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert engine.rested_seconds > 1  # resting now
    engine.stop(timeout=30)
    assert not engine.running


def test_a_new_identity_is_scored_before_a_backlog_of_re_scores(world: World) -> None:
    for i in range(4):
        world.track(f"old{i}", "signup")
    world.score()
    for i in range(4):
        world.track(f"old{i}", "login")
    world.track("new", "signup")
    world.c.tracking_runner.catch_up()
    f = identity_features.c
    with world.c.views.begin() as conn:  # the re-scores have waited long: due before the sign-up
        conn.execute(
            update(identity_features).where(f.customer_id == world.team, f.identity_id.like("old%")).values(due_at=1)
        )
    now = int(datetime.now(UTC).timestamp() * 1_000_000) + 61_000_000
    mine = [(i, never) for c, i, never in world.c.engine.queue.due(now, 1000) if c == world.team]
    assert mine[0] == ("new", True)
    assert sorted(mine[1:]) == [("old0", False), ("old1", False), ("old2", False), ("old3", False)]  # each once
    # Half a round at most goes to first cycles: re-scores are never starved by sign-ups.
    assert world.c.engine.queue.due(now, 1) and len(world.c.engine.queue.due(now, 2)) == 2


def _re_scores_due(world: World, count: int) -> None:
    """`count` identities scored once and due again (a later event each, after the window)."""
    for i in range(count):
        world.track(f"old{i}", "signup")
    world.score()
    for i in range(count):
        world.track(f"old{i}", "login")
    world.c.tracking_runner.catch_up()
    world.later = timedelta(seconds=61)


def _sign_up_during_cycle(world: World, cycle: int) -> list[str]:
    """Makes a sign-up due, and tells the engine so (as its NOTIFY listener does), during its `cycle`-th cycle
    from now; returns the identities the engine scores, in order."""
    engine = world.c.engine
    scored: list[str] = []
    analyze = engine.analyze

    def watched(customer_id: UUID, identity: str) -> Any:
        scored.append(identity)
        if len(scored) == cycle:
            world.track("new", "signup")
            world.c.tracking_runner.catch_up()
            engine.sign_up_due()
        return analyze(customer_id, identity)

    engine.analyze = watched  # type: ignore[method-assign]
    return scored


def test_a_round_of_re_scores_gives_way_to_a_sign_up_that_becomes_due_during_it(world: World) -> None:
    _re_scores_due(world, 4)
    scored = _sign_up_during_cycle(world, 1)
    assert world.c.engine.run_once(paced=True) == 1  # the other three re-scores wait
    assert world.c.engine.run_once(paced=True) == 4
    assert scored[1] == "new"  # the next round lists it first
    assert sorted(scored) == ["new", "old0", "old1", "old2", "old3"]


def test_re_scores_get_as_many_cycles_as_the_rounds_sign_ups_before_they_give_way(world: World) -> None:
    _re_scores_due(world, 4)
    world.track("first", "signup")
    world.c.tracking_runner.catch_up()
    scored = _sign_up_during_cycle(world, 1)  # during the round's own sign-up's cycle
    assert world.c.engine.run_once(paced=True) == 2
    assert scored[0] == "first" and scored[1].startswith("old")  # a re-score, then the round gives way
    world.c.engine.run_once(paced=True)
    assert scored[2] == "new"


def test_an_auditor_replays_a_decision_from_its_recorded_inputs(world: World) -> None:
    world.track("u1", "signup", data={"ip": "10.0.0.1"},
                identity_data={"email": "zxcvbn@mailinator.com", "name": "Test User"})  # fmt: skip
    for i in range(6):
        world.track("u1", "login_failed", at=T0 + timedelta(minutes=1, seconds=20 * i))
    world.track("u1", "password_reset", at=T0 + timedelta(minutes=5))
    world.track("u1", "email_changed", at=T0 + timedelta(minutes=7))  # the owner locked out after the reset
    world.track("u2", "signup", data={"ip": "10.0.0.1"}, identity_data={"email": "zxcvbn+2@mailinator.com"})
    world.score()
    latest = world.latest("u1")
    assert latest is not None
    decision = world.c.scoring.repository.get(FraudDecision.create_id(world.team, latest["cycle_id"]))
    assert isinstance(decision, FraudDecision)
    assert decision.identity == "u1" and decision.datasets_version == global_datasets().version + "+c0"
    replayed = evaluate(IdentityProfile.from_dict(decision.profile), global_datasets())
    assert [o.to_dict() for o in replayed.observations] == decision.observations
    assert {c.value: v for c, v in replayed.scores.items()} == decision.scores
    assert "behavior.account-takeover-signal" in {o["id"] for o in decision.observations}


def test_a_new_alias_account_re_scores_the_identity_it_links_to(world: World) -> None:
    world.track("first", "signup", identity_data={"email": "ann.lee@gmail.com", "name": "Ann Lee"})
    world.score()
    assert "uniqueness.distinct" in world.observation_ids("first")
    before = world.identity("first")["uniqueness_score"]
    world.track("second", "signup", at=T0 + timedelta(days=1),
                identity_data={"email": "annlee+promo@googlemail.com", "name": "Lee Ann"})  # fmt: skip
    assert world.score() == 2  # the new identity, and the one it links to
    assert "uniqueness.similar-email" in world.observation_ids("first")
    assert world.identity("first")["uniqueness_score"] < before


def test_privacy_addresses_of_one_home_link_its_accounts(world: World) -> None:
    """Each day brings a new IPv6 address inside the home's /64; the accounts still share the home."""
    world.track("ann", "signup", data={"ip": "2001:db8:aa:1:1c2f:9e1:7ab:12"},
                identity_data={"email": "ann.lee@example.com"})  # fmt: skip
    world.track("bob", "signup", at=T0 + timedelta(hours=20), data={"ip": "2001:db8:aa:1:84d:3e0:c2:9"},
                identity_data={"email": "rob.stone@example.org"})  # fmt: skip
    world.track("eve", "signup", at=T0 + timedelta(hours=20), data={"ip": "2001:db8:bb:1:84d:3e0:c2:9"},
                identity_data={"email": "eve.north@example.net"})  # fmt: skip
    world.score()
    ann = world.latest("ann")
    assert ann is not None
    (shared_ip,) = [o for o in ann["observations"] if o["id"] == "uniqueness.shared-ip"]
    assert shared_ip["metadata"]["examples"] == ["bob"]
    assert "uniqueness.distinct" in world.observation_ids("eve")
    with world.c.views.connect() as conn:  # the event keeps its address; only the graph uses the network
        ips = dict(conn.execute(select(events.c.identity_id, events.c.ip)).tuples().all())
    assert ips["ann"] == "2001:db8:aa:1:1c2f:9e1:7ab:12"


def test_disregarding_an_identity_re_scores_the_identities_on_its_devices(world: World) -> None:
    for who in ("staff", "customer"):
        world.track(who, "login", data={"fingerprint": "fp-shared"})
    world.score()
    assert "uniqueness.shared-device" in world.observation_ids("customer")
    cycles = len(world.history("staff"))
    world.c.tracking.edit_identity(world.team, "staff", attributes=None, disregarded=True)
    world.score(after_window=False)  # disregarding takes effect at once
    assert "uniqueness.shared-device" not in world.observation_ids("customer")
    assert len(world.history("staff")) == cycles  # a disregarded identity is not scored


def test_a_disregarded_identity_is_held_until_regarded_again(world: World) -> None:
    world.track("u1", "signup")
    world.score()
    world.c.tracking.edit_identity(world.team, "u1", attributes=None, disregarded=True)
    world.track("u1", "login", at=T0 + timedelta(minutes=5))
    world.score()
    world.c.engine.sweep()
    world.score()
    assert len(world.history("u1")) == 1  # neither its events, the window nor the sweep score it

    def queue_entry() -> tuple[bool, int | None, int]:
        with world.c.views.connect() as conn:
            f = identity_features.c
            row = conn.execute(
                select(f.pending, f.due_at, f.scored_position).where(f.customer_id == world.team, f.identity_id == "u1")
            ).one()
        return row.pending, row.due_at, row.scored_position

    held = queue_entry()
    assert held[0] is True and held[1] is None  # queued without a due time: no cycle takes it, none settles it
    world.c.tracking.edit_identity(world.team, "u1", attributes=None, disregarded=False)
    world.score(after_window=False)  # regarding it again scores what arrived meanwhile, at once
    assert len(world.history("u1")) == 2
    latest = world.latest("u1")
    assert latest is not None and latest["event_count"] == 2
    assert queue_entry()[:2] == (False, None)


def test_the_sweep_re_queues_identities_scored_with_other_rules(world: World) -> None:
    world.track("u1", "signup")
    world.score()
    with world.c.views.begin() as conn:
        conn.execute(
            update(identity_features)
            .where(identity_features.c.customer_id == world.team)
            .values(scored_with="old-rules|old-data")
        )
    assert world.c.engine.sweep() >= 1  # other tests of this module left teams in the database
    world.score()
    assert len(world.history("u1")) == 2
    assert world.c.engine.sweep() == 0


def test_rebuilt_read_models_keep_scores_and_queue(world: World) -> None:
    world.track("u1", "signup", identity_data={"email": "ann@mailinator.com"})
    world.track("u2", "signup")
    world.score()
    world.track("u2", "login", at=T0 + timedelta(hours=1))  # not scored yet
    world.c.tracking_runner.catch_up()
    before = world.identity("u1")
    world.c.rebuild_read_models()
    after = world.identity("u1")
    assert {k: after[k] for k in ("authenticity_score", "last_cycle_id", "last_scored_at")} == {
        k: before[k] for k in ("authenticity_score", "last_cycle_id", "last_scored_at")
    }
    with world.c.views.connect() as conn:
        f = identity_features.c
        pending = dict(conn.execute(select(f.identity_id, f.pending).where(f.customer_id == world.team)).all())
    assert pending == {"u1": False, "u2": True}


def test_activity_stays_the_same_size_however_long_the_history(world: World) -> None:
    sizes = []
    for total in (300, 3000):
        identity = f"u{total}"
        for i in range(total):
            world.track(identity, ["login", "page_view", "login_failed"][i % 3], at=T0 + timedelta(seconds=37 * i))
        world.score()
        with world.c.views.connect() as conn:
            activity = conn.execute(
                select(identity_features.c.activity).where(
                    identity_features.c.customer_id == world.team, identity_features.c.identity_id == identity
                )
            ).scalar_one()
        assert activity["event_count"] == total
        sizes.append(len(repr(activity)))
    assert sizes[1] <= sizes[0] * 1.1  # once the windows are full, the size stops growing


def test_a_mapping_change_re_scores_the_teams_identities_at_the_sweep(world: World) -> None:
    world.track("u1", "registro", identity_data={"correo": "abc@mailinator.com"})
    world.score()
    assert "authenticity.disposable-email" not in world.observation_ids("u1")
    world.c.tracking.put_mapping(world.team, "IDENTITY_FIELD", "correo", "EMAIL", None)
    world.c.tracking_runner.catch_up()
    assert world.c.engine.sweep() >= 1
    world.score()
    assert "authenticity.disposable-email" in world.observation_ids("u1")
    latest = world.latest("u1")
    assert latest is not None
    decision = world.c.scoring.repository.get(FraudDecision.create_id(world.team, latest["cycle_id"]))
    assert decision.mappings_version.startswith("m") and decision.mappings_version != "m0"


def test_accounts_that_begin_alike_are_linked_by_behavior(world: World) -> None:
    script = ["user.signup", "verify_email", "profile_update", "promo_redeem", "logout"]
    for bot in ("bot-1", "bot-2"):
        for i, name in enumerate(script):
            world.track(bot, name, at=T0 + timedelta(seconds=3 * i + (1 if bot == "bot-2" else 0)))
    for i, name in enumerate(["user.signup", "login", "page_view", "page_view", "logout"]):
        world.track("person", name, at=T0 + timedelta(minutes=2, seconds=40 * i))
    world.score()
    assert "uniqueness.similar-behavior" in world.observation_ids("bot-1")
    assert "uniqueness.similar-behavior" not in world.observation_ids("person")


def test_an_identity_whose_cycle_fails_is_retried_later_without_stalling_the_queue(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.track("broken", "signup")
    world.track("fine", "signup")
    real = world.c.engine.queue.load

    def load(customer_id: UUID, identity: str) -> Any:
        if identity == "broken":
            raise RuntimeError("a bug in one identity's inputs")
        return real(customer_id, identity)

    monkeypatch.setattr(world.c.engine.queue, "load", load)
    assert world.score() == 1  # drains: the failure is postponed, not retried in a hot loop
    assert world.latest("fine") is not None and world.latest("broken") is None
    monkeypatch.setattr(world.c.engine.queue, "load", real)
    world.later = timedelta(seconds=61 + 61)
    assert world.c.engine.drain() == 1
    world.c.scoring_runner.catch_up()
    assert world.latest("broken") is not None


def test_a_busy_identity_keeps_its_mailbox_among_its_keys(world: World) -> None:
    world.track("first", "signup", identity_data={"email": "ann.lee@gmail.com"})
    for n in range(60):  # more IPs than a cycle reads
        world.track("first", "login", at=T0 + timedelta(hours=n + 1), data={"ip": f"198.51.100.{n}"})
    world.track("second", "signup", at=T0 + timedelta(days=5), identity_data={"email": "annlee+b@gmail.com"})
    world.score()
    assert "uniqueness.similar-email" in world.observation_ids("first")
    assert "uniqueness.similar-email" in world.observation_ids("second")


def test_a_crowded_key_is_read_in_part_and_counted_whole(world: World) -> None:
    for n in range(60):
        world.track(f"cafe-{n}", "login", at=T0 + timedelta(hours=n), data={"ip": "192.0.2.77"})
    world.c.tracking_runner.catch_up()
    inputs = world.c.engine.queue.load(world.team, "cafe-0")
    assert inputs is not None
    shared = [s for s in inputs.profile.shared if s.key == "192.0.2.77"]
    assert len(shared) == 50  # the first holders only
    assert {s.sharers for s in shared} == {60}  # but all of them counted
    with world.c.views.connect() as conn:
        assert len(identity_links(conn, world.team, "cafe-0")) == 50
