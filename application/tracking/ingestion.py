"""The use case behind POST /api/events: who may record what, the device a browser reported, and the
commit that acknowledges it.

A browser key's event is recorded only from an origin the key allows, and only with a well-formed
device report; otherwise it is quietly not recorded, as the manual describes, so a page never learns
more than that its event was not kept."""

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.ports import DeviceFactsPort
from application.tracking.device_report import read_report, record_of
from application.tracking.group_commit import GroupCommitter
from application.tracking.quota import EventQuota
from domain.devices.client import client_record, reported_client
from domain.devices.context import AgentFacts
from domain.tracking.event_request import EventInput, build_tracked_event

COMMIT_TIMEOUT = 10.0  # seconds a request waits for its batch; past it the caller gets a 503 to retry


@dataclass(frozen=True)
class Sender:
    customer_id: UUID
    credential_id: UUID | None
    # A browser (pk_) key's allowed origins; None for a server key or a dashboard session.
    browser_origins: frozenset[str] | None = None

    @property
    def is_browser(self) -> bool:
        return self.browser_origins is not None


@dataclass(frozen=True)
class Recorded:
    event_id: str | None  # None: not recorded (a browser event from another origin, or with a bad report)
    fingerprint: str | None = None
    position: int | None = None  # the tracking log's notification id the event's batch reached


NOT_RECORDED = Recorded(None)


class Ingestion:
    def __init__(
        self,
        writer: GroupCommitter,
        devices: DeviceFactsPort,
        quota: EventQuota,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        commit_timeout: float = COMMIT_TIMEOUT,
    ) -> None:
        self.writer = writer
        self.devices = devices
        self.quota = quota
        self.clock = clock
        self.commit_timeout = commit_timeout

    @staticmethod
    def accepts(sender: Sender, origin: str | None) -> bool:
        """Whether an event from `origin` can be recorded for this sender at all (before reading its body)."""
        return not sender.is_browser or (origin is not None and origin in (sender.browser_origins or ()))

    def device_of(self, raw_report: Any, ip: str | None) -> dict[str, Any] | None:
        """What the server makes of a tracker's device report; None if the report is malformed."""
        report = read_report(raw_report)
        return record_of(report, ip, self.devices) if report is not None else None

    def client_of(self, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """What the server makes of the client a server-side event's data names; None if it names none."""
        ip, user_agent = reported_client(data)
        if ip is None and user_agent is None:
            return None
        agent = self.devices.agent(user_agent, None) if user_agent is not None else AgentFacts()
        return client_record(ip, user_agent, agent, self.devices.network(ip))

    async def record(
        self, sender: Sender, origin: str | None, event: EventInput, raw_report: Any, ip: str | None
    ) -> Recorded:
        """Build the TrackedEvent and answer once its batch is committed (raises InvalidInput on bad input,
        OverLimit past the team's monthly events or identities)."""
        if not self.accepts(sender, origin):
            return NOT_RECORDED
        device = None
        if sender.is_browser and raw_report is not None:
            device = self.device_of(raw_report, ip)
            if device is None:
                return NOT_RECORDED
        client = self.client_of(event.data) if not sender.is_browser else None
        tracked = build_tracked_event(
            sender.customer_id,
            event,
            now=self.clock(),
            credential_id=sender.credential_id,
            identity_required=not sender.is_browser,
            device=device,
            client=client,
        )
        await self.quota.check(sender.customer_id, tracked.identity_id)
        async with asyncio.timeout(self.commit_timeout):
            committed = await self.writer.commit(tracked)
        if not committed.replay:
            self.quota.committed(sender.customer_id, committed.position)
        return Recorded(committed.event_id, device["fingerprint"] if device is not None else None, committed.position)
