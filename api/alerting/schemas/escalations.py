"""Escalations (contract §10, §11.15, §11.16)."""

from typing import Any, ClassVar

import msgspec

from api.alerting.schemas.conditions import ConditionOut, conditions_out
from api.http import any_case
from api.schemas import Reference, api_path, text
from api.time import format_time

MOVES = ("ACKNOWLEDGED", "CLOSED")


class EscalationPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    """ACKNOWLEDGED only from OPEN; CLOSED from OPEN or ACKNOWLEDGED."""

    status: text(32)  # type: ignore[valid-type]
    __field_schema__: ClassVar = {"status": {"pattern": any_case(*MOVES), "description": "ACKNOWLEDGED or CLOSED"}}


class EscalationOut(msgspec.Struct, rename="camel"):
    id: int
    status: str
    severity: str
    identity: Reference
    escalation_rule: Reference
    score_snapshot: dict[str, int]  # upper-case category → score, when it opened
    badges: list[str]  # the identity's badge slugs when it opened
    conditions: list[ConditionOut]  # the rule's conditions that matched
    channels: list[str]  # the channels the rule sent it to
    rule_deleted: bool
    opened_at: str | None
    acknowledged_at: str | None
    acknowledged_by: str | None
    closed_at: str | None
    closed_by: str | None
    close_reason: str | None
    created_at: str | None


class EscalationSummaryOut(msgspec.Struct):
    """Counts by status; PENDING ones have matched and wait out their rule's openAfterSeconds."""

    open: int
    acknowledged: int
    closed: int
    pending: int


class EscalationPreviewOut(msgspec.Struct):
    count: int
    sample: list[Reference]


def identity_reference(identity: str, label: str | None) -> Reference:
    return Reference(identity, label, api_path("identities", identity))


def escalation_out(row: dict[str, Any], identity_label: str | None, rule: dict[str, Any] | None) -> EscalationOut:
    """`rule` is the rule's read-model row (its current name and slug), if it is still there."""
    deleted = bool(row["rule_deleted"] or (rule is not None and rule["deleted"]))
    name = rule["name"] if rule is not None else row["rule_name"]
    slug = rule["slug"] if rule is not None else row["rule_slug"]
    return EscalationOut(
        id=row["number"],
        status=row["status"],
        severity=row["severity"],
        identity=identity_reference(row["identity_id"], identity_label),
        # A deleted rule's slug may belong to a newer rule by now: no path to it.
        escalation_rule=Reference(
            str(row["rule_number"]), name, None if deleted else api_path("escalation-rules", slug)
        ),
        score_snapshot={str(k): int(v) for k, v in (row["scores"] or {}).items()},
        badges=list(row["badges"] or []),
        conditions=conditions_out(row["conditions"] or []),
        channels=list(row["channels"] or []),
        rule_deleted=deleted,
        opened_at=format_time(row["opened_at"]),
        acknowledged_at=format_time(row["acknowledged_at"]),
        acknowledged_by=row["acknowledged_by"],
        closed_at=format_time(row["closed_at"]),
        closed_by=row["closed_by"],
        close_reason=row["close_reason"],
        created_at=format_time(row["created_at"]),
    )
