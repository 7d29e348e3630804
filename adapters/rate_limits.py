"""Rate limits, counted in Redis when REDIS_URL is set (shared by every worker and
atomic, through the `limits` package's scripts), in memory otherwise.

Auth rules (few requests, abuse-sensitive) use an exact moving window; the per-caller
API and ingestion rules, checked on every request, use the cheaper sliding-window
counter. If Redis is unreachable the request is let through and the failure logged:
an outage of the limiter must not become an outage of ingestion.

A rule of LEASE_FROM or more requests a window is counted a lease at a time: a process
counts a hundredth of the limit in one hit and spends it locally within a tenth of the
window, so ingestion at 1,000 events/s per key costs Redis about ten calls a second per
process, not a thousand (that round trip was a fifth of the web workers' time holding
the GIL under load, py-spy --gil). Every request is counted before it is let through,
at most a tenth of a window early; near the limit, when a whole lease no longer fits,
requests are counted one by one as before. Leased tokens not spent in time are lost: a
caller far below its limit is counted more than it sent, never one near it."""

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter, RateLimiter, SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

T = TypeVar("T")
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
LEASE_FROM = 200  # requests a window from which a rule is counted a lease at a time
LEASES_PER_WINDOW = 100  # a lease is this share of the limit
LEASE_LIFE = 0.1  # of the rule's window
MAX_LEASES = 10_000  # kept at once; past it, the spent and expired ones are dropped


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


@dataclass
class _Lease:
    left: int  # counted already, not spent yet
    until: float  # time.monotonic() after which what is left is lost


def lease_size(item: RateLimitItem) -> int:
    """How many requests one hit counts for a rule: 1 below LEASE_FROM a window."""
    return item.amount // LEASES_PER_WINDOW if item.amount >= LEASE_FROM else 1


class RateLimits:
    def __init__(
        self,
        rules: Mapping[str, RateLimitItem | None],
        redis_url: str | None,
        *,
        key_prefix: str = "dregs",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rules = dict(rules)
        self._leases: dict[tuple[str, str], _Lease] = {}
        self._leasing: dict[tuple[str, str], asyncio.Lock] = {}
        self._clock = clock
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
        if rule in _EXACT:
            return await self._count(self._exact, item, rule, key)
        size = lease_size(item)
        if size == 1:
            return await self._count(self._cheap, item, rule, key)
        if self._spend(rule, key):
            return None
        # One lease at a time per key: requests that find none while another is being counted wait for it
        # (at load, a dozen requests would otherwise each count a whole lease at once).
        async with self._leasing.setdefault((rule, key), asyncio.Lock()):
            if self._spend(rule, key):
                return None
            leased = await _failing_open(self._cheap.hit(item, rule, key, cost=size))
            if leased is None:
                return None
            if not leased:  # a whole lease no longer fits: this request alone may
                return await self._count(self._cheap, item, rule, key)
            now = self._clock()
            if len(self._leases) >= MAX_LEASES:
                self._forget_spent(now)
            self._leases[(rule, key)] = _Lease(size - 1, now + item.get_expiry() * LEASE_LIFE)
            return None

    def _spend(self, rule: str, key: str) -> bool:
        """Take one request from this process's lease for the key, if it has one left in time."""
        lease = self._leases.get((rule, key))
        if lease is None or lease.left <= 0 or self._clock() >= lease.until:
            return False
        lease.left -= 1
        return True

    def _forget_spent(self, now: float) -> None:
        self._leases = {k: v for k, v in self._leases.items() if v.left > 0 and now < v.until}
        self._leasing = {k: v for k, v in self._leasing.items() if k in self._leases or v.locked()}

    async def _count(self, limiter: RateLimiter, item: RateLimitItem, rule: str, key: str) -> Refusal | None:
        async def count() -> Refusal | None:
            if await limiter.hit(item, rule, key):
                return None
            stats = await limiter.get_window_stats(item, rule, key)
            return Refusal(max(1, math.ceil(stats.reset_time - time.time())))

        return await _failing_open(count())


async def _failing_open(work: Awaitable[T]) -> T | None:
    """`work`'s result, or None when the limiter's storage fails (Redis unreachable): the request goes through
    rather than every request failing with it."""
    try:
        return await work
    except Exception:
        log.exception("rate limiter unavailable; letting the request through")
        return None
