"""Follows an event log for a policy that acts (issues commands) rather than projects: alerting's
evaluation of each scoring decision, and its rule sweeps.

Its position is kept in a table of its own, outside the read models: `dregs projections rebuild`
empties the read models, and must not make the policies act again on the whole history. The
position moves after the policy's commands were saved, so a stop anywhere means the last batch is
handled again: policies are idempotent (alerting remembers the cycles it evaluated).

A notification whose handling fails on its own, again and again, is logged and stepped over after
MAX_TRIES, so one bad event cannot stop alerting for every team; a failure of the surroundings (the
database away) is retried for as long as it takes."""

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from sqlalchemy import Engine, select, update

from domain.polling import PollingLoop
from projections.runner import NotificationSource, deterministic
from projections.schema import follower_positions
from projections.upsert import insert_ignore

log = logging.getLogger(__name__)
MAX_TRIES = 3


class Policy(Protocol):
    name: str

    def handle(self, events: list[tuple[int, Any]]) -> None: ...


class LogFollower:
    def __init__(  # noqa: PLR0913
        self,
        engine: Engine,
        policy: Policy,
        source: NotificationSource,
        decode: Callable[[Any], Any],
        *,
        batch_size: int = 100,
        poll_interval: float = 0.025,
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.source = source
        self.decode = decode
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._failures: dict[int, int] = {}
        self._loop = PollingLoop(
            f"dregs-{policy.name}",
            self.run_once,
            caught_up=lambda done: done < self.batch_size,
            poll=lambda: self.poll_interval,
            backoff=lambda failures: min(self.poll_interval * 2 ** (failures - 1), 5.0),
            failed=lambda delay: log.exception("%s failed; retrying in %.1f s", self.name, delay),
        )
        with engine.begin() as conn:
            insert_ignore(conn, follower_positions, [{"name": policy.name, "position": self._start()}])

    def _start(self) -> int:
        """A new follower starts at the log's head: it acts on what happens from now on, not on history."""
        return self.source.max_notification_id() or 0

    @property
    def name(self) -> str:
        return self.policy.name

    def position(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                select(follower_positions.c.position).where(follower_positions.c.name == self.name)
            ).scalar_one()

    def _move(self, start: int, end: int) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(follower_positions)
                .where(follower_positions.c.name == self.name, follower_positions.c.position == start)
                .values(position=end)
            )

    def run_once(self) -> int:
        start = self.position()
        notifications: Sequence[Any] = list(self.source.select_notifications(start + 1, self.batch_size))
        if not notifications:
            return 0
        events = [(n.id, self.decode(n)) for n in notifications]
        try:
            self.policy.handle(events)
        except Exception as error:
            if not deterministic(error):
                raise
            self._one_by_one(start, events)
            return len(notifications)
        self._move(start, notifications[-1].id)
        return len(notifications)

    def _one_by_one(self, start: int, events: list[tuple[int, Any]]) -> None:
        position = start
        for notification_id, event in events:
            try:
                self.policy.handle([(notification_id, event)])
            except Exception as error:
                if not deterministic(error):
                    raise
                tries = self._failures.get(notification_id, 0) + 1
                self._failures[notification_id] = tries
                if tries < MAX_TRIES:
                    raise
                log.error(
                    "%s: stepped over notification %s after %s failures: %r", self.name, notification_id, tries, error
                )
            self._failures.pop(notification_id, None)
            self._move(position, notification_id)
            position = notification_id

    def catch_up(self) -> None:
        while self.run_once():
            pass

    def start(self) -> None:
        self._loop.start()

    def wake(self) -> None:
        self._loop.wake()

    def stop(self, timeout: float = 5.0) -> None:
        self._loop.stop(timeout)
