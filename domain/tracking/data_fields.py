"""A value an event's data names under one of a field's common spellings (`ip`, `ipAddress`, `client_ip`):
compared without case or separators, and never a redacted one, which is the same marker for everyone."""

from collections.abc import Mapping
from typing import Any

from domain.tracking.mappings import source_key
from domain.tracking.redaction import REDACTED


def by_spelling(data: Mapping[str, Any]) -> dict[str, Any]:
    """The data keyed as spellings compare (domain/tracking/mappings.py source_key)."""
    return {source_key(k): v for k, v in data.items() if isinstance(k, str)}


def first_named(by_key: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of `names` that holds a non-blank, unredacted string, stripped; None if none does."""
    for name in names:
        value = by_key.get(name)
        if isinstance(value, str) and value.strip() and value != REDACTED:
            return value.strip()
    return None
