"""The team's monthly event allowance and identities limit (domain/team/limits.py), checked on every event
without a query on every event.

Each process reads a team's allowance at most once a second (a query off the event loop), with the position
of the tracking log the count reaches, and adds the events it committed itself past that position: one process
alone never records past the limit, however far the projection lags. Other processes' events count from the
first read after the projection has counted them, so several web workers together may pass the limit by about
a second of their traffic (and the projection's lag): the limit bounds cost, it is not an exact count, as with
metered APIs generally. A team without limits pays a read a second and nothing per event.

The identities limit is checked against the identities read model: at its limit, an event of an identity the
read model does not know yet is refused, which may refuse an identity created within the projection's lag."""

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from uuid import UUID

from domain.team.limits import Limits
from domain.times import month_of

REFRESH_SECONDS = 1.0  # how old a read of the allowance may be


@dataclass(frozen=True)
class Allowance:
    limits: Limits
    events: int  # recorded this month
    identities: int
    position: int  # of the tracking log, up to which `events` counts


class AllowanceReader(Protocol):
    """The teams' limits and usage as the read models have them (adapters/tracking/allowances.py)."""

    def allowance(self, customer_id: UUID, month: str) -> Allowance: ...

    def identity_known(self, customer_id: UUID, identity: str) -> bool: ...


@dataclass
class _Read:
    allowance: Allowance
    month: str
    at: float  # monotonic
    # Log positions of the events this process committed that the read did not count yet.
    uncounted: list[int] = field(default_factory=list)


class EventQuota:
    def __init__(
        self,
        reader: AllowanceReader,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.clock = clock
        self.monotonic = monotonic
        self.refresh_seconds = REFRESH_SECONDS
        self._reads: dict[UUID, _Read] = {}
        self._refreshing: dict[UUID, asyncio.Future[_Read]] = {}

    async def _read(self, customer_id: UUID) -> _Read:
        month = month_of(self.clock())
        read = self._reads.get(customer_id)
        if read is not None and read.month == month and self.monotonic() - read.at < self.refresh_seconds:
            return read
        # The requests that find the read stale together wait for one query, not one each.
        refreshing = self._refreshing.get(customer_id)
        if refreshing is None:
            refreshing = self._refreshing[customer_id] = asyncio.ensure_future(self._refresh(customer_id, month))
            refreshing.add_done_callback(lambda _: self._refreshing.pop(customer_id, None))
        return await asyncio.shield(refreshing)

    async def _refresh(self, customer_id: UUID, month: str) -> _Read:
        allowance = await asyncio.to_thread(self.reader.allowance, customer_id, month)
        # Read after the query: the events this process committed meanwhile are kept if the count missed them.
        previous = self._reads.get(customer_id)
        uncounted = [] if previous is None or previous.month != month else previous.uncounted
        uncounted = [p for p in uncounted if p > allowance.position]
        read = self._reads[customer_id] = _Read(allowance, month, self.monotonic(), uncounted)
        return read

    async def check(self, customer_id: UUID, identity: str | None) -> None:
        """Raise OverLimit if the team may record no more events this month, or no event of a new identity."""
        read = await self._read(customer_id)
        limits = read.allowance.limits
        limits.allow_one_more("events_per_month", read.allowance.events + len(read.uncounted))
        if identity is not None and limits.identities is not None and read.allowance.identities >= limits.identities:
            # Only a team at its identities limit pays a lookup per event, to tell a known identity from a new one.
            if not await asyncio.to_thread(self.reader.identity_known, customer_id, identity):
                limits.allow_one_more("identities", read.allowance.identities)

    def committed(self, customer_id: UUID, position: int) -> None:
        """A new event of the team's was committed by this process, at this position of the tracking log."""
        read = self._reads.get(customer_id)
        # Kept only against a limit, which also bounds how many are kept.
        if read is not None and read.allowance.limits.events_per_month is not None:
            read.uncounted.append(position)
