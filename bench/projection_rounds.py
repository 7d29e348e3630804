"""What one round of the tracking projection costs, by the size of its batch.

A projection's round (projections/runner.py) reads its log from where it left off, applies the batch to the
read models and moves its position, in one transaction. Part of its cost is the same whatever the batch
holds (the statements of a round, their round trips): that part decides how much CPU a projection spends an
event when events trickle in (a decision inside a request asks for a round of its own), and why a runner told
of new events still waits 25 ms after its last round before the next.

On a fresh PostgreSQL database, in one process: a writer (the web's group commit) stores batches of N events
(bench/loadgen.py's body: logins of --identities known identities, each event with an email of its own, so
each brings new graph keys), and the tracking
projection's runner applies each batch in one round. Prints, for each N, the median CPU time of the round's
thread (time.thread_time: what the round costs this machine, not the waits for PostgreSQL), its wall time,
and the CPU per event. The first rounds of each size are not measured (statement caches warm up).

Example (~30 s):
    .venv/bin/python bench/projection_rounds.py
    .venv/bin/python bench/projection_rounds.py --sizes 1 10 100 --rounds 50
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
from datetime import UTC, datetime

import ingest

WARMUP_ROUNDS = 5


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100], help="events a batch")
    p.add_argument("--rounds", type=int, default=40, help="measured rounds of each size")
    p.add_argument("--identities", type=int, default=200, help="identities the events belong to")
    p.add_argument(
        "--pg-admin-url", default=os.environ.get("DREGS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = p.parse_args()
    from adapters.bootstrap import build_container  # noqa: PLC0415
    from adapters.settings import load_settings  # noqa: PLC0415
    from domain.tracking.event_request import EventInput, build_tracked_event  # noqa: PLC0415

    with ingest.bench_database(args.pg_admin_url, keep=False) as url, tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {
                "DATABASE_URL": url,
                "DREGS_DATA_DIR": tmp,
                "DREGS_JWT_SECRET": secrets.token_urlsafe(48),
                "DREGS_KEY_HASH_SECRET": secrets.token_urlsafe(48),
            }
        )
        web = build_container(settings)
        web.start(run_projections=False)
        projections = build_container(settings)
        try:
            _, team = web.accounts.sign_up(f"b-{secrets.token_hex(4)}@example.com", "correct horse battery", "B", "T")
            runner = projections.tracking_runner
            for each in projections.runners:
                each.catch_up()
            sent = 0

            def store(count: int) -> None:
                nonlocal sent
                for _ in range(count):
                    n, sent = sent, sent + 1
                    who = f"user_{n % args.identities}"
                    event = build_tracked_event(
                        team.id,
                        EventInput(
                            type="user.login", id=f"r-{n}", data={"plan": "pro"}, identity_id=who,
                            identity_data={"email": f"u{n}@example.com"}, source="bench",
                        ),
                        now=datetime.now(UTC), credential_id=None, identity_required=True,
                    )  # fmt: skip
                    web.writer.submit(event).result(10)

            # Every identity exists, as after the first minutes of traffic.
            for start in range(0, args.identities, 100):
                store(min(100, args.identities - start))
                runner.catch_up()
            # As the projections process keeps them (adapters/table_statistics.py): plans from an empty
            # table's statistics would measure the planner, not the round.
            with web.views.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
            print(
                f"{os.cpu_count()} CPUs; tracking projection, {args.identities} identities, {args.rounds} rounds a size"
            )
            print(f"{'batch':>6} {'cpu ms/round':>13} {'wall ms/round':>14} {'cpu ms/event':>13}")
            for size in args.sizes:
                cpu, wall = [], []
                for i in range(WARMUP_ROUNDS + args.rounds):
                    store(size)
                    c0, w0 = time.thread_time(), time.perf_counter()
                    applied = runner.run_once()
                    c1, w1 = time.thread_time(), time.perf_counter()
                    assert applied == size, (applied, size)
                    if i >= WARMUP_ROUNDS:
                        cpu.append((c1 - c0) * 1000)
                        wall.append((w1 - w0) * 1000)
                c, w = statistics.median(cpu), statistics.median(wall)
                print(f"{size:>6} {c:>13.2f} {w:>14.2f} {c / size:>13.3f}")
        finally:
            projections.close()
            web.close()


if __name__ == "__main__":
    main()
