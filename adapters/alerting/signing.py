"""The signature headers of a webhook delivery.

Two schemes, so both verifiers accept every delivery:
- `X-Dregs-Signature`: lower-case hex HMAC-SHA256 of the exact body, keyed with the secret's UTF-8
  bytes (what the official SDKs' `dregs.webhooks.verify` checks). That function compares one value,
  so during a rotation's grace period this header carries the CURRENT secret's signature only.
- Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`), signed with the
  `standardwebhooks` package: `{id}.{timestamp}.{body}` under the secret's base64-decoded bytes. Its
  verifier accepts any of several space-separated signatures, so during the grace period both secrets sign.
"""

import hashlib
import hmac
from datetime import UTC, datetime

from standardwebhooks import Webhook

from domain.alerting.envelope import timestamp_text


def dregs_signature(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_headers(
    body: bytes, *, event: str, webhook_id: str, at: datetime, secret: str, previous_secret: str | None = None
) -> dict[str, str]:
    utc = at.astimezone(UTC)  # the package reads the datetime's fields as UTC whatever its zone
    signatures = [Webhook(secret).sign(webhook_id, utc, body.decode())]
    if previous_secret:
        signatures.append(Webhook(previous_secret).sign(webhook_id, utc, body.decode()))
    return {
        "X-Dregs-Signature": dregs_signature(body, secret),
        "X-Dregs-Timestamp": timestamp_text(utc),  # the body's `timestamp`
        "X-Dregs-Event": event,
        "webhook-id": webhook_id,
        "webhook-timestamp": str(int(utc.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
