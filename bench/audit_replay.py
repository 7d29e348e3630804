"""How fast `dregs audit replay` reads, decodes and verifies the Scoring log.

Two phases record the decisions, and the report says how many came from each:

  real       a live Dregs (in this process: the web app, its projections and scoring engine, as `dregs serve`
             runs them) is sent the demo shop's month of traffic through POST /api/events (`dregs demo`'s
             generator, --people), and scores it: every decision of this phase was made by real scoring.
  recorded   to reach --decisions, the Scoring application records more FraudDecisions directly (saved in
             batches, as record_decision builds each one): each with the profile of one of the real decisions,
             evaluated by the running rules with the datasets of the moment; a team dataset entry is put every
             --entry-every decisions, so the log interleaves them as a team's edits do.

Then it times, on the recorded log, each from a cold start of the Scoring application, rounds alternated:
  read + decode   every notification read in pages (--page-size) and each decision and entry change decoded, as
                  the replay reads them (adapters/audit/notification_log.py, application/audit/decoding.py)
  the same        through the library's select_notifications and the application's mapper, as the projections
                  read a log: what the replay's reading is measured against
  verify          the whole replay (application/audit/replay.py): read, decode, evaluate again and compare
and checks that every decision verified. Rates are per second of wall time and per CPU-second of this process (all
its threads; not the database server's): on a machine other jobs share, the second says more.

Example (PostgreSQL, a few minutes; --sqlite for the embedded default):
    .venv/bin/python bench/audit_replay.py --decisions 50000
    .venv/bin/python bench/audit_replay.py --pg-url postgresql://postgres@127.0.0.1:5432/audit_bench  # kept
    .venv/bin/python bench/audit_replay.py --pg-url postgresql://postgres@127.0.0.1:5432/audit_bench --reuse
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import logging
import os
import secrets
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import uvicorn

from adapters.audit.notification_log import notification_log
from adapters.bootstrap import Container
from adapters.privacy.key_store import key_ring_beside
from adapters.rate_limits import RULES
from adapters.scoring.datasets import global_datasets
from adapters.settings import Settings
from application.audit.replay import PAGE_SIZE, DecisionReplayer, Summary
from application.scoring.application import ScoringApplication
from domain.scoring.analyzers import RULES_VERSION
from domain.scoring.datasets import DISPOSABLE_EMAIL_DOMAINS, overlay
from domain.scoring.fraud_decision import FraudDecision, evaluate
from domain.scoring.profile import IdentityProfile


@contextlib.contextmanager
def database(args: argparse.Namespace) -> Iterator[str | None]:
    if args.sqlite:
        yield None
        return
    if args.pg_url:
        with (
            contextlib.suppress(psycopg.errors.DuplicateDatabase),
            psycopg.connect(args.pg_admin_url, autocommit=True) as conn,
        ):
            conn.execute(f'CREATE DATABASE "{args.pg_url.rsplit("/", 1)[1]}"')
        yield args.pg_url
        return
    name = "dregs_bench_audit_" + secrets.token_hex(4)
    with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield args.pg_admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(args.pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def live_dregs(settings: Settings) -> Iterator[tuple[str, Container]]:
    """The web app with its runners, as `dregs serve` runs it, in a thread of this process."""
    from api.app import create_app

    app: Any = create_app(settings)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("Dregs did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app.app.state.container
    finally:
        server.should_exit = True
        thread.join(30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def real_phase(base_url: str, people: int) -> tuple[float, int]:
    from api.demo.seed import seed

    began = time.monotonic()
    made = seed(base_url, f"audit-{secrets.token_hex(4)}@example.com", people=people, timeout=900)
    return time.monotonic() - began, made.events


def recorded_phase(container: Container, total: int, entry_every: int, batch: int) -> int:
    """Decisions recorded by the Scoring application from the real ones' profiles, up to `total`; how many."""
    scoring = container.scoring
    real = list(decisions_in(scoring))
    if not real:
        raise RuntimeError("real scoring recorded no decision")
    customer = real[0].customer_id
    profiles = [IdentityProfile.from_dict(e.profile) for e in real]
    cycle = max(e.cycle_id for e in real)
    base = global_datasets()
    team_version, entries = "c0", {}
    made = 0
    while len(real) + made < total:
        if made % entry_every == 0:
            domain = f"throwaway-{made}.example"
            scoring.put_dataset_entry(customer, DISPOSABLE_EMAIL_DOMAINS, domain, None)
            team_version = f"c{scoring.recorder.max_notification_id()}"
            entries = {DISPOSABLE_EMAIL_DOMAINS: entries.get(DISPOSABLE_EMAIL_DOMAINS, frozenset()) | {domain}}
        datasets = overlay(base, entries, team_version)
        now = datetime.now(UTC)
        aggregates = []
        for _ in range(min(batch, total - len(real) - made, entry_every - made % entry_every)):
            profile = profiles[made % len(profiles)]
            cycle += 1
            evaluation = evaluate(profile, datasets)
            aggregates.append(
                FraudDecision.from_evaluation(
                    customer,
                    cycle,
                    profile,
                    evaluation,
                    started_at=now,
                    finished_at=now,
                    inputs_position=0,
                    rules_version=RULES_VERSION,
                    datasets_version=datasets.version,
                    mappings_version="m0",
                )
            )
            made += 1
        scoring.save(*aggregates)
        print(f"\r  recorded {made:,} decisions", end="", flush=True)
    print()
    return made


def decisions_in(scoring: ScoringApplication) -> Iterator[Any]:
    start = 0
    while page := scoring.recorder.select_notifications(start + 1, 1000):
        for n in page:
            event = scoring.mapper.to_domain_event(n)
            if isinstance(event, FraudDecision.Decided):
                yield event
        start = page[-1].id


@dataclasses.dataclass
class Timed:
    events: int
    decoded: int
    seconds: float
    cpu_seconds: float  # this process's, all threads (not the database server's)
    replayed: int = 0


def timed(run: Callable[..., Summary], *args: Any) -> tuple[Timed, Summary]:
    began, cpu = time.perf_counter(), time.process_time()
    s = run(*args)
    elapsed = Timed(s.events_read, s.events_decoded, time.perf_counter() - began, time.process_time() - cpu)
    elapsed.replayed = s.replayed
    return elapsed, s


def read_and_decode(replayer: DecisionReplayer) -> Summary:
    """Every notification read in pages, each decision and entry change decoded, as the replay reads them."""
    summary = Summary(head=replayer.head())
    for _ in replayer.events(summary):
        pass
    return summary


def read_and_map(scoring: ScoringApplication, page_size: int) -> Summary:
    """The same, each decoded by the application's mapper: what the replay's decoder is measured against."""
    summary = Summary(head=scoring.recorder.max_notification_id() or 0)
    start = 0
    while page := scoring.recorder.select_notifications(start + 1, page_size, stop=summary.head):
        for n in page:
            scoring.mapper.to_domain_event(n)
        summary.events_read += len(page)
        summary.events_decoded += len(page)
        start = page[-1].id
    return summary


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--decisions", type=int, default=50_000, help="decisions in the log (default 50,000)")
    p.add_argument("--people", type=int, default=90, help="the demo's genuine users in the real phase (90)")
    p.add_argument("--entry-every", type=int, default=5000, help="recorded decisions between entry changes")
    p.add_argument("--batch", type=int, default=500, help="decisions saved per transaction in the recorded phase")
    p.add_argument("--page-size", type=int, default=PAGE_SIZE)
    p.add_argument("--rounds", type=int, default=3, help="timed rounds of each measure (median shown)")
    p.add_argument("--sqlite", action="store_true", help="the embedded default instead of PostgreSQL")
    p.add_argument(
        "--pg-admin-url", default=os.environ.get("DREGS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    p.add_argument("--data-dir", help="keep the embedded store here (with --sqlite), to measure it again")
    p.add_argument("--reuse", action="store_true", help="measure the store of --data-dir (or --pg-url) again")
    p.add_argument("--pg-url", help="keep the PostgreSQL database of this URL (made if missing), to measure it again")
    args = p.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with database(args) as db_url, tempfile.TemporaryDirectory(prefix="dregs-bench-audit-") as temporary:
        data_dir = args.data_dir or temporary
        settings = Settings(
            database_url=db_url,
            redis_url=None,
            data_dir=Path(data_dir),
            host="127.0.0.1",
            port=0,
            jwt_secret=secrets.token_urlsafe(48),
            key_hash_secret=secrets.token_urlsafe(48),
            rate_limits=dict.fromkeys(RULES, "off"),
        )
        if args.reuse:
            measure(settings, args)
            return 0
        print(f"Dregs on {'SQLite' if args.sqlite else 'PostgreSQL'}; the real phase: the demo shop's traffic")
        with live_dregs(settings) as (base_url, container):
            seconds, events = real_phase(base_url, args.people)
            real = sum(1 for _ in decisions_in(container.scoring))
            print(f"  {events:,} events sent through POST /api/events, {real:,} decisions scored in {seconds:.0f} s")
            recorded = recorded_phase(container, args.decisions, args.entry_every, args.batch)
        print(f"log: {real:,} decisions from real scoring + {recorded:,} recorded from their profiles\n")
        measure(settings, args)
    return 0


def measure(settings: Settings, args: argparse.Namespace) -> None:
    """Each measure from a cold start of the Scoring application (its own connection), rounds alternated; the
    median round of each is shown."""
    from adapters.bootstrap import _env  # noqa: PLC2701 - the same store settings as the server's

    measures = {
        "read + decode, as the replay does it": "read",
        "read + decode, the library's select_notifications and the application's mapper": "mapper",
        "full verify (read, decode, evaluate again, compare)": "verify",
    }
    shipped = global_datasets()
    found: dict[str, list[Timed]] = {name: [] for name in measures}
    unfinished: list[Any] = []
    for _ in range(args.rounds):
        for name, what in measures.items():
            scoring = ScoringApplication(env := _env(settings, "scoring"), key_ring=key_ring_beside(env))
            log = notification_log(scoring.recorder)
            alone = DecisionReplayer(log, scoring.mapper, shipped, page_size=args.page_size)
            try:
                if what == "mapper":
                    elapsed, _ = timed(read_and_map, scoring, args.page_size)
                elif what == "read":
                    elapsed, _ = timed(read_and_decode, alone)
                else:
                    elapsed, summary = timed(alone.run)
                    unfinished += summary.unfinished
                found[name].append(elapsed)
            finally:
                scoring.close()
    print(f"page size {args.page_size}, median of {args.rounds} rounds; events: notifications read from the log; CPU: "
          "this process's (not the database server's)\n")  # fmt: skip
    print("| measure | events/s | per CPU-second | decisions/s |\n| --- | --- | --- | --- |")
    for name, rounds in found.items():
        t = sorted(rounds, key=lambda t: t.seconds)[len(rounds) // 2]
        decisions = f"{t.replayed / t.seconds:,.0f}" if t.replayed else ""
        print(f"| {name} | {t.events / t.seconds:,.0f} | {t.events / t.cpu_seconds:,.0f} | {decisions} |")
    for problem in unfinished[:5]:
        print(
            f"  {problem.outcome} {problem.decision.identity} cycle {problem.decision.cycle_id}: "
            f"{problem.reason or [str(d) for d in problem.differences]}"
        )
    if unfinished:
        raise SystemExit(f"{len(unfinished)} replays did not verify")
    print("\nevery decision verified")


if __name__ == "__main__":
    sys.exit(main())
