"""Rule conditions as the API reads and writes them: `{condition, category, threshold, badge, seconds}`.

The body's Struct takes them loosely typed and domain/alerting/conditions.py checks them, with messages
naming the condition; the document states which fields each kind needs (one branch a kind)."""

from typing import Annotated, Any, ClassVar

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from api.schemas import NOT_BLANK, text
from domain.alerting.conditions import (
    AGE_KINDS,
    BADGE_KINDS,
    CATEGORIES,
    FOR_BADGE_RULES,
    FOR_ESCALATION_RULES,
    MAX_BADGE_SLUG,
    MAX_CONDITIONS,
    MAX_SECONDS,
    SCORE_KINDS,
    Condition,
)


def _branches(allowed: frozenset[str]) -> list[Schema]:
    def kind(kinds: frozenset[str]) -> Schema:
        return Schema(type=OpenAPIType.STRING, enum=sorted(kinds & allowed))

    found = [
        Schema(
            properties={
                "condition": kind(SCORE_KINDS),
                "category": Schema(type=OpenAPIType.STRING, enum=list(CATEGORIES)),
                "threshold": Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=100),
            },
            required=["category", "condition", "threshold"],
        )
    ]
    if BADGE_KINDS & allowed:
        found.append(
            Schema(
                properties={
                    "condition": kind(BADGE_KINDS),
                    "badge": Schema(
                        type=OpenAPIType.STRING, min_length=1, max_length=MAX_BADGE_SLUG, pattern=NOT_BLANK
                    ),
                },
                required=["badge", "condition"],
            )
        )
    found.append(
        Schema(
            properties={
                "condition": kind(AGE_KINDS),
                "seconds": Schema(type=OpenAPIType.INTEGER, minimum=0, maximum=MAX_SECONDS),
            },
            required=["condition", "seconds"],
        )
    )
    return found


class BadgeConditionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A badge rule's condition: a score compared with a threshold (0–100; ANY: any of the four scores),
    or the identity first seen more than `seconds` ago."""

    condition: text(32)  # type: ignore[valid-type]
    category: text(32) | None = None  # type: ignore[valid-type]
    threshold: Any = None  # checked by the domain (see whole())
    badge: text(MAX_BADGE_SLUG) | None = None  # type: ignore[valid-type]
    seconds: Any = None
    __schema__: ClassVar = {"one_of": _branches(FOR_BADGE_RULES)}


class EscalationConditionIn(BadgeConditionIn, forbid_unknown_fields=True):
    """An escalation rule's condition: a score compared with a threshold (0–100; ANY: any of the four),
    a badge the identity holds or lacks (by slug), or its age since first seen, in seconds."""

    __schema__: ClassVar = {"one_of": _branches(FOR_ESCALATION_RULES)}


BadgeConditions = Annotated[list[BadgeConditionIn], msgspec.Meta(min_length=1, max_length=MAX_CONDITIONS)]
EscalationConditions = Annotated[list[EscalationConditionIn], msgspec.Meta(min_length=1, max_length=MAX_CONDITIONS)]


def whole(value: Any) -> Any:
    """JSON Schema counts 60.0 as the integer 60, and so does the API; anything else is left for the
    domain's checks to refuse by name."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def raw_conditions(conditions: list[Any]) -> list[dict[str, Any]]:
    """As the domain parses them (it names what is wrong with each)."""
    return [{k: whole(v) for k, v in msgspec.structs.asdict(c).items()} for c in conditions]


class ConditionOut(msgspec.Struct):
    condition: str
    category: str | None
    threshold: int | None
    badge: str | None
    seconds: int | None


def conditions_out(stored: list[dict[str, Any]]) -> list[ConditionOut]:
    return [ConditionOut(**Condition.from_dict(c).to_dict()) for c in stored]
