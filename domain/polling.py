"""A worker thread that does rounds of work until it is stopped: each projection runner, the scoring engine,
each alerting log follower and the rule-delay timer runs one. It stands in the domain only because every
layer may import the domain (lint-imports): it holds no business rule and does no I/O of its own."""

import threading
from collections.abc import Callable


class PollingLoop:
    """`work` does one round and returns how much it did; `caught_up(done)` says whether that round found
    less than there was room for. After a round that caught up, the next waits `poll()` seconds, or less if
    `wake()` is called; otherwise it starts at once.

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
        again: tuple[type[Exception], ...] = (),
    ) -> None:
        self.name = name
        self.work = work
        self.caught_up = caught_up
        self.poll = poll
        self.failed = failed
        self.backoff = backoff
        self.again = again
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
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
        self._wake.wait(self.poll())
        self._wake.clear()
