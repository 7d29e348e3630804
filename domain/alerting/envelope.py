"""What one attempt sends, and what its answer means: the webhook envelope and the verdict on an HTTP
outcome. Pure: the worker (application/alerting/deliveries.py) supplies the time and the answer."""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from uuid import UUID

GONE = 410
TOO_MANY_REQUESTS = 429
UNAVAILABLE = 503
DISABLED_BY_GONE = "The receiver answered 410 Gone"


def timestamp_text(at: datetime) -> str:
    """ISO-8601 UTC with milliseconds and a Z, as the manual's example: 2026-01-20T14:15:32.456Z."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def envelope(event: str, at: datetime, channel: int, delivery_id: UUID, data: dict[str, Any]) -> bytes:
    """The exact bytes signed and sent: compact JSON, so the signature covers what the receiver reads.
    `timestamp` is this attempt's time (receivers refuse one more than five minutes old)."""
    body = {
        "event": event,
        "timestamp": timestamp_text(at),
        "channelId": str(channel),
        "deliveryId": str(delivery_id),
        "data": data,
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Verdict:
    succeeded: bool
    error: str | None
    disable_channel: str | None = None  # the reason, when the receiver asked never to be called again
    retry_after: float | None = None  # seconds the receiver asked for


def judge(status_code: int | None, error: str | None, retry_after: str | None, now: datetime) -> Verdict:
    """Only 2xx succeeds. A redirect is never followed (it could lead anywhere, the checked address
    included), so a 3xx is a failure like any other."""
    if status_code is None:
        return Verdict(False, error or "no answer")
    if 200 <= status_code < 300:  # noqa: PLR2004
        return Verdict(True, None)
    if status_code == GONE:
        return Verdict(False, f"HTTP {status_code}", disable_channel=DISABLED_BY_GONE)
    wait = parse_retry_after(retry_after, now) if status_code in (TOO_MANY_REQUESTS, UNAVAILABLE) else None
    if 300 <= status_code < 400:  # noqa: PLR2004
        return Verdict(False, error or f"HTTP {status_code}: redirects are not followed")
    return Verdict(False, error or f"HTTP {status_code}", retry_after=wait)
