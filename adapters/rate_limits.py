"""Rate limits, counted in Redis when REDIS_URL is set (shared by every worker and
atomic, through the `limits` package's scripts), in memory otherwise.

Auth rules (few requests, abuse-sensitive) use an exact moving window; the per-caller
API and ingestion rules, checked on every request, use the cheaper sliding-window
counter. If Redis is unreachable the request is let through and the failure logged:
an outage of the limiter must not become an outage of ingestion."""

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

log = logging.getLogger(__name__)

# rule → its default
RULES: dict[str, str] = {
    "login_ip": "30/minute",  # login attempts per client IP
    "login_email": "10/minute",  # login attempts per email address
    "signup_ip": "20/hour",  # sign-ups per client IP
    "account": "30/minute",  # password and credential changes per user
    "api": "1200/minute",  # API requests per user or secret key (ingestion excluded)
    "ingest": "1000/second",  # POST /api/events per credential
    "channel_deliveries": "100/second",  # delivery attempts per channel (adapters/alerting/delivery_limits.py)
    "team_email": "200/hour",  # emails per team, all its email channels together
}
_EXACT = {"login_ip", "login_email", "signup_ip", "account"}
OFF = "off"


class RateLimitConfigError(ValueError):
    pass


def parse_rules(values: Mapping[str, str]) -> dict[str, RateLimitItem | None]:
    """Rule name → limit, from strings such as "10/minute" or "off"."""
    rules: dict[str, RateLimitItem | None] = {}
    for name, default in RULES.items():
        value = (values.get(name) or default).strip()
        if value.lower() == OFF:
            rules[name] = None
            continue
        try:
            rules[name] = parse(value)
        except ValueError:
            raise RateLimitConfigError(f"rate limit {name}={value!r} must look like 10/minute, or be off") from None
    return rules


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # whole seconds, at least 1


class RateLimits:
    def __init__(
        self, rules: Mapping[str, RateLimitItem | None], redis_url: str | None, *, key_prefix: str = "dregs"
    ) -> None:
        self._rules = dict(rules)
        if redis_url:
            storage = storage_from_string(
                "async+" + redis_url, implementation="redispy", key_prefix=key_prefix, wrap_exceptions=True
            )
            self._exact: RateLimiter = MovingWindowRateLimiter(storage)
            self._cheap: RateLimiter = SlidingWindowCounterRateLimiter(storage)
        else:
            # Two memory stores: after every counted request the library's store sweeps its moving-window
            # entries with a thread hop each, so the per-request counters must not share a store with the
            # auth rules' windows (measured: about a tenth of the web process's CPU under ingestion load).
            self._exact = MovingWindowRateLimiter(storage_from_string("async+memory://"))
            self._cheap = SlidingWindowCounterRateLimiter(storage_from_string("async+memory://"))

    async def hit(self, rule: str, key: str) -> Refusal | None:
        """Count one request against `rule` for `key`; a Refusal when it is over the limit."""
        item = self._rules[rule]
        if item is None:
            return None
        limiter = self._exact if rule in _EXACT else self._cheap
        try:
            if await limiter.hit(item, rule, key):
                return None
            stats = await limiter.get_window_stats(item, rule, key)
        except Exception:
            log.exception("rate limiter unavailable; letting the request through")
            return None
        return Refusal(max(1, math.ceil(stats.reset_time - time.time())))
