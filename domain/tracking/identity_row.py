"""How an identity's row follows its events: the tracking projection applies these in log order to the
read model, and an auditor's time travel (domain/audit/as_of.py) to the events known at an instant, so
both build the same identity from the same events.

Times are microseconds (domain/times.py); a row is a plain dict with the read model's column names."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from domain.tracking.mappings import Overrides, canonical_fields, display_from_fields

DISPLAY_LIMIT = 255  # the display columns' width


def clip(value: str | None, limit: int = DISPLAY_LIMIT) -> str | None:
    return value[:limit] if value is not None else None


def new_identity(customer_id: UUID, identity: str, at: int) -> dict[str, Any]:
    """The row as its first event makes it (the scoring columns empty until a decision)."""
    return {
        "customer_id": customer_id,
        "identity_id": identity,
        "attributes": {},
        "display_name": None,
        "display_email": None,
        "display_username": None,
        "disregarded": False,
        "created_at": at,
        "updated_at": at,
        "last_tracked_at": None,
        "last_scored_at": None,
        "humanity_score": None,
        "authenticity_score": None,
        "uniqueness_score": None,
        "behavior_score": None,
        "event_count": 0,
        "last_cycle_id": None,
        "erased_at": None,
    }


def merge_attributes(row: dict[str, Any], attributes: Mapping[str, Any], overrides: Overrides) -> dict[str, str] | None:
    """Merge what an event or an edit says of the identity; its display fields follow, read through the team's
    mappings in force at that event. The canonical fields, or None when nothing was said."""
    if not attributes:
        return None
    row["attributes"] = {**row["attributes"], **attributes}
    fields = canonical_fields(row["attributes"], overrides)
    row["display_name"], row["display_email"], row["display_username"] = (clip(v) for v in display_from_fields(fields))
    return fields


def tracked(row: dict[str, Any], occurred: int, received: int) -> None:
    """One more tracked event of the identity."""
    row["created_at"] = min(row["created_at"], occurred)
    row["last_tracked_at"] = max(row["last_tracked_at"] or occurred, occurred)
    row["updated_at"] = max(row["updated_at"], received)
    row["event_count"] += 1


def touched(row: dict[str, Any], at: int) -> None:
    """A person's edit of the identity."""
    row["updated_at"] = max(row["updated_at"], at)


def disregard(row: dict[str, Any], disregarded: bool, at: int) -> None:
    row["disregarded"] = disregarded
    touched(row, at)
