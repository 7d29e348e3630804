"""An identity's record for auditors: its timeline (GET …/timeline, paged) and its tamper-evident export
(GET …/export, hash-chained JSON lines), both read from the event stores (application/audit/record.py).

Who may call them (api/access.py): the timeline is a read of the team's data, so every member (a VIEWER is
how a team lets auditors and support in) and the server key; it shows who made a change by name only, never
the activity log's addresses and browsers. The export is for admins in a dashboard session: it holds every
stored event verbatim, the activity log's entries (addresses, browsers) among them, which only admins read."""

import logging
from collections.abc import Iterator
from typing import Annotated
from uuid import UUID

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Stream

from adapters.audit.stored_events import StoredEvents
from adapters.bootstrap import Container
from api.audit.schemas import TimelineEntryOut, timeline_entry_out
from api.auth import Caller
from api.controller import TeamController
from api.errors import NotFound, responses
from api.http import PATTERN_RULES, any_case, paging, path_value
from api.schemas import PageOut, page_out
from api.system.openapi import SESSION
from api.time import parse_time
from application.audit.export import export_lines
from application.audit.record import IdentityRecord, Stores, UnknownIdentity, Window
from domain.audit.timeline import KINDS
from domain.errors import InvalidInput
from domain.times import to_micros
from projections.audit.record_index import RecordIndex
from projections.paging import Page, PageRequest
from projections.read_models import ACCOUNTS, ALERTING, SCORING, TRACKING, ReadModels

log = logging.getLogger(__name__)
NDJSON = "application/x-ndjson"
CHUNK_BYTES = 64 * 1024  # lines sent together: each piece the stream takes costs a hop to a worker thread


# The kinds in any case, separated by commas (spaces around them allowed); empty counts as absent.
_A_KIND = any_case(*KINDS)[1:-1]
_KINDS_PATTERN = f"^( *{_A_KIND} *(, *{_A_KIND} *)*)?$"
PATTERN_RULES[_KINDS_PATTERN] = f"must be one or more of {', '.join(KINDS)}, separated by commas"
KIND_PARAMETER = QueryParameter(
    name="kind",
    description="only entries of these kinds, separated by commas: " + ", ".join(KINDS),
    max_length=2000,
    pattern=_KINDS_PATTERN,
)


def window_of(start: str | None, end: str | None, kind: str | None) -> Window:
    try:
        since = to_micros(parse_time(start)) if start is not None else None
        until = to_micros(parse_time(end)) if end is not None else None
    except (ValueError, OverflowError):
        raise InvalidInput("from and to must be ISO-8601 instants, e.g. 2026-12-01T00:00:00Z") from None
    kinds = None
    if kind:
        kinds = frozenset(k.strip().lower() for k in kind.split(",") if k.strip())
        unknown = sorted(kinds - set(KINDS))
        if unknown or not kinds:
            raise InvalidInput(f"kind must be one or more of {', '.join(KINDS)}, separated by commas")
    return Window(since, until, kinds)


def identity_record(container: Container, read_models: ReadModels, caller: Caller, identity_id: str) -> IdentityRecord:
    """The identity's record, read from stores no newer than the read models that index it: every log is
    projected up to its head at the time of the request first. 404 when the team has no such identity."""
    identity = path_value(identity_id)
    try:
        return open_record(container, read_models, caller.customer_id, identity)
    except UnknownIdentity:
        raise NotFound("Identity not found") from None


def open_record(container: Container, read_models: ReadModels, customer_id: UUID, identity: str) -> IdentityRecord:
    """UnknownIdentity when the team has none by that id (the API's and `dregs audit export`'s way)."""
    with read_models.current(TRACKING, SCORING, ALERTING, ACCOUNTS):
        pass
    stores = Stores(container.tracking, container.scoring, container.alerting, container.accounts, StoredEvents())
    return IdentityRecord(stores, RecordIndex(read_models.as_they_are), customer_id, identity)


def _chunks(lines: Iterator[bytes]) -> Iterator[bytes]:
    pending: list[bytes] = []
    size = 0
    try:
        for line in lines:
            pending.append(line)
            size += len(line)
            if size >= CHUNK_BYTES:
                yield b"".join(pending)
                pending, size = [], 0
    except Exception:
        # Cut short, the file has no end line, and `dregs audit verify` says it is truncated.
        log.exception("an audit export stopped before its end")
        raise RuntimeError("the export stopped before its end") from None
    if pending:
        yield b"".join(pending)


class AuditIdentityController(TeamController):
    path = "/api/audit/identities/{identity_id:str}"
    dependencies = {"page": paging(descending=False)}  # noqa: RUF012

    @get("/timeline", sync_to_thread=True, responses=responses(400, 401, 403, 404, 429))
    def timeline(  # noqa: PLR0913 - the identity, its filters and the page
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        read_models: NamedDependency[ReadModels],
        page: NamedDependency[PageRequest],
        identity_id: FromPath[str],
        start: Annotated[
            str | None,
            QueryParameter(
                name="from",
                description="entries at or after this instant (ISO-8601)",
                schema_extra={"format": "date-time"},
            ),
        ] = None,
        end: Annotated[
            str | None,
            QueryParameter(
                name="to", description="entries before this instant (ISO-8601)", schema_extra={"format": "date-time"}
            ),
        ] = None,
        kind: Annotated[str | None, KIND_PARAMETER] = None,
    ) -> PageOut[TimelineEntryOut]:
        """Everything recorded about the identity, oldest first: events received, decisions, badges, escalation
        moves, reviews, the team's edits of it, and the rule, dataset and mapping changes made in its lifetime,
        each with its cause and who did it. Read from the event stores."""
        window = window_of(start, end, kind)
        record = identity_record(container, read_models, caller, identity_id)
        found = record.timeline(window, page.page_number, page.page_size, descending=page.descending)
        return page_out(
            Page([], page.page_number, page.page_size, found.total), [timeline_entry_out(e) for e in found.entries]
        )


class AuditExportController(Controller):
    """Admins only, from a dashboard session (api/access.py): not the server key."""

    path = "/api/audit/identities/{identity_id:str}"
    security = [{SESSION: []}]  # noqa: RUF012

    @get(
        "/export",
        sync_to_thread=True,
        media_type=NDJSON,
        responses=responses(400, 401, 403, 404, 429),
        response_description="JSON lines: a header, every stored event of the identity's record oldest first, "
        "and an end line; each carries the previous line's hash and its own (`dregs audit verify` checks them)",
    )
    def export(
        self,
        caller: NamedDependency[Caller],
        container: NamedDependency[Container],
        read_models: NamedDependency[ReadModels],
        identity_id: FromPath[str],
    ) -> Stream:
        """The identity's whole record as hash-chained JSON lines, for auditors: it holds the identity's personal
        data. Streamed as it is read; a file cut short lacks its end line, which a verification reports."""
        record = identity_record(container, read_models, caller, identity_id)
        return Stream(
            _chunks(export_lines(record)),
            media_type=NDJSON,
            headers={"Content-Disposition": 'attachment; filename="identity-record.ndjson"'},
        )
