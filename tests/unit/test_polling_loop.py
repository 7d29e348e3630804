"""The worker loop of the runners, the scoring engine, the log followers and the delay timer
(domain/polling.py), on a real thread: when it waits, when it goes on at once, how it backs off."""

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.polling import PollingLoop

HOUR = 3600.0
PATIENCE = 10.0  # how long a test waits for the loop before it fails
QUIET = 0.2  # how long a test watches for a round that must not come


class Rounds:
    """Plays a script, one entry a round: a number of items done, or an exception to raise. Past its end
    every round does nothing."""

    def __init__(self, *script: int | Exception) -> None:
        self.script = list(script)
        self.count = 0
        self.failures: list[float] = []
        self.changed = threading.Condition()

    def __call__(self) -> int:
        with self.changed:
            self.count += 1
            self.changed.notify_all()
            step = self.script.pop(0) if self.script else 0
        if isinstance(step, Exception):
            raise step
        return step

    def failed(self, delay: float) -> None:
        with self.changed:
            self.failures.append(delay)
            self.changed.notify_all()

    def until(self, condition: Callable[[], bool], timeout: float = PATIENCE) -> bool:
        with self.changed:
            return self.changed.wait_for(condition, timeout)

    def quiet(self) -> bool:
        """No round more starts for a while."""
        count = self.count
        return not self.until(lambda: self.count > count, QUIET)


@contextmanager
def running(rounds: Rounds, **timing: object) -> Iterator[PollingLoop]:
    options: dict[str, object] = {"caught_up": lambda done: done < 10, "poll": lambda: HOUR, **timing}
    loop = PollingLoop("test-loop", rounds, failed=rounds.failed, **options)  # type: ignore[arg-type]
    loop.start()
    try:
        yield loop
    finally:
        loop.stop()
    assert not loop.running


def test_full_rounds_follow_at_once_and_a_caught_up_one_waits_for_a_wake() -> None:
    rounds = Rounds(10, 10, 3)
    with running(rounds) as loop:
        assert rounds.until(lambda: rounds.count == 3)
        assert loop.running
        assert rounds.quiet()
        loop.wake()
        assert rounds.until(lambda: rounds.count == 4)


def test_a_caught_up_round_waits_for_the_poll() -> None:
    rounds = Rounds(1, 1)
    with running(rounds, poll=lambda: 0.001):
        assert rounds.until(lambda: rounds.count >= 5)


def test_failures_back_off_by_how_many_in_a_row_and_a_success_starts_the_count_again() -> None:
    rounds = Rounds(RuntimeError("a"), RuntimeError("b"), 10, RuntimeError("c"))
    with running(rounds, backoff=lambda failures: failures / 1000):
        assert rounds.until(lambda: len(rounds.failures) == 3)
    assert rounds.failures == [0.001, 0.002, 0.001]


def test_a_back_off_is_not_cut_short_by_a_wake() -> None:
    rounds = Rounds(RuntimeError("down"))
    with running(rounds, backoff=lambda _: HOUR, poll=lambda: 0.001) as loop:
        assert rounds.until(lambda: rounds.failures == [HOUR])
        loop.wake()
        assert rounds.quiet()
        assert rounds.count == 1


def test_without_a_back_off_a_failure_waits_as_a_caught_up_round_does() -> None:
    rounds = Rounds(RuntimeError("down"), 10)
    with running(rounds) as loop:
        assert rounds.until(lambda: rounds.failures == [HOUR])
        assert rounds.quiet()
        loop.wake()
        assert rounds.until(lambda: rounds.count == 3)


class Again(Exception):
    pass


def test_an_exception_that_asks_for_another_round_is_neither_a_failure_nor_a_wait() -> None:
    rounds = Rounds(Again(), Again(), 3)
    with running(rounds, backoff=lambda _: HOUR, again=(Again,)):
        assert rounds.until(lambda: rounds.count == 3)
    assert rounds.failures == []


def test_stop_ends_a_loop_that_waits_an_hour() -> None:
    rounds = Rounds()
    with running(rounds) as loop:
        assert rounds.until(lambda: rounds.count == 1)
    assert not loop.running


def test_a_nudge_is_not_a_wake_the_round_waits_for_its_rest() -> None:
    rounds = Rounds()
    with running(rounds, rest=lambda: HOUR) as loop:
        assert rounds.until(lambda: rounds.count == 1)
        loop.nudge()
        assert rounds.quiet()
        loop.wake()
        assert rounds.until(lambda: rounds.count == 2)


def test_a_nudged_round_starts_once_its_rest_is_over_not_at_the_poll() -> None:
    rest = 0.3
    starts: list[float] = []
    rounds = Rounds()
    work = rounds.__call__

    def timed() -> int:
        starts.append(time.monotonic())
        return work()

    loop = PollingLoop(
        "test-loop", timed, caught_up=lambda done: done < 10, poll=lambda: HOUR, rest=lambda: rest, failed=rounds.failed
    )
    loop.start()
    try:
        assert rounds.until(lambda: rounds.count == 1)
        loop.nudge()
        assert rounds.until(lambda: rounds.count == 2)
    finally:
        loop.stop()
    assert starts[1] - starts[0] >= rest


def test_a_nudge_during_a_round_calls_for_the_next() -> None:
    rounds = Rounds()
    loop_box: list[PollingLoop] = []

    def nudging() -> int:
        done = rounds()
        if rounds.count == 1:
            loop_box[0].nudge()
        return done

    loop = PollingLoop(
        "test-loop",
        nudging,
        caught_up=lambda done: done < 10,
        poll=lambda: HOUR,
        rest=lambda: 0.001,
        failed=rounds.failed,
    )
    loop_box.append(loop)
    loop.start()
    try:
        assert rounds.until(lambda: rounds.count == 2)
        assert rounds.quiet()
    finally:
        loop.stop()


def test_without_a_rest_a_nudge_is_a_wake() -> None:
    rounds = Rounds()
    with running(rounds) as loop:
        assert rounds.until(lambda: rounds.count == 1)
        loop.nudge()
        assert rounds.until(lambda: rounds.count == 2)
