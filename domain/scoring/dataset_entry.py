"""One entry of a team's own (CUSTOMER) dataset: a key the analyzers look up, such as
a domain to treat as disposable, with an optional note. Entries are events, so an
auditor can tell which list a cycle was scored against."""

import re
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInput
from domain.ids import dataset_entry_id
from domain.text import check_storable

MAX_KEY = 255
MAX_VALUE = 500
_SLUG = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def check_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise InvalidInput("a dataset slug is 1 to 64 lower-case letters, digits or underscores, from a letter")
    return slug


def check_entry(key: str, value: str | None) -> tuple[str, str | None]:
    """Keys compare without case or surrounding spaces: datasets hold domains, addresses and names."""
    key = key.strip().lower()
    if not key or len(key) > MAX_KEY:
        raise InvalidInput(f"key must be 1 to {MAX_KEY} characters")
    check_storable("key", key)
    value = (value or "").strip() or None
    if value is not None:
        if len(value) > MAX_VALUE:
            raise InvalidInput(f"value must be at most {MAX_VALUE} characters")
        check_storable("value", value)
    return key, value


class DatasetEntry(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, slug: str, key: str) -> UUID:
        return dataset_entry_id(customer_id, slug, key)

    @event("Registered")
    def __init__(self, customer_id: UUID, slug: str, key: str) -> None:
        self.customer_id = customer_id
        self.slug = slug
        self.key = key
        self.value: str | None = None
        self.present = False

    def put(self, value: str | None) -> None:
        if not self.present or value != self.value:
            self._put(self.customer_id, self.slug, self.key, value)

    def remove(self) -> None:
        if self.present:
            self._removed(self.customer_id, self.slug, self.key)

    @event("Put")
    def _put(self, customer_id: UUID, slug: str, key: str, value: str | None) -> None:
        self.value = value
        self.present = True

    @event("Removed")
    def _removed(self, customer_id: UUID, slug: str, key: str) -> None:
        self.present = False
