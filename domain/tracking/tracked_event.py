"""One thing an app told us a user did. Its id is derived from the team and the
client's event id, so the event store refuses a second copy of the same event."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import tracked_event_id
from domain.tracking.client_data import ClientData


class TrackedEvent(Aggregate):
    class Recorded(Aggregate.Created):
        """Version 2 adds `device`: what a browser event's tracker reported and the server derived
        (fingerprint, session, page, IP address, parsed user agent, place and network). Version 3 adds
        `decided_in_request`: the request that sent it waits for a decision about its identity
        (POST /api/events?decide=true), so the scoring process leaves a sign-up to that decision rather than
        score it at the same moment (each sign-up was scored twice). Version 4 adds `client`: what a server-side
        event's data said of the client behind it (IP address, user agent) and what the server derived from
        them (domain/devices/client.py)."""

        class_version = 4

        customer_id: UUID
        event_id: str
        event_type: str
        data: ClientData
        identity_id: str | None
        identity_data: ClientData
        groups: list[dict[str, Any]]
        source: str | None
        occurred_at: datetime
        received_at: datetime
        credential_id: UUID | None
        device: ClientData | None
        decided_in_request: bool
        client: ClientData | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["device"] = None  # events recorded before the tracker came from servers

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["decided_in_request"] = False

        @staticmethod
        def upcast_v3_v4(state: dict[str, Any]) -> None:
            state["client"] = None  # recorded before the server read a client's address and agent

    @staticmethod
    def create_id(customer_id: UUID, event_id: str) -> UUID:
        return tracked_event_id(customer_id, event_id)

    @event(Recorded)
    def __init__(  # noqa: PLR0913 - an event carries everything the app sent
        self,
        customer_id: UUID,
        event_id: str,
        event_type: str,
        data: ClientData,
        identity_id: str | None,
        identity_data: ClientData,
        groups: list[dict[str, Any]],  # {type, id, data: ClientData}
        source: str | None,
        occurred_at: datetime,
        received_at: datetime,
        credential_id: UUID | None,
        device: ClientData | None = None,  # {fingerprint, session, url, ip, signals, agent, network}
        decided_in_request: bool = False,
        client: ClientData | None = None,  # {key, ip, userAgent, agent, network}
    ) -> None:
        self.customer_id = customer_id
        self.event_id = event_id
        self.event_type = event_type
        self.data = data
        self.identity_id = identity_id
        self.identity_data = identity_data
        self.groups = groups
        self.source = source
        self.occurred_at = occurred_at
        self.received_at = received_at
        self.credential_id = credential_id
        self.device = device
        self.decided_in_request = decided_in_request
        self.client = client
