"""Time windows over an identity's own event times (µs since the epoch)."""

from domain.scoring.activity import MICROS

MINUTE = 60 * MICROS
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def densest(times: list[int], window: int) -> tuple[int, int | None, int | None]:
    """The most of these sorted timestamps inside any window of this length, and where that window
    starts and ends."""
    best, first, last, start = 0, None, None, 0
    for i, t in enumerate(times):
        while t - times[start] > window:
            start += 1
        if i - start + 1 > best:
            best, first, last = i - start + 1, times[start], t
    return best, first, last
