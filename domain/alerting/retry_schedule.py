"""When a failed delivery is tried again: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
(Svix's schedule, which receivers know), each ±20 % so a receiver that comes back is not met by
every sender at once. After the eighth attempt the delivery is FAILED."""

import random

SCHEDULE_SECONDS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(SCHEDULE_SECONDS) + 1
JITTER = 0.2
MAX_RETRY_AFTER_SECONDS = 24 * 3600


def retry_delay(attempt: int, retry_after: float | None = None, rng: random.Random | None = None) -> float | None:
    """Seconds to wait after failed attempt number `attempt` (1-based); None: give up. A receiver's
    Retry-After (429, 503) is honoured when it asks for longer than the schedule."""
    if attempt >= MAX_ATTEMPTS:
        return None
    base = SCHEDULE_SECONDS[attempt - 1]
    delay = base * (1 + (rng or random).uniform(-JITTER, JITTER))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
    return delay
