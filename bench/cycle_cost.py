"""What one decision costs: a cycle and its rules (DecideNow.decide) run in this process on a populated
PostgreSQL database, counting its statements, its time in each, this thread's CPU and PostgreSQL's.

The database is filled by bench/loadgen.py through the web app and `dregs run projections` (the
--identities identities, --events events), then the processes stop and the read models are analyzed, as the
projections process keeps them (adapters/table_statistics.py): --no-analyze shows what a young database's
stale statistics cost. Every figure is per decision, after --warmup decisions that are not counted.

Example (~30 s):
    .venv/bin/python bench/cycle_cost.py
    .venv/bin/python bench/cycle_cost.py --no-analyze
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import Counter
from typing import Any

import ingest
import psycopg
from decide_latency import add_badge_rules
from layout import layout_parser, parse_layout_args, running_layout


def populate(layout: Any, key: str, args: argparse.Namespace) -> None:
    start = time.monotonic() + 0.5
    end = start + args.events / args.rate
    out = layout.tmp / "populate.json"
    cmd = [
        ingest.PYTHON, str(ingest.BENCH_DIR / "loadgen.py"), "--port", str(layout.server.port), "--clients", "32",
        "--rate", str(args.rate), "--identities", str(args.identities), "--start", repr(start),
        "--measure-from", repr(start), "--end", repr(end), "--prefix", "cc", "--out", str(out),
    ]  # fmt: skip
    subprocess.run(cmd, env=dict(os.environ, BENCH_AUTH=key), check=True)
    ingest.wait_for_projection(layout.db_url, 120)


class Statements:
    """Every statement psycopg sends from this process: how many, and the time until its answer."""

    def __init__(self) -> None:
        self.count: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self._original = psycopg.Cursor.execute
        statements = self

        def execute(cursor: Any, query: Any, *rest: Any, **named: Any) -> Any:
            text = query.as_string(None) if hasattr(query, "as_string") else str(query)
            label = " ".join(text.split())[:100]
            began = time.perf_counter()
            try:
                return statements._original(cursor, query, *rest, **named)
            finally:
                statements.count[label] += 1
                statements.seconds[label] += time.perf_counter() - began

        psycopg.Cursor.execute = execute  # type: ignore[method-assign]

    def clear(self) -> None:
        self.count.clear()
        self.seconds.clear()

    def stop(self) -> None:
        psycopg.Cursor.execute = self._original  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    p = layout_parser(__doc__, duration_help="(unused)", identities_help="identities the database holds (300)")
    p.set_defaults(identities=300, workers=1)
    p.add_argument("--events", type=int, default=1500, help="events loadgen sends first (1500)")
    p.add_argument("--rate", type=float, default=200.0, help="events/s while populating (200)")
    p.add_argument("--decisions", type=int, default=200, help="decisions measured (200)")
    p.add_argument("--warmup", type=int, default=20, help="decisions before the measured ones (20)")
    p.add_argument("--no-analyze", action="store_true", help="measure on the statistics as autovacuum left them")
    p.add_argument("--decide-timeout-ms", type=int, default=500)
    args = parse_layout_args(p, argv)
    from adapters.bootstrap import build_container  # noqa: PLC0415
    from adapters.settings import load_settings  # noqa: PLC0415

    with running_layout(args, "cycle-cost", helpers=()) as layout:
        key = ingest.sign_up(layout.server.base)
        add_badge_rules(layout, key)
        populate(layout, key, args)
        layout.server.stop()
        if not args.no_analyze:
            with psycopg.connect(layout.db_url, autocommit=True) as conn:
                conn.execute("ANALYZE")
        env = dict(layout.env, DATABASE_URL=layout.db_url, DREGS_DATA_DIR=str(layout.tmp / "dregs-data"))
        container = build_container(load_settings(env))
        try:
            customer = container.accounts.credential_for_secret_key(key).customer_id
            with psycopg.connect(layout.db_url) as conn:
                wanted = args.warmup + args.decisions
                ids = [r[0] for r in conn.execute("SELECT identity_id FROM identities LIMIT %s", (wanted,))]
            if len(ids) < wanted:
                sys.exit(f"only {len(ids)} identities: raise --identities or --events")
            statements = Statements()
            for identity in ids[: args.warmup]:
                container.decide_now.decide(customer, identity, 0)
            statements.clear()
            postgres_before, cpu_before, wall_before = ingest.postgres_cpu_s(), time.thread_time(), time.perf_counter()
            for identity in ids[args.warmup :]:
                container.decide_now.decide(customer, identity, 0)
            n = args.decisions
            wall = (time.perf_counter() - wall_before) / n * 1000
            cpu = (time.thread_time() - cpu_before) / n * 1000
            postgres = (ingest.postgres_cpu_s() - postgres_before) / n * 1000
            statements.stop()
        finally:
            container.close()
    statistics = "as autovacuum left them" if args.no_analyze else "analyzed"
    print(f"\n{n} decisions on {args.identities} identities, {args.events} events (statistics {statistics}):")
    print(f"  per decision: wall {wall:.1f} ms, this thread's CPU {cpu:.1f} ms, PostgreSQL's CPU {postgres:.1f} ms")
    print(f"  statements per decision: {sum(statements.count.values()) / n:.1f}")
    print("  per decision   ms  statement")
    for label, count in statements.count.most_common():
        print(f"  {count / n:12.2f} {statements.seconds[label] / n * 1000:5.2f}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
