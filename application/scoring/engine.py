"""The scoring process: takes identities whose inputs changed off the queue, runs the
analyzers over their features and records one FraudDecision per cycle.

The queue (kept by the tracking projection) already coalesces bursts; a periodic
sweep re-queues identities scored with other rules or datasets than the current
ones."""

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from uuid import UUID

from application.ports import CycleInputsLike, ScoringQueuePort
from application.scoring.application import ScoringApplication
from domain.polling import PollingLoop
from domain.scoring.analyzers import RULES_VERSION
from domain.scoring.categories import Category
from domain.scoring.datasets import Datasets, overlay
from domain.scoring.fraud_decision import (
    NO_MAPPINGS,
    NO_TEAM_DATASETS,
    FraudDecision,
    evaluate,
    versions_label,
)
from domain.scoring.observation import Observation
from domain.scoring.profile import IdentityProfile
from domain.scoring.review import IdentityReview
from domain.scoring.review_writer import write_review
from domain.times import to_micros

log = logging.getLogger(__name__)
RETRY_SECONDS = 60
PACE_FROM = 10  # identities due in one round from which background scoring is a backlog, and rests


def check_duty(duty: float) -> float:
    if not 0 < duty <= 1:
        raise ValueError("duty must be in (0, 1]")
    return duty


def rest_after(busy_seconds: float, duty: float) -> float:
    """How long a background worker rests after a cycle of `busy_seconds`, so that it spends `duty` of
    its time in cycles."""
    return max(0.0, busy_seconds) * (1.0 - check_duty(duty)) / duty


class ScoringEngine:
    def __init__(  # noqa: PLR0913 - the engine's knobs, all settings
        self,
        scoring: ScoringApplication,
        queue: ScoringQueuePort,
        datasets: Callable[[], Datasets],
        *,
        coalesce_seconds: float = 2.0,
        sweep_seconds: float = 600.0,
        batch_size: int = 100,
        poll_seconds: float = 0.25,
        concurrency: int = 1,
        duty: float = 1.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.scoring = scoring
        self.queue = queue
        self.datasets = datasets
        self.coalesce_micros = int(coalesce_seconds * 1_000_000)
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.clock = clock
        # The share of its time each background worker spends in cycles: after a cycle it rests for
        # (1 - duty) / duty of the time the cycle took, as PostgreSQL's autovacuum rests by its cost delay.
        # A cycle slowed by busy cores or contended locks makes a longer rest, so background scoring
        # backs off as the requests' load grows. Only a backlog rests (see run_once).
        self.duty = check_duty(duty)
        self.pace_from = PACE_FROM
        self._sign_up = threading.Event()  # set by sign_up_due() during a round
        self._resting = threading.Event()  # set when stopping: no rest outlives the engine
        self.rested_seconds = 0.0  # how long background cycles have rested so far, all workers together
        self._rested_lock = threading.Lock()
        # A cycle mostly waits on the database (reads, then the decision's commit): several identities' cycles
        # at once keep up with more traffic. Two never take one identity: `due` lists each once per round.
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="dregs-cycle") if concurrency > 1 else None
        self._team_datasets: dict[UUID, tuple[str, Datasets]] = {}  # team → (its version, GLOBAL + its own)
        # Told after each decision this process records: alerting's follower of the scoring log, in this
        # process, then acts on it at once rather than polling the log for it.
        self.recorded: Callable[[], None] = lambda: None
        self._next_sweep = float("-inf")  # a deploy with new rules re-queues at once
        # A failed round is retried as an idle one is: after the poll, or sooner when woken.
        self._loop = PollingLoop(
            "dregs-scoring",
            self._round,
            caught_up=lambda done: done < self.batch_size,
            poll=lambda: self.poll_seconds,
            failed=lambda _: log.exception("scoring loop failed; retrying"),
        )

    def datasets_for(self, customer_id: UUID, team_version: str) -> Datasets:
        """The GLOBAL datasets with the team's own entries, reloaded only when either changes. `team_version` is
        what the cycle's inputs said; the entries read may be newer, and the version returned is theirs."""
        base = self.datasets()
        cached = self._team_datasets.get(customer_id)
        if cached is not None and cached[0] == team_version and cached[1].version.startswith(base.version + "+"):
            return cached[1]
        loaded, entries = (
            self.queue.team_entries(customer_id) if team_version != NO_TEAM_DATASETS else (team_version, {})
        )
        found = overlay(base, entries, loaded)
        self._team_datasets[customer_id] = (loaded, found)
        return found

    def analyze(self, customer_id: UUID, identity: str) -> FraudDecision | None:
        """One cycle for one identity; None when there is nothing to score (unknown or disregarded)."""
        started = self.clock()
        inputs = self.queue.load(customer_id, identity)
        if inputs is None:
            return None
        return self._cycle(customer_id, identity, inputs, started)

    def _cycle(
        self, customer_id: UUID, identity: str, inputs: CycleInputsLike, started: datetime
    ) -> FraudDecision | None:
        """Score and record one cycle, then settle the queue as the scoring projection will; None when
        the identity is disregarded."""
        if inputs.disregarded:
            # Nothing is recorded, so nothing is settled either: the queue must hold only what the logs
            # say, or a rebuild of the read models would not reproduce it. The tracking projection holds
            # a disregarded identity in the queue without a due time until it is regarded again.
            return None
        datasets = self.datasets_for(customer_id, inputs.datasets_version)
        versions = versions_label(RULES_VERSION, datasets.version, inputs.mappings_version)
        evaluation = evaluate(inputs.profile, datasets)
        decision = self.scoring.record_decision(
            customer_id,
            inputs.profile,
            evaluation,
            started_at=started,
            finished_at=self.clock(),
            inputs_position=inputs.position,
            rules_version=RULES_VERSION,
            datasets_version=datasets.version,
            mappings_version=inputs.mappings_version,
        )
        self.recorded()
        next_due = to_micros(self.clock()) + self.coalesce_micros
        self.queue.settle(customer_id, identity, inputs.position, versions, next_due)
        return decision

    def review(self, customer_id: UUID, number: int, identity: str) -> bool:
        """Write a requested review from a fresh cycle of the identity. False if it was already written
        (the read models list it until they show that): nothing was done, so drain() may stop."""
        if not self.scoring.is_pending(customer_id, number):
            return False
        reason = "The identity could not be analyzed; ask again later."
        try:
            started = self.clock()
            inputs = self.queue.load(customer_id, identity)
            decision = self._cycle(customer_id, identity, inputs, started) if inputs is not None else None
        except Exception:
            log.exception("review %s of %s: the cycle failed", number, identity)
            decision = None
        else:
            if inputs is None:
                reason = "Dregs has nothing recorded about this identity to review yet."
            elif inputs.disregarded:
                reason = "The identity is disregarded: Dregs neither scores nor reviews it."
        at = self.clock()

        def complete(review: IdentityReview) -> None:
            if decision is None:
                review.fail(reason, at)
                return
            written = write_review(
                identity,
                {Category(c): v for c, v in decision.scores.items()},
                [Observation.from_dict(o) for o in decision.observations],
                IdentityProfile.from_dict(decision.profile).links(),
                review.feedback,
            )
            review.finish(written.summary, written.verdict, decision.cycle_id, at)

        self.scoring.complete_review(customer_id, number, complete)
        return True

    def run_once(self, *, paced: bool = False) -> int:
        """Write the requested reviews and score the identities that are due; returns how many succeeded.
        `paced`: each cycle of a round with a backlog (`pace_from` identities due or more) is followed by its
        rest (the background loop; not drain())."""
        done = 0
        for customer_id, number, identity in self.queue.pending_reviews(self.batch_size):
            try:
                done += self.review(customer_id, number, identity)
            except Exception:
                log.exception("review %s of %s failed; retrying", number, identity)
        self._sign_up.clear()  # a sign-up due from here on may be missing from this round's list
        due = self.queue.due(to_micros(self.clock()), self.batch_size)
        # A round with few identities due is keeping up (sign-ups now and then): it does not rest, so the next
        # sign-up's cycle and webhook are not kept waiting. A backlog rests after every cycle.
        paced = paced and len(due) >= self.pace_from
        # Re-scores give way to a sign-up that becomes due during the round (sign_up_due) once they have had
        # as many of the round's cycles as its own sign-ups: one sign-up can make hundreds of neighbours due
        # (a ring sharing a mailbox stem), and the next sign-up's app would wait out their whole round.
        give_way_from = max(1, 2 * sum(1 for _, _, never in due if never))

        def score(n: int, item: tuple[UUID, str, bool]) -> int:
            if n >= give_way_from and self._sign_up.is_set():
                return 0  # still due: the next round, at once, lists the sign-up first
            return self._score(item[0], item[1], paced=paced)

        if self._pool is not None and len(due) > 1:
            return done + sum(self._pool.map(lambda numbered: score(*numbered), enumerate(due)))
        return done + sum(score(n, item) for n, item in enumerate(due))

    def _score(self, customer_id: UUID, identity: str, *, paced: bool = False) -> int:
        began = time.monotonic()
        try:
            self.analyze(customer_id, identity)
            return 1
        except Exception:
            # One identity's failure must not stall the queue: it stays pending, retried later.
            log.exception("scoring %s failed; retrying in %s s", identity, RETRY_SECONDS)
            self.queue.postpone(customer_id, identity, to_micros(self.clock()) + RETRY_SECONDS * 1_000_000)
            return 0
        finally:
            if paced:
                self._rest(rest_after(time.monotonic() - began, self.duty))

    def _rest(self, seconds: float) -> None:
        if seconds <= 0:
            return
        with self._rested_lock:
            self.rested_seconds += seconds
        self._resting.wait(seconds)

    def sweep(self) -> int:
        """Queue identities scored with other rules, datasets or mappings than the current ones."""
        base = self.datasets().version
        current = {
            team: versions_label(RULES_VERSION, f"{base}+{own}", mappings)
            for team, (own, mappings) in self.queue.team_versions().items()
        }
        default = versions_label(RULES_VERSION, f"{base}+{NO_TEAM_DATASETS}", NO_MAPPINGS)
        return self.queue.mark_stale(current, default, to_micros(self.clock()))

    def drain(self) -> int:
        """Run cycles until nothing more succeeds (tests and benchmarks)."""
        total = 0
        while done := self.run_once():
            total += done
        return total

    def start(self) -> None:
        self._loop.start()

    def wake(self) -> None:
        self._loop.wake()

    def sign_up_due(self) -> None:
        """An identity never scored became due (the tracking projection says so, adapters/wakeups.py): score it
        now rather than after the poll, and before the rest of the round's re-scores."""
        self._sign_up.set()
        self._loop.wake()

    @property
    def running(self) -> bool:
        return self._loop.running

    def stop(self, timeout: float = 5.0) -> None:
        self._resting.set()
        self._loop.stop(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def _round(self) -> int:
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.sweep_seconds
            self.sweep()
        return self.run_once(paced=True)
