"""A worker thread that does rounds of work until it is stopped: each projection runner, the scoring engine,
each alerting log follower and the rule-delay timer runs one. It stands in the domain only because every
layer may import the domain (lint-imports): it holds no business rule and does no I/O of its own."""

import threading
import time
from collections.abc import Callable


class PollingLoop:
    """`work` does one round and returns how much it did; `caught_up(done)` says whether that round found
    less than there was room for. After a round that caught up, the next waits `poll()` seconds, or less if
    `wake()` is called; otherwise it starts at once.

    `nudge()` says there is new work without asking for it at once: the next round starts `rest()` seconds
    after the last one that caught up, if that is sooner than the poll. An owner told of new work (a
    LISTEN on its log) polls rarely, yet under load its rounds still come no closer than `rest()` apart, so
    each takes a batch rather than chasing every commit. Without `rest`, a nudge is a wake.

    A round that raises is told to `failed(delay)` from inside the `except` block (so it may log the
    traceback), `delay` being how long until the next: with `backoff`, `backoff(failures in a row)` seconds
    that a wake does not cut short (a reader waking the loop must not turn a retry into a flood); without,
    the wait of a round that caught up. An exception in `again` calls for another round at once."""

    def __init__(  # noqa: PLR0913 - each owner's timing, all of it
        self,
        name: str,
        work: Callable[[], int],
        *,
        caught_up: Callable[[int], bool],
        poll: Callable[[], float],
        failed: Callable[[float], None],
        backoff: Callable[[int], float] | None = None,
        rest: Callable[[], float] | None = None,
        again: tuple[type[Exception], ...] = (),
    ) -> None:
        self.name = name
        self.work = work
        self.caught_up = caught_up
        self.poll = poll
        self.failed = failed
        self.backoff = backoff
        self.rest = rest
        self.again = again
        self._changed = threading.Condition()
        self._woken = False
        self._nudged = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        with self._changed:
            self._woken = True
            self._changed.notify()

    def nudge(self) -> None:
        if self.rest is None:
            self.wake()
            return
        with self._changed:
            self._nudged = True
            self._changed.notify()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self.wake()
        if self._thread:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                done = self.work()
            except self.again:
                continue
            except Exception:
                failures += 1
                if self.backoff is None:
                    self.failed(self.poll())
                    self._idle()
                else:
                    delay = self.backoff(failures)
                    self.failed(delay)
                    self._stop.wait(delay)
                continue
            failures = 0
            if self.caught_up(done):
                self._idle()

    def _idle(self) -> None:
        start = time.monotonic()
        poll_until = start + self.poll()
        rest_until = start + (self.rest() if self.rest is not None else 0.0)
        with self._changed:
            while not self._woken:
                now = time.monotonic()
                until = min(poll_until, rest_until) if self._nudged else poll_until
                if now >= until:
                    break
                self._changed.wait(until - now)
            # What came in during the round that follows calls for the round after it.
            self._woken = self._nudged = False
