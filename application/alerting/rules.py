"""Badge rules and escalation rules: create, change (only the fields given) and delete.

Every field is checked here, whoever calls (the API, a test, a future dashboard), with a message the
caller can act on. A rule's slug is fixed when it is created: escalation rules name badges by slug
and apps name rules by slug, so renaming a rule changes its name only. Deleting a rule releases its
slug in the same save, so a new rule may take it; the deleted rule's number is never reused."""

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

from application.alerting.application import AlertingApplication, NotFound
from application.conflicts import retry_on_conflict
from domain.alerting.backtest import BadgeTerms, EscalationTerms
from domain.alerting.channel import Channel
from domain.alerting.conditions import FOR_BADGE_RULES, FOR_ESCALATION_RULES, Condition, parse_conditions
from domain.alerting.naming import check_name, slug_for
from domain.alerting.rules import (
    BADGE_TYPES,
    MAX_BADGE_NAME,
    MAX_ESCALATION_NAME,
    MAX_PRIORITY,
    MAX_RULE_CHANNELS,
    SEVERITIES,
    BadgeRule,
    EscalationRule,
    Rule,
    check_choice,
    check_delay,
)
from domain.errors import InvalidInput
from domain.text import check_storable
from domain.times import to_micros

R = TypeVar("R", bound=Rule)

BADGE_RULE = "badge-rule"
ESCALATION_RULE = "escalation-rule"
MAX_CHANNEL_SLUG = 120
# An effectiveAt outside these years is a mistake, and years before 1000 have no four-digit ISO form.
EARLIEST_EFFECTIVE = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_EFFECTIVE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
# The slug is made of the name's letters and digits, transliterated; not every script has a spelling
# in them, so a name must hold one that surely does.
NAME_PATTERN = r"^[^\x00]*[A-Za-z0-9][^\x00]*$"
NAME_RULE = "a name must contain at least one letter A-Z or digit 0-9 (the slug is made from it)"


def check_rule_name(value: object, max_length: int) -> str:
    name = check_name(value, max_length)
    if not re.search("[A-Za-z0-9]", name):
        raise InvalidInput(NAME_RULE)
    return name


# Slugs that name a route under the rules' path (POST /api/escalation-rules/preview, POST …/backtest): a rule
# holding one could not be read, changed or deleted by its slug.
RESERVED_SLUGS = {ESCALATION_RULE: frozenset({"preview", "backtest"}), BADGE_RULE: frozenset({"backtest"})}


def _slug(kind: str, name: str, max_length: int) -> str:
    slug = slug_for(name, max_length)
    if slug in RESERVED_SLUGS.get(kind, ()):
        raise InvalidInput(f"the name {name!r} makes the slug {slug!r}, which the API keeps for itself; choose another")
    return slug


def check_enabled(value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput("enabled must be true or false")
    return value


def check_priority(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not -MAX_PRIORITY <= value <= MAX_PRIORITY:
        raise InvalidInput(f"priority must be an integer from {-MAX_PRIORITY} to {MAX_PRIORITY}")
    return value


def _storable_conditions(raw: object) -> object:
    """Condition strings end up in events and read models: refuse what neither can hold, naming where."""
    if isinstance(raw, list | tuple):
        for i, item in enumerate(raw):
            if isinstance(item, Mapping):
                for key, value in item.items():
                    if isinstance(value, str):
                        check_storable(f"conditions[{i}].{key}", value)
    return raw


def badge_conditions(raw: object) -> list[dict[str, Any]]:
    return [c.to_dict() for c in parse_conditions(_storable_conditions(raw), FOR_BADGE_RULES)]


def escalation_conditions(raw: object) -> list[dict[str, Any]]:
    return [c.to_dict() for c in parse_conditions(_storable_conditions(raw), FOR_ESCALATION_RULES)]


def check_effective_at(value: object) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput("effectiveAt must be an ISO-8601 instant, e.g. 2026-09-21T14:22:09Z") from None
    elif isinstance(value, datetime):
        moment = value
    else:
        raise InvalidInput("effectiveAt must be an ISO-8601 instant, e.g. 2026-09-21T14:22:09Z")
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not EARLIEST_EFFECTIVE <= moment <= LATEST_EFFECTIVE:
        raise InvalidInput("effectiveAt must be between 1970-01-01 and 9999-12-31")
    return moment


def check_channels(app: AlertingApplication, customer_id: UUID, value: object) -> list[str]:
    """The team's live channels by slug, each once, in the order given; an unknown one is named."""
    if not isinstance(value, list | tuple):
        raise InvalidInput("channels must be a list of channel slugs")
    if len(value) > MAX_RULE_CHANNELS:
        raise InvalidInput(f"channels may name at most {MAX_RULE_CHANNELS} channels")
    found: list[str] = []
    for i, slug in enumerate(value):
        if not isinstance(slug, str) or not slug or len(slug) > MAX_CHANNEL_SLUG:
            raise InvalidInput(f"channels[{i}] must be a channel slug of 1 to {MAX_CHANNEL_SLUG} characters")
        check_storable(f"channels[{i}]", slug)
        if slug in found:
            continue
        try:
            app.by_slug(customer_id, "channel", slug, Channel)
        except NotFound:
            raise InvalidInput(f"channels[{i}]: the team has no channel {slug!r}") from None
        found.append(slug)
    return found


def _checked(
    raw: Mapping[str, Any], checks: Mapping[str, Callable[[Any], Any]], required: tuple[str, ...]
) -> dict[str, Any]:
    unknown = sorted(set(raw) - set(checks))
    if unknown:
        raise InvalidInput(f"unknown field {unknown[0]!r}")
    for key in required:
        if key not in raw:
            raise InvalidInput(f"{key} is required")
    return {key: checks[key](value) for key, value in raw.items()}


def _badge_checks() -> dict[str, Callable[[Any], Any]]:
    return {
        "name": lambda v: check_rule_name(v, MAX_BADGE_NAME),
        "type": lambda v: check_choice("type", v, BADGE_TYPES),
        "priority": check_priority,
        "conditions": badge_conditions,
        "apply_delay_seconds": lambda v: check_delay("applyDelaySeconds", v),
        "remove_delay_seconds": lambda v: check_delay("removeDelaySeconds", v),
        "enabled": check_enabled,
    }


def _escalation_checks(app: AlertingApplication, customer_id: UUID) -> dict[str, Callable[[Any], Any]]:
    return {
        "name": lambda v: check_rule_name(v, MAX_ESCALATION_NAME),
        "severity": lambda v: check_choice("severity", v, SEVERITIES),
        "conditions": escalation_conditions,
        "channels": lambda v: check_channels(app, customer_id, v),
        "effective_at": check_effective_at,
        "open_after_seconds": lambda v: check_delay("openAfterSeconds", v),
        "close_after_seconds": lambda v: check_delay("closeAfterSeconds", v, nullable=True),
        "enabled": check_enabled,
    }


def create_badge_rule(app: AlertingApplication, customer_id: UUID, fields: Mapping[str, Any]) -> BadgeRule:
    """`fields` by their Python names; name, type and conditions are required. Conflict if the slug is taken."""
    given = _checked(fields, _badge_checks(), ("name", "type", "conditions"))
    slug = _slug(BADGE_RULE, given["name"], MAX_BADGE_NAME)
    now = app.clock()

    def make(number: int) -> BadgeRule:
        return BadgeRule(
            customer_id=customer_id,
            number=number,
            slug=slug,
            name=given["name"],
            type=given["type"],
            priority=given.get("priority", 0),
            conditions=given["conditions"],
            apply_delay_seconds=given.get("apply_delay_seconds", 0),
            remove_delay_seconds=given.get("remove_delay_seconds", 0),
            enabled=given.get("enabled", True),
            at=now,
        )

    return app.create_named(customer_id, BADGE_RULE, slug, make)


def create_escalation_rule(app: AlertingApplication, customer_id: UUID, fields: Mapping[str, Any]) -> EscalationRule:
    """`fields` by their Python names; name, severity and conditions are required. Conflict if the slug is taken."""
    given = _checked(fields, _escalation_checks(app, customer_id), ("name", "severity", "conditions"))
    slug = _slug(ESCALATION_RULE, given["name"], MAX_ESCALATION_NAME)
    now = app.clock()

    def make(number: int) -> EscalationRule:
        return EscalationRule(
            customer_id=customer_id,
            number=number,
            slug=slug,
            name=given["name"],
            severity=given["severity"],
            conditions=given["conditions"],
            channels=given.get("channels", []),
            effective_at=given.get("effective_at", now),
            open_after_seconds=given.get("open_after_seconds", 0),
            close_after_seconds=given.get("close_after_seconds"),
            enabled=given.get("enabled", True),
            at=now,
        )

    return app.create_named(customer_id, ESCALATION_RULE, slug, make)


def badge_rule_draft(fields: Mapping[str, Any]) -> BadgeTerms:
    """A badge rule as create_badge_rule would make it from `fields`, checked by the same code, and saved nowhere:
    what a backtest tries."""
    given = _checked(fields, _badge_checks(), ("name", "type", "conditions"))
    return BadgeTerms(
        tuple(Condition.from_dict(c) for c in given["conditions"]),
        given.get("apply_delay_seconds", 0),
        given.get("remove_delay_seconds", 0),
        given.get("enabled", True),
    )


def escalation_rule_draft(app: AlertingApplication, customer_id: UUID, fields: Mapping[str, Any]) -> EscalationTerms:
    """An escalation rule as create_escalation_rule would make it from `fields`, checked by the same code (its
    channels must be the team's), and saved nowhere. Without effectiveAt it is in force all along: a backtest asks
    what it would have done, not what it will do from now."""
    fields = {k: v for k, v in fields.items() if not (k == "effective_at" and v is None)}
    given = _checked(fields, _escalation_checks(app, customer_id), ("name", "severity", "conditions"))
    effective = given.get("effective_at")
    return EscalationTerms(
        tuple(Condition.from_dict(c) for c in given["conditions"]),
        given.get("open_after_seconds", 0),
        given.get("close_after_seconds"),
        to_micros(effective) if effective is not None else None,
        given.get("enabled", True),
    )


def _change(
    app: AlertingApplication,
    customer_id: UUID,
    kind: str,
    cls: type[R],
    slug: str,
    check: Callable[[], dict[str, Callable[[Any], Any]]],
    changes: Mapping[str, Any],
) -> R:
    if not changes:
        raise InvalidInput("send at least one field to change")
    given = _checked(changes, check(), ())

    def attempt() -> R:
        rule = app.by_slug(customer_id, kind, slug, cls)
        # Only what differs is recorded: a PATCH that changes nothing makes no new rule version.
        differing = {k: v for k, v in given.items() if getattr(rule, k) != v}
        if differing:
            rule.change(changes=differing, at=app.clock())
            app.save(rule)
        return rule

    return retry_on_conflict(attempt)


def change_badge_rule(app: AlertingApplication, customer_id: UUID, slug: str, changes: Mapping[str, Any]) -> BadgeRule:
    """Only the fields given, each checked; the slug stays what it was (NotFound if no such live rule)."""
    return _change(app, customer_id, BADGE_RULE, BadgeRule, slug, _badge_checks, changes)


def change_escalation_rule(
    app: AlertingApplication, customer_id: UUID, slug: str, changes: Mapping[str, Any]
) -> EscalationRule:
    """Only the fields given, each checked; the slug stays what it was (NotFound if no such live rule)."""
    return _change(
        app, customer_id, ESCALATION_RULE, EscalationRule, slug, lambda: _escalation_checks(app, customer_id), changes
    )


def _delete(app: AlertingApplication, customer_id: UUID, kind: str, cls: type[Rule], slug: str) -> None:
    def attempt() -> None:
        rule = app.by_slug(customer_id, kind, slug, cls)
        rule.delete(at=app.clock())
        # One save: the slug is free exactly when the rule is gone.
        app.save(rule, app.release_slug(customer_id, kind, rule.slug))

    retry_on_conflict(attempt)


def delete_badge_rule(app: AlertingApplication, customer_id: UUID, slug: str) -> None:
    _delete(app, customer_id, BADGE_RULE, BadgeRule, slug)


def delete_escalation_rule(app: AlertingApplication, customer_id: UUID, slug: str) -> None:
    """The escalations it opened stay, marked as belonging to a deleted rule."""
    _delete(app, customer_id, ESCALATION_RULE, EscalationRule, slug)
