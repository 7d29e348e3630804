"""Verified replay over the Scoring application's log: every recorded FraudDecision run again from its recorded
inputs (domain/audit/replay.py), with each team's own dataset entries as they stood at the decision's team
datasets version, rebuilt from the DatasetEntry changes of the same log as it is read.

The log is read in order, a page at a time, straight from the recorder (as the projections read it), up to its
head when the run began, so a live deployment's new decisions do not make it endless. Only the events a replay
needs are decoded: decisions and dataset entry changes; reviews are counted as read and left undecoded."""

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import Mapper
from eventsourcing.utils import resolve_topic

from application.audit.decoding import FastDecoder, PageScan
from domain.audit.replay import Outcome, RecordedDecision, Replay, replay
from domain.audit.team_datasets import ReplayDatasets, TeamDatasetsHistory
from domain.scoring.dataset_entry import DatasetEntry
from domain.scoring.datasets import Datasets
from domain.scoring.fraud_decision import FraudDecision

PAGE_SIZE = 5000  # notifications a page: 5,000 read faster than 1,000 on PostgreSQL (bench/audit_replay.py)


class Notification(Protocol):
    id: int
    topic: str
    state: bytes


class NotificationLog(Protocol):
    """The Scoring application's recorder."""

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None) -> Sequence[Any]: ...

    def max_notification_id(self) -> int | None: ...


@dataclass(frozen=True)
class Unreadable:
    """A decision or dataset entry change the mapper cannot decode: nothing about it can be verified, and the
    team's datasets after an unreadable change may not be what its decisions saw."""

    position: int
    topic: str
    error: str

    def __str__(self) -> str:
        return f"notification {self.position} ({self.topic}) cannot be decoded: {self.error}"


@dataclass
class Summary:
    verified: int = 0
    diverged: int = 0
    not_replayable: int = 0
    erased: int = 0  # decisions about identities erased since: their inputs are unreadable by design
    events_read: int = 0  # notifications read from the log
    events_decoded: int = 0  # of which decoded (decisions and dataset entry changes)
    seconds: float = 0.0
    position: int = 0  # the log position read up to
    head: int = 0  # the log's head when the run began
    unfinished: list[Replay] = field(default_factory=list)  # diverged and not replayable ones, in log order
    unreadable: list[Unreadable] = field(default_factory=list)  # counted as not replayable

    def count(self, found: Replay) -> None:
        if found.outcome is Outcome.VERIFIED:
            self.verified += 1
            return
        if found.outcome is Outcome.ERASED:
            self.erased += 1
            return
        if found.outcome is Outcome.DIVERGED:
            self.diverged += 1
        else:
            self.not_replayable += 1
        self.unfinished.append(found)

    @property
    def replayed(self) -> int:
        return self.verified + self.diverged + self.not_replayable + self.erased

    @property
    def events_per_second(self) -> float:
        return self.events_read / self.seconds if self.seconds > 0 else 0.0


_DECIDED, _PUT, _REMOVED = FraudDecision.Decided, DatasetEntry.Put, DatasetEntry.Removed
_NEEDED = (_DECIDED, _PUT, _REMOVED)


class DecisionReplayer:
    def __init__(
        self,
        log: NotificationLog,
        mapper: Mapper[Any],
        shipped: Datasets,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        """`log` and `mapper`: the Scoring application's recorder and mapper; `shipped`: this installation's GLOBAL
        datasets."""
        self.log = log
        self.decode = FastDecoder(mapper)
        self.shipped = shipped
        self.page_size = page_size
        self._needed: dict[str, bool] = {}  # topic → whether a replay decodes it

    def head(self) -> int:
        return self.log.max_notification_id() or 0

    def run(
        self,
        *,
        team: UUID | None = None,
        since: datetime | None = None,
        limit: int | None = None,
        found: Callable[[Replay | Unreadable], None] = lambda _: None,
        progress: Callable[[Summary], None] = lambda _: None,
    ) -> Summary:
        """Replay the decisions of `team` (all teams: None) that finished at or after `since`, the first `limit`
        of them; `found` is told of each, `progress` after each page."""
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        summary = Summary(head=self.head())
        began = time.perf_counter()
        history = TeamDatasetsHistory()
        datasets = ReplayDatasets(self.shipped, history)
        for position, event in self.events(summary, lambda: progress(summary), began):
            if isinstance(event, Unreadable):
                # Whose it is cannot be told either: reported whatever the filters.
                summary.not_replayable += 1
                summary.unreadable.append(event)
                found(event)
            elif isinstance(event, _DECIDED):
                if (team is not None and event.customer_id != team) or (
                    since is not None and event.finished_at < since
                ):
                    continue
                result = replay(RecordedDecision.of(event), datasets)
                summary.count(result)
                found(result)
                if limit is not None and summary.replayed >= limit:
                    break
            else:
                history.apply(position, event.customer_id, event.slug, event.key, present=isinstance(event, _PUT))
        summary.seconds = time.perf_counter() - began
        progress(summary)
        return summary

    def events(
        self, summary: Summary, paged: Callable[[], None] = lambda: None, began: float | None = None
    ) -> Iterator[tuple[int, Any]]:
        """(position, event) of each decision and dataset entry change up to `summary.head`, in log order; the
        summary counts what was read and decoded, and `paged` is called after each page. An event that cannot be
        decoded comes as Unreadable."""
        began = time.perf_counter() if began is None else began

        def page_after(position: int) -> tuple[Sequence[Any], list[bool], list[Any], PageScan]:
            page = self.log.select_notifications(position + 1, self.page_size, stop=summary.head)
            needed = [self._is_needed(n.topic) for n in page]
            wanted = [n for n, is_needed in zip(page, needed, strict=True) if is_needed]
            return page, needed, wanted, self.decode.scan(wanted)

        # One page read ahead, in a thread, with its keys, while this one is decoded and replayed: the database's
        # time to find and send a page and its keys (and the driver's, which mostly waits) is then hidden behind
        # the decoding.
        with ThreadPoolExecutor(1, thread_name_prefix="dregs-replay-read") as reader:
            ahead = reader.submit(page_after, 0) if summary.head > 0 else None
            while ahead is not None:
                page, needed, wanted_page, scan = ahead.result()
                if not page:
                    break
                last = page[-1].id
                ahead = reader.submit(page_after, last) if last < summary.head else None
                decoded = self.decode.page(wanted_page, scan)
                for notification, wanted in zip(page, needed, strict=True):
                    summary.events_read += 1
                    summary.position = notification.id
                    if wanted:
                        event = next(decoded)
                        summary.events_decoded += 1
                        if isinstance(event, Exception):  # whatever the mapper raised: the event is unreadable
                            event = Unreadable(notification.id, notification.topic, str(event))
                        yield notification.id, event
                summary.seconds = time.perf_counter() - began
                paged()

    def _is_needed(self, topic: str) -> bool:
        needed = self._needed.get(topic)
        if needed is None:
            # Resolved as the mapper resolves it (renamed topics included), so a decision stored under an older
            # name of its class is replayed too, never skipped for its name.
            needed = self._needed[topic] = resolve_topic(topic) in _NEEDED
        return needed
