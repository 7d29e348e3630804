"""The channels page: where the team's news goes (webhooks, Slack, email), each channel's delivery log, and,
for admins, a new channel (a webhook's signing secret shown once), changing one's name, destination or events, a
test notification, a new signing secret, enabling, disabling and deleting: the same functions as /api/channels."""

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from adapters.bootstrap import Container
from api.alerting.channels import edit_channel, make_channel, new_signing_secret, remove_channel, test_delivery
from api.auth import Caller
from api.dashboard.forms import refusable
from api.dashboard.templates import COUNTED, Viewer, page, paged
from api.errors import NotFound
from api.http import path_value
from api.team.activity import RequestActivity
from domain.alerting.channel import EMAIL, SLACK, TYPES
from domain.alerting.channel_events import EVENTS
from projections.alerting.queries.channels import channel_by_slug, list_channels
from projections.alerting.queries.deliveries import channel_deliveries
from projections.paging import PageRequest
from projections.read_models import ALERTING, ReadModels

DELIVERIES_PAGE = 50
ACTIONS = ("test", "rotate", "enable", "disable", "delete")


def config_of(kind: str, destination: str) -> dict[str, Any]:
    """The type's config from the form's one destination field: a URL, or email addresses split by commas."""
    if kind == EMAIL:
        return {"addresses": [a.strip() for a in destination.replace("\n", ",").split(",") if a.strip()]}
    return {"webhookUrl" if kind == SLACK else "url": destination.strip()}


class ChannelPages(Controller):
    include_in_schema = False
    path = "/settings/channels"

    def _render(self, viewer: Viewer, read_models: ReadModels, caller: Caller, **extra: Any) -> Template:
        with read_models.current(ALERTING) as conn:
            channels = list_channels(conn, caller.customer_id)
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="channels", channels=channels, types=TYPES, events=EVENTS, **extra)
        return Template(template_name="settings/channels.html", context=context, status_code=status)

    @get("/", sync_to_thread=True)
    def channels(
        self, caller: NamedDependency[Caller], viewer: NamedDependency[Viewer], read_models: NamedDependency[ReadModels]
    ) -> Template:
        return self._render(viewer, read_models, caller)

    @post("/")
    async def create(  # noqa: PLR0913 - the form, who makes the channel, and the parts that make it
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
    ) -> Template:
        """The new channel, and a webhook's signing secret, this once. The form's events are checkboxes: a list."""
        form: FormMultiDict = await request.form()
        kind = str(form.get("type", ""))
        config = config_of(kind, str(form.get("destination", "")))

        def make() -> Template:
            with refusable() as refused:
                issued = make_channel(container, activity, caller, form.get("name", ""), kind, config,
                                      form.getall("events", []))  # fmt: skip
            if refused:
                return self._render(viewer, read_models, caller, **refused.shown)
            return self._render(viewer, read_models, caller, made=issued.channel.name, secret=issued.signing_secret)

        return await anyio.to_thread.run_sync(make)

    def _channel_page(  # noqa: PLR0913 - the channel, the log's page, and what to tell
        self, viewer: Viewer, read_models: ReadModels, caller: Caller, slug: str, page_number: int = 0, **extra: Any
    ) -> Template:
        asked = PageRequest(page_number=page_number, page_size=DELIVERIES_PAGE, sort="createdAt", count_limit=COUNTED)
        with read_models.current(ALERTING) as conn:
            channel = channel_by_slug(conn, caller.customer_id, slug)
            if channel is None:
                raise NotFound("Channel not found")
            found = channel_deliveries(conn, caller.customer_id, channel["number"], asked)
        status = extra.pop("status", 200)
        context = page(viewer, "settings", tab="channels", channel=channel, events=EVENTS, **extra,
                       **paged(f"/settings/channels/{channel['slug']}", {}, found))  # fmt: skip
        return Template(template_name="settings/deliveries.html", context=context, status_code=status)

    @get("/{slug:str}", sync_to_thread=True)
    def deliveries(  # noqa: PLR0913 - the channel and the log's page
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        slug: FromPath[str],
        page_number: Annotated[int, QueryParameter(name="page", ge=0, le=100_000)] = 0,
    ) -> Template:
        """The channel's delivery log, newest first, and for admins the form that changes it."""
        return self._channel_page(viewer, read_models, caller, path_value(slug), page_number)

    @post("/{slug:str}/edit")
    async def edit(  # noqa: PLR0913 - the form, which channel, and the parts that change it
        self,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        slug: FromPath[str],
    ) -> Template | Redirect:
        """The channel's name, events and, when a new one is given, its destination (left empty, it stays: a
        Slack URL is a credential the page never shows)."""
        form: FormMultiDict = await request.form()
        name = path_value(slug)

        def change() -> Template | Redirect:
            with refusable() as refused:
                changes: dict[str, Any] = {"name": str(form.get("name", "")), "events": form.getall("events", [])}
                if destination := str(form.get("destination", "")).strip():
                    with read_models.current(ALERTING) as conn:
                        channel = channel_by_slug(conn, caller.customer_id, name)
                    if channel is None:
                        raise NotFound("Channel not found")
                    changes["config"] = config_of(channel["type"], destination)
                edit_channel(container, activity, caller, name, changes)
            if refused:
                return self._channel_page(viewer, read_models, caller, name, **refused.shown)
            return Redirect(f"/settings/channels/{name}", status_code=303)

        return await anyio.to_thread.run_sync(change)

    @post("/{slug:str}/{action:str}", sync_to_thread=True)
    def act(  # noqa: PLR0913 - which channel, what to do, and the parts that do it
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        slug: FromPath[str],
        action: FromPath[str],
    ) -> Template | Redirect:
        if action not in ACTIONS:
            raise NotFound("No such action")
        name = path_value(slug)
        with refusable() as refused:
            if action == "test":
                test_delivery(container, caller, name)
                return Redirect(f"/settings/channels/{name}", status_code=303)
            if action == "rotate":
                issued = new_signing_secret(container, activity, caller, name)
                return self._render(viewer, read_models, caller, made=issued.channel.name, secret=issued.signing_secret)
            if action == "delete":
                remove_channel(container, activity, caller, name)
            else:
                edit_channel(container, activity, caller, name, {"enabled": action == "enable"})
        if refused:
            return self._render(viewer, read_models, caller, **refused.shown)
        return Redirect("/settings/channels", status_code=303)
