"""The team's explicit changes to a group: upserts, attribute edits and memberships.

Groups also appear implicitly when events carry them; the read model merges both."""

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.ids import group_id
from domain.tracking.client_data import ClientData


class Group(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, group_type: str, group: str) -> UUID:
        return group_id(customer_id, group_type, group)

    @event("Registered")
    def __init__(self, customer_id: UUID, group_type: str, group: str) -> None:
        self.customer_id = customer_id
        self.group_type = group_type
        self.group = group
        self.attributes: dict[str, Any] = {}

    # Every event names its group, so projections and auditors read it alone.
    def merge_attributes(self, attributes: dict[str, Any]) -> None:
        self._attributes_merged(self.customer_id, self.group_type, self.group, ClientData(attributes))

    def add_member(self, identity: str) -> None:
        self._member_added(self.customer_id, self.group_type, self.group, identity)

    def remove_member(self, identity: str) -> None:
        self._member_removed(self.customer_id, self.group_type, self.group, identity)

    @event("AttributesMerged")
    def _attributes_merged(self, customer_id: UUID, group_type: str, group: str, attributes: ClientData) -> None:
        self.attributes.update(attributes)

    @event("MemberAdded")
    def _member_added(self, customer_id: UUID, group_type: str, group: str, identity: str) -> None:
        pass

    @event("MemberRemoved")
    def _member_removed(self, customer_id: UUID, group_type: str, group: str, identity: str) -> None:
        pass
