"""The identities pages: the list (search, filters, sort by any score, paging) and one identity with
everything known of it: scores and their observations, badges, attributes, score history, linked identities
(a graph and a table, each a way to pivot to another identity), devices, events, escalations and reviews.
Members from USER up may ask for a fresh analysis and disregard an identity from here; admins may erase its
personal data (DELETE /api/identities/{id}'s erasure), and an erased identity says so, when and by whom."""

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from adapters.bootstrap import Container
from api.audit.as_of import time_travel
from api.audit.identities import open_record
from api.auth import Caller, limit_key
from api.dashboard.forms import FORM, refusable
from api.dashboard.pages.identity_as_of import context_then, moment_of, slider
from api.dashboard.templates import COUNTED, Viewer, identity_path, page, paged, score_class, script_json
from api.errors import NotFound
from api.http import MAX_TERM, path_value
from api.privacy.erasure import erase_identity
from api.scoring.schemas.analysis import analysis_out
from api.team.activity import RequestActivity
from application.audit.record import UnknownIdentity, Window
from application.tracking.application import TrackingApplication
from domain.errors import InvalidInput
from projections.alerting.queries.escalations import EscalationFilter, list_escalations
from projections.audit.as_of_index import AsOfIndex
from projections.paging import PageRequest
from projections.read_models import ALERTING, SCORING, TRACKING, ReadModels
from projections.scoring.queries.analyses import latest_analysis, score_history
from projections.scoring.queries.link_graph import LinkGraph, link_graph
from projections.scoring.queries.links import neighbourhood
from projections.scoring.queries.reviews import identity_reviews
from projections.tracking.queries.devices import DeviceFilter, list_devices
from projections.tracking.queries.events import EventFilter, list_events
from projections.tracking.queries.identities import IdentityFilter, badges_of, get_identity, list_identities

PAGE_SIZE = 25
SORTS = {"lastTrackedAt": "Last seen", "humanityScore": "Humanity", "authenticityScore": "Authenticity",
         "uniquenessScore": "Uniqueness", "behaviorScore": "Behavior", "firstSeenAt": "First seen"}  # fmt: skip
SCORE_NAMES = "^(|humanity|authenticity|uniqueness|behavior)$"
BOUND = "^(|[0-9]|[1-9][0-9]|100)$"  # a score, or nothing (an empty box of the form)
SHOWN = 20  # events, devices, escalations and history points on an identity's page


class GraphNode(msgspec.Struct):
    """A node of the links graph static/dashboard.js draws; `tone` is its worst score's class (its colour)."""

    id: str
    label: str
    href: str
    tone: str
    score: int | None
    centre: bool


class GraphEdge(msgspec.Struct):
    source: str
    target: str
    label: str  # each link type with its strength, strongest first
    weight: float  # the strongest link's value (0..1): the line's width


class GraphData(msgspec.Struct):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


def _worded(link_type: str) -> str:
    return link_type.lower().replace("_", " ")  # as the table words it


def graph_data(graph: LinkGraph) -> GraphData:
    nodes = [
        GraphNode(n.identity_id, n.display_name or n.identity_id, identity_path(n.identity_id),
                  score_class(n.worst_score).removeprefix("score-"), n.worst_score, centre=k == 0)
        for k, n in enumerate(graph.nodes)
    ]  # fmt: skip
    edges = [
        GraphEdge(
            e.source, e.target, " · ".join(f"{_worded(lk.type)} {lk.value:.2f}" for lk in e.links), e.links[0].value
        )
        for e in graph.edges
    ]
    return GraphData(nodes, edges)


class EraseForm(msgspec.Struct):
    """The erase form's confirmation, which needs no script: the box ticked and the identity's id typed."""

    understood: str = ""
    typed_id: str = ""


# No quote nor apostrophe: the page shows it escaped, and a test finds it as written.
NOT_CONFIRMED = "Nothing was erased: tick the box that says it cannot be undone and type the id of the identity exactly"
ERASED_ONLY = Window(kinds=frozenset({"erased"}))  # the timeline's entry that names who erased it


def _confirmed(form: EraseForm, identity: str) -> None:
    if not form.understood or identity not in (form.typed_id, form.typed_id.strip()):
        raise InvalidInput(NOT_CONFIRMED)


def erasure_of(
    container: Container, read_models: ReadModels, team: UUID, identity: str, erased_at: int | None
) -> dict[str, Any] | None:
    """When the identity's personal data was erased (the read model's `erased_at`, µs) and by whom, as its timeline's
    `erased` entry names them (GET /api/audit/identities/{id}/timeline); None if it never was."""
    if erased_at is None:
        return None
    try:
        entries = open_record(container, read_models, team, identity).timeline(ERASED_ONLY, 0, 1).entries
    except UnknownIdentity:
        entries = []
    return {"at": erased_at, "by": entries[0].actor.name if entries else None}


def _text(name: str, max_length: int = MAX_TERM) -> Any:
    return QueryParameter(name=name, max_length=max_length, pattern="^[^\x00]*$")


class IdentityPages(Controller):
    include_in_schema = False

    @get("/identities", sync_to_thread=True)
    def identities(  # noqa: PLR0913 - the list's search, filters, order and page
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        term: Annotated[str, _text("term")] = "",
        badge: Annotated[str, _text("badge", 120)] = "",
        device: Annotated[str, _text("device", 128)] = "",
        group: Annotated[str, _text("group", 255)] = "",
        sort: Annotated[str, QueryParameter(name="sort", pattern="^(" + "|".join(SORTS) + ")$")] = "lastTrackedAt",
        order: Annotated[str | None, QueryParameter(name="order", pattern="^(asc|desc)$")] = None,
        score: Annotated[str, QueryParameter(name="score", pattern=SCORE_NAMES)] = "",
        least: Annotated[str, QueryParameter(name="least", pattern=BOUND)] = "",
        most: Annotated[str, QueryParameter(name="most", pattern=BOUND)] = "",
        page_number: Annotated[int, QueryParameter(name="page", ge=0, le=100_000)] = 0,
    ) -> Template:
        """Scores sort worst first unless told otherwise; times newest first."""
        ascending = order == "asc" or (order is None and sort.endswith("Score"))
        low, high = (int(v) if v else None for v in (least, most))
        ranges = ((score, low, high),) if score and (low is not None or high is not None) else ()
        filters = IdentityFilter(term=term or None, badge=badge or None, device=device or None, group=group or None,
                                 score_ranges=ranges)  # fmt: skip
        asked = PageRequest(
            page_number=page_number, page_size=PAGE_SIZE, sort=sort, descending=not ascending, count_limit=COUNTED
        )
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            found = list_identities(conn, caller.customer_id, filters, asked)
            badges = badges_of(conn, caller.customer_id, [r["identity_id"] for r in found.rows])
        query = {"term": term, "badge": badge, "device": device, "group": group, "sort": sort,
                 "order": "asc" if ascending else "desc", "score": score, "least": least, "most": most}  # fmt: skip
        context = page(viewer, "identities", badges=badges, sorts=SORTS, **paged("/identities", query, found))
        return Template(template_name="identities.html", context=context)

    @get("/identities/{identity_id:str}", sync_to_thread=True)
    def identity(  # noqa: PLR0913 - the identity, and the instant its time slider asks for
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        identity_id: FromPath[str],
        as_of: Annotated[str, _text("asOf", 64)] = "",
        at: Annotated[int | None, QueryParameter(name="at", ge=0, le=100_000)] = None,
    ) -> Template:
        """The identity now or, with `asOf` (or `at`, a stop of its time slider), as Dregs knew it then."""
        return self._page(caller, viewer, read_models, container, path_value(identity_id), as_of, at)

    def _page(  # noqa: PLR0913 - the identity, the instant, and a refused form's message and status
        self,
        caller: Caller,
        viewer: Viewer,
        read_models: ReadModels,
        container: Container,
        identity: str,
        as_of: str = "",
        at: int | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        team = caller.customer_id
        first = PageRequest(page_size=SHOWN, count_limit=COUNTED)
        with read_models.current(TRACKING, SCORING, ALERTING) as conn:
            index = AsOfIndex(conn)
            instants = index.instants(team, identity)
            moment = moment_of(instants, as_of, at)
            if moment is not None:
                shown = context_then(time_travel(container), index, team, identity, moment)
                # Erased now, its data is unreadable then too: the page says why rather than look empty.
                erased_at = (get_identity(conn, team, identity) or {}).get("erased_at")
            else:
                shown = self._now(conn, team, identity, first)
                erased_at = shown["identity"]["erased_at"]
        history = shown["history"]
        chart = script_json({
            "at": [h["finished_at"] / 1_000_000 for h in history],
            **{c: [h[f"{c}_score"] for h in history] for c in ("humanity", "authenticity", "uniqueness", "behavior")},
        })  # fmt: skip
        erasure = erasure_of(container, read_models, team, identity, erased_at)
        context = page(viewer, "identities", chart=chart, slider=slider(instants, moment), erasure=erasure,
                       error=error, **shown)  # fmt: skip
        return Template(template_name="identity.html", context=context, status_code=status)

    @staticmethod
    def _now(conn: Any, team: Any, identity: str, first: PageRequest) -> dict[str, Any]:
        row = get_identity(conn, team, identity)
        if row is None:
            raise NotFound("Identity not found")
        analysis = latest_analysis(conn, team, identity)
        around = neighbourhood(conn, team, identity)
        links = around.links
        graph = link_graph(conn, team, identity, around)
        events = list_events(conn, team, EventFilter(identity=identity), first)
        return {"identity": row, "badges": badges_of(conn, team, [identity])[identity],
                "analysis": analysis_out(analysis) if analysis else None,
                "history": list(reversed(score_history(conn, team, identity, SHOWN * 5))),
                "links": links, "graph": script_json(graph_data(graph)), "graph_left_out": graph.left_out,
                "devices": list_devices(conn, team, DeviceFilter(identity=identity), first).rows,
                "events": events.rows, "event_total": f"{events.total:,}" + ("+" if events.more else ""),
                "escalations": list_escalations(conn, team, EscalationFilter(identity=identity), first).rows,
                "reviews": identity_reviews(conn, team, identity)}  # fmt: skip

    @post("/identities/{identity_id:str}/analyze", status_code=303, sync_to_thread=True)
    def analyze(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        identity_id: FromPath[str],
    ) -> Redirect:
        """Queue a fresh cycle for the identity, as POST /api/identities/{id}/actions/analyze does."""
        identity = path_value(identity_id)
        self._existing(read_models, caller, identity)
        tracking.request_analysis(caller.customer_id, identity, limit_key(caller))
        return Redirect(identity_path(identity) + "?analysis=requested", status_code=303)

    @post("/identities/{identity_id:str}/disregard", status_code=303, sync_to_thread=True)
    def disregard(
        self,
        caller: NamedDependency[Caller],
        read_models: NamedDependency[ReadModels],
        tracking: NamedDependency[TrackingApplication],
        identity_id: FromPath[str],
    ) -> Redirect:
        """Disregard the identity (its scores stop counting in the team's links), or regard it again."""
        identity = self._existing(read_models, caller, path_value(identity_id))
        with read_models.current(TRACKING) as conn:
            row = get_identity(conn, caller.customer_id, identity)
        assert row is not None
        position = tracking.edit_identity(
            caller.customer_id, identity, attributes=None, disregarded=not row["disregarded"], by=limit_key(caller)
        )
        read_models.reach(TRACKING, position)
        return Redirect(identity_path(identity), status_code=303)

    @post("/identities/{identity_id:str}/erase", sync_to_thread=True)
    def erase(  # noqa: PLR0913 - the confirmation, who asks, and the parts that erase and show the page again
        self,
        caller: NamedDependency[Caller],
        viewer: NamedDependency[Viewer],
        read_models: NamedDependency[ReadModels],
        container: NamedDependency[Container],
        activity: NamedDependency[RequestActivity],
        identity_id: FromPath[str],
        data: Annotated[EraseForm, FORM],
    ) -> Template | Redirect:
        """Erase the identity's personal data for good, as DELETE /api/identities/{id} does, once the admin
        confirmed; the page then shows it erased. Unconfirmed, the page comes back with why (400)."""
        identity = self._existing(read_models, caller, path_value(identity_id))["identity_id"]
        with refusable() as refused:
            _confirmed(data, identity)
            erase_identity(container, caller, activity, identity)
        if refused:
            return self._page(caller, viewer, read_models, container, identity, **refused.shown)
        return Redirect(identity_path(identity), status_code=303)

    @staticmethod
    def _existing(read_models: ReadModels, caller: Caller, identity: str) -> dict[str, Any]:
        with read_models.current(TRACKING) as conn:
            row = get_identity(conn, caller.customer_id, identity)
        if row is None:
            raise NotFound("Identity not found")
        return row
