"""The delivery rate limits, counted where the workers share them: Redis when REDIS_URL is set, else memory.

Synchronous (the `limits` package's sync API): a try runs in a worker thread. An unreachable Redis lets
the delivery through, as the API's limits do: an outage of the limiter must not stop deliveries."""

import logging
import time

from limits import RateLimitItem
from limits.storage import storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

log = logging.getLogger(__name__)


class DeliveryRateLimits:
    def __init__(self, rules: dict[str, RateLimitItem | None], redis_url: str | None, key_prefix: str) -> None:
        self._rules = rules
        storage = (
            storage_from_string(redis_url, key_prefix=f"{key_prefix}:deliveries", wrap_exceptions=True)
            if redis_url
            else storage_from_string("memory://")
        )
        self._limiter = SlidingWindowCounterRateLimiter(storage)

    def over(self, rule: str, key: str) -> float | None:
        item = self._rules.get(rule)
        if item is None:
            return None
        try:
            if self._limiter.hit(item, rule, key):
                return None
            stats = self._limiter.get_window_stats(item, rule, key)
        except Exception:
            log.exception("delivery rate limiter unavailable; letting the delivery through")
            return None
        return max(1.0, stats.reset_time - time.time())
