"""Channels: list and read them and their delivery log; admins create, change and delete them, send a
test and rotate a webhook's signing secret. A secret is shown once: in the create or rotate answer."""

from typing import Annotated, Any

from litestar import delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter

from adapters.alerting.secret_box import FernetSecretBox
from adapters.bootstrap import Container
from api.alerting.schemas.channels import (
    STATUS,
    ChannelIn,
    ChannelOut,
    ChannelPatchIn,
    ChannelWithSecretOut,
    DeliveryOut,
    channel_out,
    channel_out_of,
    channel_with_secret,
    delivery_out,
    delivery_out_of,
)
from api.auth import Caller
from api.controller import TeamController
from api.dependencies import provide
from api.errors import NotFound, responses
from api.http import PATTERN_RULES, paging, path_value
from api.schemas import PageOut, page_out
from api.team.activity import RequestActivity
from application.alerting import channels as commands
from application.alerting.application import AlertingApplication
from application.alerting.application import NotFound as NoSuchChannel
from domain.team.activity import Kind
from projections.alerting.queries.channels import channel_by_slug, list_channels
from projections.alerting.queries.deliveries import SORTS, channel_deliveries
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels

PATTERN_RULES[STATUS] = "must be PENDING, DELIVERED or FAILED"
NOT_FOUND = "Channel not found"


def secret_box(container: NamedDependency[Container]) -> FernetSecretBox:
    return container.secret_box


def _channel_row(conn: Any, caller: Caller, slug: str) -> dict[str, Any]:
    row = channel_by_slug(conn, caller.customer_id, path_value(slug))
    if row is None:
        raise NotFound(NOT_FOUND)
    return row


class ChannelController(TeamController):
    path = "/api/channels"
    dependencies = {"page": paging(SORTS, "createdAt"), **provide(secret_box=secret_box)}  # noqa: RUF012

    @get(sync_to_thread=True, responses=responses(401, 403, 429))
    def list_channels(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels]
    ) -> list[ChannelOut]:
        """The team's channels, oldest first. No answer ever holds a secret."""
        with read_models.current(ALERTING) as conn:
            return [channel_out(r) for r in list_channels(conn, caller.customer_id)]

    @post(status_code=201, sync_to_thread=True, responses=responses(400, 401, 402, 403, 409, 429))
    def create_channel(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        secret_box: NamedDependency[FernetSecretBox],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[ChannelIn],
    ) -> ChannelWithSecretOut:
        """A WEBHOOK, SLACK or EMAIL channel, its slug made from its name (unique in the team: a clash is 409;
        past the team's limit of channels, 402). A webhook's `signingSecret` is in this answer only: keep it."""
        issued = commands.create_channel(
            alerting,
            secret_box,
            caller.customer_id,
            name=data.name,
            type=data.type,
            config=data.config.as_dict(),
            events=data.events,
            enabled=data.enabled,
            allow_private_networks=container.settings.webhooks_allow_private_networks,
        )
        channel = issued.channel
        detail = {"type": channel.type, "events": channel.events, "enabled": channel.enabled}
        activity.note(Kind.CHANNEL_CREATED, channel.slug, detail)
        return channel_with_secret(channel, issued.signing_secret)

    @get("/{channel_slug:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def get_channel(
        self, caller: NamedDependency[Caller], read_models: NamedDependency[ReadModels], channel_slug: FromPath[str]
    ) -> ChannelOut:
        with read_models.current(ALERTING) as conn:
            return channel_out(_channel_row(conn, caller, channel_slug))

    @patch("/{channel_slug:str}", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def patch_channel(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        secret_box: NamedDependency[FernetSecretBox],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
        data: JSONBody[ChannelPatchIn],
    ) -> ChannelOut:
        """Change the name (the slug stays), config, events or enabled; enabling clears why it was disabled."""
        try:
            channel = commands.change_channel(
                alerting,
                secret_box,
                caller.customer_id,
                path_value(channel_slug),
                data.as_dict(),
                allow_private_networks=container.settings.webhooks_allow_private_networks,
            )
        except NoSuchChannel:
            raise NotFound(NOT_FOUND) from None
        # A config holds URLs and addresses that may carry secrets: the log says it changed, not to what.
        changes = {key: "changed" if key == "config" else value for key, value in data.as_dict().items()}
        activity.note(Kind.CHANNEL_CHANGED, channel.slug, changes)
        return channel_out_of(channel)

    @delete(
        "/{channel_slug:str}",
        status_code=204,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_channel(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
    ) -> None:
        """Delete the channel and free its slug. Escalation rules naming the slug keep it, but a deleted
        channel receives nothing more; its pending deliveries are not sent."""
        try:
            commands.delete_channel(alerting, caller.customer_id, path_value(channel_slug))
        except NoSuchChannel:
            raise NotFound(NOT_FOUND) from None
        activity.note(Kind.CHANNEL_DELETED, path_value(channel_slug))

    @get("/{channel_slug:str}/deliveries", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def list_deliveries(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        channel_slug: FromPath[str],
        status: Annotated[
            str | None,
            QueryParameter(name="status", pattern=STATUS, description="PENDING, DELIVERED or FAILED (any case)"),
        ] = None,
    ) -> PageOut[DeliveryOut]:
        """The channel's delivery log, newest first: each delivery's event, trigger, status, last HTTP status,
        attempt number and error, and every attempt."""
        with read_models.current(ALERTING) as conn:
            row = _channel_row(conn, caller, channel_slug)
            found = channel_deliveries(
                conn, caller.customer_id, row["number"], page, status.upper() if status else None
            )
        return page_out(found, [delivery_out(r) for r in found.rows])

    @post(
        "/{channel_slug:str}/actions/test",
        status_code=202,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def test_channel(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        container: NamedDependency[Container],
        channel_slug: FromPath[str],
    ) -> DeliveryOut:
        """Send a test notification: a delivery like any other (in the log, retried), whatever the channel
        subscribes to. The answer is the delivery, PENDING until a worker sends it."""
        try:
            _, delivery = commands.send_test(
                alerting, caller.customer_id, path_value(channel_slug), container.delivery_queue
            )
        except NoSuchChannel:
            raise NotFound(NOT_FOUND) from None
        return delivery_out_of(delivery)

    @post(
        "/{channel_slug:str}/actions/rotate-secret",
        status_code=200,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def rotate_secret(
        self,
        caller: NamedDependency[Caller],
        alerting: NamedDependency[AlertingApplication],
        secret_box: NamedDependency[FernetSecretBox],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
    ) -> ChannelWithSecretOut:
        """A new signing secret for a WEBHOOK channel, shown in this answer only. For a day deliveries are
        signed with both the new and the previous secret, so receivers can switch without losing one."""
        try:
            issued = commands.rotate_secret(alerting, secret_box, caller.customer_id, path_value(channel_slug))
        except NoSuchChannel:
            raise NotFound(NOT_FOUND) from None
        activity.note(Kind.CHANNEL_SECRET_ROTATED, issued.channel.slug)
        return channel_with_secret(issued.channel, issued.signing_secret)
