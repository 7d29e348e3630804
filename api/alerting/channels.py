"""Channels: list and read them and their delivery log; admins create, change and delete them, send a
test and rotate a webhook's signing secret. A secret is shown once: in the create or rotate answer."""

from collections.abc import Iterator
from contextlib import contextmanager
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
from application.alerting.application import NotFound as NoSuchChannel
from domain.alerting.channel import Channel
from domain.alerting.delivery import Delivery
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


# The changes to a team's channels, the API's and the dashboard's way: each logged, a missing channel a NotFound.


@contextmanager
def _found() -> Iterator[None]:
    try:
        yield
    except NoSuchChannel:
        raise NotFound(NOT_FOUND) from None


def make_channel(  # noqa: PLR0913 - whose channel and everything it is
    container: Container,
    activity: RequestActivity,
    caller: Caller,
    name: object,
    kind: object,
    config: object,
    events: object,
    *,
    enabled: bool = True,
) -> commands.Issued:
    """A new channel; a webhook's signing secret is in the answer only."""
    private = container.settings.webhooks_allow_private_networks
    issued = commands.create_channel(container.alerting, container.secret_box, caller.customer_id, name=name,
                                     type=kind, config=config, events=events, enabled=enabled,
                                     allow_private_networks=private)  # fmt: skip
    channel = issued.channel
    activity.note(Kind.CHANNEL_CREATED, channel.slug, {"type": channel.type, "events": channel.events,
                                                       "enabled": channel.enabled})  # fmt: skip
    return issued


def edit_channel(
    container: Container, activity: RequestActivity, caller: Caller, slug: str, changes: dict[str, Any]
) -> Channel:
    private = container.settings.webhooks_allow_private_networks
    with _found():
        channel = commands.change_channel(container.alerting, container.secret_box, caller.customer_id, slug,
                                          changes, allow_private_networks=private)  # fmt: skip
    # A config holds URLs and addresses that may carry secrets: the log says it changed, not to what.
    shown = {key: "changed" if key == "config" else value for key, value in changes.items()}
    activity.note(Kind.CHANNEL_CHANGED, channel.slug, shown)
    return channel


def remove_channel(container: Container, activity: RequestActivity, caller: Caller, slug: str) -> None:
    with _found():
        commands.delete_channel(container.alerting, caller.customer_id, slug)
    activity.note(Kind.CHANNEL_DELETED, slug)


def test_delivery(container: Container, caller: Caller, slug: str) -> Delivery:
    """A test notification: a delivery like any other, handed to the queue."""
    with _found():
        _, delivery = commands.send_test(container.alerting, caller.customer_id, slug, container.delivery_queue)
    return delivery


def new_signing_secret(container: Container, activity: RequestActivity, caller: Caller, slug: str) -> commands.Issued:
    with _found():
        issued = commands.rotate_secret(container.alerting, container.secret_box, caller.customer_id, slug)
    activity.note(Kind.CHANNEL_SECRET_ROTATED, issued.channel.slug)
    return issued


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
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        data: JSONBody[ChannelIn],
    ) -> ChannelWithSecretOut:
        """A WEBHOOK, SLACK or EMAIL channel, its slug made from its name (unique in the team: a clash is 409;
        past the team's limit of channels, 402). A webhook's `signingSecret` is in this answer only: keep it."""
        issued = make_channel(container, activity, caller, data.name, data.type, data.config.as_dict(), data.events,
                              enabled=data.enabled)  # fmt: skip
        return channel_with_secret(issued.channel, issued.signing_secret)

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
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
        data: JSONBody[ChannelPatchIn],
    ) -> ChannelOut:
        """Change the name (the slug stays), config, events or enabled; enabling clears why it was disabled."""
        return channel_out_of(edit_channel(container, activity, caller, path_value(channel_slug), data.as_dict()))

    @delete(
        "/{channel_slug:str}",
        status_code=204,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def delete_channel(
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
    ) -> None:
        """Delete the channel and free its slug. Escalation rules naming the slug keep it, but a deleted
        channel receives nothing more; its pending deliveries are not sent."""
        remove_channel(container, activity, caller, path_value(channel_slug))

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
        container: NamedDependency[Container],
        channel_slug: FromPath[str],
    ) -> DeliveryOut:
        """Send a test notification: a delivery like any other (in the log, retried), whatever the channel
        subscribes to. The answer is the delivery, PENDING until a worker sends it."""
        return delivery_out_of(test_delivery(container, caller, path_value(channel_slug)))

    @post(
        "/{channel_slug:str}/actions/rotate-secret",
        status_code=200,
        sync_to_thread=True,
        responses=responses(400, 401, 403, 404, 429),
    )
    def rotate_secret(
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        channel_slug: FromPath[str],
    ) -> ChannelWithSecretOut:
        """A new signing secret for a WEBHOOK channel, shown in this answer only. For a day deliveries are
        signed with both the new and the previous secret, so receivers can switch without losing one."""
        issued = new_signing_secret(container, activity, caller, path_value(channel_slug))
        return channel_with_secret(issued.channel, issued.signing_secret)
