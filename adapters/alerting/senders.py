"""Sends a delivery the way its channel wants it: a signed webhook, a Slack card, an email; and tells a
team's admins by email when the worker disabled one of their channels."""

import json
import logging
from datetime import datetime
from uuid import UUID

from sqlalchemy import Engine

from adapters.alerting.http_sender import HttpSender
from adapters.alerting.mailer import Mailer, delivery_text
from adapters.alerting.signing import signature_headers
from adapters.alerting.slack import card
from application.alerting.ports import SecretBox, SendResult
from domain.alerting.channel import EMAIL, SLACK, WEBHOOK, Channel
from domain.alerting.delivery import Delivery
from projections.accounts.queries.members import admin_emails

log = logging.getLogger(__name__)


class ChannelSenders:
    def __init__(self, http: HttpSender, mailer: Mailer, secret_box: SecretBox, public_url: str) -> None:
        self.http = http
        self.mailer = mailer
        self.secret_box = secret_box
        self.public_url = public_url

    def send(self, channel: Channel, delivery: Delivery, body: bytes, at: datetime) -> SendResult:
        if channel.type == WEBHOOK:
            return self._webhook(channel, delivery, body, at)
        if channel.type == SLACK:
            url = self.secret_box.open(channel.sealed["webhookUrl"])
            slack_body = json.dumps(card(delivery.event, delivery.data, self.public_url), separators=(",", ":"))
            return self.http.post(url, slack_body.encode(), {})
        if channel.type == EMAIL:
            subject, text = delivery_text(delivery.event, delivery.data, self.public_url)
            addresses = [str(a) for a in channel.config.get("addresses", [])]
            if not addresses:
                return SendResult(None, "The channel has no addresses")
            return self.mailer.send(self.mailer.message(addresses, subject, text))
        return SendResult(None, f"Channels of type {channel.type} cannot be sent to")

    def _webhook(self, channel: Channel, delivery: Delivery, body: bytes, at: datetime) -> SendResult:
        secret = self.secret_box.open(channel.sealed["signingSecret"])
        previous = None
        sealed_previous = channel.sealed.get("previousSigningSecret")
        if sealed_previous and channel.previous_secret_until is not None and at < channel.previous_secret_until:
            previous = self.secret_box.open(sealed_previous)
        headers = signature_headers(
            body, event=delivery.event, webhook_id=delivery.webhook_id, at=at, secret=secret, previous_secret=previous
        )
        return self.http.post(str(channel.config["url"]), body, headers)


class MailAdminNotice:
    def __init__(self, views: Engine, mailer: Mailer, public_url: str) -> None:
        self.views = views
        self.mailer = mailer
        self.public_url = public_url

    def channel_disabled(self, customer_id: UUID, channel: Channel) -> None:
        with self.views.connect() as conn:
            to = admin_emails(conn, customer_id)
        if not to:
            log.warning(
                "channel %s of team %s was disabled, and the team has no admin to tell", channel.slug, customer_id
            )
            return
        text = (
            f"Dregs disabled the {channel.type.lower()} channel {channel.name!r} ({channel.slug}).\n\n"
            f"Reason: {channel.disabled_reason}\n\n"
            "Nothing more is sent to it until an admin enables it again: "
            f"{self.public_url.rstrip('/')}/settings/notifications\n"
        )
        result = self.mailer.send(self.mailer.message(to, f"[Dregs] Channel {channel.name} disabled", text))
        if result.error:
            log.error(
                "telling the admins of team %s about channel %s failed: %s", customer_id, channel.slug, result.error
            )
