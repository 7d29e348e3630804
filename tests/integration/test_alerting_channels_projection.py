"""The alerting log → the channels, deliveries and delivery_attempts read models, on SQLite and
PostgreSQL: every Channel and Delivery event, projected by the real runner, and read back through the
queries the API uses."""

import contextlib
import secrets
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import Engine, select

from adapters.alerting.secret_box import FernetSecretBox
from adapters.eventstore import postgres_env, sqlite_env
from adapters.privacy.key_store import key_ring_beside
from adapters.views_db import drop_views, views_engine
from application.alerting import channels as c
from application.alerting.application import AlertingApplication
from domain.alerting.channel import Channel
from domain.alerting.delivery import Delivery
from domain.times import to_micros
from projections.alerting.projection import AlertingProjection
from projections.alerting.queries.channels import channel_by_slug, list_channels
from projections.alerting.queries.deliveries import channel_deliveries, get_delivery
from projections.paging import PageRequest
from projections.runner import ProjectionRunner
from projections.schema import channels
from tests.support import fresh_postgres_database

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@contextlib.contextmanager
def stores(backend: str, clock: Clock) -> Iterator[tuple[AlertingApplication, Engine]]:
    with tempfile.TemporaryDirectory() as d, contextlib.ExitStack() as stack:
        if backend == "sqlite":
            app = AlertingApplication(
                env := sqlite_env(Path(d), "alerting"), clock=clock, key_ring=key_ring_beside(env)
            )
            engine = views_engine(None, Path(d))
        else:
            url = stack.enter_context(fresh_postgres_database())
            app = AlertingApplication(env := postgres_env(url, pool_size=2), clock=clock, key_ring=key_ring_beside(env))
            engine = views_engine(url, Path(d), pool_size=2)
            drop_views(engine)
        stack.callback(app.close)
        stack.callback(engine.dispose)
        yield app, engine


def _project(app: AlertingApplication, engine: Engine) -> None:
    ProjectionRunner(engine, AlertingProjection(), app.recorder, app.mapper.to_domain_event).catch_up()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_every_channel_and_delivery_event_is_projected(backend: str) -> None:
    clock, box, team, other = Clock(), FernetSecretBox(secrets.token_urlsafe(32)), uuid4(), uuid4()
    with stores(backend, clock) as (app, engine):
        hook = c.create_channel(
            app, box, team, name="Ops hook", type="WEBHOOK", config={"url": "https://hooks.example.com/x"},
            events=["IDENTITY_SCORED"],
        )  # fmt: skip
        slack_url = "https://hooks.slack.com/services/T1/B2/secretpart"
        c.create_channel(
            app, box, team, name="Slack", type="SLACK", config={"webhookUrl": slack_url}, events=["ESCALATION_OPENED"]
        )
        c.create_channel(
            app, box, team, name="Mail", type="EMAIL", config={"addresses": ["a@example.com"]},
            events=["ESCALATION_OPENED"], enabled=False,
        )  # fmt: skip
        c.create_channel(
            app, box, other, name="Ops hook", type="WEBHOOK", config={"url": "https://other.example.com/x"},
            events=["IDENTITY_SCORED"],
        )  # fmt: skip
        _project(app, engine)
        with engine.connect() as conn:
            assert [r["slug"] for r in list_channels(conn, team)] == ["ops-hook", "slack", "mail"]
            row = channel_by_slug(conn, team, "slack")
            assert row is not None and row["config"] == {"webhookUrl": "https://hooks.slack.com/services/T…/B…/****"}
            assert channel_by_slug(conn, team, "mail")["enabled"] is False  # type: ignore[index]
            assert channel_by_slug(conn, other, "ops-hook")["config"]["url"] == "https://other.example.com/x"  # type: ignore[index]

        clock.now = T0 + timedelta(minutes=1)
        c.change_channel(app, box, team, "ops-hook", {"name": "Renamed", "events": ["ESCALATION_CLOSED"]})
        clock.now = T0 + timedelta(minutes=2)
        c.rotate_secret(app, box, team, "ops-hook")
        channel = app.get(hook.channel.id, Channel)
        assert channel is not None
        channel.failing(at=T0 + timedelta(minutes=3))
        channel.disable(reason="the receiver answered 410 Gone", at=T0 + timedelta(minutes=4))
        app.save(channel)
        _project(app, engine)
        with engine.connect() as conn:
            row = channel_by_slug(conn, team, "ops-hook")
            assert row is not None
            assert (row["name"], row["events"], row["enabled"]) == ("Renamed", ["ESCALATION_CLOSED"], False)
            assert row["disabled_reason"] == "the receiver answered 410 Gone"
            assert row["failing_since"] == to_micros(T0 + timedelta(minutes=3))
            assert row["updated_at"] == to_micros(T0 + timedelta(minutes=4))

        clock.now = T0 + timedelta(minutes=5)
        c.change_channel(app, box, team, "ops-hook", {"enabled": True})
        channel = app.get(hook.channel.id, Channel)
        assert channel is not None
        channel.succeeded(at=T0 + timedelta(minutes=6))
        app.save(channel)
        _project(app, engine)
        with engine.connect() as conn:
            row = channel_by_slug(conn, team, "ops-hook")
            assert row is not None and row["enabled"] is True
            assert row["disabled_reason"] is None and row["failing_since"] is None
            assert row["last_success_at"] == to_micros(T0 + timedelta(minutes=6))

        # Deliveries: one retried then delivered, one postponed then failed for good, one abandoned.
        clock.now = T0 + timedelta(minutes=10)
        _, retried = c.send_test(app, team, "ops-hook", None)
        clock.now = T0 + timedelta(minutes=11)
        _, failed = c.send_test(app, team, "ops-hook", None)
        clock.now = T0 + timedelta(minutes=12)
        _, abandoned = c.send_test(app, team, "ops-hook", None)
        retried.attempted(1, 500, "HTTP 500", False, T0 + timedelta(minutes=13), T0 + timedelta(minutes=12, seconds=1))
        retried.attempted(2, 204, None, True, None, T0 + timedelta(minutes=13))
        failed.postpone(until=T0 + timedelta(minutes=20), reason="over the channel's rate limit")
        failed.attempted(1, None, "connection refused " * 50, False, None, T0 + timedelta(minutes=20))
        abandoned.abandon(reason="the channel was deleted", at=T0 + timedelta(minutes=14))
        app.save(retried, failed, abandoned)
        _project(app, engine)
        with engine.connect() as conn:
            page = channel_deliveries(conn, team, hook.channel.number, PageRequest())
            assert [r["delivery_id"] for r in page.rows] == [abandoned.id, failed.id, retried.id]  # newest first
            assert page.total == 3
            by_id = {r["delivery_id"]: r for r in page.rows}
            r = by_id[retried.id]
            assert (r["status"], r["attempts"], r["last_status_code"], r["last_error"]) == ("DELIVERED", 2, 204, None)
            assert r["delivered_at"] == to_micros(T0 + timedelta(minutes=13)) and r["next_attempt_at"] is None
            assert [(a["attempt"], a["status_code"], a["succeeded"], a["error"]) for a in r["attempt_rows"]] == [
                (1, 500, False, "HTTP 500"),
                (2, 204, True, None),
            ]
            assert r["attempt_rows"][0]["next_attempt_at"] == to_micros(T0 + timedelta(minutes=13))
            r = by_id[failed.id]
            assert (r["status"], r["attempts"], r["next_attempt_at"]) == ("FAILED", 1, None)
            assert r["last_error"].startswith("connection refused") and len(r["last_error"]) == 500
            r = by_id[abandoned.id]
            assert (r["status"], r["attempts"], r["last_error"]) == ("FAILED", 0, "the channel was deleted")
            assert r["attempt_rows"] == []
            only_failed = channel_deliveries(conn, team, hook.channel.number, PageRequest(), "FAILED")
            assert {r["delivery_id"] for r in only_failed.rows} == {failed.id, abandoned.id}
            oldest = channel_deliveries(conn, team, hook.channel.number, PageRequest(page_size=1, descending=False))
            assert [r["delivery_id"] for r in oldest.rows] == [retried.id] and oldest.total == 3
            assert channel_deliveries(conn, other, hook.channel.number, PageRequest()).total == 0
            assert get_delivery(conn, other, retried.id) is None
            assert get_delivery(conn, team, retried.id)["status"] == "DELIVERED"  # type: ignore[index]

        # A postponed delivery keeps its place and says why.
        _, waiting = c.send_test(app, team, "slack", None)
        waiting.postpone(until=T0 + timedelta(hours=1), reason="over the rate limit")
        app.save(waiting)
        c.delete_channel(app, team, "mail")
        _project(app, engine)
        with engine.connect() as conn:
            row = get_delivery(conn, team, waiting.id)
            assert row is not None and row["status"] == "PENDING" and row["last_error"] == "over the rate limit"
            assert row["next_attempt_at"] == to_micros(T0 + timedelta(hours=1))
            assert channel_by_slug(conn, team, "mail") is None
            assert [r["slug"] for r in list_channels(conn, team)] == ["ops-hook", "slack"]
            deleted = conn.execute(
                select(channels.c.deleted, channels.c.enabled).where(channels.c.slug == "mail")
            ).one()
            assert tuple(deleted) == (True, False)
        assert app.get(waiting.id, Delivery) is not None
