"""A channel: where the team's news goes (a webhook, Slack, email) and which news it wants.

Secrets (a webhook's signing secret, a Slack incoming-webhook URL) are stored only as the
ciphertext the application gives: the event log never holds them in the clear."""

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInput
from domain.ids import alerting_id

WEBHOOK = "WEBHOOK"
SLACK = "SLACK"
EMAIL = "EMAIL"
TYPES = (WEBHOOK, SLACK, EMAIL)
MAX_NAME = 100
ROTATION_GRACE_SECONDS = 24 * 3600  # deliveries carry both signatures this long after a rotation
FAILING_DAYS_BEFORE_DISABLE = 5
SLACK_WEBHOOK_HOST = "hooks.slack.com"  # where Slack's incoming webhooks live


def check_slack_webhook_url(field: str, url: str) -> str:
    """A Slack channel posts to Slack's incoming-webhook host only: https, the default port, and a path (a URL
    the app issued, such as /services/T…/B…/…). Anywhere else the team's news would go to a server posing as
    Slack. `url` is a well-formed absolute URL already; the operator may lift this rule (private receivers,
    tests), which is the application's to decide."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if (
        parts.scheme.lower() != "https"
        or (parts.hostname or "").rstrip(".") != SLACK_WEBHOOK_HOST
        or port not in (None, 443)
        or not parts.path.strip("/")
    ):
        raise InvalidInput(
            f"{field} must be a Slack incoming-webhook URL, https://{SLACK_WEBHOOK_HOST}/services/…, "
            "as Slack shows it when the webhook is added"
        )
    return url


class Channel(Aggregate):
    @staticmethod
    def create_id(customer_id: UUID, number: int) -> UUID:
        return alerting_id(customer_id, "channel", number)

    @event("Created")
    def __init__(  # noqa: PLR0913 - the channel's fields
        self,
        customer_id: UUID,
        number: int,
        slug: str,
        name: str,
        type: str,  # noqa: A002 - the API's name
        config: dict[str, Any],
        sealed: dict[str, str],
        events: list[str],
        enabled: bool,
        at: datetime,
    ) -> None:
        self.customer_id = customer_id
        self.number = number
        self.slug = slug
        self.name = name
        self.type = type
        self.config = config  # what may be shown: a webhook's URL, email addresses
        self.sealed = sealed  # ciphertexts: "signingSecret", "previousSigningSecret", "webhookUrl"
        self.previous_secret_until: datetime | None = None
        self.events = events
        self.enabled = enabled
        self.disabled_reason: str | None = None
        self.deleted = False
        self.failing_since: datetime | None = None
        self.last_success_at: datetime | None = None
        self.created_at = at
        self.updated_at = at

    @event("Changed")
    def change(self, changes: dict[str, Any], at: datetime) -> None:
        for key, value in changes.items():
            setattr(self, key, value)
        if changes.get("enabled"):
            self.disabled_reason = None
            self.failing_since = None
        self.updated_at = at

    @event("SecretRotated")
    def rotate(self, sealed_secret: str, previous_until: datetime, at: datetime) -> None:
        self.sealed = {
            **self.sealed,
            "previousSigningSecret": self.sealed["signingSecret"],
            "signingSecret": sealed_secret,
        }
        self.previous_secret_until = previous_until
        self.updated_at = at

    @event("Disabled")
    def disable(self, reason: str, at: datetime) -> None:
        self.enabled = False
        self.disabled_reason = reason
        self.updated_at = at

    @event("Deleted")
    def delete(self, at: datetime) -> None:
        self.deleted = True
        self.enabled = False
        self.updated_at = at

    @event("Succeeded")
    def succeeded(self, at: datetime) -> None:
        """Recorded on the first success after a failure (not on every delivery)."""
        self.failing_since = None
        self.last_success_at = at

    @event("Failing")
    def failing(self, at: datetime) -> None:
        """Recorded on the first failure after a success: the start of the five days."""
        self.failing_since = at
