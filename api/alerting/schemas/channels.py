"""Channels (manual §13, contract §12) and their delivery log. A secret is shown only by the Structs named
…WithSecret: the create and rotate-secret answers."""

from typing import Annotated, Any, ClassVar

import msgspec
from litestar.openapi.spec import OpenAPIType, Schema

from api.http import any_case
from api.schemas import text
from api.time import format_time
from application.alerting.channels import MAX_ADDRESS, MAX_ADDRESSES, MAX_URL
from domain.alerting.channel import EMAIL, MAX_NAME, SLACK, TYPES, WEBHOOK, Channel
from domain.alerting.channel_events import EVENTS
from domain.alerting.delivery import DELIVERED, FAILED, PENDING, Delivery

# A name holds a letter or a digit (its slug is made of them).
NAME = r"^[^\x00]*[^\W_][^\x00]*$"
TYPE = any_case(*TYPES)
EVENT = any_case(*EVENTS)
STATUS = any_case(PENDING, DELIVERED, FAILED)
URL = r"^[hH][tT][tT][pP][sS]?://[^\x00]+$"
MAX_EVENTS = 2 * len(EVENTS)  # repeats are dropped

Url = text(MAX_URL, min_length=10, pattern=URL)
Events = Annotated[list[text(40, pattern=EVENT)], msgspec.Meta(min_length=1, max_length=MAX_EVENTS)]  # type: ignore[valid-type]


_EVENTS_SCHEMA = {
    "items": Schema(type=OpenAPIType.STRING, max_length=40, pattern=EVENT),
    "description": f"the news the channel receives (any case; repeats are dropped): {', '.join(EVENTS)}",
}


class ChannelConfigIn(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    """Where a channel sends: `url` for a WEBHOOK, `webhookUrl` (a Slack incoming webhook) for SLACK,
    `addresses` for EMAIL; only the type's own key. Without DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS a URL must
    be https and name a public host."""

    url: Url | msgspec.UnsetType = msgspec.UNSET  # type: ignore[valid-type]
    webhook_url: Url | msgspec.UnsetType = msgspec.UNSET  # type: ignore[valid-type]
    addresses: (
        Annotated[
            list[text(MAX_ADDRESS, min_length=3)],  # type: ignore[valid-type]
            msgspec.Meta(min_length=1, max_length=MAX_ADDRESSES),
        ]
        | msgspec.UnsetType
    ) = msgspec.UNSET
    __schema__: ClassVar = {"min_properties": 1, "max_properties": 1}
    # Litestar describes the list but not its items' bounds.
    __field_schema__: ClassVar = {
        "addresses": {
            "items": Schema(type=OpenAPIType.STRING, min_length=3, max_length=MAX_ADDRESS, format="email"),
            "description": f"1 to {MAX_ADDRESSES} email addresses (repeats are dropped)",
        },
        "url": {"description": "where deliveries are POSTed (https, a public host)"},
        "webhook_url": {
            "description": "a Slack incoming webhook, https://hooks.slack.com/… (any URL with "
            "DREGS_WEBHOOKS_ALLOW_PRIVATE_NETWORKS): a credential, stored encrypted and shown masked"
        },
    }

    def as_dict(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in (("url", self.url), ("webhookUrl", self.webhook_url), ("addresses", self.addresses))
            if value is not msgspec.UNSET
        }


def _by_type(kind: str, key: str) -> Schema:
    return Schema(
        properties={
            "type": Schema(type=OpenAPIType.STRING, pattern=any_case(kind)),
            "config": Schema(type=OpenAPIType.OBJECT, required=[key]),
        }
    )


class ChannelIn(msgspec.Struct, forbid_unknown_fields=True):
    name: text(MAX_NAME, min_length=1, pattern=NAME)  # type: ignore[valid-type]
    type: text(16, pattern=TYPE)  # type: ignore[valid-type]
    config: ChannelConfigIn
    events: Events  # type: ignore[valid-type]
    enabled: bool = True
    __field_schema__: ClassVar = {"events": _EVENTS_SCHEMA}
    # The config key each type takes.
    __schema__: ClassVar = {
        "one_of": [_by_type(WEBHOOK, "url"), _by_type(SLACK, "webhookUrl"), _by_type(EMAIL, "addresses")]
    }


class ChannelPatchIn(msgspec.Struct, forbid_unknown_fields=True):
    """Only what is given changes. The slug stays when the name changes; `config` is the channel type's."""

    name: text(MAX_NAME, min_length=1, pattern=NAME) | msgspec.UnsetType = msgspec.UNSET  # type: ignore[valid-type]
    config: ChannelConfigIn | msgspec.UnsetType = msgspec.UNSET
    events: Events | msgspec.UnsetType = msgspec.UNSET  # type: ignore[valid-type]
    enabled: bool | msgspec.UnsetType = msgspec.UNSET
    __field_schema__: ClassVar = {"events": _EVENTS_SCHEMA}

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key in ("name", "events", "enabled"):
            value = getattr(self, key)
            if value is not msgspec.UNSET:
                found[key] = value
        if self.config is not msgspec.UNSET:
            found["config"] = self.config.as_dict()
        return found


class ChannelOut(msgspec.Struct, rename="camel"):
    """A channel as every answer shows it: `config` never holds a secret (a Slack URL is masked)."""

    id: int
    slug: str
    name: str
    type: str
    config: dict[str, Any]
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    failing_since: str | None
    last_success_at: str | None
    created_at: str
    updated_at: str


class ChannelWithSecretOut(msgspec.Struct, rename="camel"):
    """The create and rotate-secret answers: the only ones that show a webhook's signing secret (null for
    other types). Keep it: it is never shown again."""

    id: int
    slug: str
    name: str
    type: str
    config: dict[str, Any]
    events: list[str]
    enabled: bool
    disabled_reason: str | None
    failing_since: str | None
    last_success_at: str | None
    created_at: str
    updated_at: str
    signing_secret: str | None


def channel_out(row: dict[str, Any]) -> ChannelOut:
    return ChannelOut(
        id=row["number"],
        slug=row["slug"],
        name=row["name"],
        type=row["type"],
        config=row["config"],
        events=list(row["events"]),
        enabled=bool(row["enabled"]),
        disabled_reason=row["disabled_reason"],
        failing_since=format_time(row["failing_since"]),
        last_success_at=format_time(row["last_success_at"]),
        created_at=format_time(row["created_at"]) or "",
        updated_at=format_time(row["updated_at"]) or "",
    )


def _fields_of(channel: Channel) -> dict[str, Any]:
    return {
        "id": channel.number,
        "slug": channel.slug,
        "name": channel.name,
        "type": channel.type,
        "config": channel.config,
        "events": list(channel.events),
        "enabled": channel.enabled,
        "disabled_reason": channel.disabled_reason,
        "failing_since": format_time(channel.failing_since),
        "last_success_at": format_time(channel.last_success_at),
        "created_at": format_time(channel.created_at) or "",
        "updated_at": format_time(channel.updated_at) or "",
    }


def channel_out_of(channel: Channel) -> ChannelOut:
    """The aggregate just changed, as the read model will show it."""
    return ChannelOut(**_fields_of(channel))


def channel_with_secret(channel: Channel, secret: str | None) -> ChannelWithSecretOut:
    return ChannelWithSecretOut(**_fields_of(channel), signing_secret=secret)


class DeliveryAttemptOut(msgspec.Struct, rename="camel"):
    attempt: int
    at: str
    status_code: int | None
    error: str | None
    succeeded: bool


class DeliveryOut(msgspec.Struct, rename="camel"):
    """One piece of news sent (or being sent) to a channel, and every try."""

    id: str
    event: str
    trigger: str
    identity: str | None
    status: str
    status_code: int | None
    attempt: int
    error: str | None
    created_at: str
    next_attempt_at: str | None
    delivered_at: str | None
    attempts: list[DeliveryAttemptOut]


def delivery_out(row: dict[str, Any]) -> DeliveryOut:
    return DeliveryOut(
        id=str(row["delivery_id"]),
        event=row["event"],
        trigger=row["trigger"],
        identity=row["identity_id"],
        status=row["status"],
        status_code=row["last_status_code"],
        attempt=row["attempts"],
        error=row["last_error"],
        created_at=format_time(row["created_at"]) or "",
        next_attempt_at=format_time(row["next_attempt_at"]),
        delivered_at=format_time(row["delivered_at"]),
        attempts=[
            DeliveryAttemptOut(
                attempt=a["attempt"],
                at=format_time(a["at"]) or "",
                status_code=a["status_code"],
                error=a["error"],
                succeeded=bool(a["succeeded"]),
            )
            for a in row.get("attempt_rows", [])
        ],
    )


def delivery_out_of(delivery: Delivery) -> DeliveryOut:
    """A delivery just recorded (no attempt yet), as the log will show it."""
    return DeliveryOut(
        id=str(delivery.id),
        event=delivery.event,
        trigger=delivery.trigger,
        identity=delivery.identity,
        status=delivery.status,
        status_code=delivery.last_status_code,
        attempt=delivery.attempts,
        error=delivery.last_error,
        created_at=format_time(delivery.created_at) or "",
        next_attempt_at=format_time(delivery.next_attempt_at),
        delivered_at=format_time(delivery.delivered_at),
        attempts=[],
    )
