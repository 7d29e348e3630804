"""Badge rules and escalation rules (manual §11.2, §12). The slug is derived from the name when a rule
is created and never changes: renaming a rule changes its name only."""

import operator
from functools import reduce
from typing import Annotated, Any, ClassVar, Union, get_args, get_origin

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from api.alerting.schemas.conditions import (
    BadgeConditions,
    ConditionOut,
    EscalationConditions,
    conditions_out,
    raw_conditions,
    whole,
)
from api.http import NO_NUL
from api.schemas import text
from api.time import format_time
from application.alerting.rules import MAX_CHANNEL_SLUG, NAME_PATTERN, NAME_RULE
from domain.alerting.rules import (
    BADGE_TYPES,
    MAX_BADGE_NAME,
    MAX_DELAY_SECONDS,
    MAX_ESCALATION_NAME,
    MAX_PRIORITY,
    MAX_RULE_CHANNELS,
    SEVERITIES,
    BadgeRule,
    EscalationRule,
)
from domain.times import to_micros

# The document's rule for names; application/alerting/rules.py checks it (with a message).
NAME = {"pattern": NAME_PATTERN, "description": NAME_RULE}

# Whole numbers are read as any JSON number and checked by application/alerting/rules.py: JSON Schema counts
# 60.0 as an integer, so the API takes it (msgspec's `int` would refuse it).
PRIORITY = {"type": OpenAPIType.INTEGER, "minimum": -MAX_PRIORITY, "maximum": MAX_PRIORITY}
DELAY = {"type": OpenAPIType.INTEGER, "minimum": 0, "maximum": MAX_DELAY_SECONDS}
CLOSE_AFTER = {
    "one_of": [Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=MAX_DELAY_SECONDS), Schema(type=OpenAPIType.NULL)],
    "description": "seconds the conditions must stop holding before it closes by itself; null: never",
}
Channels = Annotated[
    list[text(MAX_CHANNEL_SLUG, min_length=1)],  # type: ignore[valid-type]
    msgspec.Meta(max_length=MAX_RULE_CHANNELS),
]
CHANNELS = {
    "items": Schema(type=OpenAPIType.STRING, min_length=1, max_length=MAX_CHANNEL_SLUG, pattern=NO_NUL),
    "description": "slugs of the team's channels that hear of its escalations (each must exist); default none",
}
EFFECTIVE_AT = {
    "format": "date-time",
    "description": "ISO-8601 instant (from 1970 to 9999) from which the rule applies; default: now",
}


def _name(max_length: int) -> Any:
    return text(max_length, min_length=1)


def patch_of(body: type[msgspec.Struct], name: str, doc: str) -> type[msgspec.Struct]:
    """The body of a PATCH: every field of the body that creates, each optional and never null unless the
    creating body takes any value (the domain then says what null means). Only the fields sent change."""
    fields = []
    for field in msgspec.structs.fields(body):
        kept = [t for t in get_args(field.type) if t is not type(None)] if get_origin(field.type) is Union else []
        shape = reduce(operator.or_, kept) if kept else field.type
        fields.append((field.name, shape | msgspec.UnsetType, msgspec.UNSET))
    namespace = {"__doc__": doc, "__field_schema__": body.__field_schema__, "__schema__": {"min_properties": 1}}
    return msgspec.defstruct(
        name, fields, module=__name__, namespace=namespace, rename="camel", forbid_unknown_fields=True
    )


class BadgeRuleIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: _name(MAX_BADGE_NAME)  # type: ignore[valid-type]
    type: text(16)  # type: ignore[valid-type]
    conditions: BadgeConditions
    priority: Any = 0
    apply_delay_seconds: Any = 0
    remove_delay_seconds: Any = 0
    enabled: bool = True
    __field_schema__: ClassVar = {
        "name": NAME,
        "type": {"enum": list(BADGE_TYPES)},
        "priority": PRIORITY,
        "apply_delay_seconds": DELAY,
        "remove_delay_seconds": DELAY,
    }


BadgeRulePatchIn = patch_of(BadgeRuleIn, "BadgeRulePatchIn", "Only the fields sent change; the slug stays.")


class EscalationRuleIn(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    name: _name(MAX_ESCALATION_NAME)  # type: ignore[valid-type]
    severity: text(16)  # type: ignore[valid-type]
    conditions: EscalationConditions
    channels: Channels = msgspec.field(default_factory=list)
    effective_at: text(64) | None = None  # type: ignore[valid-type]
    open_after_seconds: Any = 0
    close_after_seconds: Any = None
    enabled: bool = True
    __field_schema__: ClassVar = {
        "name": NAME,
        "severity": {"enum": list(SEVERITIES)},
        "effective_at": EFFECTIVE_AT,
        "channels": CHANNELS,
        "open_after_seconds": DELAY,
        "close_after_seconds": CLOSE_AFTER,
    }


EscalationRulePatchIn = patch_of(
    EscalationRuleIn,
    "EscalationRulePatchIn",
    "Only the fields sent change; the slug stays. `closeAfterSeconds: null` means never close by itself.",
)


class PreviewIn(msgspec.Struct, forbid_unknown_fields=True):
    conditions: EscalationConditions


def given(body: msgspec.Struct) -> dict[str, Any]:
    """The fields a body sent, by their Python names (conditions as plain objects, for the domain)."""
    found = {}
    for key, value in msgspec.structs.asdict(body).items():
        if value is msgspec.UNSET:
            continue
        found[key] = raw_conditions(value) if key == "conditions" else whole(value)
    return found


class BadgeRuleOut(msgspec.Struct, rename="camel"):
    id: int
    slug: str
    name: str
    type: str
    priority: int
    conditions: list[ConditionOut]
    apply_delay_seconds: int
    remove_delay_seconds: int
    enabled: bool
    version: int
    created_at: str | None
    updated_at: str | None


class EscalationRuleOut(msgspec.Struct, rename="camel"):
    id: int
    slug: str
    name: str
    severity: str
    conditions: list[ConditionOut]
    channels: list[str]
    effective_at: str | None
    open_after_seconds: int
    close_after_seconds: int | None
    enabled: bool
    version: int
    created_at: str | None
    updated_at: str | None


def _shared_out(row: dict[str, Any]) -> dict[str, Any]:
    """What every rule's answer holds, whatever its kind."""
    return {
        "id": row["number"],
        "slug": row["slug"],
        "name": row["name"],
        "conditions": conditions_out(row["conditions"]),
        "enabled": row["enabled"],
        "version": row["version"],
        "created_at": format_time(row["created_at"]),
        "updated_at": format_time(row["updated_at"]),
    }


def badge_rule_out(row: dict[str, Any]) -> BadgeRuleOut:
    return BadgeRuleOut(
        **_shared_out(row),
        type=row["type"],
        priority=row["priority"],
        apply_delay_seconds=row["apply_delay_seconds"],
        remove_delay_seconds=row["remove_delay_seconds"],
    )


def escalation_rule_out(row: dict[str, Any]) -> EscalationRuleOut:
    return EscalationRuleOut(
        **_shared_out(row),
        severity=row["severity"],
        channels=list(row["channels"]),
        effective_at=format_time(row["effective_at"]),
        open_after_seconds=row["open_after_seconds"],
        close_after_seconds=row["close_after_seconds"],
    )


_COMMON = ("number", "slug", "name", "conditions", "enabled", "version")


def row_of(rule: BadgeRule | EscalationRule) -> dict[str, Any]:
    """A rule as its read-model row holds it: what a command answers with, before the projection has it."""
    row: dict[str, Any] = {key: getattr(rule, key) for key in _COMMON}
    row["created_at"] = to_micros(rule.created_at)
    row["updated_at"] = to_micros(rule.updated_at)
    if isinstance(rule, BadgeRule):
        for key in ("type", "priority", "apply_delay_seconds", "remove_delay_seconds"):
            row[key] = getattr(rule, key)
    else:
        for key in ("severity", "channels", "open_after_seconds", "close_after_seconds"):
            row[key] = getattr(rule, key)
        row["effective_at"] = to_micros(rule.effective_at)
    return row
