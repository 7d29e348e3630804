"""Retention (issue 16), on the embedded default (SQLite files) and PostgreSQL: with the team's limit set by the
operator (`dregs teams set-limits --retention-days 30`), the daily job shreds what its identities did more than 30
days ago: the old event's data, address and user agent are in no row of any table (PostgreSQL) and in no byte of any
file of the data folder (SQLite), while the recent event's are, and so is the identity's e-mail (its attributes are
kept until it is erased). The old event stays listed, its type and time, its data empty. A second run the same day
shreds nothing more; the cut is on the record as the team's TeamRetention.Applied event."""

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from api.cli import main
from application.privacy.retention import Retained
from domain.privacy.retention import TeamRetention
from tests.e2e.test_erasure import found_anywhere
from tests.support import (
    PASSWORD,
    LiveServer,
    Team,
    fresh_postgres_database,
    live_server,
    operator_env,
    sign_up,
    wait_until,
)

TIMEOUT = 60
DAYS = 30


@dataclass
class World:
    server: LiveServer
    team: Team
    customer_id: str
    database_url: str | None
    old: list[str]
    recent: list[str]
    email: str
    first_run: list[Retained]


def set_retention(server: LiveServer, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    operator_env(server, monkeypatch)
    main(["teams", "set-limits", name, "--retention-days", str(DAYS)])


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    with contextlib.ExitStack() as stack, pytest.MonkeyPatch.context() as monkeypatch:
        url = stack.enter_context(fresh_postgres_database()) if request.param == "postgres" else None
        server = stack.enter_context(live_server(url))
        tag = secrets.token_hex(5)
        name = f"Retained {tag}"
        team = sign_up(server, name)
        customer_id = server.container.accounts.log_in(team.email, PASSWORD).customer_id
        old = [f"old-note-{tag}", "198.51.100.61", f"OldProbe/{tag}"]
        recent = [f"new-note-{tag}", "198.51.100.99", f"NewProbe/{tag}"]
        email = f"keeper.{tag}@retained{tag}.example"
        now = datetime.now(UTC)
        sdk = team.sdk()
        sdk.track("login", identity="old-timer", timestamp=now - timedelta(days=2 * DAYS),
                  identity_data={"email": email}, data={"note": old[0], "ip": old[1], "userAgent": old[2]})  # fmt: skip
        sdk.track("login", identity="old-timer", timestamp=now - timedelta(days=1),
                  data={"note": recent[0], "ip": recent[1], "userAgent": recent[2]})  # fmt: skip
        wait_until(lambda: sdk.identities.get("old-timer").last_scored_at, TIMEOUT, "the identity scored")
        container = server.container
        world = World(server, team, str(customer_id), url, old, recent, email, [])
        assert set(found_anywhere(world, old)) == set(old)  # type: ignore[arg-type] - there before the job
        set_retention(server, monkeypatch, name)
        wait_until(lambda: (customer_id, DAYS) in container._retention_limits(), TIMEOUT, "the limit in the read model")
        world.first_run = [r for r in container.retention.run() if r.customer_id == customer_id]
        yield world


def test_the_job_shreds_what_is_older_than_the_retention_and_keeps_the_rest(world: World) -> None:
    ran = world.first_run
    assert len(ran) == 1 and ran[0].days == DAYS and ran[0].keys_destroyed >= 1, world.first_run
    assert ran[0].before == datetime.combine(
        (datetime.now(UTC) - timedelta(days=DAYS)).date(), datetime.min.time(), UTC
    )
    assert found_anywhere(world, world.old) == {}  # type: ignore[arg-type]
    kept = found_anywhere(world, [*world.recent, world.email])  # type: ignore[arg-type]
    assert set(kept) == {*world.recent, world.email}, kept


def test_old_events_stay_listed_without_their_data(world: World) -> None:
    events = world.team.http.get("/api/events", params={"identity": "old-timer"}).json()["content"]
    by_note = {e["eventData"].get("note"): e for e in events}
    assert set(by_note) == {None, world.recent[0]}, events
    assert by_note[None]["eventName"] == "login" and by_note[None]["ip"] is None
    assert world.team.sdk().identities.get("old-timer").display_email == world.email


def test_a_second_run_shreds_nothing_more_and_the_cut_is_recorded(world: World) -> None:
    container = world.server.container
    assert [r for r in container.retention.run() if str(r.customer_id) == world.customer_id] == []
    tracking = container.tracking
    applied = [
        e
        for n in tracking.recorder.select_notifications(1, 10_000)
        if isinstance(e := tracking.mapper.to_domain_event(n), TeamRetention.Applied)
        and str(e.customer_id) == world.customer_id
    ]
    assert [(a.days, a.before) for a in applied] == [(DAYS, world.first_run[0].before)]
