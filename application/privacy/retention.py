"""The daily retention job: what a team's identities did more than its retention days ago is shredded.

Each team with a retention limit (its plan's `retention_days`, set by `dregs teams limits`) has its day keys
from before the cut destroyed (application/privacy/key_ring.py), which makes every sealed copy of those days'
event data, clients, decisions' inputs, reviews and news unreadable at once; then, once no process can still
hold one of those keys, the cut is recorded in the Tracking log (domain/privacy/retention.py) and the
projections purge the read models' plain copies when they reach it. Identities keep their attributes (their
lifelong key), scores, and the types and times of what they did. A run repeated the same day changes nothing.

Runs in the process that runs scoring (`dregs run scoring`, or the embedded default's one process): at start,
then every RETENTION_EVERY_SECONDS."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from application.privacy.key_ring import KeyRing, outlive_held_keys
from application.tracking.application import TrackingApplication
from domain.polling import PollingLoop
from domain.privacy.personal_data import day_period

log = logging.getLogger(__name__)
RETENTION_EVERY_SECONDS = 3600.0  # daily in effect: a run finds nothing new until the next UTC day begins
FAILED_RETRY_SECONDS = 300.0


@dataclass(frozen=True)
class Retained:
    customer_id: UUID
    days: int
    before: datetime  # everything before this UTC midnight is shredded
    keys_destroyed: int
    position: int  # where the Tracking log recorded the cut (0: recorded before)


def cut_for(now: datetime, days: int) -> datetime:
    """The UTC midnight before which a team keeping `days` days of data has nothing left: the day `days` ago
    is kept whole until it is over."""
    day = (now.astimezone(UTC) - timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class Retention:
    def __init__(
        self,
        tracking: TrackingApplication,
        key_ring: KeyRing,
        teams: Callable[[], list[tuple[UUID, int]]],
        *,
        applied: Callable[[list[Retained]], None] = lambda _: None,
        wait: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """`teams`: (team, retention days) of every team with a limit; `applied`: told what a run recorded, once it
        is (the container waits there for the purge to reach the read models)."""
        self._tracking = tracking
        self._key_ring = key_ring
        self._teams = teams
        self._applied = applied
        self._wait = wait
        self._clock = clock
        self._loop = PollingLoop(
            "dregs-retention",
            lambda: len(self.run()),
            caught_up=lambda _: True,
            poll=lambda: RETENTION_EVERY_SECONDS,
            backoff=lambda _: FAILED_RETRY_SECONDS,
            failed=lambda delay: log.exception("the retention job failed; trying again in %.0f s", delay),
        )

    def run(self) -> list[Retained]:
        """One run over every team with a limit; what it shredded now."""
        now = self._clock()
        cuts = [(team, days, cut_for(now, days)) for team, days in self._teams() if days > 0]
        destroyed = {team: self._key_ring.expire(team, day_period(before), now) for team, _, before in cuts}
        if any(destroyed.values()):
            outlive_held_keys(self._wait)
        done = [
            Retained(team, days, before, destroyed[team], self._tracking.apply_retention(team, before, days, now))
            for team, days, before in cuts
        ]
        recorded = [r for r in done if r.position > 0 or r.keys_destroyed > 0]
        for r in recorded:
            log.info(
                "retention of team %s: before %s, %d day keys destroyed", r.customer_id, r.before, r.keys_destroyed
            )
        if recorded:
            self._applied(recorded)
        return recorded

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()
