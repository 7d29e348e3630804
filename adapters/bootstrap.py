"""The composition root: builds the applications, the read-model database, the
projection runners and the ingestion writer for the configured mode."""

import contextlib
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import Engine

from adapters.account_mail import AccountMail
from adapters.alerting.delivery_limits import DeliveryRateLimits
from adapters.alerting.http_sender import HttpSender
from adapters.alerting.mailer import Mailer
from adapters.alerting.queue import ArqQueue, InProcessQueue
from adapters.alerting.secret_box import FernetSecretBox
from adapters.alerting.senders import ChannelSenders, MailAdminNotice
from adapters.credential_usage import CredentialUsage
from adapters.eventstore import StoredIds, postgres_env, sqlite_env
from adapters.log_follower import LogFollower
from adapters.privacy.key_store import SqlKeyRing, key_store_engine
from adapters.rate_limits import RateLimits, parse_rules
from adapters.scoring.datasets import global_datasets
from adapters.settings import Settings
from adapters.startup import when_ready
from adapters.table_statistics import TableStatistics
from adapters.tracking.allowances import ReadModelAllowances
from adapters.tracking.device_facts import DeviceFacts
from adapters.views_db import drop_views, retrying_conflicts, views_engine
from adapters.wakeups import Wakeups
from application.accounts.application import AccountsApplication
from application.alerting.application import AlertingApplication
from application.alerting.decide_now import DecideNow
from application.alerting.deliveries import Deliveries
from application.alerting.evaluator import Evaluator
from application.alerting.policies import DecisionPolicy, DelayTimer, RuleChangePolicy
from application.alerting.ports import DeliveryQueue
from application.alerting.rulebook import RuleBook
from application.ports import DeviceFactsPort
from application.privacy.erasure import Erasure
from application.privacy.key_ring import CachedKeyRing
from application.privacy.retention import Retained, Retention
from application.scoring.application import ScoringApplication
from application.scoring.engine import ScoringEngine
from application.team.limits import limits_of
from application.tracking.application import TrackingApplication
from application.tracking.group_commit import GroupCommitter
from application.tracking.ingestion import Ingestion
from application.tracking.quota import EventQuota
from projections.accounts.projection import AccountsProjection
from projections.alerting.projection import AlertingProjection
from projections.alerting.queries.sightings import Sightings
from projections.privacy.purge import forget_deleted_pages
from projections.read_models import TRACKING, ReadModels
from projections.runner import ProjectionRunner
from projections.schema import metadata
from projections.scoring.projection import ScoringProjection
from projections.scoring.queries.scoring_queue import ScoringQueue
from projections.team.queries.limits import retention_limits
from projections.tracking.projection import TrackingProjection
from projections.wakeups import PROJECTION_APPLIED, PROJECTION_WANTED, SCORING_WANTED

FOLLOWER_POLL_SECONDS = 0.25  # alerting's log followers (see Container.__post_init__)


def _env(settings: Settings, app_name: str) -> dict[str, str]:
    if settings.database_url:
        return postgres_env(settings.database_url, settings.db_pool_size)
    return sqlite_env(settings.data_dir, app_name)


@dataclass
class Container:
    settings: Settings
    accounts: AccountsApplication
    tracking: TrackingApplication
    views: Engine
    scoring: ScoringApplication
    alerting: AlertingApplication
    accounts_runner: ProjectionRunner
    tracking_runner: ProjectionRunner
    scoring_runner: ProjectionRunner
    alerting_runner: ProjectionRunner
    engine: ScoringEngine
    rate_limits: RateLimits
    secret_box: FernetSecretBox
    key_ring: CachedKeyRing  # the identities' data keys (adapters/privacy/key_store.py)
    key_engine: Engine
    devices: DeviceFactsPort = field(default_factory=DeviceFacts)
    # Hands recorded deliveries to the workers (adapters/alerting/): arq on Redis, or in-process when embedded.
    delivery_queue: DeliveryQueue | None = None
    # One try at one delivery (application/alerting/deliveries.py): what every queue's workers run.
    deliveries: Deliveries | None = None
    account_mail: AccountMail | None = None  # the emails with an invitation's or a password reset's link
    writer: GroupCommitter | None = None  # started by start(): one group-commit writer per process
    ingestion: Ingestion | None = None
    runners_started: bool = False
    engine_started: bool = False
    alerting_started: bool = False
    evaluator: Evaluator = field(init=False)
    alerting_followers: list[LogFollower] = field(init=False)
    delay_timer: DelayTimer = field(init=False)
    decide_now: DecideNow = field(init=False)
    credential_usage: CredentialUsage = field(init=False)
    delivery_queue_started: bool = False
    _closed: bool = field(default=False, repr=False)
    _runner_named: dict[str, ProjectionRunner] = field(init=False, repr=False)
    read_models: ReadModels = field(init=False)
    erasure: Erasure = field(init=False)
    retention: Retention = field(init=False)  # the daily job, run beside scoring (start_engine)
    table_statistics: TableStatistics = field(init=False)
    projection_wakeups: Wakeups = field(init=False)
    scoring_wakeups: Wakeups = field(init=False)
    applied_wakeups: Wakeups = field(init=False)
    applied_wakeups_started: bool = False

    def __post_init__(self) -> None:
        self._runner_named = {runner.name: runner for runner in self.runners}
        self.read_models = ReadModels(self.views, self._runner_named, self.settings.read_consistency_timeout)
        self.erasure = Erasure(self.tracking, self.key_ring)
        self.retention = Retention(
            self.tracking, self.key_ring, self._retention_limits, applied=self._retention_applied
        )
        self.table_statistics = TableStatistics(self.views, metadata.tables)
        self.credential_usage = CredentialUsage(self.views)
        # The process that runs the projections hears the readers that wait for them and every append to the logs.
        self.projection_wakeups = Wakeups(
            self.views,
            {PROJECTION_WANTED: self._wake_runner, **self._appends()},
            connected=lambda: [runner.appended() for runner in self.runners],
        )
        self.scoring_wakeups = Wakeups(self.views, {SCORING_WANTED: lambda _: self.engine.sign_up_due()})
        self.applied_wakeups = Wakeups(self.views, {PROJECTION_APPLIED: self._projection_applied})
        self.evaluator = Evaluator(self.alerting, RuleBook(self.alerting), self.working_delivery_queue)
        sightings = Sightings(self.views)
        # Alerting acts on what happens from the moment it first runs: these follow the logs from their
        # heads then, with positions kept apart from the read models (adapters/log_follower.py).
        # They poll slowly: a decision this process records wakes its follower at once (the engine tells it), and
        # one recorded in the web (a decision inside a request) was evaluated there already; a rule change may
        # take a poll to be applied. Polling every 25 ms, they made over half of an idle deployment's
        # statements (the scoring process's 376 a second, now 67).
        decisions = LogFollower(
            self.views,
            DecisionPolicy(self.evaluator),
            self.scoring.recorder,
            self.scoring.mapper.to_domain_event,
            poll_interval=FOLLOWER_POLL_SECONDS,
        )
        self.engine.recorded = decisions.wake
        self.alerting_followers = [
            decisions,
            LogFollower(
                self.views,
                RuleChangePolicy(self.evaluator, sightings),
                self.alerting.recorder,
                self.alerting.mapper.to_domain_event,
                poll_interval=FOLLOWER_POLL_SECONDS,
            ),
        ]
        self.delay_timer = DelayTimer(self.evaluator, sightings)
        self.decide_now = DecideNow(
            lambda position: self.read_models.advance_to("tracking", position), self.engine, self.evaluator
        )

    def _appends(self) -> dict[str, Callable[[str], object]]:
        """The event store's channel of each log (its NOTIFY on every insert, PostgreSQL only) → its runner."""
        appends: dict[str, Callable[[str], object]] = {}
        for runner in self.runners:
            if channel := getattr(runner.source, "channel_name", None):
                appends[channel] = lambda _, runner=runner: runner.appended()
                runner.appends_heard = lambda: self.projection_wakeups.listening
        return appends

    def _wake_runner(self, log: str) -> None:
        if runner := self._runner_named.get(log):
            runner.wake()

    def _projection_applied(self, payload: str) -> None:
        log, _, position = payload.partition(" ")
        if runner := self._runner_named.get(log):
            runner.observe(int(position))

    @property
    def runners(self) -> list[ProjectionRunner]:
        # Rebuilt in this order: scoring settles the queue rows the tracking projection creates.
        return [self.accounts_runner, self.tracking_runner, self.scoring_runner, self.alerting_runner]

    def start(self, *, run_projections: bool) -> None:
        """Start the ingestion writer and, unless other processes run them, the projections and scoring."""
        self.writer = GroupCommitter(
            self.tracking, StoredIds(self.tracking), linger=self.settings.ingest_linger_seconds
        )
        self.ingestion = Ingestion(self.writer, self.devices, EventQuota(ReadModelAllowances(self.views)))
        if isinstance(self.delivery_queue, InProcessQueue):
            # Without Redis this process tries the deliveries itself (with Redis, `dregs run worker` does).
            self.delivery_queue.start()
            self.delivery_queue_started = True
        if run_projections:
            self.start_runners()
            self.start_engine()
            self.start_alerting()
        elif self.applied_wakeups.applies:
            # Another process applies the logs: this one's reads wait for its commits, and hear of each.
            for runner in self.runners:
                runner.heard = lambda: self.applied_wakeups.listening
            self.applied_wakeups.start()
            self.applied_wakeups_started = True

    def working_delivery_queue(self) -> DeliveryQueue | None:
        """Where a new delivery is handed over at once: Redis, or this process's own queue if it runs. Else
        (a scoring process without Redis) the web process's sweep finds it in the database."""
        if isinstance(self.delivery_queue, ArqQueue) or self.delivery_queue_started:
            return self.delivery_queue
        return None

    def start_runners(self) -> None:
        for runner in self.runners:
            runner.start()
        # The process that fills the read models keeps their planner statistics up with their growth,
        # and applies a log at once when a reader in another process asks (a decision inside a request).
        self.table_statistics.start()
        self.projection_wakeups.start()
        self.runners_started = True

    def start_engine(self) -> None:
        self.engine.start()
        self.scoring_wakeups.start()
        self.retention.start()
        self.engine_started = True

    def _retention_limits(self) -> list[tuple[UUID, int]]:
        with self.views.connect() as conn:
            return retention_limits(conn)

    def _retention_applied(self, _: list[Retained]) -> None:
        self.purged_through(self.tracking.recorder.max_notification_id() or 0)

    def purged_through(self, position: int) -> None:
        """Returns once the read models have purged what the Tracking log recorded up to `position` (an erasure, a
        retention cut): the purge is the Tracking projection's; on the embedded default the write-ahead log is then
        emptied of the purged rows' old bytes."""
        self.read_models.reach(TRACKING, position)
        forget_deleted_pages(self.views)

    def start_alerting(self) -> None:
        """Evaluate rules after each cycle, on rule changes and when delays run out."""
        for follower in self.alerting_followers:
            follower.start()
        self.delay_timer.start()
        self.alerting_started = True

    def rebuild_read_models(self) -> dict[str, int]:
        """Drop every read model and project the event logs again from the first event."""
        drop_views(self.views, [runner.name for runner in self.runners])
        positions = {}
        for runner in self.runners:
            fresh = ProjectionRunner(self.views, runner.projection, runner.source, runner.decode)
            # A projection process running beside follows the same logs: each batch goes to whichever
            # runner moves the position first. A deadlock with another projection's writes aborts one
            # batch, and the retry goes on from the last committed one.
            retrying_conflicts(fresh.catch_up, attempts=20)
            positions[runner.name] = fresh.position()
        return positions

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.writer:
            self.writer.close()
        if self.engine_started:
            self.retention.stop()
            self.scoring_wakeups.stop()
            self.engine.stop()
        if self.alerting_started:
            self.delay_timer.stop()
            for follower in self.alerting_followers:
                follower.stop()
        if self.delivery_queue_started and isinstance(self.delivery_queue, InProcessQueue):
            self.delivery_queue.stop()
        if isinstance(self.delivery_queue, ArqQueue):
            self.delivery_queue.close()
        if self.applied_wakeups_started:
            self.applied_wakeups.stop()
        if self.runners_started:
            self.table_statistics.stop()
            self.projection_wakeups.stop()
            for runner in self.runners:
                runner.stop()
        self.credential_usage.close()
        self.accounts.close()
        self.tracking.close()
        self.scoring.close()
        self.alerting.close()
        self.views.dispose()
        self.key_engine.dispose()


def start_container(settings: Settings, *, redis_needed: bool = False) -> Container:
    """build_container, once PostgreSQL (and Redis, when this process uses it) answer: see adapters/startup.py."""
    return when_ready(settings, lambda: build_container(settings), redis_needed=redis_needed)


def build_container(settings: Settings) -> Container:
    # A failure half-way (the database refusing connections) must not leave the first pools open:
    # start_container tries again, and each try would keep more connections.
    with contextlib.ExitStack() as built:
        views = views_engine(settings.database_url, settings.data_dir, settings.db_pool_size)
        built.callback(views.dispose)
        key_engine = key_store_engine(settings)
        built.callback(key_engine.dispose)
        key_ring = CachedKeyRing(SqlKeyRing(key_engine))
        accounts = AccountsApplication(_env(settings, "accounts"), key_hash_secret=settings.key_hash_secret.encode())
        built.callback(accounts.close)
        tracking = TrackingApplication(_env(settings, "tracking"), key_ring=key_ring)
        built.callback(tracking.close)
        scoring = ScoringApplication(_env(settings, "scoring"), key_ring=key_ring)
        built.callback(scoring.close)
        alerting = AlertingApplication(_env(settings, "alerting"), key_ring=key_ring)
        built.callback(alerting.close)
        alerting.team_limits = functools.partial(limits_of, accounts)
        container = _assemble(settings, accounts, tracking, scoring, alerting, views, (key_ring, key_engine))
        built.pop_all()
    return container


def _assemble(
    settings: Settings,
    accounts: AccountsApplication,
    tracking: TrackingApplication,
    scoring: ScoringApplication,
    alerting: AlertingApplication,
    views: Engine,
    keys: tuple[CachedKeyRing, Engine],
) -> Container:
    coalesce_micros = int(settings.scoring_coalesce_seconds * 1_000_000)
    container = Container(
        settings=settings,
        accounts=accounts,
        tracking=tracking,
        scoring=scoring,
        alerting=alerting,
        views=views,
        accounts_runner=ProjectionRunner(
            views, AccountsProjection(), accounts.recorder, accounts.mapper.to_domain_event
        ),
        tracking_runner=ProjectionRunner(
            views,
            TrackingProjection(coalesce_micros, new_identities_at_once=settings.scoring_new_identities_at_once),
            tracking.recorder,
            tracking.mapper.to_domain_event,
        ),
        scoring_runner=ProjectionRunner(views, ScoringProjection(), scoring.recorder, scoring.mapper.to_domain_event),
        alerting_runner=ProjectionRunner(
            views, AlertingProjection(), alerting.recorder, alerting.mapper.to_domain_event
        ),
        engine=ScoringEngine(
            scoring,
            ScoringQueue(views),
            global_datasets,
            coalesce_seconds=settings.scoring_coalesce_seconds,
            sweep_seconds=settings.scoring_sweep_seconds,
            # No more at once than the process's pools have connections for.
            concurrency=min(settings.scoring_concurrency, settings.db_pool_size),
            duty=settings.scoring_duty,
        ),
        rate_limits=RateLimits(
            parse_rules(settings.rate_limits), settings.redis_url, key_prefix=settings.redis_key_prefix
        ),
        secret_box=FernetSecretBox(settings.key_hash_secret),
        key_ring=keys[0],
        key_engine=keys[1],
    )
    _wire_deliveries(container)
    return container


def _wire_deliveries(container: Container) -> None:
    settings = container.settings
    mailer = Mailer(settings.smtp_url, settings.data_dir, settings.sender_address)
    # One counter of the team's emails, for its channels' and its people's: one instance, so the memory store
    # of the embedded default is shared as Redis is.
    limits = DeliveryRateLimits(parse_rules(settings.rate_limits), settings.redis_url, settings.redis_key_prefix)
    container.account_mail = AccountMail(mailer, settings.base_url, limits)
    senders = ChannelSenders(
        HttpSender(allow_private_networks=settings.webhooks_allow_private_networks),
        mailer,
        container.secret_box,
        settings.base_url,
    )
    container.deliveries = Deliveries(
        container.alerting, senders, limits, MailAdminNotice(container.views, mailer, settings.base_url)
    )
    if settings.redis_url:
        container.delivery_queue = ArqQueue(settings.redis_url, settings.redis_key_prefix)
    else:
        # As many threads as a worker process tries deliveries at once: a receiver that takes its 15 s to
        # answer holds one of them.
        container.delivery_queue = InProcessQueue(
            container.deliveries,
            container.views,
            workers=settings.delivery_concurrency,
            sweep_seconds=settings.delivery_sweep_seconds,
        )
