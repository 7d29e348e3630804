"""Badge rules and escalation rules. Each change is an event, and the aggregate's version is
the rule version every badge change and escalation records, so an auditor can tell which
form of a rule made a decision."""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.alerting.conditions import Condition
from domain.errors import InvalidInput
from domain.ids import alerting_id

BADGE_TYPES = ("GOOD", "BAD", "NEUTRAL")
SEVERITIES = ("INFO", "WARNING", "CRITICAL")
MAX_BADGE_NAME = 50
MAX_ESCALATION_NAME = 100
MAX_PRIORITY = 1_000_000
MAX_DELAY_SECONDS = 365 * 86400
MAX_RULE_CHANNELS = 20


def check_delay(key: str, value: object, *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DELAY_SECONDS:
        raise InvalidInput(f"{key} must be an integer from 0 to {MAX_DELAY_SECONDS}")
    return value


def check_choice(key: str, value: object, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise InvalidInput(f"{key} must be one of {', '.join(choices)}")
    assert isinstance(value, str)
    return value


class Rule(Aggregate):
    """What both kinds share: a numbered, slugged, versioned set of conditions that can be deleted."""

    # No annotated class attributes here: the library would take them for fields of each subclass's
    # Created event.
    KIND = "rule"

    @property
    def parsed_conditions(self) -> tuple[Condition, ...]:
        return tuple(Condition.from_dict(c) for c in self.conditions)

    @property
    def active(self) -> bool:
        return self.enabled and not self.deleted

    @event("Changed")
    def change(self, changes: dict[str, Any], at: datetime) -> None:
        for key, value in changes.items():
            setattr(self, key, value)
        self.updated_at = at

    @event("Deleted")
    def delete(self, at: datetime) -> None:
        self.deleted = True
        self.updated_at = at


class BadgeRule(Rule):
    KIND = "badge-rule"

    @staticmethod
    def create_id(customer_id: UUID, number: int) -> UUID:
        return alerting_id(customer_id, "badge-rule", number)

    @event("Created")
    def __init__(  # noqa: PLR0913 - the rule's fields, as the API names them
        self,
        customer_id: UUID,
        number: int,
        slug: str,
        name: str,
        type: str,  # noqa: A002 - the API's name
        priority: int,
        conditions: list[dict[str, Any]],
        apply_delay_seconds: int,
        remove_delay_seconds: int,
        enabled: bool,
        at: datetime,
    ) -> None:
        self.customer_id = customer_id
        self.number = number
        self.slug = slug
        self.name = name
        self.type = type
        self.priority = priority
        self.conditions = conditions
        self.apply_delay_seconds = apply_delay_seconds
        self.remove_delay_seconds = remove_delay_seconds
        self.enabled = enabled
        self.deleted = False
        self.created_at = at
        self.updated_at = at


class EscalationRule(Rule):
    KIND = "escalation-rule"

    @staticmethod
    def create_id(customer_id: UUID, number: int) -> UUID:
        return alerting_id(customer_id, "escalation-rule", number)

    @event("Created")
    def __init__(  # noqa: PLR0913 - the rule's fields, as the API names them
        self,
        customer_id: UUID,
        number: int,
        slug: str,
        name: str,
        severity: str,
        conditions: list[dict[str, Any]],
        channels: list[str],
        effective_at: datetime,
        open_after_seconds: int,
        close_after_seconds: int | None,
        enabled: bool,
        at: datetime,
    ) -> None:
        self.customer_id = customer_id
        self.number = number
        self.slug = slug
        self.name = name
        self.severity = severity
        self.conditions = conditions
        self.channels = channels
        self.effective_at = effective_at
        self.open_after_seconds = open_after_seconds
        self.close_after_seconds = close_after_seconds
        self.enabled = enabled
        self.deleted = False
        self.created_at = at
        self.updated_at = at
